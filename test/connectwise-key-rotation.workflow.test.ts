import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import type { driftCheck, connectwiseKeyRotation } from '../src/workflows';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../src/contract/connectwise-key-rotation-messages';
import { createOnrampStateActivities } from '../src/activities/onramp';
import { driftFindingWorkflowId } from '../src/domain/drift-schema';
import { driftFindingStatusQuery } from '../src/contract/drift-messages';
import { listFindings } from '../src/services/findings';
import { connectwiseFixture, fullRole, type ConnectwiseFixture } from './helpers/connectwise';
import { eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

describe('connectwiseKeyRotation (real Temporal server + ConnectWise simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let cw: ConnectwiseFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('cw-rotation');

  before(async () => {
    stack = await integration();
    env = stack.env;
    cw = await connectwiseFixture();
    // Drift checks learn which findings are open through the worker's Temporal client.
    await stack.worker(
      { ...cw.activities, ...createOnrampStateActivities({ client: async () => env.client }) },
      { taskQueue }
    );
  });
  after(async () => {
    await stack.teardown();
    await cw.close();
  });

  it('create → verify → switch → revoke: a wrong key is refused, the old key works until the new one is verified and switched, then is verified refused', async () => {
    const m = await cw.newMember();
    const connection = cw.connection(m);
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
    const res = await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys`, {
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

    await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
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

  it('with the company opt-in, a new key whose role cannot add companies is refused, naming Company Maintenance Add; with the right role it is accepted', async () => {
    const seedCompanies = fullRole();
    seedCompanies['Companies/Company Maintenance'] = { ...seedCompanies['Companies/Company Maintenance'], add: 'None' };
    const m = await cw.newMember(seedCompanies); // as the seed: Company Maintenance without Add
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId: `cw-rotation-opt-in-${randomUUID()}`,
      taskQueue,
      args: [
        {
          customer: { name: 'Rotating MSP that creates companies' },
          connection: cw.connection(m),
          createMissingCompanies: true,
          timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
        },
      ],
    });
    await eventually(async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key', 'the key step');
    const fresh = cw.sim.state.createApiKey(m.identifier, 'rotated');
    const newKey = { publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) };
    await assert.rejects(h.executeUpdate(provideNewKeyUpdate, { args: [newKey] }), (err: Error) => {
      assert.match(String((err.cause as Error | undefined)?.message), /Company Maintenance/);
      return true;
    });
    assert.equal((await h.query(cwKeyRotationStatusQuery)).step, 'awaiting-new-key');

    // The admin gives the member's role Add on Company Maintenance; the same key is accepted now.
    const role = fullRole();
    role['Companies/Company Maintenance'] = { ...role['Companies/Company Maintenance'], add: 'All' };
    await cw.setRole(m.roleId, role);
    assert.deepEqual(await h.executeUpdate(provideNewKeyUpdate, { args: [newKey] }), { verified: true });
    await h.terminate('the opt-in check is what this test is about');
  });

  type Member = Awaited<ReturnType<ConnectwiseFixture['newMember']>>;
  const connectionOf = (m: Member) => cw.connection(m);
  const adminKey = async (m: Member, method: 'POST' | 'DELETE', publicKey = '') => {
    const res = await request(
      `${cw.url}/_admin/api-members/${m.identifier}/api-keys${publicKey ? `/${publicKey}` : ''}`,
      {
        method,
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ description: 'rotated' }) }
          : {}),
      }
    );
    assert.ok(res.statusCode < 300, `admin ${method} key: ${res.statusCode}`);
    return method === 'POST' ? ((await res.body.json()) as { publicKey: string; privateKey: string }) : undefined;
  };
  /** One rotation run as the operator does it: a new key in the UI, sent by Update, the old one deleted. */
  const rotate = async (m: Member, customer: string, workflowId: string) => {
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId,
      taskQueue,
      args: [
        {
          customer: { name: customer },
          connection: connectionOf(m), // the arguments a schedule keeps, run after run
          timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
        },
      ],
    });
    const waiting = await eventually(async () => {
      const s = await h.query(cwKeyRotationStatusQuery);
      return s.step === 'awaiting-new-key' ? s : undefined;
    }, 'the key step');
    const fresh = (await adminKey(m, 'POST'))!;
    await h.executeUpdate(provideNewKeyUpdate, {
      args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
    });
    const revoke = await eventually(async () => {
      const s = await h.query(cwKeyRotationStatusQuery);
      return s.step === 'awaiting-old-key-removal' || s.step === 'done' ? s.step : undefined;
    }, 'the revoke step (or done at once when the old key is already refused)');
    if (revoke !== 'done') {
      await adminKey(m, 'DELETE', waiting.oldPublicKey);
      await h.signal(oldKeyDeletedSignal);
    }
    return { waiting, result: await h.result() };
  };

  it('a second run with the same arguments (a schedule) rotates the key the first one switched to, not the one in its arguments', async () => {
    const m = await cw.newMember();
    const customer = `Scheduled MSP ${m.identifier}`;
    const first = await rotate(m, customer, `cw-rotation-${randomUUID()}`);
    assert.equal(first.waiting.oldPublicKey, m.publicKey);
    const second = await rotate(m, customer, `cw-rotation-${randomUUID()}`);
    assert.equal(second.waiting.oldPublicKey, first.result.newPublicKey, 'the current key, from the record');
    assert.equal(second.result.oldPublicKey, first.result.newPublicKey);
    const keyOf = (r: typeof first.result) => ({
      ...connectionOf(m),
      publicKey: r.newPublicKey,
      privateKeyRef: r.newPrivateKeyRef,
    });
    assert.equal((await cw.activities.verifyConnectwiseConnection(keyOf(first.result))).ok, false, 'revoked');
    assert.ok((await cw.activities.verifyConnectwiseConnection(keyOf(second.result))).ok, 'in use');
  });

  it('the operator\'s "old key deleted" that arrives while ConnectWise is being asked is not lost until the next re-check', async () => {
    // The race a loaded CI run hit: the check of the old key answers "still works" (asked before the operator
    // deleted it), and the operator's signal lands while that answer is on its way. The workflow must check
    // again at once; the re-check interval here is an hour, so a lost signal leaves it waiting.
    const m = await cw.newMember();
    const heldQueue = uniqueTaskQueue('cw-rotation-held');
    let armed = false;
    let oldKeyChecks = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let onAsked!: () => void;
    const asked = new Promise<void>((r) => (onAsked = r));
    await stack.worker(
      {
        ...cw.activities,
        verifyConnectwiseConnection: async (c) => {
          const answer = await cw.activities.verifyConnectwiseConnection(c);
          if (c.publicKey === m.publicKey && armed && ++oldKeyChecks === 1) {
            // The revoke step's first check of the old key (armed once the new key was sent).
            onAsked();
            await released;
          }
          return answer;
        },
      },
      { taskQueue: heldQueue }
    );
    const h = await env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
      workflowId: `cw-rotation-held-${randomUUID()}`,
      taskQueue: heldQueue,
      args: [
        {
          customer: { name: `Held check MSP ${m.identifier}` },
          connection: connectionOf(m),
          timing: { recheckSeconds: 3600, reminderMinutes: 60, operatorDeadlineHours: 2 },
        },
      ],
    });
    await eventually(async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key', 'the key step');
    const fresh = (await adminKey(m, 'POST'))!;
    armed = true;
    await h.executeUpdate(provideNewKeyUpdate, {
      args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
    });
    await asked;
    await adminKey(m, 'DELETE', m.publicKey);
    await h.signal(oldKeyDeletedSignal);
    // The signal is in the history before the held answer is released (the server's order, not a delay).
    await eventually(
      async () => (await h.fetchHistory()).events?.some((e) => e.workflowExecutionSignaledEventAttributes) || undefined,
      'the signal in the history'
    );
    release();
    await eventually(
      async () => (await h.query(cwKeyRotationStatusQuery)).step === 'done' || undefined,
      'the rotation to finish on the signal (a lost one waits for the hourly re-check)'
    );
    const result = await h.result();
    assert.equal(result.oldPublicKey, m.publicKey);
    assert.equal(oldKeyChecks, 2, 'checked once more right after the signal, and found refused');
  });

  it("a key the customer's admin deleted is found by a drift check and fixed by a rotation; a clean check closes the finding", async () => {
    const m = await cw.newMember();
    const customer = { id: `cw-drift-${m.identifier}`, name: `Drifting MSP ${m.identifier}` };
    const drift = async (connection: ReturnType<typeof connectionOf>) =>
      env.client.workflow.execute<typeof driftCheck>('driftCheck', {
        workflowId: `drift-${randomUUID()}`,
        taskQueue,
        args: [{ customer, connectwise: { connection } }],
      });
    assert.equal((await drift(connectionOf(m))).drifted, false, 'clean before');
    await adminKey(m, 'DELETE', m.publicKey); // System > Members > API Members > API Keys: deleted by hand
    const found = await drift(connectionOf(m));
    assert.equal(found.findings.length, 1);
    assert.equal(found.findings[0]?.integration, 'connectwise');
    const key = found.findings[0].key!;
    const finding = env.client.workflow.getHandle(driftFindingWorkflowId(customer.id, key));
    assert.equal((await finding.query(driftFindingStatusQuery)).resolved, false, 'a finding is open');
    // The next check learns what is open from visibility, which lags the start by a moment.
    await eventually(
      async () =>
        (await listFindings(env.client, { customer: customer.id, open: true })).some((f) => f.key === key) || undefined,
      'the finding listed as open'
    );

    const { result } = await rotate(m, customer.name, `cw-rotation-${randomUUID()}`);
    assert.equal(result.oldPublicKey, m.publicKey);
    const fixed = await drift({
      ...connectionOf(m),
      publicKey: result.newPublicKey,
      privateKeyRef: result.newPrivateKeyRef,
    });
    assert.equal(fixed.drifted, false, 'the rotated key passes');
    assert.deepEqual(fixed.closed, [key], 'the clean check closes the finding');
    assert.deepEqual(await finding.result(), { resolvedBy: 'a later drift check no longer found the problem' });
  });
});
