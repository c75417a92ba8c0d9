/**
 * An order's drift check follows the ConnectWise key a rotation switched to: the rotation deletes the key the
 * onboarding was given, so a drift check still holding that one would report a broken connection.
 * Everything through the order's own schedules (drift check and rotation), on the real dev server. An
 * offboarding planned afterwards removes the rotated key, not the deleted one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { request } from 'undici';
import { createActivities, type OnrampActivities } from '../src/activities';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { driftScheduleId } from '../src/domain/drift-schema';
import { planOffboarding } from '../src/services/offboarding';
import { startOrder, type OrderConfig } from '../src/services/orders';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../src/contract/connectwise-key-rotation-messages';
import type { DriftCheckReport } from '../src/contract/drift-messages';
import { connectwiseFixture, type ConnectwiseFixture } from './helpers/connectwise';
import { eventually, integration, type Integration } from './helpers/integration';

/** Run a schedule's action now and return the workflow it started. */
async function triggerRun(client: Client, scheduleId: string): Promise<WorkflowHandle> {
  const schedule = client.schedule.getHandle(scheduleId);
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  const started = await eventually(async () => {
    const actions = (await schedule.describe()).info.recentActions;
    return actions.length > before ? actions.at(-1)!.action.workflow : undefined;
  }, `a run of ${scheduleId}`);
  return client.workflow.getHandle(started.workflowId, started.firstExecutionRunId);
}

describe("an order's drift check after a ConnectWise key rotation (order schedules, real dev server, simulator)", () => {
  let it_: Integration;
  let cw: ConnectwiseFixture;
  let receiver: NotifyReceiver;
  let acts: OnrampActivities;
  let dir: string;
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue: '' } };
  const schedules: string[] = [];

  before(async () => {
    it_ = await integration();
    cw = await connectwiseFixture();
    receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    dir = mkdtempSync(join(tmpdir(), 'onramp-cw-drift-rot-'));
    // One worker as production builds it: the rotation writes the current-credentials record the order's
    // drift check reads (createActivities wires both to the same directory).
    acts = createActivities({
      google: { tokenUrl: 'http://127.0.0.1:9/token' },
      notify: { webhookUrl: notifyUrl },
      connectwise: {
        extraAllowedHosts: [cw.host],
        insecureHttpHosts: [cw.host],
        requestsPerMinute: 60_000,
        currentCredentialsDir: join(dir, 'current-credentials'),
      },
      onramp: { client: async () => it_.env.client },
    });
    const w = await it_.worker(acts, 'cw-drift-rotation');
    config.temporal.taskQueue = w.taskQueue;
    config.connectwise = { allowedHosts: [cw.host] };
  });
  after(async () => {
    for (const id of schedules)
      await it_.env.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    await it_.teardown();
    await Promise.all([cw.close(), receiver.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rotate through the order’s rotation schedule, then its scheduled drift check verifies the new key (and finds nothing)', async () => {
    const m = await cw.newMember();
    const customerId = `cw-drift-rot-${process.pid}`;
    const orderId = `SO-CW-DRIFT-ROT-${process.pid}`;
    const base = cw.request(m);
    const order: OrderRequest = {
      orderId,
      customer: { id: customerId, name: `Drift after rotation ${process.pid}` },
      integrations: { connectwise: base },
      schedules: { driftCheckEveryHours: 24, rotateEveryDays: { connectwise: 90 } },
    };
    await startOrder(it_.env.client, config, order);
    const driftId = driftScheduleId(customerId);
    const rotationId = `rotation:connectwise-key-rotation:${base.customer.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    schedules.push(driftId, rotationId);
    const onboarded = (await it_.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).result()) as {
      completed: string[];
    };
    assert.deepEqual(onboarded.completed, ['connectwise']);

    const first = (await (await triggerRun(it_.env.client, driftId)).result()) as DriftCheckReport;
    assert.equal(first.drifted, false, `clean before the rotation: ${JSON.stringify(first.findings)}`);

    // The rotation schedule's run, played as the operator does it.
    const rotation = await triggerRun(it_.env.client, rotationId);
    await eventually(
      async () => (await rotation.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key' || undefined,
      'the rotation to ask for a new key'
    );
    const res = await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'rotated' }),
    });
    const fresh = (await res.body.json()) as { publicKey: string; privateKey: string };
    await rotation.executeUpdate(provideNewKeyUpdate, {
      args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
    });
    await eventually(
      async () => (await rotation.query(cwKeyRotationStatusQuery)).step === 'awaiting-old-key-removal' || undefined,
      'the revoke step'
    );
    await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
    await rotation.signal(oldKeyDeletedSignal);
    const rotated = (await rotation.result()) as { oldPublicKey: string; newPublicKey: string };
    assert.equal(rotated.oldPublicKey, m.publicKey);
    assert.equal(rotated.newPublicKey, fresh.publicKey);
    assert.equal(
      (await cw.activities.verifyConnectwiseConnection(base.connection as never)).ok,
      false,
      'the key the order names is refused now'
    );

    const second = (await (await triggerRun(it_.env.client, driftId)).result()) as DriftCheckReport;
    assert.deepEqual(second.findings, [], 'the scheduled drift check uses the rotated key');
    assert.equal(second.drifted, false);

    // Which key it verified: the one in use now.
    const targets = await acts.driftTargetsForOrder({ orderId });
    assert.equal(targets?.connectwise?.connection.publicKey, fresh.publicKey);
    assert.notEqual(targets?.connectwise?.connection.privateKeyRef, base.connection!.privateKeyRef);

    // Offboarding the order works with the key in use now too: it plans to remove the rotated key (not to
    // report the order's deleted key as "already rejected" and skip ConnectWise).
    const plan = await planOffboarding(it_.env.client, config, orderId);
    const cwSteps = plan.steps.filter((s) => s.integration === 'connectwise').map((s) => s.action);
    assert.ok(
      cwSteps.some((a) => a.includes(`API key ${fresh.publicKey}`)),
      `the plan removes the rotated key: ${JSON.stringify(cwSteps)} / notes ${JSON.stringify(plan.notes)}`
    );
    assert.ok(!plan.notes.some((n) => /already rejected/.test(n)), JSON.stringify(plan.notes));
  });
});
