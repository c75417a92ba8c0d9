/**
 * The Onramp half of scripts/prod-proof.sh. Against a Temporal server already running on PostgreSQL with
 * mTLS, it reads docker-compose.yml, resolves every Onramp service (the ones built from the Dockerfile:
 * codec-server, worker, intake) exactly as compose would with the `.env` README documents
 * (deploy/env.example) and this shell's overrides, maps what only exists inside a container to this
 * machine (hostname `temporal`, /run/secrets, /app, 0.0.0.0 and the published ports) explicitly and
 * visibly, and starts each service's command as a process: `node dist/...`, the image's compiled code.
 * Then: N worker replicas (compose's `deploy.replicas`, overridable) all polling; full orders through the
 * intake API over HTTP; every order completes and the vendor is notified exactly once; a client without a
 * certificate is refused by the server; the codec server decodes a real history payload for a caller
 * presenting an OIDC access token signed by the (local) issuer's JWKS, and refuses one without. It fails
 * as soon as any service exits.
 *
 * Environment: ONRAMP_PROOF_DIR (logs, secrets), ONRAMP_PROOF_TEMPORAL_ADDRESS (loopback host:port of the
 * server), ONRAMP_PROOF_WORKERS (compose's replicas), ONRAMP_PROOF_ONBOARDINGS (4), ONRAMP_PROOF_PORT_BASE
 * (19460: intake +25, codec server +24, worker i metrics +4+i).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { connectClient } from '../src/client';
import { loadConfig } from '../src/config';
import { temporalConnectionOptions } from '../src/temporal/connection';
import type { OrderRequest } from '../src/domain/customer-onboarding';
import { customerOnboardingWorkflowId } from '../src/domain/customer-onboarding';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation';
import { createGoogleSimulator } from '../src/simulators/google/server';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';
import { createNotifyReceiver } from '../src/simulators/notify-receiver';
import type { customerOnboarding } from '../src/workflows/customer-onboarding';
import { resolveComposeFiles, type ResolvedService } from './compose-resolve';

const repoRoot = resolve(__dirname, '..');
const env = (name: string, fallback: string): string => process.env[name] || fallback;
const int = (name: string, fallback: number): number => {
  const n = Number(env(name, String(fallback)));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const proofDir = resolve(env('ONRAMP_PROOF_DIR', '.onramp/prod-proof'));
const secretsDir = join(proofDir, 'secrets');
const temporalAddress = env('ONRAMP_PROOF_TEMPORAL_ADDRESS', '127.0.0.1:17233');
const onboardings = int('ONRAMP_PROOF_ONBOARDINGS', 4);
const portBase = int('ONRAMP_PROOF_PORT_BASE', 19460);
const PORTS = { intake: portBase + 25, codec: portBase + 24, metrics: (i: number) => portBase + 4 + i };

const say = (line: string) => process.stdout.write(`[driver] ${line}\n`);
class ProofFailure extends Error {}
function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ProofFailure(message);
  say(`ok: ${message}`);
}

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ProofFailure) throw err;
      if (Date.now() > deadline) throw new ProofFailure(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Container -> this machine: every rewrite is listed here and printed.
// ---------------------------------------------------------------------------------------------------------
interface Mapping {
  from: string;
  to: string;
}

function mapService(
  s: ResolvedService,
  replica: number
): { argv: string[]; env: Record<string, string>; mapped: string[] } {
  // The secrets volume as compose resolved it: `<host dir>:/run/secrets:ro`.
  const mounts: Mapping[] = s.volumes.map((v) => {
    const [host, container] = v.split(':');
    return { from: container!, to: resolve(repoRoot, host!) };
  });
  const rules: { test: (k: string, v: string) => boolean; map: (v: string) => string; why: string }[] = [
    {
      test: (_k, v) => v.includes('temporal:7233'),
      map: (v) => v.replace('temporal:7233', temporalAddress),
      why: 'compose service hostname',
    },
    {
      test: (_k, v) => mounts.some((m) => v.includes(m.from)),
      map: (v) => mounts.reduce((acc, m) => acc.split(m.from).join(m.to), v),
      why: 'volume',
    },
    { test: (_k, v) => v.startsWith('/app/'), map: (v) => join(repoRoot, v.slice(5)), why: 'image WORKDIR /app' },
    { test: (k) => k === 'ONRAMP_INTAKE_PORT', map: () => String(PORTS.intake), why: 'published port' },
    { test: (k) => k === 'ONRAMP_CODEC_SERVER_PORT', map: () => String(PORTS.codec), why: 'published port' },
    {
      test: (k) => k === 'ONRAMP_METRICS_BIND_ADDRESS',
      map: () => `127.0.0.1:${PORTS.metrics(replica)}`,
      why: 'one port per replica on one host',
    },
    { test: (_k, v) => v === '0.0.0.0', map: () => '127.0.0.1', why: 'loopback only on this machine' },
  ];
  const out: Record<string, string> = {};
  const mapped: string[] = [];
  // The container's environment: the image's ENV, then compose's (compose wins), as docker does.
  for (const [k, v0] of Object.entries({ ...s.imageEnv, ...s.environment })) {
    let v = v0;
    for (const r of rules) {
      if (r.test(k, v)) {
        const nv = r.map(v);
        if (nv !== v) mapped.push(`${k}: ${v} -> ${nv} (${r.why})`);
        v = nv;
      }
    }
    out[k] = v;
  }
  for (const [k, v] of Object.entries(out)) {
    if (/temporal:7233|\/run\/secrets|^\/app\/|0\.0\.0\.0/.test(v))
      throw new ProofFailure(`${s.name}: ${k}=${v} still names something that exists only inside a container`);
  }
  const [cmd, ...args] = s.command;
  if (cmd !== 'node')
    throw new ProofFailure(`${s.name}: command ${s.command.join(' ')} is not the compiled image command`);
  return { argv: args, env: out, mapped };
}

interface RunningService {
  name: string;
  child: ChildProcess;
  log: string;
  exited?: string;
}

function startService(name: string, argv: string[], serviceEnv: Record<string, string>): RunningService {
  const log = join(proofDir, `${name}.log`);
  const child = spawn('node', argv, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const svc: RunningService = { name, child, log };
  child.once('exit', (code, signal) => (svc.exited = `exit ${code ?? signal}`));
  return svc;
}

async function stopService(s: RunningService): Promise<string> {
  if (s.exited) return s.exited;
  const done = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  const t = sleep(20_000).then(() => 'timeout');
  if ((await Promise.race([done.then(() => 'ok'), t])) === 'timeout') {
    s.child.kill('SIGKILL');
    return 'killed after 20 s';
  }
  return s.exited ?? 'stopped';
}

/** A minimal OIDC issuer on loopback: discovery document + JWKS, tokens signed with its ES256 key. */
async function startIssuer(): Promise<{ issuer: string; sign: (sub: string) => Promise<string>; server: Server }> {
  const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'proof-1', alg: 'ES256', use: 'sig' };
  let issuer = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration')
      return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const sign = (sub: string) =>
    new SignJWT({ scope: 'openid' })
      .setProtectedHeader({ alg: 'ES256', kid: 'proof-1' })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience('temporal-ui')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return { issuer, sign, server };
}

