/**
 * Issue 25: a worker SIGKILLed inside the ConnectWise key rotation's provideNewKey Update (its
 * verifyConnectwiseConnection call answered by ConnectWise, the answer never reaching the worker) used to
 * stall the rotation for its activities' 2-minute start-to-close. With the heartbeat timeout the next
 * worker resumes it within HEARTBEAT. Asserted on Temporal's own facts, not on the clock: the
 * activity was scheduled with a heartbeat timeout of at most 15 s, and its second attempt ran because the
 * first one timed out on heartbeats (the ActivityTaskStarted event's lastFailure, TIMEOUT_TYPE_HEARTBEAT),
 * not on start-to-close.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { type connectwiseKeyRotation } from '../../src/workflows';
import { cwKeyRotationStatusQuery, provideNewKeyUpdate } from '../../src/contract/connectwise-key-rotation-messages';
import { connectwiseFixture, type ConnectwiseFixture } from '../helpers/connectwise';
import { WorkerProcess } from '../helpers/faults';
import { eventually, testEnv, uniqueTaskQueue } from '../helpers/temporal';

const { EventType, TimeoutType } = temporal.api.enums.v1;

describe('fault: worker SIGKILLed inside provideNewKey of the ConnectWise key rotation', () => {
  let env: TestWorkflowEnvironment;
  let cw: ConnectwiseFixture;
  let worker: WorkerProcess;
  let dir: string;
  const taskQueue = uniqueTaskQueue('fault-cw-key-verify');

  before(async () => {
    env = await testEnv();
    cw = await connectwiseFixture();
    dir = mkdtempSync(join(tmpdir(), 'onramp-fault-cw-verify-'));
    process.env.ONRAMP_CURRENT_CREDENTIALS_DIR = join(dir, 'current-credentials');
    worker = new WorkerProcess({ address: env.address, taskQueue, connectwiseHost: cw.host });
  });
  after(async () => {
    await worker.stop();
    delete process.env.ONRAMP_CURRENT_CREDENTIALS_DIR;
    await cw.close();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the next worker retries the key check after a heartbeat timeout, not after start-to-close', async () => {
    const m = await cw.newMember();
    worker.start();
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId: `fault-cw-key-verify-${m.identifier}`,
      taskQueue,
      args: [
        {
          customer: { name: `Verify Crash MSP ${m.identifier}` },
          connection: cw.connection(m),
          timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
        },
      ],
    });
    await eventually(
      async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key' || undefined,
      'the rotation to ask for a new key',
      120_000
    );
    const res = await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'rotated' }),
    });
    const fresh = (await res.body.json()) as { publicKey: string; privateKey: string };
    const freshRef = cw.secretFile(fresh.privateKey);

    // ConnectWise answers the key check; the answer is held while the worker dies inside the Update.
    let committed!: () => void;
    const answered = new Promise<void>((r) => (committed = r));
    const hold = cw.sim.faults.holdAfterCommit({
      method: 'GET',
      path: /\/system\/info$/,
      times: 1,
      holdMs: 60_000,
      onCommitted: () => committed(),
    });
    const update = h.executeUpdate(provideNewKeyUpdate, {
      args: [{ publicKey: fresh.publicKey, privateKeyRef: freshRef }],
    });
    await answered;
    assert.equal(await worker.kill9(), 'SIGKILL');
    cw.sim.faults.releaseHolds();
    assert.equal(cw.sim.faults.fired(hold), 1, 'the key check reached ConnectWise before the kill');
    worker.start();

    assert.deepEqual(await update, { verified: true }, 'the Update finished on the next worker');
    assert.equal((await h.query(cwKeyRotationStatusQuery)).newPublicKey, fresh.publicKey);

    const events = (await h.fetchHistory()).events ?? [];
    const scheduled = events.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'verifyConnectwiseConnection'
    );
    assert.ok(scheduled, 'verifyConnectwiseConnection was scheduled');
    const heartbeat = Number(scheduled.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds ?? 0);
    assert.ok(heartbeat > 0 && heartbeat <= 15, `scheduled with a heartbeat timeout of ${heartbeat} s`);
    const started = events.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
        String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId)
    )?.activityTaskStartedEventAttributes;
    assert.equal(started?.attempt, 2, 'the check ran again, once, on the next worker');
    assert.match(String(started?.identity), new RegExp(`^${worker.pid}@`), 'the retry ran on the new worker');
    assert.equal(
      started?.lastFailure?.timeoutFailureInfo?.timeoutType,
      TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
      `the first attempt timed out on heartbeats (${started?.lastFailure?.message ?? 'no failure'})`
    );
    await h.terminate('test done');
  });
});
