/**
 * The Onramp half of scripts/prod-proof.sh: against a Temporal server already running on PostgreSQL, start
 * the vendor simulators, run N worker processes (`src/worker.ts`, configured by environment only, as in
 * production), drive full sandbox onboardings through them, and check what a production operator would:
 * every onboarding completed, the vendor was notified exactly once each, every worker process polled the
 * task queue, and each worker's Prometheus endpoint answers. Prints figures; exits non-zero on any failure.
 *
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default "default"), TEMPORAL_TASK_QUEUE (default
 * "onramp-prod-proof"), ONRAMP_WORKFLOW_BUNDLE (pre-built bundle the workers load), ONRAMP_PROOF_DIR (logs,
 * key file), ONRAMP_PROOF_WORKERS (2), ONRAMP_PROOF_ONBOARDINGS (4), ONRAMP_PROOF_METRICS_PORT (19464: worker
 * i serves metrics on port + i).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { connectClient } from '../src/client';
import { loadConfig } from '../src/config';
import type { OrderRequest } from '../src/domain/customer-onboarding';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation';
import { startOrder } from '../src/orders';
import { createGoogleSimulator } from '../src/simulators/google/server';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';
import { createNotifyReceiver } from '../src/simulators/notify-receiver';
import type { customerOnboarding } from '../src/workflows/customer-onboarding';
import { customerOnboardingStatusQuery } from '../src/workflows/customer-onboarding';

const env = (name: string, fallback: string): string => process.env[name] || fallback;
const int = (name: string, fallback: number): number => {
  const n = Number(env(name, String(fallback)));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};

const address = env('TEMPORAL_ADDRESS', '127.0.0.1:7233');
const namespace = env('TEMPORAL_NAMESPACE', 'default');
const taskQueue = env('TEMPORAL_TASK_QUEUE', 'onramp-prod-proof');
const proofDir = resolve(env('ONRAMP_PROOF_DIR', '.onramp/prod-proof'));
const workerCount = int('ONRAMP_PROOF_WORKERS', 2);
const onboardings = int('ONRAMP_PROOF_ONBOARDINGS', 4);
const metricsPort = int('ONRAMP_PROOF_METRICS_PORT', 19464);
const repoRoot = resolve(__dirname, '..');

const say = (line: string) => process.stdout.write(`[driver] ${line}\n`);

class ProofFailure extends Error {}
function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ProofFailure(message);
  say(`ok: ${message}`);
}

/** Retry while the server is still settling (a namespace or search attribute registered seconds ago). */
async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new ProofFailure(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(500);
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      p,
      sleep(ms, undefined, { signal: timer.signal }).then(() => {
        throw new ProofFailure(message);
      }),
    ]);
  } finally {
    timer.abort(); // a pending timer would hold the process open after the proof is over
  }
}

interface WorkerProcess {
  index: number;
  child: ChildProcess;
  metricsUrl: string;
  log: string;
}

function startWorker(index: number, sharedEnv: Record<string, string>): WorkerProcess {
  const log = join(proofDir, `worker-${index}.log`);
  const metricsAddress = `127.0.0.1:${metricsPort + index}`;
  // `node --import tsx` rather than `npx tsx`: the PID we signal is the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ONRAMP_DATA_DIR: join(proofDir, `worker-${index}-data`),
      ONRAMP_WORKFLOW_BUNDLE: env('ONRAMP_WORKFLOW_BUNDLE', ''),
      ONRAMP_METRICS_BIND_ADDRESS: metricsAddress,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...sharedEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { index, child, metricsUrl: `http://${metricsAddress}/metrics`, log };
}

