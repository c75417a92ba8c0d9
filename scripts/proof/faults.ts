/**
 * Faults in the production proof, under load (issue #25 item 1). While orders flow through the intake and
 * ConnectWise syncs keep the workers' shared vendor limiter busy across the 3 workers, the proof injects, one after
 * the other:
 * - `kill-worker`: kill -9 of a worker running an activity; a replacement starts (compose's restart policy);
 * - `restart-temporal`: the Temporal server process stopped and started again (scripts/proof/temporal-server.sh);
 * - `restart-postgresql`: PostgreSQL restarted (Temporal's persistence, the shared limiter, the secret store);
 * - `partition-worker`: the worker that reaches Temporal and PostgreSQL only through the proof's TCP proxies
 *   (scripts/proof/tcp-proxy.ts) cut off for 60 s (open connections dropped, new ones refused), then healed;
 * - `rotate-codec-key`: k2 added to ONRAMP_CODEC_KEYS and made current, the services restarted with it one by one
 *   (docs/operations.md), `onramp secrets rekey` run.
 * After each: every order and sync of its wave completed, 0 duplicate vendor objects (ConnectWise companies and
 * agreements) or notifications (the vendor's notify receiver, Mailpit's Message-IDs), 0 throttling answers from any
 * simulator, every secret-store row readable, the time from the fault to the next progress a worker reported to
 * Temporal, and the evidence that the fault fired. Each fault is one row of the proof's table (scripts/proof/table.ts).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { connectClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { codecFromConfig } from '../../src/codec/data-converter';
import { METADATA_KEY_ID } from '../../src/codec/encryption-codec';
import { billingSchema } from '../../src/domain/connectwise-schema';
import type { OrderRequest } from '../../src/domain/customer-onboarding-schema';
import { customerOnboardingWorkflowId } from '../../src/domain/customer-onboarding-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../../src/domain/google-delegation-schema';
import { PostgresSecretStore } from '../../src/secrets/secret-store';
import type { connectwiseCustomerSync } from '../../src/workflows';
import type { ConnectwiseLimitTenant } from '../../bench/scenarios/connectwise-limits';
import type { ConnectwiseSimulator } from '../../src/simulators/connectwise/connectwise-simulator';
import type { BenchGoogle } from '../../bench/lib/google';
import { expectRows } from './report';
import { appendRow, type ProofRow } from './table';
import type { TcpProxy } from './tcp-proxy';

export const FAULT_ROWS = [
  'kill-worker',
  'restart-temporal',
  'restart-postgresql',
  'partition-worker',
  'rotate-codec-key',
] as const;
export type FaultName = (typeof FAULT_ROWS)[number];

/** Registered before anything runs, so a proof that dies early shows these rows missing (FAILED). */
export function registerFaultRows(rowsFile: string, only?: readonly string[]): FaultName[] {
  const names = FAULT_ROWS.filter((n) => !only?.length || only.includes(n));
  expectRows(rowsFile, names);
  return names;
}

/** A process of the driver's (scripts/prod-proof-driver.ts RunningService). */
export interface Service {
  name: string;
  child: { pid?: number; kill(signal?: NodeJS.Signals): boolean };
  log: string;
  exited?: string;
}

export interface FaultContext {
  names: readonly FaultName[];
  rowsFile: string;
  client: Client;
  namespace: string;
  taskQueue: string;
  replicas: number;
  /** The driver's running services (mutable: killed and restarted ones are replaced in it). */
  running: Service[];
  /** Start worker replica i (0-based) as compose would (through the proxies for the partitioned one). */
  startWorker(i: number): Service;
  /** Stop and start the named Onramp services with compose resolved again under `shellEnv` overrides. */
  restartServices(names: string[], shellEnv: Record<string, string>): Promise<void>;
  stopService(s: Service): Promise<string>;
  alive(): void;
  say(line: string): void;
  /** Environment of the intake as compose gives it now (the CLI runs with it: store URL, codec keys). */
  intakeEnv(): Record<string, string>;
  placeOrder(order: OrderRequest): Promise<{ status: number; text: string }>;
  cw: ConnectwiseLimitTenant;
  google: BenchGoogle;
  serviceAccount: { clientId: string; email: string; keyRef: string };
  notifications(): { deliveries: number }[];
  mailApi: string;
  throttled(): Record<string, number>;
  storeUrl: string;
  secretsDir: string;
  partition: { worker: number; proxies: TcpProxy[] };
  /** The proof's run directory (temporal.pid, temporal.env) and PostgreSQL's data directory and binaries. */
  runDir: string;
  repoRoot: string;
  pg: { data: string; bin: string };
  /** Worker i's Prometheus endpoint. */
  metricsUrl(i: number): string;
}

