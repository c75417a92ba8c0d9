/**
 * connectwiseKeyRotation with the production worker (src/worker.ts) as a child process, SIGKILLed right after
 * the switch step committed (the vendor has been told the new key; the answer never reached the worker),
 * then restarted. No gap: the old key keeps working until the new one is verified and switched, and both work
 * across the crash. No orphan: the member ends with exactly the new key, told to the vendor once, recorded as
 * the key in use, and the rotation never asks for another key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { type connectwiseKeyRotation } from '../../src/workflows';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../../src/contract/connectwise-key-rotation-messages';
import { connectwiseFixture, type ConnectwiseFixture } from '../helpers/connectwise';
import { crashAfterCommits, waitForCrash, WorkerProcess } from '../helpers/faults';
import { eventually, testEnv, uniqueTaskQueue } from '../helpers/temporal';

describe('fault: worker SIGKILLed right after the ConnectWise key rotation switched keys, then restarted', () => {
  let env: TestWorkflowEnvironment;
  let cw: ConnectwiseFixture;
  let receiver: NotifyReceiver;
  let worker: WorkerProcess;
  let dir: string;
  const taskQueue = uniqueTaskQueue('fault-cw-rotation');

  before(async () => {
    env = await testEnv();
    cw = await connectwiseFixture();
    receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    dir = mkdtempSync(join(tmpdir(), 'onramp-fault-cw-rot-'));
    // The worker process reads its configuration from the environment, as in production.
    process.env.ONRAMP_CURRENT_CREDENTIALS_DIR = join(dir, 'current-credentials');
    worker = new WorkerProcess({ address: env.address, taskQueue, connectwiseHost: cw.host, notifyUrl });
  });
  after(async () => {
    await worker.stop();
    delete process.env.ONRAMP_CURRENT_CREDENTIALS_DIR;
    await Promise.all([cw.close(), receiver.close()]);
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no gap (old key works until the switch, both across the crash), no orphan key, one switch notice', async () => {
    const m = await cw.newMember();
    const connection = cw.connection(m);
    const works = async (publicKey: string, privateKeyRef: string) =>
      (await cw.activities.verifyConnectwiseConnection({ ...connection, publicKey, privateKeyRef })).ok;
    worker.start();
    const customer = `Crash Rotation MSP ${m.identifier}`;
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId: `fault-cw-rotation-${m.identifier}`,
      taskQueue,
      args: [
        {
          customer: { name: customer },
          connection,
          timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
        },
      ],
    });
    await eventually(
      async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key' || undefined,
      'the rotation to ask for a new key',
      120_000
    );

    // The crash comes right after the switch committed: the vendor holds the new key, the worker never hears back.
    const plan = crashAfterCommits(worker, [
      { label: 'switch notice', sim: receiver, method: 'POST', path: '/notify' },
    ]);
    let oldKeyDuringCrash: boolean | undefined;
    let newKeyDuringCrash: boolean | undefined;
    const res = await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'rotated' }),
    });
    const fresh = (await res.body.json()) as { publicKey: string; privateKey: string };
    const freshRef = cw.secretFile(fresh.privateKey);
    assert.ok(await works(m.publicKey, m.keyRef), 'the old key works before the new one is verified');
    await h.executeUpdate(provideNewKeyUpdate, { args: [{ publicKey: fresh.publicKey, privateKeyRef: freshRef }] });
    void plan.crashed.then(async () => {
      oldKeyDuringCrash = await works(m.publicKey, m.keyRef);
      newKeyDuringCrash = await works(fresh.publicKey, freshRef);
    });
    await waitForCrash(plan, ['switch notice']);
    assert.equal(plan.fired('switch notice'), 1, 'the switch committed, then the worker was killed');
    assert.equal(worker.kills, 1);

    // The restarted worker finishes the switch and waits for the old key's removal: both keys still work.
    const waiting = await eventually(
      async () => {
        const s = await h.query(cwKeyRotationStatusQuery);
        return s.step === 'awaiting-old-key-removal' ? s : undefined;
      },
      'the revoke step after the restart',
      120_000
    );
    assert.equal(oldKeyDuringCrash, true, 'no gap: the old key worked while the worker was dead');
    assert.equal(newKeyDuringCrash, true);
    assert.equal(waiting.newPublicKey, fresh.publicKey, 'the same new key after the restart');
    assert.ok(await works(m.publicKey, m.keyRef), 'the old key still works until the operator deletes it');
    assert.ok(await works(fresh.publicKey, freshRef), 'the new key works');

    await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
    await h.signal(oldKeyDeletedSignal);
    const r = await h.result();
    assert.equal(r.oldPublicKey, m.publicKey);
    assert.equal(r.newPublicKey, fresh.publicKey);

    // No orphan: exactly the new key on the member; the vendor told once (a redelivery deduplicated); the
    // record names the new key, so the next rotation starts from it.
    assert.deepEqual(
      cw.sim.state.members.get(m.identifier)?.keys.map((k) => k.publicKey),
      [fresh.publicKey]
    );
    const told = [...receiver.notifications.values()].filter((n) => /connectwise-key-switched/.test(n.idempotencyKey));
    assert.equal(told.length, 1, 'one switch notice');
    assert.ok(
      told[0]!.deliveries >= 2,
      `the retried notice was delivered again and deduplicated (${told[0]!.deliveries})`
    );
    const recordDir = join(dir, 'current-credentials', 'connectwise-key');
    const records = readdirSync(recordDir).map((f) => JSON.parse(readFileSync(join(recordDir, f), 'utf8')) as object);
    assert.deepEqual(records, [{ publicKey: fresh.publicKey, privateKeyRef: freshRef }]);
    console.log(
      `[faults] connectwise rotation: 1 crash after the switch, ${told[0]!.deliveries} deliveries of 1 notice, member keys [new], old key refused`
    );
  });
});