/** SIGTERM, as an orchestrator stops a replica; the worker drains and exits. Returns how it ended. */
async function stopWorker(w: WorkerProcess): Promise<string> {
  const ended = () => `${w.child.exitCode ?? w.child.signalCode}`;
  if (w.child.exitCode !== null || w.child.signalCode !== null) return ended();
  const exited = new Promise<void>((r) => w.child.once('exit', () => r()));
  w.child.kill('SIGTERM');
  try {
    await withTimeout(exited, 20_000, 'no exit');
    return ended();
  } catch {
    w.child.kill('SIGKILL');
    return 'killed after 20 s';
  }
}

/** Poller identities per task queue type, as the server sees them (the same data as `temporal task-queue describe`). */
async function pollers(client: Client): Promise<{ workflow: string[]; activity: string[] }> {
  const describe = async (taskQueueType: temporal.api.enums.v1.TaskQueueType) => {
    const res = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType,
    });
    return [...new Set((res.pollers ?? []).map((p) => p.identity ?? ''))].filter(Boolean).sort();
  };
  return {
    workflow: await describe(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
    activity: await describe(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
  };
}

/** Sum of a Prometheus series' samples (all label sets) in an exposition text. */
function sumMetric(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.split(' ').pop()) || 0;
  }
  return total;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  mkdirSync(proofDir, { recursive: true });
  const google = createGoogleSimulator({ propagationDelayMs: 1000 });
  const googleUrl = await google.listen();
  const receiver = createNotifyReceiver();
  const notifyUrl = `${await receiver.listen()}/notify`;
  const { keyFile, publicKeyPem } = createSandboxServiceAccount({ name: 'prod-proof' });
  google.state.addServiceAccount({ clientId: keyFile.client_id, email: keyFile.client_email, publicKeyPem });
  const keyPath = join(proofDir, 'vendor-service-account.json');
  writeFileSync(keyPath, JSON.stringify(keyFile), { mode: 0o600 });
  say(`simulators: Google ${googleUrl}, vendor support inbox ${notifyUrl}`);

  // Payload encryption as in production: one key every process shares, named by reference, never by value.
  const codecKeyPath = join(proofDir, 'codec-key');
  writeFileSync(codecKeyPath, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const sharedEnv = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONRAMP_MODE: 'sandbox',
    ONRAMP_CODEC_KEYS: `proof=file:${codecKeyPath}`,
    ONRAMP_GOOGLE_TOKEN_URL: `${googleUrl}/token`,
    ONRAMP_GOOGLE_API_ROOT_URL: `${googleUrl}/`,
    ONRAMP_NOTIFY_WEBHOOK_URL: notifyUrl,
  };
  const workers = Array.from({ length: workerCount }, (_, i) => startWorker(i, sharedEnv));
  const client = await connectClient(loadConfig({ ...process.env, ...sharedEnv }));
  // The SDK's default worker identity is `<pid>@<host>`.
  const pollingPids = (identities: string[]) =>
    workers.map((w) => String(w.child.pid)).filter((pid) => identities.some((id) => id.startsWith(`${pid}@`)));
  let failed = false;
  try {
    const t0 = Date.now();
    say(`${workerCount} worker processes: PIDs ${workers.map((w) => w.child.pid).join(', ')} (logs in ${proofDir})`);
    const ready = await eventually(
      `every worker process polling task queue ${taskQueue}`,
      async () => {
        const dead = workers.find((w) => w.child.exitCode !== null);
        if (dead) throw new ProofFailure(`worker ${dead.index} exited with ${dead.child.exitCode}: see ${dead.log}`);
        const p = await pollers(client);
        // Only this run's PIDs count: the server lists a previous run's pollers for minutes after they are gone.
        if (pollingPids(p.workflow).length < workerCount || pollingPids(p.activity).length < workerCount) {
          throw new Error(`pollers so far: workflow ${p.workflow.join(', ')}; activity ${p.activity.join(', ')}`);
        }
        return p;
      },
      120_000
    );
    say(`workers polling after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Sales orders, as the intake API receives them: the parent customerOnboarding runs each integration as
    // a child workflow (here the Google domain-wide delegation, which needs only the Google simulator).
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
            serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` },
            polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
          },
        },
      };
    });

    const started = Date.now();
    const handles = await Promise.all(
      orders.map(async (o) => {
        const { workflowId } = await eventually(`start order ${o.orderId}`, () =>
          startOrder(client, { temporal: { address, namespace, taskQueue } }, o)
        );
        return client.workflow.getHandle<typeof customerOnboarding>(workflowId);
      })
    );
    say(`started ${handles.length} customer onboardings (orders); the customer admins authorize in the simulator`);
    for (const o of orders) {
      const domain = o.integrations.googleDelegation?.customer.domain;
      google.state.setGrant(keyFile.client_id, [...DEFAULT_DELEGATION_SCOPES], undefined, domain);
    }
    const durations = await Promise.all(
      handles.map(async (h) => {
        const result = await withTimeout(h.result(), 180_000, `${h.workflowId} did not complete within 180 s`);
        const status = await h.query(customerOnboardingStatusQuery);
        check(
          status.state === 'completed' && result.completed.includes('googleDelegation'),
          `${h.workflowId} completed (state ${status.state}; integrations completed: ${result.completed.join(', ')})`
        );
        return Date.now() - started;
      })
    );
    const wall = Date.now() - started;

    const keys = [...receiver.notifications.values()];
    check(
      keys.length === onboardings,
      `vendor support received ${keys.length} notifications for ${onboardings} onboardings`
    );
    check(
      keys.every((n) => n.deliveries === 1),
      'each notification was delivered exactly once (no duplicate side effects)'
    );

    const after = await pollers(client);
    check(
      pollingPids(after.workflow).length === workerCount && pollingPids(after.activity).length === workerCount,
      `all ${workerCount} worker processes polled both workflow and activity tasks (${ready.workflow.join(', ')})`
    );

    const perWorker: string[] = [];
    let workflowTasks = 0;
    let activityTasks = 0;
    for (const w of workers) {
      const res = await fetch(w.metricsUrl);
      const text = await res.text();
      check(
        res.ok && text.includes('temporal_'),
        `worker ${w.index} Prometheus endpoint ${w.metricsUrl} answers (${text.split('\n').length} lines)`
      );
      const wft = sumMetric(text, 'temporal_workflow_task_execution_latency_seconds_count');
      const act = sumMetric(text, 'temporal_activity_execution_latency_seconds_count');
      workflowTasks += wft;
      activityTasks += act;
      perWorker.push(`worker ${w.index} (pid ${w.child.pid}): ${wft} workflow tasks, ${act} activities`);
    }
    check(workflowTasks > 0 && activityTasks > 0, 'the workers report executed workflow tasks and activities');

    const sorted = [...durations].sort((a, b) => a - b);
    say('figures:');
    say(`  onboardings completed           ${onboardings}/${onboardings}`);
    say(`  wall time (start to last done)  ${(wall / 1000).toFixed(2)} s`);
    say(`  per onboarding p50 / max        ${percentile(sorted, 50)} ms / ${sorted.at(-1)} ms`);
    say('  (includes the simulated 1 s Google propagation delay and the workflow polling interval)');
    for (const line of perWorker) say(`  ${line}`);
    // Polling is the guarantee; which poller the server hands each task to is its choice.
    const idle = perWorker.filter((l) => l.includes(': 0 workflow tasks') || l.includes(', 0 activities'));
    if (idle.length) say(`  note: ${idle.length} worker(s) polled but got no task of one kind this run`);
  } catch (err) {
    failed = true;
    process.stderr.write(`[driver] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    for (const w of workers) process.stderr.write(`[driver]   worker ${w.index} log: ${w.log}\n`);
  } finally {
    const codes = await Promise.all(workers.map(stopWorker));
    say(`workers stopped (exit codes ${codes.join(', ')})`);
    await client.connection.close();
    await Promise.all([google.close(), receiver.close()]);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`[driver] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
