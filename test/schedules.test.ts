import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { driftFindingWorkflowId, driftScheduleId } from '../src/domain/drift-schema';
import { createOnrampStateActivities } from '../src/activities/onramp';
import { ensureDriftSchedule } from '../src/services/schedules';
import { driftFindingStatusQuery } from '../src/contract/drift-messages';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

describe('schedules: periodic drift check (real Temporal server, Google simulator)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('schedules');
  const config = { temporal: { address: '', namespace: 'default', taskQueue } };
  const customer = { id: `drift-${process.pid}`, name: 'Drifting Customer' };

  before(async () => {
    stack = await integration();
    env = stack.env;
    g = await googleFixture();
    await stack.worker(
      { ...g.activities, ...createOnrampStateActivities({ client: async () => env.client }) },
      { taskQueue }
    );
  });
  after(async () => {
    await env.client.schedule
      .getHandle(driftScheduleId(customer.id))
      .delete()
      .catch(() => undefined);
    await stack.teardown();
    await g.close();
  });

  const request = () => ({
    customer,
    googleDelegation: {
      adminEmail: g.admin,
      serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef: g.keyRef },
      scopes: [...DEFAULT_DELEGATION_SCOPES],
    },
  });
  const runsOf = async (type: string) => {
    const ids: string[] = [];
    for await (const wf of env.client.workflow.list({
      query: `WorkflowType = "${type}" AND OnrampCustomer = "${customer.id}" AND ExecutionStatus = "Completed"`,
    }))
      ids.push(wf.workflowId);
    return ids;
  };

  it('is created once (a second ensure updates it), fires, opens a finding on drift and clears it when fixed', async () => {
    g.grant(undefined, 0);
    const first = await ensureDriftSchedule(env.client, config, request(), 3_600_000);
    const second = await ensureDriftSchedule(env.client, config, request(), 1000);
    assert.equal(first.outcome, 'created');
    assert.equal(second.outcome, 'updated');
    const ids: string[] = [];
    for await (const s of env.client.schedule.list()) if (s.scheduleId === first.scheduleId) ids.push(s.scheduleId);
    assert.equal(ids.length, 1, 'one schedule');
    const desc = await env.client.schedule.getHandle(first.scheduleId).describe();
    assert.equal(desc.policies.overlap, 'SKIP');

    await eventually(async () => (await runsOf('driftCheck')).length >= 1, 'a scheduled drift check to run', 60_000);

    // An admin trims a scope: the next check opens a finding that names it.
    const removed = 'https://www.googleapis.com/auth/drive';
    g.grant(
      DEFAULT_DELEGATION_SCOPES.filter((s) => s !== removed),
      0
    );
    const finding = env.client.workflow.getHandle(
      driftFindingWorkflowId(customer.id, `googleDelegation:scope:${removed}`)
    );
    const status = await eventually(async () => finding.query(driftFindingStatusQuery), 'a drift finding', 60_000);
    assert.equal(status.findings[0]?.integration, 'googleDelegation');
    assert.match(status.findings[0]?.problem ?? '', /no longer grants https:\/\/www\.googleapis\.com\/auth\/drive$/);
    assert.equal((await finding.describe()).status.name, 'RUNNING');

    // Fixed in the console: a later check clears the finding by itself.
    g.grant(undefined, 0);
    const result = (await finding.result()) as { resolvedBy: string };
    assert.match(result.resolvedBy, /later drift check/);
  });
});