async function main(): Promise<void> {
  const google = createGoogleSimulator({ propagationDelayMs: 1000 });
  const googleUrl = await google.listen();
  const receiver = createNotifyReceiver();
  const notifyUrl = `${await receiver.listen()}/notify`;
  const oidc = await startIssuer();
  const { keyFile, publicKeyPem } = createSandboxServiceAccount({ name: 'prod-proof' });
  google.state.addServiceAccount({ clientId: keyFile.client_id, email: keyFile.client_email, publicKeyPem });
  // The vendor's service account key, supplied as a file in the secrets volume like every secret.
  const keyName = 'vendor-service-account.json';
  writeFileSync(join(secretsDir, keyName), JSON.stringify(keyFile), { mode: 0o644 });

  // What an operator puts in the shell / .env for this machine: the vendor endpoints of the simulators, the
  // local OIDC issuer, and the secrets directory. Everything else comes from README's .env (deploy/env.example).
  const shellEnv: Record<string, string> = {
    ONRAMP_SECRETS_DIR: secretsDir,
    ONRAMP_NOTIFY_WEBHOOK_URL: notifyUrl,
    ONRAMP_GOOGLE_TOKEN_URL: `${googleUrl}/token`,
    ONRAMP_GOOGLE_API_ROOT_URL: `${googleUrl}/`,
    ONRAMP_OIDC_ISSUER: oidc.issuer,
    ONRAMP_OIDC_AUDIENCE: 'temporal-ui',
    TEMPORAL_TASK_QUEUE: 'onramp-prod-proof',
  };
  say(`shell overrides (the rest from deploy/env.example as .env): ${Object.keys(shellEnv).join(', ')}`);
  const services = resolveComposeFiles(
    join(repoRoot, 'docker-compose.yml'),
    join(repoRoot, 'deploy/env.example'),
    shellEnv,
    join(repoRoot, 'Dockerfile')
  );
  const onramp = Object.values(services).filter((s) => s.built);
  check(
    onramp
      .map((s) => s.name)
      .sort()
      .join(',') === 'codec-server,intake,worker',
    `docker-compose.yml's Onramp services resolved: ${onramp.map((s) => `${s.name} (${s.command.join(' ')})`).join('; ')}`
  );
  const workerService = services.worker!;
  const replicas = int(
    'ONRAMP_PROOF_WORKERS',
    Number((workerService.raw.deploy as { replicas?: number } | undefined)?.replicas ?? 1)
  );

  const running: RunningService[] = [];
  const start = (s: ResolvedService, name: string, replica = 0) => {
    const m = mapService(s, replica);
    say(`${name}: node ${m.argv.join(' ')}; ${Object.keys(m.env).length} variables from compose + image`);
    for (const line of m.mapped) say(`    ${line}`);
    running.push(startService(name, m.argv, m.env));
    return m.env;
  };
  let failed = false;
  let client: Client | undefined;
  try {
    start(services['codec-server']!, 'codec-server');
    const intakeEnv = start(services.intake!, 'intake');
    let workerEnv: Record<string, string> = {};
    for (let i = 0; i < replicas; i++) workerEnv = start(workerService, `worker-${i + 1}`, i);
    const alive = () => {
      const dead = running.find((s) => s.exited);
      if (dead) throw new ProofFailure(`${dead.name} ${dead.exited}: see ${dead.log}`);
    };

    // A client configured exactly like the intake (mTLS from the same variables), for checks and pollers.
    const config = loadConfig(intakeEnv);
    check(
      config.temporal.tls?.clientCert,
      `clients use mTLS (${config.temporal.address}, server name ${config.temporal.tls?.serverName})`
    );
    client = await eventually('connect with the client certificate', () => connectClient(config));
    const taskQueue = config.temporal.taskQueue;
    const pids = running.filter((s) => s.name.startsWith('worker-')).map((s) => String(s.child.pid));
    const pollers = async (type: temporal.api.enums.v1.TaskQueueType) =>
      (
        await client!.workflowService.describeTaskQueue({
          namespace: config.temporal.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: type,
        })
      ).pollers?.map((p) => p.identity ?? '') ?? [];
    const t0 = Date.now();
    await eventually(
      `all ${replicas} workers polling ${taskQueue}`,
      async () => {
        alive();
        const wf = await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
        const act = await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
        const n = (ids: string[]) => pids.filter((p) => ids.some((id) => id.startsWith(`${p}@`))).length;
        if (n(wf) < replicas || n(act) < replicas) throw new Error(`pollers: ${wf.join(', ')} / ${act.join(', ')}`);
      },
      180_000
    );
    check(true, `${replicas} worker processes polling after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // The server refuses a client without a certificate (mTLS is required, not offered).
    const noCert = await Connection.connect({
      address: config.temporal.address,
      tls: {
        serverNameOverride: 'temporal',
        serverRootCACertificate: readFileSync(join(secretsDir, 'temporal-tls/ca.pem')),
      },
      connectTimeout: 5000,
    })
      .then(async (c) => {
        try {
          await c.workflowService.getSystemInfo({});
          return 'accepted';
        } finally {
          await c.close();
        }
      })
      .catch((e: unknown) => `refused (${(e as Error).message.split('\n')[0]})`);
    check(noCert.startsWith('refused'), `a client without a certificate is ${noCert}`);

    // Orders through the intake API, as a sales system sends them.
    await eventually('intake /healthz', async () => {
      alive();
      const r = await fetch(`http://127.0.0.1:${PORTS.intake}/healthz`);
      if (!r.ok) throw new Error(String(r.status));
    });
    const token = readFileSync(join(secretsDir, 'intake-token'), 'utf8').trim();
    const run = Date.now().toString(36);
    const orders: OrderRequest[] = Array.from({ length: onboardings }, (_, i) => {
      const domain = `proof${i + 1}-${run}.example`;
      google.state.addUser(`admin@${domain}`);
      return {
        orderId: `prod-proof-${run}-${i + 1}`,
        customer: { id: `proof${i + 1}-${run}`, name: `Proof customer ${i + 1}` },
        integrations: {
          googleDelegation: {
            customer: { domain, name: `Proof customer ${i + 1}` },
            adminEmail: `admin@${domain}`,
            vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
            serviceAccount: {
              clientId: keyFile.client_id,
              email: keyFile.client_email,
              keyRef: `file:/run/secrets/${keyName}`.replace('/run/secrets', secretsDir),
            },
            polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
          },
        },
      };
    });
    const started = Date.now();
    for (const o of orders) {
      const res = await fetch(`http://127.0.0.1:${PORTS.intake}/v1/onboardings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(o),
      });
      const body = await res.text();
      check(res.status === 202, `intake accepted order ${o.orderId} (${res.status} ${body.slice(0, 120)})`);
    }
    for (const o of orders) {
      google.state.setGrant(
        keyFile.client_id,
        [...DEFAULT_DELEGATION_SCOPES],
        undefined,
        o.integrations.googleDelegation?.customer.domain
      );
    }
    const durations: number[] = [];
    for (const o of orders) {
      const h = client.workflow.getHandle<typeof customerOnboarding>(customerOnboardingWorkflowId(o.orderId));
      const result = await Promise.race([
        h.result(),
        (async () => {
          for (let i = 0; i < 360; i++) {
            alive();
            await sleep(500);
          }
          throw new ProofFailure(`${h.workflowId} did not complete within 180 s`);
        })(),
      ]);
      durations.push(Date.now() - started);
      check(result.completed.includes('googleDelegation'), `${h.workflowId} completed`);
    }
    const notes = [...receiver.notifications.values()];
    check(
      notes.length === onboardings && notes.every((n) => n.deliveries === 1),
      `vendor notified exactly once per order (${notes.length})`
    );

    // The codec server, as the Web UI calls it: a payload from the real history, the user's access token.
    const h = client.workflow.getHandle(customerOnboardingWorkflowId(orders[0]!.orderId));
    const raw = await Connection.connect(temporalConnectionOptions(config.temporal));
    const history = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: config.temporal.namespace,
      execution: { workflowId: h.workflowId },
    });
    await raw.close();
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    check(
      payload?.metadata?.encoding && Buffer.from(payload.metadata.encoding).toString() === 'binary/encrypted',
      'history holds the order encrypted'
    );
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])
          ),
          data: Buffer.from(payload.data ?? []).toString('base64'),
        },
      ],
    });
    const decode = (authorization?: string) =>
      fetch(`http://127.0.0.1:${PORTS.codec}/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-namespace': config.temporal.namespace,
          origin: 'http://localhost:8080',
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
    await eventually('codec server /healthz', async () => {
      alive();
      const r = await fetch(`http://127.0.0.1:${PORTS.codec}/healthz`);
      if (!r.ok) throw new Error(String(r.status));
    });
    const ok = await decode(`Bearer ${await oidc.sign('operator@example.com')}`);
    const decoded = (await ok.json()) as { payloads: { data: string }[] };
    const text = Buffer.from(decoded.payloads?.[0]?.data ?? '', 'base64').toString();
    check(
      ok.status === 200 && text.includes(orders[0]!.orderId),
      `codec server decodes for a verified OIDC access token (${ok.status}, ${text.length} bytes of JSON)`
    );
    const none = await decode();
    const forged = await decode(`Bearer ${(await oidc.sign('x')).slice(0, -4)}AAAA`);
    check(
      none.status === 401 && forged.status === 401,
      `codec server refuses no token (${none.status}) and a forged one (${forged.status})`
    );

    alive();
    const sorted = [...durations].sort((a, b) => a - b);
    say('figures:');
    say(`  Onramp processes                 ${running.length} (codec-server, intake, ${replicas} workers)`);
    say(`  orders completed                 ${onboardings}/${onboardings} through the intake API`);
    say(`  wall time (first POST to last)   ${((sorted.at(-1) ?? 0) / 1000).toFixed(2)} s`);
    for (const w of running.filter((s) => s.name.startsWith('worker-'))) {
      const i = Number(w.name.split('-')[1]) - 1;
      const m = await (await fetch(`http://127.0.0.1:${PORTS.metrics(i)}/metrics`)).text();
      const sum = (name: string) =>
        m
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
          .reduce((a, l) => a + (Number(l.split(' ').pop()) || 0), 0);
      say(
        `  ${w.name} (pid ${w.child.pid}): ${sum('temporal_workflow_task_execution_latency_seconds_count')} workflow tasks, ${sum('temporal_activity_execution_latency_seconds_count')} activities`
      );
    }
    void workerEnv;
  } catch (err) {
    failed = true;
    process.stderr.write(`[driver] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    for (const s of running) process.stderr.write(`[driver]   ${s.name} log: ${s.log}\n`);
  } finally {
    const codes = await Promise.all(running.map(async (s) => `${s.name} ${await stopService(s)}`));
    say(`services stopped: ${codes.join(', ')}`);
    await client?.connection.close();
    await Promise.all([google.close(), receiver.close()]);
    oidc.server.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`[driver] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
