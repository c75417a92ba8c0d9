import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../src/activities';
import {
  autotaskSecretRotationWorkflowId,
  parseAutotaskSecretRotationInput,
  type AutotaskSecretRotationRequest,
} from '../src/domain/autotask-schema';
import { listen } from '../src/simulators/http';
import { deriveAutotaskWebhookSecret } from '../src/webhooks/autotask-secret';
import { createAutotaskWebhookReceiver, type AutotaskWebhookEvent } from '../src/webhooks/autotask-receiver';
import { SigningKeyring } from '../src/secrets/receiver-keyring-file';
import { keyringSecretsFor } from '../src/webhooks/signing-keyring';
import { autotaskSecretRotation } from '../src/workflows';
import { autotaskSecretRotationStatusQuery, endSigningOverlapSignal } from '../src/contract/autotask-rotation-messages';
import {
  autotaskFixture,
  deliverSignedCallout,
  seedSignedWebhook,
  type AutotaskFixture,
  type TestUser,
  VENDOR_PROFILE,
  VENDOR_PROFILES,
} from './helpers/autotask';
import { WorkerProcess, crashAfterCommits, waitForCrash } from './helpers/faults';
import { decodedWorkflow, eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

/**
 * The webhook signing secret rotated with the receiver accepting old and new during the overlap: the
 * production receiver reading the keyring the workers write, the Autotask simulator signing its callouts
 * with whatever secretKey the webhook has, over real HTTP, on a real Temporal dev server.
 */
describe('autotaskSecretRotation (real Temporal + Autotask simulator + keyring receiver)', () => {
  let env: TestWorkflowEnvironment;
  let at: AutotaskFixture;
  let stack: Integration;
  let receiverUrl: string;
  let closeReceiver: () => Promise<void>;
  const events: AutotaskWebhookEvent[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'onramp-keyring-'));
  const keyring = new SigningKeyring(dir);
  const taskQueue = uniqueTaskQueue('autotask-secret-rotation');
  let t = 0;

  before(async () => {
    stack = await integration();
    env = stack.env;
    at = await autotaskFixture();
    const receiver = createAutotaskWebhookReceiver({
      secretsFor: keyringSecretsFor({ keyring, defaultKeyRef: at.signingKeyRef }),
      onEvent: (e) => void events.push(e),
    });
    receiverUrl = await listen(receiver.app);
    closeReceiver = () => receiver.app.close();
    const activities = createActivities({
      google: { tokenUrl: 'http://127.0.0.1:9/unused' },
      notify: {},
      autotask: {
        discoveryUrl: at.simUrl,
        allowedZoneHosts: [new URL(at.simUrl).host],
        receiverKeyringDir: dir,
        vendorProfiles: VENDOR_PROFILES,
      },
    });
    await stack.worker(activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await closeReceiver();
    await at.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A tenant whose API user owns `count` ready Ticket webhooks signed with the order's key. */
  const setup = (count = 1) => {
    const tenant = `sec-${process.pid}-${++t}`;
    const user = at.addUser();
    const names = Array.from({ length: count }, (_, i) => `secrot-${t}-${i}-Ticket`);
    const ids = names.map((name) => seedHook(user, tenant, name));
    const request: AutotaskSecretRotationRequest = {
      customer: { id: tenant },
      vendor: { name: 'Sophos Central' },
      vendorProfile: VENDOR_PROFILE,
      credentials: user.credentials,
      webhooks: names.map((name) => ({ entity: 'Ticket', name })),
      signingKeyRef: at.signingKeyRef,
      overlapMinutes: 60,
    };
    return { tenant, user, names, ids, request };
  };
  const seedHook = (owner: TestUser, tenant: string, name: string): number =>
    seedSignedWebhook(at, owner, receiverUrl, tenant, name).id;
  /** A delivery as Autotask would sign it with `master`'s secret for webhook `name`: the receiver's status. */
  const deliver = (tenant: string, name: string, master: string) =>
    deliverSignedCallout(receiverUrl, tenant, name, master);
  const keyOf = (ref: string) => readFileSync(ref.slice('file:'.length), 'utf8');
  const tenantHooks = (tenant: string) =>
    [...at.sim.db.webhooks.values()].filter((h) => h.webhookUrl.includes(`/webhooks/autotask/${tenant}?`));

  it('create → verify → switch → overlap → revoke: old-secret deliveries accepted during the overlap, refused after', async () => {
    const { tenant, names, ids, request } = setup();
    const [name] = names as [string];
    assert.equal(await deliver(tenant, name, at.masterKey), 200, 'before: the order key signs');

    const handle = await env.client.workflow.start(autotaskSecretRotation, {
      workflowId: autotaskSecretRotationWorkflowId(parseAutotaskSecretRotationInput(request)),
      taskQueue,
      args: [request],
    });
    const overlap = await eventually(async () => {
      const s = await handle.query(autotaskSecretRotationStatusQuery);
      return s.step === 'overlap' ? s : undefined;
    }, 'the overlap');
    assert.equal(overlap.acceptedKeyRefs.length, 2);
    assert.equal(overlap.acceptedKeyRefs[0], at.signingKeyRef);
    const newMaster = keyOf(overlap.acceptedKeyRefs[1]!);
    assert.equal(at.sim.db.webhooks.get(ids[0]!)?.secretKey, deriveAutotaskWebhookSecret(newMaster, name));
    // During the overlap: a retried delivery signed with the old secret and a fresh one with the new.
    assert.equal(await deliver(tenant, name, at.masterKey), 200, 'old secret accepted during the overlap');
    assert.equal(await deliver(tenant, name, newMaster), 200, 'new secret accepted');
    const t1 = at.sim.changeTicket(undefined, { status: 1 });
    await eventually(
      async () => events.some((e) => e.tenant === tenant && e.id === t1),
      'Autotask callout, new secret'
    );

    await handle.signal(endSigningOverlapSignal);
    const result = await handle.result();
    assert.deepEqual(result.revokedKeyRefs, [at.signingKeyRef]);
    assert.deepEqual(result.acceptedKeyRefs, [overlap.acceptedKeyRefs[1]]);
    assert.equal(await deliver(tenant, name, at.masterKey), 401, 'old secret refused after the revoke');
    assert.equal(await deliver(tenant, name, newMaster), 200);
    const t2 = at.sim.changeTicket(undefined, { status: 1 });
    await eventually(async () => events.some((e) => e.tenant === tenant && e.id === t2), 'callout after the revoke');
    assert.deepEqual(
      tenantHooks(tenant).map((h) => h.id),
      ids,
      'same webhook, nothing created or deleted'
    );
    // The history carries key references, never keys (read decoded, as anyone with the codec key would).
    const history = (await decodedWorkflow(env.client, handle.workflowId)).strings.join('\n');
    assert.ok(!history.includes(newMaster) && !history.includes(at.masterKey), 'no master key in history');
  });

  it('a second run rotates away from the key the first one left (the keyring, not its arguments)', async () => {
    const { tenant, names, request } = setup();
    const run = async (suffix: string) => {
      const h = await env.client.workflow.start(autotaskSecretRotation, {
        workflowId: `${autotaskSecretRotationWorkflowId(parseAutotaskSecretRotationInput(request))}:${suffix}`,
        taskQueue,
        args: [request],
      });
      await eventually(
        async () => (await h.query(autotaskSecretRotationStatusQuery)).step === 'overlap',
        'the overlap'
      );
      await h.signal(endSigningOverlapSignal);
      return h.result();
    };
    const first = await run('1');
    const second = await run('2');
    assert.deepEqual(second.revokedKeyRefs, first.acceptedKeyRefs, 'the second run revoked the first run’s key');
    assert.equal(await deliver(tenant, names[0]!, keyOf(first.acceptedKeyRefs[0]!)), 401);
    assert.equal(await deliver(tenant, names[0]!, keyOf(second.acceptedKeyRefs[0]!)), 200);
  });

  it('the door names the field: overlap shorter than Autotask retries, no webhooks', () => {
    const { request } = setup(1);
    assert.throws(
      () => parseAutotaskSecretRotationInput({ ...request, overlapMinutes: 1, webhooks: [] }),
      (err: Error) => /overlapMinutes/.test(err.message) && /webhooks/.test(err.message)
    );
  });

  it('worker SIGKILLed between two webhook switches: no gap (both secrets verify meanwhile), no orphan, finishes on a new worker', async () => {
    const { tenant, names, ids, request } = setup(2);
    const queue = uniqueTaskQueue('secret-rotation-crash');
    const proc = new WorkerProcess({ address: env.address, taskQueue: queue, autotaskUrl: at.simUrl });
    process.env.ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR = dir;
    const plan = crashAfterCommits(proc, [
      { label: 'first PATCH', sim: at.sim, method: 'PATCH', path: /TicketWebhooks$/i },
    ]);
    proc.start();
    try {
      const handle = await env.client.workflow.start(autotaskSecretRotation, {
        workflowId: autotaskSecretRotationWorkflowId(parseAutotaskSecretRotationInput(request)),
        taskQueue: queue,
        args: [request],
      });
      await waitForCrash(plan, ['first PATCH']);
      // Killed mid-switch: the first webhook has the new secret, the second the old; both verify.
      const refs = (await keyring.keyRefs(tenant)) ?? [];
      assert.equal(refs.length, 2, 'the overlap was open before the first switch');
      const newMaster = keyOf(refs[1]!);
      assert.equal(at.sim.db.webhooks.get(ids[0]!)?.secretKey, deriveAutotaskWebhookSecret(newMaster, names[0]!));
      assert.equal(at.sim.db.webhooks.get(ids[1]!)?.secretKey, deriveAutotaskWebhookSecret(at.masterKey, names[1]!));
      assert.equal(await deliver(tenant, names[0]!, newMaster), 200, 'switched webhook verifies');
      assert.equal(await deliver(tenant, names[1]!, at.masterKey), 200, 'not yet switched webhook verifies');

      await eventually(
        async () => (await handle.query(autotaskSecretRotationStatusQuery)).step === 'overlap',
        'the overlap on the restarted worker',
        120_000
      );
      await handle.signal(endSigningOverlapSignal);
      const result = await handle.result();
      assert.equal(plan.fired('first PATCH'), 1);
      assert.deepEqual(result.acceptedKeyRefs, [refs[1]], 'the key created before the crash, not a third one');
      for (const [i, name] of names.entries())
        assert.equal(at.sim.db.webhooks.get(ids[i]!)?.secretKey, deriveAutotaskWebhookSecret(newMaster, name));
      assert.deepEqual(
        tenantHooks(tenant).map((h) => h.id),
        ids,
        'no webhook created, none lost'
      );
      assert.equal(await deliver(tenant, names[1]!, at.masterKey), 401, 'old secret refused after the revoke');
    } finally {
      await proc.stop();
      delete process.env.ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR;
    }
  });
});