const sec = (ms: number) => Math.round(ms / 100) / 10;
const run = Date.now().toString(36);
let waves = 0;

// ---------------------------------------------------------------------------------------------------------
// The load each fault lands in: a wave of ConnectWise syncs (new companies, the shared limiter busy) and orders.
// ---------------------------------------------------------------------------------------------------------
interface Wave {
  label: string;
  syncs: WorkflowHandle[];
  orders: OrderRequest[];
  customers: number;
}

async function startWave(ctx: FaultContext, label: string, customers: number, orders: number): Promise<Wave> {
  // A code per wave: each wave's companies are new (two labels' initials may agree: restart-temporal, restart-postgresql).
  const code = `F${++waves}`;
  const list = Array.from({ length: customers }, (_, i) => ({
    identifier: `${code}${run.slice(-4)}${String(i + 1).padStart(4, '0')}`,
    name: `Fault ${label} customer ${i + 1}`,
  }));
  const parts = ctx.replicas;
  const syncs = await Promise.all(
    Array.from({ length: customers ? parts : 0 }, (_, w) =>
      ctx.client.workflow.start<typeof connectwiseCustomerSync>('connectwiseCustomerSync', {
        workflowId: `prod-proof-fault-${run}-${label}-cw-${w}`,
        taskQueue: ctx.taskQueue,
        args: [
          {
            customer: 'Proof MSP',
            vendor: 'Proof Vendor',
            target: { connection: ctx.cw.connection, site: ctx.cw.site },
            customers: list.filter((_, i) => i % parts === w),
            billing: billingSchema.parse({}),
            mode: 'apply',
            createMissingCompanies: true,
            companyAddress: { city: 'Proof City' },
          },
        ],
      })
    )
  );
  const placed: OrderRequest[] = [];
  for (let i = 0; i < orders; i++) {
    const domain = `fault-${label}-${i + 1}-${run}.example`;
    ctx.google.sim.state.addUser(`admin@${domain}`);
    const order: OrderRequest = {
      orderId: `prod-proof-fault-${run}-${label}-${i + 1}`,
      customer: { id: `fault-${label}-${i + 1}-${run}`, name: `Fault ${label} customer ${i + 1}` },
      integrations: {
        googleDelegation: {
          customer: { domain, name: `Fault ${label} customer ${i + 1}` },
          adminEmail: `admin@${domain}`,
          vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
          serviceAccount: ctx.serviceAccount,
          polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
        },
      },
    };
    const r = await ctx.placeOrder(order);
    if (r.status !== 202) throw new Error(`intake refused order ${order.orderId}: ${r.status} ${r.text.slice(0, 200)}`);
    placed.push(order);
  }
  return { label, syncs, orders: placed, customers };
}

/** The customer admins grant the delegation: the waiting orders can finish. */
function grant(ctx: FaultContext, wave: Wave): void {
  for (const o of wave.orders)
    ctx.google.sim.state.setGrant(
      ctx.serviceAccount.clientId,
      [...DEFAULT_DELEGATION_SCOPES],
      undefined,
      o.integrations.googleDelegation!.customer.domain
    );
}

/** Until a sync's activity runs on some worker: its identity (pid@host) and the activity. */
async function runningActivity(ctx: FaultContext, wave: Wave, timeoutMs = 30_000, on = '') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    ctx.alive();
    for (const h of wave.syncs) {
      const d = await h.describe();
      for (const a of d.raw.pendingActivities ?? [])
        if (
          a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED &&
          a.lastWorkerIdentity?.startsWith(on)
        )
          return { handle: h, activityId: a.activityId ?? '', identity: a.lastWorkerIdentity, attempt: a.attempt ?? 1 };
    }
    await sleep(250);
  }
  throw new Error(`no activity of wave ${wave.label} started${on ? ` on ${on}` : ''} within ${timeoutMs / 1000} s`);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const eventMs = (e: HistoryEvent) =>
  e.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6) : 0;
