import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { request } from 'undici';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
  type connectwiseKeyRotation,
} from '../src/workflows';
import { CLIENT_ID, connectwiseFixture, type ConnectwiseFixture } from './helpers/connectwise';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

describe('connectwiseKeyRotation (real Temporal server + ConnectWise simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let cw: ConnectwiseFixture;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('cw-rotation');

  before(async () => {
    env = await testEnv();
    cw = await connectwiseFixture();
    worker = await createTestWorker(env, taskQueue, cw.activities);
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await cw.close();
    await env.teardown();
  });

  it('create → verify → switch → revoke: a wrong key is refused, the old key works until the new one is verified and switched, then is verified refused', async () => {
    const m = await cw.newMember();
    const connection = {
      site: cw.host,
      companyId: cw.sim.state.companyId,
      publicKey: m.publicKey,
      privateKeyRef: m.keyRef,
      clientId: CLIENT_ID,
      apiMember: m.identifier,
    };
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId: `cw-rotation-${randomUUID()}`,
      taskQueue,
      args: [
        {
          customer: { name: 'Rotating MSP' },
          connection,
          timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
        },
      ],
    });
    await eventually(async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key', 'the key step');

    // The operator makes the new pair in the UI (the private key is shown once).
    const res = await request(`${cw.url}/__sim/cw/api-members/${m.identifier}/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'rotated' }),
    });
    const fresh = (await res.body.json()) as { publicKey: string; privateKey: string };
    await assert.rejects(
      h.executeUpdate(provideNewKeyUpdate, {
        args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile('WRONGPRIVATEKEY1') }],
      }),
      'a key ConnectWise refuses is not accepted'
    );
    assert.equal((await h.query(cwKeyRotationStatusQuery)).step, 'awaiting-new-key');
    await h.executeUpdate(provideNewKeyUpdate, {
      args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
    });

    await eventually(
      async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-old-key-removal',
      'the revoke step'
    );
    // No gap: the vendor was told the new key before the old one goes, and the old one still works.
    const told = [...cw.receiver.notifications.values()].filter((n) =>
      /connectwise-key-switched/.test(n.idempotencyKey)
    );
    assert.equal(told.length, 1);
    assert.ok((await cw.activities.verifyConnectwiseConnection(connection)).ok, 'the old key still works');

    await request(`${cw.url}/__sim/cw/api-members/${m.identifier}/keys/${m.publicKey}`, { method: 'DELETE' });
    await h.signal(oldKeyDeletedSignal);
    const r = await h.result();
    assert.equal(r.newPublicKey, fresh.publicKey);
    assert.equal((await cw.activities.verifyConnectwiseConnection(connection)).ok, false, 'the old key is refused');
    assert.ok(
      (
        await cw.activities.verifyConnectwiseConnection({
          ...connection,
          publicKey: r.newPublicKey,
          privateKeyRef: r.newPrivateKeyRef,
        })
      ).ok,
      'the new key works'
    );
  });
});
