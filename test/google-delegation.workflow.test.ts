import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../src/client';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { OnrampState, OnrampStep } from '../src/contract/search-attributes';
import {
  checkNowSignal,
  delegationStatusQuery,
  type DelegationStatus,
} from '../src/contract/google-delegation-messages';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, integration, type Integration, rejectionOf, uniqueTaskQueue } from './helpers/integration';

describe('googleDelegationOnboarding (real Temporal server + Google simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('delegation');
  const config = { temporal: { address: '', namespace: 'default', taskQueue } };

  before(async () => {
    stack = await integration();
    env = stack.env;
    g = await googleFixture();
    await stack.worker(g.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  /** A fresh customer domain per test so workflow IDs and grants never collide. */
  let n = 0;
  const freshCustomer = () => {
    const domain = `t${++n}-${g.domain}`;
    const admin = `admin@${domain}`;
    g.sim.state.addUser(admin);
    return { customer: { domain }, adminEmail: admin };
  };

  it('completes when every scope is granted, notifies support once, and is searchable', async () => {
    g.grant();
    const handle = await startGoogleDelegation(env.client, config, g.request(freshCustomer()));
    const result = await handle.result();
    assert.equal(result.notified, true);
    assert.deepEqual(result.scopes, [...DEFAULT_DELEGATION_SCOPES]);
    const status = await handle.query(delegationStatusQuery);
    assert.equal(status.state, 'completed');
    assert.ok(status.scopes.every((s) => s.state === 'granted'));
    const sent = g.receiver.notifications.get(`${handle.workflowId}:delegation-verified`);
    assert.ok(sent, 'vendor support was notified');
    assert.equal(sent.deliveries, 1);
    assert.equal(
      (sent.body as { adminEmail: string }).adminEmail,
      status.instructions.text.match(/\(([^)]+@[^)]+)\)/)?.[1]
    );
    const desc = await handle.describe();
    assert.equal(desc.typedSearchAttributes.get(OnrampState), 'completed');
    assert.equal(desc.typedSearchAttributes.get(OnrampStep), 'done');
    // Visible to the same query the CLI and the Web UI use.
    await eventually(async () => {
      for await (const wf of env.client.workflow.list({
        query: `WorkflowId = "${handle.workflowId}" AND OnrampState = "completed"`,
      }))
        return wf;
      return undefined;
    }, 'visibility to index the completed onboarding');
  });

  it('waits through the propagation delay and completes once the grant is visible', async () => {
    const c = freshCustomer();
    g.grant([], 0); // the admin removed the entry earlier: nothing is in effect
    // Granted, but not visible yet: it propagates only when the test says so (no race with a 2.5 s clock).
    g.grant(DEFAULT_DELEGATION_SCOPES, 3600_000);
    const refusedBefore = g.sim.tokenOutcomes.get('unauthorized_client') ?? 0;
    const handle = await startGoogleDelegation(env.client, config, g.request(c));
    await eventually(
      async () =>
        (await handle.query(delegationStatusQuery)).checks >= 1 &&
        (g.sim.tokenOutcomes.get('unauthorized_client') ?? 0) > refusedBefore,
      'a check during propagation'
    );
    g.grant(DEFAULT_DELEGATION_SCOPES, 0); // propagated
    await handle.signal(checkNowSignal);
    const result = await handle.result();
    assert.ok(result.checks >= 2, `the first check saw the grant not propagated yet (checks=${result.checks})`);
    assert.ok(
      (g.sim.tokenOutcomes.get('unauthorized_client') ?? 0) > 0,
      'the simulator answered unauthorized_client during propagation'
    );
  });

  it('names exactly the missing scope, keeps waiting, and completes after the grant and a checkNow signal', async () => {
    const missing = 'https://www.googleapis.com/auth/calendar.events';
    g.grant(
      DEFAULT_DELEGATION_SCOPES.filter((s) => s !== missing),
      0
    );
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({
        ...freshCustomer(),
        polling: { initialIntervalSeconds: 600, maxIntervalSeconds: 600, deadlineHours: 1 },
      })
    );
    const status = await eventually(async () => {
      const s: DelegationStatus = await handle.query(delegationStatusQuery);
      return s.checks >= 1 && s.scopes.every((x) => x.state !== 'unchecked') ? s : undefined;
    }, 'the first check round');
    assert.deepEqual(
      status.scopes.filter((s) => s.state === 'missing').map((s) => s.scope),
      [missing]
    );
    assert.equal(status.state, 'waiting-for-operator');
    assert.equal(status.step, 'awaiting-grant');
    assert.match(status.instructions.scopesCsv, /calendar\.events/);
    const desc = await handle.describe();
    assert.equal(desc.status.name, 'RUNNING');
    assert.equal(desc.typedSearchAttributes.get(OnrampState), 'waiting-for-operator');

    // The admin adds the scope; the operator says "granted, check now" instead of waiting 10 minutes.
    g.grant(DEFAULT_DELEGATION_SCOPES, 0);
    await handle.signal(checkNowSignal);
    const result = await handle.result();
    assert.equal(result.notified, true);
  });

  it('fails at once with a clear message when the admin email is not a user (invalid_grant)', async () => {
    g.grant();
    const c = freshCustomer();
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({ ...c, adminEmail: `nobody@${c.customer.domain}` })
    );
    const err = await rejectionOf(handle.result());
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(String(err.cause?.message), /nobody@.* as the user to impersonate.*Fix adminEmail/);
    const status = await handle.query(delegationStatusQuery);
    assert.equal(status.state, 'failed');
    assert.equal((await handle.describe()).typedSearchAttributes.get(OnrampState), 'failed');
  });

  it('gives up after the deadline, naming the missing scopes and where to add them', async () => {
    g.grant(['https://mail.google.com/'], 0);
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({
        ...freshCustomer(),
        polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 2 / 3600 },
      })
    );
    const err = await rejectionOf(handle.result());
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(String(err.cause?.message), /still missing 15 scope\(s\).*gmail\.send.*Domain Wide Delegation/s);
  });
});