/** The worker that reported an event, when the event is a worker's report. */
function reporter(e: HistoryEvent): string | undefined {
  return (
    e.workflowTaskCompletedEventAttributes?.identity ??
    e.activityTaskCompletedEventAttributes?.identity ??
    e.activityTaskFailedEventAttributes?.identity ??
    undefined
  );
}

async function histories(ctx: FaultContext, handles: WorkflowHandle[]): Promise<HistoryEvent[]> {
  const all = await Promise.all(handles.map(async (h) => (await h.fetchHistory()).events ?? []));
  return all.flat();
}

/**
 * The first progress a worker reported to Temporal after `since` (a workflow task or an activity completed, in the
 * wave's histories; from one worker when `identity` is given): the end of the fault's recovery.
 */
async function nextProgress(
  ctx: FaultContext,
  handles: WorkflowHandle[],
  since: number,
  opts: { identity?: string; timeoutMs?: number } = {}
): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    ctx.alive();
    try {
      const firsts = (await histories(ctx, handles))
        .filter((e) => eventMs(e) > since && reporter(e) && (!opts.identity || reporter(e) === opts.identity))
        .map(eventMs);
      if (firsts.length) return Math.min(...firsts);
    } catch {
      // the server may be restarting: ask again
    }
    if (Date.now() > deadline)
      throw new Error(
        `no progress${opts.identity ? ` from ${opts.identity}` : ''} within ${sec(deadline - since)} s of the fault`
      );
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------------
// After each fault: everything completed, nothing twice, nothing throttled, the secret store readable.
// ---------------------------------------------------------------------------------------------------------
interface Outcome {
  figures: Record<string, number | string>;
  problems: string[];
}

async function settle(ctx: FaultContext, wave: Wave, throttledBefore: Record<string, number>): Promise<Outcome> {
  const problems: string[] = [];
  const deadline = Date.now() + 300_000;
  const orderHandles = wave.orders.map((o) => ctx.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)));
  let done = 0;
  // Handles of the client in use now (after a key rotation, the one with the new ring decodes what workers sealed).
  const all = [...wave.syncs.map((h) => ctx.client.workflow.getHandle(h.workflowId)), ...orderHandles];
  await Promise.all(
    all.map(async (h) => {
      for (;;) {
        try {
          const r: unknown = await Promise.race([
            h.result(),
            sleep(Math.max(0, deadline - Date.now())).then(() => {
              throw new Error('timeout');
            }),
          ]);
          if (orderHandles.includes(h) && !(r as { completed?: string[] }).completed?.includes('googleDelegation'))
            problems.push(`${h.workflowId} finished without the delegation`);
          else done++;
          return;
        } catch (err) {
          const m = err instanceof Error ? err.message : String(err);
          // result() over a restarting server: ask again until the deadline.
          if (m === 'timeout' || Date.now() > deadline) {
            problems.push(`${h.workflowId}: ${m === 'timeout' ? 'not completed within 300 s' : m}`);
            return;
          }
          // Only the server being away is worth asking again (a failed workflow or a payload the client cannot
          // decode is an answer).
          if ((err instanceof Error ? err.name : '') !== 'ServiceError') {
            problems.push(`${h.workflowId}: ${m}`);
            return;
          }
          await sleep(1000);
        }
      }
    })
  );
  ctx.alive();
  // Duplicates at the vendors: a company per identifier, an agreement per company and name; one notification and
  // one message per Message-ID.
  const count = (keys: string[]) => keys.length - new Set(keys).size;
  // The tenant's simulator is the ConnectWise one (startConnectwiseLimitTenant); its type says only Simulator.
  const cwState = (ctx.cw.sim as ConnectwiseSimulator).state;
  const dupCompanies = count(cwState.companies.map((c) => c.identifier));
  const dupAgreements = count(cwState.agreements.map((a) => `${a.company.id}/${a.name}`));
  const notes = ctx.notifications();
  const dupNotes = notes.filter((n) => n.deliveries !== 1).length;
  const mails = (await (await fetch(`${ctx.mailApi}/api/v1/messages?limit=5000`)).json()) as {
    messages: { MessageID: string }[];
  };
  const dupMails = count(mails.messages.map((m) => m.MessageID));
  const duplicates = dupCompanies + dupAgreements + dupNotes + dupMails;
  if (duplicates)
    problems.push(
      `duplicates: ${dupCompanies} companies, ${dupAgreements} agreements, ${dupNotes} notifications, ${dupMails} e-mails`
    );
  const created = wave.customers;
  const companies = cwState.companies.filter((c) => c.name.startsWith(`Fault ${wave.label} customer `)).length;
  if (companies !== created) problems.push(`ConnectWise holds ${companies} of the wave's ${created} companies`);
  const now = ctx.throttled();
  const throttled = Object.entries(now).reduce((a, [k, v]) => a + v - (throttledBefore[k] ?? 0), 0);
  if (throttled)
    problems.push(
      `throttling answers: ${Object.entries(now)
        .map(([k, v]) => `${k} ${v - (throttledBefore[k] ?? 0)}`)
        .join(', ')}`
    );
  const store = await storeReadable(ctx);
  if (store.unreadable.length) problems.push(`secret store rows that do not open: ${store.unreadable.join('; ')}`);
  return {
    figures: {
      completed: `${done}/${all.length}`,
      duplicates,
      throttled,
      storeRows: `${store.rows - store.unreadable.length}/${store.rows} readable`,
    },
    problems,
  };
}

