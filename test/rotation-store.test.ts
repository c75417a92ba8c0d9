/**
 * Rotation state in the secret store (issue 14, rotation left by session 3): with ONRAMP_SECRET_STORE_URL the
 * Autotask receiver keyring and the current-credentials record live in PostgreSQL, sealed and audited, so
 * worker processes that share no files (each its own ONRAMP_DATA_DIR, as containers are) and receivers
 * elsewhere see one keyring. The signing-secret rotation runs in spawned src/worker.ts processes on a real
 * Temporal dev server, against the Autotask simulator over HTTP; two receiver instances in this process read
 * the store through their own connections.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import {
  autotaskSecretRotationWorkflowId,
  parseAutotaskSecretRotationInput,
  type AutotaskSecretRotationRequest,
} from '../src/domain/autotask-schema';
import { storeRotationState } from '../src/secrets/rotation-state-store';
import { PostgresSecretStore, useSecretStore } from '../src/secrets/secret-store';
import { listen } from '../src/simulators/http';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import { deriveAutotaskWebhookSecret } from '../src/webhooks/autotask-secret';
import { createAutotaskWebhookReceiver } from '../src/webhooks/autotask-receiver';
import { keyringSecretsFor } from '../src/webhooks/signing-keyring';
import { autotaskSecretRotation, type connectwiseKeyRotation } from '../src/workflows';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../src/contract/connectwise-key-rotation-messages';
import { autotaskSecretRotationStatusQuery, endSigningOverlapSignal } from '../src/contract/autotask-rotation-messages';
import {
  autotaskFixture,
  deliverSignedCallout,
  seedSignedWebhook,
  VENDOR_PROFILE,
  type AutotaskFixture,
} from './helpers/autotask';
import { connectwiseFixture, type ConnectwiseFixture } from './helpers/connectwise';
import { tableText } from './helpers/postgres';
import { decodedWorkflow, eventually, integration, leaks, testCodec, uniqueTaskQueue } from './helpers/integration';

const ROOT = resolve(__dirname, '..');
const skip = !postgresAvailable() && !process.env.CI;

/** A src/worker.ts process configured only by its environment, with data directories of its own. */
class Worker {
  private child?: ChildProcess;
  log = '';
  readonly dataDir = mkdtempSync(join(tmpdir(), 'onramp-rot-worker-'));
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  start(): this {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.env, ONRAMP_DATA_DIR: this.dataDir, LOG_LEVEL: 'debug' },
    });
    this.child.stdout!.on('data', (b: Buffer) => (this.log += b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => (this.log += b.toString()));
    return this;
  }
  /** Files this worker left in its own data directory (the file keyring and record must stay unused). */
  rotationFiles(): string[] {
    return ['autotask-keyring', 'current-credentials'].flatMap((d) =>
      existsSync(join(this.dataDir, d)) ? readdirSync(join(this.dataDir, d)).map((f) => `${d}/${f}`) : []
    );
  }
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGKILL');
    });
  }
  async dispose(): Promise<void> {
    await this.kill9();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

describe('rotation state in the secret store: N workers and receivers, no shared files', { skip }, () => {
  let pg: ThrowawayPostgres;
  let h: Awaited<ReturnType<typeof integration>>;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let notify: NotifyReceiver;
  let notifyUrl = '';
  /** Each receiver instance has its own store connection, as a receiver in another container would. */
  let receiverStores: PostgresSecretStore[] = [];
  const receivers: string[] = [];
  const receiverApps: FastifyInstance[] = [];
  const workers: Worker[] = [];
  const taskQueue = uniqueTaskQueue('rotation-store');
  const tenant = `rotstore-${process.pid}`;
  const name = `rotstore-${process.pid}-Ticket`;
  let request: AutotaskSecretRotationRequest;
  let hookId = 0;

  const worker = () => {
    const w = new Worker({
      TEMPORAL_ADDRESS: h.env.address,
      TEMPORAL_NAMESPACE: h.env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      ONRAMP_MODE: 'sandbox',
      ONRAMP_AUTOTASK_DISCOVERY_URL: at.simUrl,
      ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: new URL(at.simUrl).host,
      ONRAMP_CONNECTWISE_ALLOWED_HOSTS: cw.host,
      ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS: cw.host,
      ONRAMP_NOTIFY_WEBHOOK_URL: notifyUrl,
      ONRAMP_SECRET_STORE_URL: pg.url,
    }).start();
    workers.push(w);
    return w;
  };

  before(async () => {
    [pg, h, at, cw] = await Promise.all([
      startThrowawayPostgres(),
      integration(),
      autotaskFixture(),
      connectwiseFixture(),
    ]);
    notify = createNotifyReceiver();
    notifyUrl = `${await notify.listen()}/notify`;
    const codec = await testCodec();
    receiverStores = [new PostgresSecretStore(pg.url, codec), new PostgresSecretStore(pg.url, codec)];
    await receiverStores[0]!.init();
    // resolveSecretRef (the receiver resolving store: key references) goes through the process's store.
    useSecretStore(receiverStores[0]);
    for (const store of receiverStores) {
      const receiver = createAutotaskWebhookReceiver({
        secretsFor: keyringSecretsFor({
          keyring: storeRotationState(() => store).keyring,
          defaultKeyRef: at.signingKeyRef,
        }),
        onEvent: () => undefined,
      });
      receiverApps.push(receiver.app);
      receivers.push(await listen(receiver.app));
    }
    const user = at.addUser();
    hookId = seedSignedWebhook(at, user, receivers[0]!, tenant, name).id;
    request = {
      customer: { id: tenant },
      vendor: { name: 'Sophos Central' },
      vendorProfile: VENDOR_PROFILE,
      credentials: user.credentials,
      webhooks: [{ entity: 'Ticket', name }],
      signingKeyRef: at.signingKeyRef,
      overlapMinutes: 60,
    };
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
    useSecretStore(undefined);
    await Promise.all(receiverApps.map((a) => a.close()));
    await Promise.all(receiverStores.map((s) => s.close()));
    await h?.teardown();
    await Promise.all([at?.close(), cw?.close(), notify?.close()]);
    await pg?.stop();
  });

  const deliver = (receiver: string, master: string) => deliverSignedCallout(receiver, tenant, name, master);
  const everyReceiver = (master: string) => Promise.all(receivers.map((r) => deliver(r, master)));
  /** The value behind a store: reference, read as the receiver reads it. */
  const valueOf = async (ref: string) => {
    assert.match(ref, /^store:rotation\/autotask-signing-key\//, 'a generated key lives in the store');
    const v = await receiverStores[1]!.read(ref.slice('store:'.length));
    assert.ok(v, `no stored value behind ${ref}`);
    return v;
  };
  const startRotation = (suffix: string) =>
    h.env.client.workflow.start(autotaskSecretRotation, {
      workflowId: `${autotaskSecretRotationWorkflowId(parseAutotaskSecretRotationInput(request))}:${suffix}`,
      taskQueue,
      args: [request],
    });

  let firstRef = '';
  let firstKey = '';
  let firstWorkflowId = '';

  it('worker A opens the overlap, worker B (no shared files) finishes it; every receiver accepts old+new during the overlap, only new after', async () => {
    assert.deepEqual(await everyReceiver(at.masterKey), [200, 200], 'before: the order key signs');
    const a = worker();
    const handle = await startRotation('1');
    firstWorkflowId = handle.workflowId;
    const overlap = await eventually(
      async () => {
        const s = await handle.query(autotaskSecretRotationStatusQuery);
        return s.step === 'overlap' ? s : undefined;
      },
      'the overlap on worker A',
      180_000
    );
    assert.deepEqual(overlap.acceptedKeyRefs.slice(0, 1), [at.signingKeyRef]);
    firstRef = overlap.acceptedKeyRefs[1]!;
    firstKey = await valueOf(firstRef);
    assert.equal(at.sim.db.webhooks.get(hookId)?.secretKey, deriveAutotaskWebhookSecret(firstKey, name));
    assert.deepEqual(await everyReceiver(at.masterKey), [200, 200], 'old secret accepted during the overlap');
    assert.deepEqual(await everyReceiver(firstKey), [200, 200], 'new secret accepted by every receiver');

    // Worker A dies; worker B, which never saw A's files, ends the overlap and revokes.
    await a.kill9();
    const b = worker();
    await handle.signal(endSigningOverlapSignal);
    const result = await handle.result();
    assert.deepEqual(result.acceptedKeyRefs, [firstRef]);
    assert.deepEqual(result.revokedKeyRefs, [at.signingKeyRef]);
    assert.deepEqual(await everyReceiver(at.masterKey), [401, 401], 'old secret refused after the revoke');
    assert.deepEqual(await everyReceiver(firstKey), [200, 200]);
    assert.deepEqual([...a.rotationFiles(), ...b.rotationFiles()], [], 'no worker kept rotation state in files');
  });

  it('the stored rows are sealed: no key, no keyring JSON in plaintext; the audit names the references, never a value', async () => {
    const { rows, text } = await tableText(pg.url, 'onramp_secrets');
    const names = rows.map((r) => r.name as string).sort();
    assert.deepEqual(names, [`rotation/autotask-keyring/${tenant}`, firstRef.slice('store:'.length)].sort());
    for (const r of rows) assert.equal(r.key_id, 'test', 'sealed with the codec key ring');
    assert.ok(!text.includes(firstKey), 'the generated key in plaintext');
    assert.ok(!text.includes(Buffer.from(firstKey).toString('hex')), 'the generated key (hex)');
    assert.ok(!text.includes('keyRefs'), 'the keyring record in plaintext');
    assert.ok(!text.includes(at.signingKeyRef), 'the keyring’s references in plaintext');

    const audit = await tableText(pg.url, 'onramp_secret_audit');
    assert.ok(!audit.text.includes(firstKey), 'the key in the audit');
    assert.ok(!audit.text.includes('keyRefs'), 'a record value in the audit');
    assert.deepEqual(
      (await receiverStores[0]!.audit(tenant)).map((r) => [r.actor, r.via, r.integration, r.action, r.ref]),
      [
        ['rotation', 'worker', 'autotask', 'created', firstRef],
        ['rotation', 'worker', 'autotask', 'written', `store:rotation/autotask-keyring/${tenant}`],
        ['rotation', 'worker', 'autotask', 'written', `store:rotation/autotask-keyring/${tenant}`],
      ],
      'key created once, keyring written twice (old+new, then new): retried writes add no row'
    );
  });

  it('the key is in no history and no worker log', async () => {
    const secrets = new Map([['the generated signing key', firstKey]]);
    const decoded = await decodedWorkflow(h.env.client, firstWorkflowId);
    assert.deepEqual(leaks(decoded.strings, secrets), [], 'the key in the decoded history');
    assert.ok(
      decoded.strings.some((s) => s.includes(firstRef)),
      'the history carries the reference'
    );
    for (const w of workers) {
      assert.ok(w.log.length > 0, 'the worker logged');
      assert.ok(!w.log.includes(firstKey), 'the key in a worker log');
    }
  });

  it('a restarted worker keeps the current reference: the next rotation rotates away from the stored key, not the order’s', async () => {
    await Promise.all(workers.map((w) => w.kill9()));
    worker();
    const handle = await startRotation('2');
    const overlap = await eventually(
      async () => {
        const s = await handle.query(autotaskSecretRotationStatusQuery);
        return s.step === 'overlap' ? s : undefined;
      },
      'the overlap on the restarted worker',
      180_000
    );
    assert.equal(overlap.acceptedKeyRefs[0], firstRef, 'the keyring the first run left, read from the store');
    const second = await valueOf(overlap.acceptedKeyRefs[1]!);
    await handle.signal(endSigningOverlapSignal);
    const result = await handle.result();
    assert.deepEqual(result.revokedKeyRefs, [firstRef]);
    assert.deepEqual(await everyReceiver(firstKey), [401, 401]);
    assert.deepEqual(await everyReceiver(second), [200, 200]);
    assert.deepEqual(await everyReceiver(at.masterKey), [401, 401]);
  });

  it('ConnectWise: the key a rotation switched to is recorded in the store; the next run on a restarted worker rotates away from it', async () => {
    const m = await cw.newMember();
    const customer = `cw-store-${process.pid}`;
    const connection = cw.connection(m);
    /** One operator-driven run with the arguments a schedule keeps; the pair's private key as a file: ref. */
    const rotate = async (suffix: string) => {
      const handle = await h.env.client.workflow.start<typeof connectwiseKeyRotation>('connectwiseKeyRotation', {
        workflowId: `cw-store-rotation-${process.pid}-${suffix}`,
        taskQueue,
        args: [
          {
            customer: { name: customer },
            connection,
            timing: { recheckSeconds: 0.5, reminderMinutes: 60, operatorDeadlineHours: 1 },
          },
        ],
      });
      const waiting = await eventually(
        async () => {
          const st = await handle.query(cwKeyRotationStatusQuery);
          return st.step === 'awaiting-new-key' ? st : undefined;
        },
        'the key step',
        180_000
      );
      const res = await fetch(`${cw.url}/_admin/api-members/${m.identifier}/api-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ description: 'rotated' }),
      });
      const fresh = (await res.json()) as { publicKey: string; privateKey: string };
      await handle.executeUpdate(provideNewKeyUpdate, {
        args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
      });
      const step = await eventually(async () => {
        const st = await handle.query(cwKeyRotationStatusQuery);
        return st.step === 'awaiting-old-key-removal' || st.step === 'done' ? st.step : undefined;
      }, 'the revoke step');
      if (step !== 'done') {
        await fetch(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${waiting.oldPublicKey}`, {
          method: 'DELETE',
        });
        await handle.signal(oldKeyDeletedSignal);
      }
      return { waiting, result: await handle.result() };
    };
    const first = await rotate('1');
    assert.equal(first.waiting.oldPublicKey, m.publicKey);
    // The worker that recorded it is gone; a new one, with a data directory of its own, runs the next one.
    await Promise.all(workers.map((w) => w.kill9()));
    const next = worker();
    const second = await rotate('2');
    assert.equal(second.waiting.oldPublicKey, first.result.newPublicKey, 'the current key, read from the store');
    assert.deepEqual(next.rotationFiles(), [], 'no record in files');
    const rows = await tableText(pg.url, 'onramp_secrets');
    assert.ok(
      rows.rows.some((r) => String(r.name).startsWith('rotation/current/connectwise-key/')),
      'the record is a store row'
    );
    assert.ok(!rows.text.includes(second.result.newPublicKey), 'the record in plaintext');
  });

  it('current-credentials record: written by one process, read by another after a restart; sealed; plaintext refused', async () => {
    const codec = await testCodec();
    const writer = new PostgresSecretStore(pg.url, codec);
    const customer = `cw-${process.pid}`;
    const privateKeyRef = `store:${customer}/connectwise/0123abcd`;
    try {
      const state = storeRotationState(() => writer);
      await state.current.write('connectwise-key', customer, { publicKey: 'PUB-2', privateKeyRef });
      await assert.rejects(
        state.current.write('connectwise-key', customer, { publicKey: 'PUB-3', privateKeyRef: 'the-private-key' }),
        /privateKeyRef must be a secret reference/
      );
    } finally {
      await writer.close();
    }
    // Another process (its own connection), after the writer is gone.
    const reader = storeRotationState(() => receiverStores[1]).current;
    assert.deepEqual(await reader.read('connectwise-key', customer), { publicKey: 'PUB-2', privateKeyRef });
    assert.equal(await reader.read('connectwise-key', `nobody-${process.pid}`), undefined);
    const { text } = await tableText(pg.url, 'onramp_secrets');
    assert.ok(!text.includes('PUB-2') && !text.includes(privateKeyRef), 'the record in plaintext');
    assert.deepEqual(
      (await receiverStores[0]!.audit(customer)).map((r) => [r.integration, r.action, r.ref]),
      [['connectwise', 'written', `store:rotation/current/connectwise-key/${customer}`]]
    );
    assert.ok(!(await tableText(pg.url, 'onramp_secret_audit')).text.includes('PUB-2'), 'a value in the audit');
  });
});
