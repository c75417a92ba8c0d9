import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  autotaskRotationWorkflowId,
  parseAutotaskRotationInput,
  type AutotaskRotationRequest,
} from '../src/domain/autotask-schema';
import { autotaskWebhookRotation } from '../src/workflows';
import {
  autotaskRotationStatusQuery,
  oldUserReactivatedSignal,
  oldWebhooksDeletedSignal,
} from '../src/contract/autotask-rotation-messages';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { crashAfterCommits, waitForCrash, WorkerProcess } from './helpers/faults';
import { eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

describe('autotaskWebhookRotation (real Temporal server + Autotask simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let at: AutotaskFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('autotask-rotation');
  let t = 0;
  const tenant = () => `rot-${process.pid}-${++t}`;

  before(async () => {
    stack = await integration();
    env = stack.env;
    at = await autotaskFixture();
    await stack.worker(at.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await at.close();
  });

  const start = (req: AutotaskRotationRequest, queue = taskQueue) =>
    env.client.workflow.start(autotaskWebhookRotation, {
      workflowId: autotaskRotationWorkflowId(parseAutotaskRotationInput(req)),
      taskQueue: queue,
      args: [req],
    });
  const hooksNamed = (name: string) => [...at.sim.db.webhooks.values()].filter((h) => h.name === name);

  /** Old user with a working webhook; new user; receiver accepting both secrets, as during a real rotation. */
  const setup = () => {
    const tn = tenant();
    const oldU = at.addUser();
    const newU = at.addUser();
    // One simulated database: webhook names are unique per test.
    const [v1, v2] = [`sophos-${t}-v1`, `sophos-${t}-v2`];
    const oldId = at.seedWebhook(oldU.user, tn, v1);
    at.activeHooks.set(tn, new Set([`${v1}-Ticket`, `${v2}-Ticket`]));
    return {
      tn,
      oldU,
      newU,
      oldId,
      v1: `${v1}-Ticket`,
      v2: `${v2}-Ticket`,
      req: at.rotation(tn, oldU, newU, oldId, v2),
    };
  };

  it('creates the new webhook, waits until ready, then deletes the old one with the old credentials', async () => {
    const { tn, newU, oldId, v1, v2, req } = setup();
    // Before: events come from the old webhook, signed with the old secret.
    const t1 = at.sim.changeTicket(undefined, { status: 1 });
    await eventually(
      async () => at.events.some((e) => e.tenant === tn && e.id === t1 && e.webhook === v1),
      'event via old webhook'
    );

    const result = await (await start(req)).result();
    assert.equal(at.sim.db.webhooks.has(oldId), false, 'old webhook deleted');
    assert.deepEqual(result.oldWebhooks, [{ entity: 'Ticket', id: oldId, state: 'deleted' }]);
    const [fresh] = hooksNamed(v2);
    assert.ok(fresh && fresh.isActive && at.sim.db.isReady(fresh));
    assert.equal(fresh.ownerResourceID, newU.user.resourceId);
    assert.ok(
      at.sim.callouts.deactivationCalls.some((c) => c.webhookId === oldId),
      'Autotask called the old deactivation URL'
    );

    // After: the new webhook delivers, signed with the new secret; the old secret can be retired.
    at.activeHooks.set(tn, new Set([v2]));
    const t2 = at.sim.changeTicket(undefined, { status: 1 });
    await eventually(
      async () => at.events.some((e) => e.tenant === tn && e.id === t2 && e.webhook === v2),
      'event via new webhook'
    );
  });

  it('old user inactive: asks the operator, reminds, and finishes after the user is reactivated', async () => {
    const { oldU, oldId, req } = setup();
    await at.sim.setUserActive(oldU.user.username, false);
    assert.equal(at.sim.db.webhooks.get(oldId)?.isActive, false, 'Autotask deactivated the old webhook with its user');
    const handle = await start({ ...req, timing: { ...req.timing, reminderMinutes: 0.01 } });
    const waiting = await eventually(async () => {
      const s = await handle.query(autotaskRotationStatusQuery);
      return s.state === 'waiting-for-operator' && s.reminders >= 1 ? s : undefined;
    }, 'the operator step with a reminder');
    assert.equal(waiting.step, 'awaiting-operator');
    assert.match(waiting.instructions ?? '', /reactivate .*oldUserReactivated.*\n.*by hand/s);
    assert.deepEqual(waiting.oldWebhooks, [{ entity: 'Ticket', id: oldId, state: 'inactive' }]);
    assert.equal(waiting.newWebhooks[0]?.isReady, true, 'the new webhook already works while we wait');
    assert.equal(at.sim.authFailures.get(oldU.user.username) ?? 0, 0, 'an inactive user is not a bad secret');

    await at.sim.setUserActive(oldU.user.username, true);
    await handle.signal(oldUserReactivatedSignal);
    const result = await handle.result();
    assert.equal(at.sim.db.webhooks.has(oldId), false);
    assert.equal(result.oldWebhooks[0]?.state, 'deleted');
  });

  it('old user inactive: verifies the old webhook is really gone after a manual deletion', async () => {
    const { oldU, oldId, req } = setup();
    await at.sim.setUserActive(oldU.user.username, false);
    const handle = await start(req);
    await eventually(
      async () => (await handle.query(autotaskRotationStatusQuery)).step === 'awaiting-operator',
      'the operator step'
    );
    // A premature "done" is checked, not believed.
    await handle.signal(oldWebhooksDeletedSignal);
    await eventually(async () => {
      const s = await handle.query(autotaskRotationStatusQuery);
      return s.step === 'awaiting-operator' && s.oldWebhooks[0]?.state === 'inactive';
    }, 'back to waiting because the webhook still exists');
    at.sim.db.webhooks.delete(oldId);
    await handle.signal(oldWebhooksDeletedSignal);
    const result = await handle.result();
    assert.equal(result.oldWebhooks[0]?.state, 'gone');
  });

  it('a worker SIGKILLed right after creating the new webhook leaves no duplicate and no orphan', async () => {
    const { newU, oldId, v2, req } = setup();
    const crashQueue = uniqueTaskQueue('autotask-crash');
    // The production worker (src/worker.ts) as a child process; it inherits the env: secret references setup()
    // just made. The simulator commits the webhook, holds its answer, and the worker is SIGKILLed inside that
    // window (no shutdown, no result reported), then a fresh worker process starts on the same queue.
    const worker = new WorkerProcess({ address: env.address, taskQueue: crashQueue, autotaskUrl: at.simUrl });
    const label = 'new webhook create';
    const plan = crashAfterCommits(worker, [
      { label, sim: at.sim, method: 'POST', path: '/ATServicesRest/V1.0/TicketWebhooks' },
    ]);
    try {
      worker.start();
      const handle = await start(req, crashQueue);
      await waitForCrash(plan, [label]);
      assert.equal(worker.kills, 1, 'the worker was SIGKILLed once');
      assert.equal(plan.fired(label), 1, 'the webhook was committed before the kill');
      assert.equal(hooksNamed(v2).length, 1, 'the dead worker created it');
      const result = await handle.result();
      const fresh = hooksNamed(v2);
      assert.equal(fresh.length, 1, 'no duplicate webhook');
      assert.equal(newU.user.webhooksCreated, 1, 'created once: the webhook limit is not eaten by retries');
      assert.equal(result.newWebhooks[0]?.id, fresh[0]!.id);
      assert.ok(at.sim.db.isReady(fresh[0]!));
      assert.equal(at.sim.db.webhooks.has(oldId), false, 'no orphaned old webhook');
    } finally {
      await worker.stop();
    }
  });
});