/** Every secret-store row opened with the key ring the services use now. */
async function storeReadable(ctx: FaultContext): Promise<{ rows: number; unreadable: string[]; usage: string }> {
  const env = ctx.intakeEnv();
  const config = loadConfig(env);
  const store = new PostgresSecretStore(ctx.storeUrl, await codecFromConfig(config, env));
  const pg = new PgClient({ connectionString: ctx.storeUrl });
  await pg.connect();
  try {
    const names = (await pg.query<{ name: string }>('SELECT name FROM onramp_secrets ORDER BY name')).rows;
    const unreadable: string[] = [];
    for (const { name } of names) {
      try {
        if ((await store.read(name)) === undefined) unreadable.push(`${name} (gone)`);
      } catch (err) {
        unreadable.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const usage = Object.entries(await store.keyUsage())
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
    return { rows: names.length, unreadable, usage };
  } finally {
    await pg.end();
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The faults. Each returns its evidence (figures) and why it did not fire (problems), and its recovery.
// ---------------------------------------------------------------------------------------------------------
interface Fired {
  figures: Record<string, number | string>;
  problems: string[];
  /** The fault's moment and the progress after it. */
  at: number;
  progressAt?: number;
}

const pidOf = (identity: string) => Number(identity.split('@')[0]);
const workerIndex = (ctx: FaultContext, pid: number) =>
  ctx.running.findIndex((s) => s.name.startsWith('worker-') && s.child.pid === pid);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function killWorker(ctx: FaultContext, wave: Wave): Promise<Fired> {
  const act = await runningActivity(ctx, wave);
  const pid = pidOf(act.identity);
  const idx = workerIndex(ctx, pid);
  if (idx < 0) return { figures: {}, problems: [`activity on ${act.identity}, not one of the proof's workers`], at: 0 };
  const victim = ctx.running[idx]!;
  const replica = Number(victim.name.split('-')[1]) - 1;
  // The killed worker is expected to exit: out of the list `alive()` watches, before anything else runs.
  ctx.running.splice(idx, 1);
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  ctx.say(
    `kill-worker: kill -9 ${victim.name} (pid ${pid}) while it runs activity ${act.activityId} of ${act.handle.workflowId}`
  );
  for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
  const gone = !isAlive(pid);
  if (existsSync(victim.log)) renameSync(victim.log, victim.log.replace(/\.log$/, '.killed.log'));
  const replacement = ctx.startWorker(replica);
  ctx.say(`kill-worker: replacement ${replacement.name} pid ${replacement.child.pid}`);
  grant(ctx, wave);
  // Recovery: the killed activity started again (a later attempt, after its heartbeat timed out) and reported.
  const problems: string[] = [];
  let retried = '';
  let restartedAt: number | undefined;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !restartedAt) {
    ctx.alive();
    const d = await act.handle.describe();
    const p = (d.raw.pendingActivities ?? []).find((a) => a.activityId === act.activityId);
    if (p && (p.attempt ?? 1) > act.attempt && p.lastStartedTime) {
      restartedAt = Number(p.lastStartedTime.seconds ?? 0) * 1000 + Math.floor((p.lastStartedTime.nanos ?? 0) / 1e6);
      retried = `attempt ${p.attempt} on ${p.lastWorkerIdentity}, after ${
        temporal.api.enums.v1.TimeoutType[p.lastFailure?.timeoutFailureInfo?.timeoutType ?? 0] ?? '?'
      }`;
    } else if (!p) {
      // Completed meanwhile: the history shows the retry (ActivityTaskStarted attempt > 1 with its last failure).
      const started = (await act.handle.fetchHistory()).events?.find(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          (e.activityTaskStartedEventAttributes.attempt ?? 1) > act.attempt &&
          eventMs(e) > at
      );
      if (started) {
        restartedAt = eventMs(started);
        const tt = started.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo?.timeoutType ?? 0;
        retried = `attempt ${started.activityTaskStartedEventAttributes?.attempt} on ${started.activityTaskStartedEventAttributes?.identity}, after ${temporal.api.enums.v1.TimeoutType[tt]}`;
      } else break;
    }
    if (!restartedAt) await sleep(250);
  }
  const heartbeat = retried.includes('TIMEOUT_TYPE_HEARTBEAT');
  if (!gone) problems.push(`pid ${pid} still alive after kill -9`);
  if (!restartedAt) problems.push(`activity ${act.activityId} was not retried within 120 s`);
  else if (!heartbeat)
    problems.push(`activity ${act.activityId} retried, but not after a heartbeat timeout (${retried})`);
  return {
    figures: { killedPid: `${pid} ${gone ? 'gone' : 'ALIVE'}`, retry: retried || 'none' },
    problems,
    at,
    progressAt: restartedAt,
  };
}

function temporalPid(ctx: FaultContext): number {
  return Number(readFileSync(join(ctx.runDir, 'temporal.pid'), 'utf8').trim());
}

async function restartTemporal(ctx: FaultContext, wave: Wave): Promise<Fired> {
  await runningActivity(ctx, wave);
  const before = temporalPid(ctx);
  const at = Date.now();
  process.kill(before, 'SIGTERM');
  for (let i = 0; i < 200 && isAlive(before); i++) await sleep(100);
  if (isAlive(before)) process.kill(before, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(before); i++) await sleep(100);
  const stoppedMs = Date.now() - at;
  const stoppedAt = Date.now();
  const status = await runToExit(
    'bash',
    [join(ctx.repoRoot, 'scripts/proof/temporal-server.sh'), ctx.runDir],
    join(ctx.runDir, 'logs', 'temporal-restart.log')
  );
  const after = temporalPid(ctx);
  ctx.say(`restart-temporal: pid ${before} stopped in ${sec(stoppedMs)} s, started again as pid ${after}`);
  let healthy = false;
  for (let i = 0; i < 240 && !healthy; i++) {
    healthy = await ctx.client.workflowService
      .getSystemInfo({})
      .then(() => true)
      .catch(() => false);
    if (!healthy) await sleep(500);
  }
  grant(ctx, wave);
  const problems: string[] = [];
  if (status !== 0) problems.push('scripts/proof/temporal-server.sh failed');
  if (isAlive(before) || after === before) problems.push(`the server's pid did not change (${before} -> ${after})`);
  if (!healthy) problems.push('the server did not answer within 120 s of its restart');
  // The next progress after the old server was gone (it finishes some work while it shuts down).
  const progressAt = healthy ? await nextProgress(ctx, wave.syncs, stoppedAt) : undefined;
  return {
    figures: { temporalPid: `${before}->${after}`, downSeconds: sec(Date.now() - at) },
    problems,
    at,
    progressAt,
  };
}

/**
 * Run a command to its exit, without pipes: a daemon it starts (pg_ctl's postmaster, the Temporal server) must not
 * inherit one, or waiting for the pipe to close waits for the daemon. Output goes to `log`.
 */
async function runToExit(cmd: string, args: string[], log: string, env?: NodeJS.ProcessEnv): Promise<number> {
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(log, 'a');
  try {
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
    return await new Promise<number>((resolve) => {
      child.once('exit', (code) => resolve(code ?? 1));
      child.once('error', () => resolve(127));
    });
  } finally {
    closeSync(fd);
  }
}

function pgCtl(ctx: FaultContext, args: string[]): Promise<number> {
  const cmd = join(ctx.pg.bin, 'pg_ctl');
  const root = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the postgres account then, as prod-proof.sh does.
  return runToExit(
    root ? 'runuser' : cmd,
    root ? ['-u', 'postgres', '--', cmd, ...args] : args,
    join(ctx.runDir, 'logs', 'pg_ctl.log')
  );
}

async function postmasterStart(ctx: FaultContext): Promise<string> {
  const pg = new PgClient({ connectionString: ctx.storeUrl });
  await pg.connect();
  try {
    return String((await pg.query<{ t: Date }>('SELECT pg_postmaster_start_time() AS t')).rows[0]!.t.toISOString());
  } finally {
    await pg.end();
  }
}

async function restartPostgres(ctx: FaultContext, wave: Wave): Promise<Fired> {
  await runningActivity(ctx, wave);
  const before = await postmasterStart(ctx);
  const at = Date.now();
  // -l: the restarted server logs where the first one did (pg_ctl restart keeps the server's options, not its log).
  const status = await pgCtl(ctx, [
    '-D',
    ctx.pg.data,
    '-l',
    join(ctx.pg.data, 'postgres.log'),
    '-m',
    'fast',
    '-w',
    '-t',
    '60',
    'restart',
  ]);
  const upAt = Date.now();
  let after = '';
  for (let i = 0; i < 60 && !after; i++) after = await postmasterStart(ctx).catch(() => '');
  ctx.say(`restart-postgresql: pg_ctl restart (exit ${status}), postmaster started ${before} -> ${after}`);
  grant(ctx, wave);
  const problems: string[] = [];
  if (status !== 0) problems.push(`pg_ctl restart failed (exit ${status}, see logs/pg_ctl.log)`);
  if (!after || after === before) problems.push(`PostgreSQL's postmaster start time did not change (${before})`);
  // The next progress once PostgreSQL is back (Temporal stamps events before it writes them).
  const progressAt = await nextProgress(ctx, wave.syncs, upAt);
  return { figures: { postmasterStart: `${before.slice(11, 19)}->${after.slice(11, 19)}` }, problems, at, progressAt };
}

async function partitionWorker(ctx: FaultContext, wave: Wave): Promise<Fired> {
  const idx = ctx.running.findIndex((s) => s.name === `worker-${ctx.partition.worker + 1}`);
  const w = ctx.running[idx]!;
  const identityPrefix = `${w.child.pid}@`;
  // Cut while it runs one of the wave's activities (its heartbeats, its limiter calls go nowhere).
  const act = await runningActivity(ctx, wave, 60_000, identityPrefix);
  const before = ctx.partition.proxies.map((p) => ({ ...p.stats }));
  const at = Date.now();
  for (const p of ctx.partition.proxies) p.cut();
  ctx.say(
    `partition-worker: ${w.name} (pid ${w.child.pid}) cut off from ${ctx.partition.proxies.map((p) => p.target).join(' and ')} for 60 s`
  );
  grant(ctx, wave);
  // The others carry on meanwhile: progress from a worker that is not cut off, during the cut.
  let othersProgressAt: number | undefined;
  const cutUntil = at + 60_000;
  while (Date.now() < cutUntil) {
    ctx.alive();
    if (!othersProgressAt)
      othersProgressAt = await nextProgress(ctx, wave.syncs, at, { timeoutMs: 2000 }).catch(() => undefined);
    await sleep(Math.min(2000, Math.max(0, cutUntil - Date.now())));
  }
  // Only now, so a client that retried during the cut is counted as refused.
  const cutStats = ctx.partition.proxies.map((p, i) => ({
    target: p.target,
    cut: p.stats.cut - before[i]!.cut,
    refused: p.stats.refused - before[i]!.refused,
  }));
  for (const p of ctx.partition.proxies) p.heal();
  const healedAt = Date.now();
  ctx.say(
    `partition-worker: healed (${cutStats.map((s) => `${s.target}: ${s.cut} cut, ${s.refused} refused`).join('; ')})`
  );
  const problems: string[] = [];
  for (const s of cutStats)
    if (s.cut + s.refused === 0) problems.push(`the proxy to ${s.target} neither cut nor refused a connection`);
  if (!cutStats.some((s) => s.refused > 0)) problems.push('no reconnection was refused during the cut');
  // Back: the server sees the healed worker poll again (both task queue kinds, after the heal).
  const progressAt = await pollingAgain(ctx, identityPrefix, healedAt);
  if (!progressAt) problems.push(`${w.name} did not poll again within 180 s of the heal`);
  return {
    figures: {
      cut: cutStats.map((s) => `${s.target.split(':')[1]}:${s.cut}cut/${s.refused}refused`).join(' '),
      // The cut hit this activity of this sync (`…-cw-<n>`: the wave's n-th sync).
      cutDuring: `activity ${act.activityId} of sync ${act.handle.workflowId.split('-').pop()}`,
      othersDuringCut: othersProgressAt ? `yes (+${sec(othersProgressAt - at)} s)` : 'no',
      cutSeconds: sec(healedAt - at),
    },
    problems,
    // Recovery counts from the heal: the 60 s before it are the fault itself (cutSeconds).
    at: healedAt,
    progressAt,
  };
}

/** When the server last saw `prefix` (pid@) poll both the workflow and the activity queue after `since`. */
async function pollingAgain(ctx: FaultContext, prefix: string, since: number): Promise<number | undefined> {
  const deadline = Date.now() + 180_000;
  const kinds = [
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  ];
  while (Date.now() < deadline) {
    ctx.alive();
    const seen = await Promise.all(
      kinds.map(async (taskQueueType) => {
        const r = await ctx.client.workflowService.describeTaskQueue({
          namespace: ctx.namespace,
          taskQueue: { name: ctx.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType,
        });
        const p = r.pollers?.find((x) => x.identity?.startsWith(prefix));
        const t = p?.lastAccessTime;
        return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
      })
    ).catch(() => [0]);
    if (seen.length === kinds.length && seen.every((t) => t > since)) return Math.max(...seen);
    await sleep(500);
  }
  return undefined;
}

async function rotateCodecKey(ctx: FaultContext, wave: Wave): Promise<Fired> {
  await runningActivity(ctx, wave);
  const keyFile = join(ctx.secretsDir, 'codec-key-k2');
  writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
  const old = ctx.intakeEnv().ONRAMP_CODEC_KEYS ?? '';
  // As docs/operations.md: the new key first in ONRAMP_CODEC_KEYS (it encrypts), the old ones after (they decrypt),
  // every worker, the intake and the CLI restarted with it; then `onramp secrets rekey`.
  const keys = 'k2=file:/run/secrets/codec-key-k2,k1=file:/run/secrets/codec-key';
  const at = Date.now();
  const services = [
    'codec-server',
    'checklist-page',
    'intake',
    ...Array.from({ length: ctx.replicas }, (_, i) => `worker-${i + 1}`),
  ];
  await ctx.restartServices(services, { ONRAMP_CODEC_KEYS: keys });
  // The proof's own client is one of "every client": it reconnects with the new ring too (k1 still decrypts).
  ctx.client = await connectClient(loadConfig(ctx.intakeEnv()));
  const switchedAt = Date.now();
  const now = ctx.intakeEnv().ONRAMP_CODEC_KEYS ?? '';
  ctx.say(`rotate-codec-key: ONRAMP_CODEC_KEYS ${old} -> ${now}; restarted ${services.join(', ')} one by one`);
  grant(ctx, wave);
  // The operator's CLI, with the intake's environment (the secret store's URL, the new key ring).
  const rekey = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'node',
      [join(ctx.repoRoot, 'bin/onramp'), 'secrets', 'rekey', '--json', '--actor', 'prod-proof'],
      { cwd: ctx.repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ctx.intakeEnv() } },
      (err, stdout, stderr) =>
        resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    );
  });
  const problems: string[] = [];
  let report: { rekeyed?: number; currentKeyId?: string; usage?: Record<string, number>; failed?: unknown[] } = {};
  try {
    report = JSON.parse(rekey.stdout.trim().split('\n').pop() ?? '{}') as typeof report;
  } catch {
    problems.push(`onramp secrets rekey printed no report (exit ${rekey.status}): ${rekey.stderr.slice(0, 300)}`);
  }
  ctx.say(`rotate-codec-key: onramp secrets rekey (exit ${rekey.status}): ${rekey.stdout.trim().slice(0, 300)}`);
  // New payloads: an order placed now is sealed with k2 in its history.
  const probe = await startWave(ctx, `${wave.label}p`, 0, 1);
  grant(ctx, probe);
  wave.orders.push(...probe.orders);
  const h = ctx.client.workflow.getHandle(customerOnboardingWorkflowId(probe.orders[0]!.orderId));
  const first = (await h.fetchHistory()).events?.[0];
  const meta = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.metadata ?? {};
  const keyId = meta[METADATA_KEY_ID] ? Buffer.from(meta[METADATA_KEY_ID]).toString('utf8') : '(none)';
  const usage = Object.entries(report.usage ?? {})
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
  if (rekey.status !== 0) problems.push(`onramp secrets rekey exited ${rekey.status}`);
  if (report.currentKeyId !== 'k2') problems.push(`rekey's current key is ${report.currentKeyId}, not k2`);
  if (!report.rekeyed) problems.push('rekey re-sealed no row (nothing was sealed under k1?)');
  if (Object.keys(report.usage ?? {}).some((k) => k !== 'k2')) problems.push(`rows left under other keys: ${usage}`);
  if (keyId !== 'k2') problems.push(`a new order's input is sealed with ${keyId}, not k2`);
  // Recovery: from the ring switched everywhere (the last restart) to the next progress a worker reported.
  const progressAt = await nextProgress(ctx, [...wave.syncs, h], switchedAt);
  return {
    figures: {
      restartsSeconds: sec(switchedAt - at),
      rekeyed: report.rekeyed ?? 0,
      storeKeys: usage || 'none',
      newPayloadKey: keyId,
    },
    problems,
    at: switchedAt,
    progressAt,
  };
}

