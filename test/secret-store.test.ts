/**
 * Credentials operators supply, stored where workers read them (issue 11, point 4): the intake and the CLI
 * write the secret to the PostgreSQL secret store, sealed with the payload key ring; the workflow carries
 * only `store:<name>`; a worker started from src/worker.ts, configured only by its environment, resolves it
 * and the Autotask onboarding completes. The raw row holds no plaintext, the audit names who supplied what
 * (never the value), the decoded histories and the worker's logs hold no value, and a key rotation still
 * opens rows sealed with the older key.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Client } from 'pg';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { EncryptionCodec, keyRing } from '../src/codec';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { createIntakeServer } from '../src/intake/intake-server';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { PostgresSecretStore, useSecretStore } from '../src/secrets/secret-store';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { tableText } from './helpers/postgres';
import { decodedWorkflow, eventually, integration, leaks, testCodec, uniqueTaskQueue } from './helpers/integration';

const ROOT = resolve(__dirname, '..');
const TOKEN = `store-token-${process.pid}-0123456789`;
const TOKEN_NAME = 'file:/run/secrets/crm-token';

const skip = !postgresAvailable() && !process.env.CI;

describe('secret store: supplied through the intake, resolved by a real worker', { skip }, () => {
  let pg: ThrowawayPostgres;
  let h: Awaited<ReturnType<typeof integration>>;
  let g: GoogleFixture;
  let at: AutotaskFixture;
  let store: PostgresSecretStore;
  let app: FastifyInstance;
  let base: string;
  let worker: ChildProcess;
  let workerLog = '';
  let stopping = false;
  const taskQueue = uniqueTaskQueue('secret-store');
  const dataDir = mkdtempSync(join(tmpdir(), 'onramp-store-'));
  // A canary of its own shape: found anywhere, it leaked.
  const CANARY = `at-secret-${randomBytes(12).toString('hex')}`;
  const WRONG = `at-wrong-${randomBytes(12).toString('hex')}`;

  before(async () => {
    [pg, h, g, at] = await Promise.all([startThrowawayPostgres(), integration(), googleFixture(), autotaskFixture()]);
    store = new PostgresSecretStore(pg.url, await testCodec());
    await store.init();
    // The production entry point in its own process, configured only through the environment (as compose does).
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: h.env.address,
        TEMPORAL_NAMESPACE: h.env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        ONRAMP_MODE: 'sandbox',
        ONRAMP_DATA_DIR: dataDir,
        ONRAMP_AUTOTASK_DISCOVERY_URL: at.simUrl,
        ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: new URL(at.simUrl).host,
        ONRAMP_NOTIFY_WEBHOOK_URL: g.notifyUrl,
        ONRAMP_SECRET_STORE_URL: pg.url,
        LOG_LEVEL: 'debug',
      },
    });
    worker.stdout!.on('data', (b: Buffer) => (workerLog += b.toString()));
    worker.stderr!.on('data', (b: Buffer) => (workerLog += b.toString()));
    worker.once('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`the worker exited early (${code ?? signal}):\n${workerLog.slice(-4000)}\n`);
    });
    app = createIntakeServer({
      client: h.env.client,
      config: { temporal: { address: h.env.address, namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN], bearerTokenNames: [TOKEN_NAME] },
      secretStore: store,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    stopping = true;
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await app?.close();
    await store?.close();
    await h?.teardown();
    await Promise.all([g?.close(), at?.close()]);
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const orderId = `SO-STORE-${process.pid}`;
  let ref = '';

  it('the intake stores the secret and hands the workflow a store: reference; the worker resolves it and the order completes', async () => {
    const u = at.addUser({ secret: CANARY });
    const o: OrderRequest = {
      orderId,
      customer: { id: 'store-at', name: 'Store Autotask' },
      integrations: { autotask: at.onboarding(`store-${process.pid}`, 'office-protect') },
    };
    assert.equal((await call('/v1/onboardings', o)).status, 202);
    await eventually(async () => {
      const s = await call(`/v1/onboardings/${orderId}`);
      return (
        (s.body.details as { autotask?: { state?: string } } | undefined)?.autotask?.state === 'waiting-for-operator'
      );
    }, 'the Autotask child to wait for the operator');
    const { username } = u.credentials;
    // A reference and the secret at once: refused before anything is written.
    const both = await call(`/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: { username, secretRef: 'env:X' },
      secret: CANARY,
    });
    assert.equal(both.status, 400, JSON.stringify(both.body));
    assert.equal((await tableText(pg.url, 'onramp_secrets')).rows.length, 0, 'nothing stored for a refused request');

    // A wrong secret: stored, resolved by the worker, refused by Autotask, so the workflow refuses the
    // credential and the intake removes the value again (both recorded).
    const wrong = await call(`/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: { username },
      secret: WRONG,
    });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.equal(wrong.body.error, 'credential_rejected');
    assert.ok(!JSON.stringify(wrong.body).includes(WRONG));
    assert.equal((await tableText(pg.url, 'onramp_secrets')).rows.length, 0, 'a refused secret is not kept');
    assert.deepEqual(
      (await store.audit(orderId)).map((r) => r.action),
      ['supplied', 'removed: the workflow did not accept the credential']
    );

    const res = await call(`/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: { username },
      secret: CANARY,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    ref = /(store:\S+)\)/.exec(String(res.body.message))?.[1] ?? '';
    assert.match(ref, new RegExp(`^store:${orderId}/autotask/[0-9a-f]{8}$`));
    assert.ok(!JSON.stringify(res.body).includes(CANARY));

    await h.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).result();
    const status = await call(`/v1/onboardings/${orderId}`);
    const child = (status.body.details as { autotask: { state: string; workflowId: string } }).autotask;
    assert.equal(child.state, 'completed');
    // The simulator checks the Secret header on every call: the worker process read the value from the store.

    // The reference reached the workflow; the value did not (decoded as the codec key holder reads it).
    const secrets = new Map([
      ['the supplied Autotask secret', CANARY],
      ['the refused Autotask secret', WRONG],
    ]);
    for (const id of [customerOnboardingWorkflowId(orderId), child.workflowId]) {
      const decoded = await decodedWorkflow(h.env.client, id);
      assert.deepEqual(leaks(decoded.strings, secrets), [], `the secret in the decoded history of ${id}`);
      if (id === child.workflowId)
        assert.ok(
          decoded.strings.some((s) => s.includes(ref)),
          'the child received the store: reference'
        );
    }
    assert.ok(workerLog.length > 0, 'the worker logged');
    assert.ok(!workerLog.includes(CANARY), 'the secret in the worker log');
    assert.ok(!workerLog.includes(WRONG), 'the refused secret in the worker log');
  });

  it('the stored row is sealed: no plaintext, the key id of the ring, and it opens only under its own name', async () => {
    const { rows, text } = await tableText(pg.url, 'onramp_secrets');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.name, ref.slice('store:'.length));
    assert.equal(rows[0]!.key_id, 'test');
    assert.ok(!text.includes(CANARY), 'plaintext in the secret row');
    assert.ok(!text.includes(Buffer.from(CANARY).toString('hex')), 'plaintext (hex) in the secret row');
    // A sealed value copied onto another name does not open as that name.
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(
      `INSERT INTO onramp_secrets (name, key_id, sealed) SELECT 'copied/autotask/00000000', key_id, sealed FROM onramp_secrets WHERE name = $1`,
      [ref.slice('store:'.length)]
    );
    await c.end();
    await assert.rejects(store.read('copied/autotask/00000000'), /sealed for another name/);
    assert.equal(await store.read(ref.slice('store:'.length)), CANARY);
  });

  it('the audit names who supplied which reference for which order, and never the value', async () => {
    const { rows, text } = await tableText(pg.url, 'onramp_secret_audit');
    const mine = rows.filter((r) => r.order_id === orderId && r.ref === ref);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.actor, `bearer ${TOKEN_NAME}`);
    assert.equal(mine[0]!.via, 'intake');
    assert.equal(mine[0]!.integration, 'autotask');
    assert.equal(mine[0]!.ref, ref);
    assert.equal(mine[0]!.action, 'supplied');
    assert.ok(mine[0]!.at instanceof Date);
    assert.ok(!text.includes(CANARY), 'the secret in the audit');
    assert.ok(!text.includes(WRONG), 'the refused secret in the audit');
    assert.ok(!text.includes(TOKEN), 'the bearer token in the audit');
    assert.deepEqual(
      (await store.audit(orderId)).map((r) => [r.actor, r.action, r.ref === ref]),
      [
        [`bearer ${TOKEN_NAME}`, 'supplied', false],
        [`bearer ${TOKEN_NAME}`, 'removed: the workflow did not accept the credential', false],
        [`bearer ${TOKEN_NAME}`, 'supplied', true],
      ]
    );
  });

  it('an integration not waiting for a credential: 409 and nothing written', async () => {
    const res = await call(`/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: { username: 'someone@acme-msp.example' },
      secret: `another-${CANARY}`,
    });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal((await store.audit(orderId)).length, 3);
    assert.equal((await tableText(pg.url, 'onramp_secrets')).rows.length, 2);
  });

  const cli = (args: string[], stdin = '') =>
    new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: h.env.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          ONRAMP_SECRET_STORE_URL: pg.url,
          ONRAMP_DATA_DIR: dataDir,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdin.end(stdin);
      // A CLI that hangs fails the test with what it printed, instead of the test timing out.
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        res({ code: code ?? 1, stdout, stderr });
      });
    });

  it('onramp secrets audit prints the trail without the value', async () => {
    const r = await cli(['secrets', 'audit', orderId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`autotask {2}supplied {2}${ref} {2}by bearer ${TOKEN_NAME} \\(intake\\)`));
    assert.equal(r.stdout.trim().split('\n').length, 3);
    assert.ok(!r.stdout.includes(CANARY));
  });

  it('onramp supply-credential --secret-stdin writes to the store too, audited under --actor; the worker resolves it', async () => {
    const secret = `cli-secret-${randomBytes(12).toString('hex')}`;
    const u = at.addUser({ secret });
    const cliOrder = `SO-STORE-CLI-${process.pid}`;
    const o: OrderRequest = {
      orderId: cliOrder,
      customer: { id: 'store-cli', name: 'Store CLI' },
      // A webhook name of its own (the integration ID): the simulator refuses a second webhook of one name.
      integrations: { autotask: at.onboarding(`store-cli-${process.pid}`, 'office-protect-cli') },
    };
    assert.equal((await call('/v1/onboardings', o)).status, 202);
    await eventually(async () => {
      const s = await call(`/v1/onboardings/${cliOrder}`);
      return (
        (s.body.details as { autotask?: { state?: string } } | undefined)?.autotask?.state === 'waiting-for-operator'
      );
    }, 'the Autotask child to wait for the operator');
    const r = await cli(
      [
        'supply-credential',
        cliOrder,
        '--integration',
        'autotask',
        '--username',
        u.credentials.username,
        '--secret-stdin',
        '--actor',
        'alice@msp',
      ],
      secret
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`secret stored as store:${cliOrder}/autotask/`));
    assert.ok(!`${r.stdout}${r.stderr}`.includes(secret));
    let last = '';
    await eventually(
      async () => {
        const s = await call(`/v1/onboardings/${cliOrder}`);
        last = JSON.stringify(s.body.details);
        return s.body.state === 'completed';
      },
      'the order to complete',
      120_000
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last status ${last}`);
    });
    const audit = await store.audit(cliOrder);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.via, a.action]),
      [['alice@msp', 'cli', 'supplied']]
    );
    const { text } = await tableText(pg.url, 'onramp_secrets');
    assert.ok(!text.includes(secret), 'plaintext in the secret rows');
    assert.ok(!existsSync(join(dataDir, 'secrets')), 'nothing written under ONRAMP_SECRETS_DIR');
  });
});

describe('secret store: key rotation and the intake without a store', { skip }, () => {
  let pg: ThrowawayPostgres;
  before(async () => {
    pg = await startThrowawayPostgres();
  });
  after(async () => {
    useSecretStore(undefined);
    await pg?.stop();
  });

  const key = () => randomBytes(32);
  const entry = { actor: 'alice', via: 'cli', orderId: 'SO-ROT', integration: 'connectwise' };

  it('a row sealed with the older key still opens after a rotation; new rows take the newest key; a dropped key is named', async () => {
    const k1 = { id: 'k1', key: key() };
    const k2 = { id: 'k2', key: key() };
    const before = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing([k1])), { tablePrefix: 'rot' });
    const oldRef = await before.supply('private-key-sealed-with-k1', entry);
    await before.close();

    const rotated = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing([k2, k1])), { tablePrefix: 'rot' });
    useSecretStore(rotated);
    assert.equal(await resolveSecretRef(oldRef), 'private-key-sealed-with-k1');
    const newRef = await rotated.supply('private-key-sealed-with-k2', entry);
    const { rows } = await tableText(pg.url, 'rots');
    assert.deepEqual(rows.map((r) => r.key_id).sort(), ['k1', 'k2']);
    assert.equal(await resolveSecretRef(newRef), 'private-key-sealed-with-k2');

    // k1 dropped from the ring too early: the worker's error names the missing key (a SecretRefError, not retried).
    const dropped = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing([k2])), { tablePrefix: 'rot' });
    useSecretStore(dropped);
    await assert.rejects(resolveSecretRef(oldRef), (err: Error) => {
      assert.equal(err.name, 'SecretRefError');
      assert.match(err.message, /key "k1", which is not in the key ring/);
      assert.ok(!err.message.includes('private-key-sealed'));
      return true;
    });
    useSecretStore(undefined);
    await assert.rejects(resolveSecretRef(newRef), /no secret store; set ONRAMP_SECRET_STORE_URL/);
    await Promise.all([rotated.close(), dropped.close()]);
  });

  it('the intake without a store refuses a secret value (409) and says to send a reference', async () => {
    const app = createIntakeServer({
      client: undefined as never,
      config: { temporal: { address: 'unused', namespace: 'default', taskQueue: 'unused' } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/onboardings/SO-1/actions/supply-credential',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ integration: 'autotask', secret: 'some-secret-value' }),
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /no secret store/);
      assert.ok(!res.body.includes('some-secret-value'));
    } finally {
      await app.close();
    }
  });
});
