/**
 * Idempotency on orderId as deployed: a resend after the run closed is the same workflow and the same 202
 * (and changed content is still a 409); once the closed run is gone from Temporal (namespace retention,
 * simulated by deleting the executions through the operator service), the order ID is free again and a
 * resend starts a new onboarding, which is what docs/operations.md says. The retention it names is the one
 * docker-compose.yml creates the namespace with.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { listenIntake, type RunningIntake } from './helpers/intake';
import { eventually, integration, type RunningWorker } from './helpers/integration';

const TOKEN = `resend-token-${process.pid}-0123456789`;
const ROOT = join(__dirname, '..');

describe('docs/operations.md and docker-compose agree on how long a resend is recognised', () => {
  it('docs/operations.md names the retention docker-compose.yml creates the namespace with', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const hours = Number(/namespace create --namespace default --retention (\d+)h/.exec(compose)?.[1]);
    assert.ok(hours > 0, 'docker-compose.yml creates the namespace with a retention in hours');
    const days = hours / 24;
    assert.match(doc, new RegExp(`recognised for ${days} days after the onboarding closed`));
    assert.ok(days >= 7, 'a resend a week later is recognised');
  });
});

describe('a resend of the same order after the run closed, and after retention', () => {
  let h: Awaited<ReturnType<typeof integration>>;
  let g: GoogleFixture;
  let w: RunningWorker;
  let intake: RunningIntake;
  let base: string;

  before(async () => {
    h = await integration();
    g = await googleFixture();
    w = await h.worker(g.activities, 'resend');
    intake = await listenIntake({
      client: h.env.client,
      config: { temporal: { address: h.env.address, namespace: 'default', taskQueue: w.taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    base = intake.base;
  });
  after(async () => {
    await intake.close();
    await h.teardown();
    await g.close();
  });

  const post = async (order: OrderRequest) => {
    const res = await fetch(`${base}/v1/onboardings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('closed run: same workflow, same 202; changed content 409; after retention a new onboarding', async () => {
    g.grant();
    const orderId = `SO-RESEND-${process.pid}`;
    const order: OrderRequest = {
      orderId,
      customer: { id: `resend-${process.pid}`, name: 'Resend Customer' },
      integrations: { googleDelegation: g.request() },
    };
    const first = await post(order);
    assert.equal(first.status, 202);
    const handle = h.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId));
    await handle.result();
    const { runId, status } = await handle.describe();
    assert.equal(status.name, 'COMPLETED');

    // The run is closed: a resend is recognised, nothing new starts.
    const again = await post(order);
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, first.body);
    assert.equal((await handle.describe()).runId, runId, 'no second run');
    const changed = await post({ ...order, customer: { ...order.customer, name: 'Renamed' } });
    assert.equal(changed.status, 409, 'changed content after close is still a conflict');

    // Retention ends: Temporal deletes the closed parent and its children.
    const history = await handle.fetchHistory();
    const children = (history.events ?? [])
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)
      .filter((id): id is string => Boolean(id));
    assert.ok(children.length >= 1, 'the order ran a child');
    for (const workflowId of [handle.workflowId, ...children]) {
      await h.env.client.workflowService.deleteWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId },
      });
    }
    await eventually(
      async () =>
        handle.describe().then(
          () => false,
          (err: unknown) => err instanceof WorkflowNotFoundError
        ),
      'the deletion'
    );

    const afterRetention = await post(order);
    assert.equal(afterRetention.status, 202);
    const newRun = await h.env.client.workflow.getHandle(handle.workflowId).describe();
    assert.notEqual(newRun.runId, runId, 'after retention the order ID is free: a new onboarding starts');
    await h.env.client.workflow.getHandle(handle.workflowId).result();
    assert.equal(
      g.receiver.notifications.get(`${children[0]}:delegation-verified`)?.deliveries,
      2,
      'the vendor hears of it again (same idempotency key: a receiver that remembers deduplicates it)'
    );
  });
});