const FAULTS: Record<FaultName, { run: (ctx: FaultContext, wave: Wave) => Promise<Fired>; scale: number }> = {
  'kill-worker': { run: killWorker, scale: 1 },
  'restart-temporal': { run: restartTemporal, scale: 1 },
  'restart-postgresql': { run: restartPostgres, scale: 1 },
  'partition-worker': { run: partitionWorker, scale: 2 },
  'rotate-codec-key': { run: rotateCodecKey, scale: 1.5 },
};

/** Every fault in turn, each in its own wave of load; one row each. A failed fault does not stop the next. */
export async function runFaults(ctx: FaultContext): Promise<ProofRow[]> {
  const customers = Number(process.env.ONRAMP_PROOF_FAULT_CW_CUSTOMERS ?? 60);
  const orders = Number(process.env.ONRAMP_PROOF_FAULT_ORDERS ?? 2);
  const rows: ProofRow[] = [];
  const throttledBefore = ctx.throttled();
  for (const name of ctx.names) {
    const t0 = Date.now();
    let row: ProofRow;
    try {
      ctx.alive();
      const wave = await startWave(ctx, name, Math.round(customers * FAULTS[name].scale), orders);
      ctx.say(
        `${name}: wave of ${wave.customers} ConnectWise customers in ${wave.syncs.length} syncs + ${wave.orders.length} orders`
      );
      const fired = await FAULTS[name].run(ctx, wave);
      const out = await settle(ctx, wave, throttledBefore);
      const problems = [...fired.problems, ...out.problems];
      const recovery = fired.progressAt ? sec(fired.progressAt - fired.at) : 'none';
      row = {
        row: name,
        ok: problems.length === 0 && fired.progressAt !== undefined,
        figures: { recoverySeconds: recovery, ...out.figures, ...fired.figures, phaseSeconds: sec(Date.now() - t0) },
        detail: problems.length ? problems.join('; ') : undefined,
      };
    } catch (err) {
      row = {
        row: name,
        ok: false,
        figures: { phaseSeconds: sec(Date.now() - t0) },
        detail: err instanceof Error ? err.message : String(err),
      };
    }
    appendRow(ctx.rowsFile, row);
    rows.push(row);
    ctx.say(
      `${row.row}: ${row.ok ? 'ok' : 'FAILED'} ${JSON.stringify(row.figures)}${row.detail ? ` (${row.detail})` : ''}`
    );
  }
  return rows;
}
