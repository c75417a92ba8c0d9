import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startGoogleDelegation } from '../../src/client';
import { loadConfig } from '../../src/config';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/worker';
import { DEFAULT_DELEGATION_SCOPES } from '../../src/domain/google-delegation-schema';
import type { PlainConfig, PlainMessage } from '../plain/delegation';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle, type BenchGoogle } from '../lib/google';
import { inParallel, perSecond, summarize, type LatencySummary } from '../lib/stats';
import { spawnWorker } from '../lib/worker-handle';
import { devServerPid, ownCpuSeconds, processCpuSeconds } from '../lib/cpu';

export interface ThroughputRun {
  concurrent: number;
  completed: number;
  failed: number;
  elapsedMs: number;
  /** Completed onboardings / elapsed (first start request to last result), per second. */
  completionsPerSecond: number;
  /** Kept for earlier result files: the same figure as completionsPerSecond. */
  onboardingsPerSecond: number;
  endToEnd: LatencySummary;
  /** Completions in each second since the batch was submitted (the chart's throughput line). */
  completionsSeries: { t: number; value: number }[];
  /** The vendor calls the simulators answered during the batch, by kind (counted by the simulators themselves). */
  vendorCalls: VendorCalls;
  vendorRequests: number;
  vendor429s: number;
  /**
   * The same delegations done by a plain Node script (bench/plain/delegation.ts) in a process of its own: the
   * same vendor calls, the same libraries, the same concurrency, no Temporal; right after, same simulators.
   */
  plainCompletionsPerSecond: number;
  plainCompletionsSeries: { t: number; value: number }[];
  plain: { completed: number; failed: number; elapsedMs: number; firstError?: string; vendorCalls: VendorCalls };
  /** Both sides made the same vendor calls (by kind, counted at the simulators). */
  sameVendorCalls: boolean;
  /** completionsPerSecond / plainCompletionsPerSecond (target >= 0.8). */
  ratioToPlain: number;
  /**
   * Where the CPU went (user + system seconds, /proc): Onramp's batch in the worker process, the Temporal dev server
   * and the benchmark's own process (the simulators and the client); the plain script's batch in its process and
   * the benchmark's. Both sides share the same 2 cores, so the ratio is roughly the inverse of these totals.
   */
  cpuSeconds?: {
    onramp: { worker?: number; temporalServer?: number; benchProcess: number; total: number };
    plain: { script: number; benchProcess: number; total: number };
  };
  /** CPU milliseconds per completed delegation, all processes of each side (cpuSeconds totals / completed). */
  cpuMsPerDelegation?: { onramp: number; plain: number };
}

export interface VendorCalls {
  tokens: number;
  usersGet: number;
  notifications: number;
  other: number;
  http429s: number;
}

export interface ThroughputResult {
  workflow: 'googleDelegationOnboarding';
  note: string;
  maxConcurrentActivities: number;
  maxCachedWorkflows: number;
  runs: ThroughputRun[];
}

function vendorCalls(google: BenchGoogle, from: { google: number; notify: number }): VendorCalls {
  const g = google.requests.slice(from.google);
  const n = google.notifyRequests.slice(from.notify);
  const tokens = g.filter((r) => r.path === '/token').length;
  const usersGet = g.filter((r) => r.method === 'GET' && /\/users\//.test(r.path)).length;
  return {
    tokens,
    usersGet,
    notifications: n.length,
    other: g.length - tokens - usersGet,
    http429s: [...g, ...n].filter((r) => r.status === 429).length,
  };
}

const mark = (google: BenchGoogle) => ({ google: google.requests.length, notify: google.notifyRequests.length });

/**
 * N Google delegation onboardings submitted at once to one worker, the grant already in place and short
 * polling: each mints 16 per-scope tokens, one token for all scopes, and notifies vendor support, every
 * call with 50–150 ms of vendor latency. End-to-end = from the start request to the workflow's result.
 */
const perSec = (n: number, ms: number) => Math.round((n / Math.max(ms, 1)) * 1000 * 100) / 100;

interface Batch {
  t0: number;
  latencies: number[];
  doneAt: number[];
  failed: number;
  elapsedMs: number;
}

/**
 * Start `n` workflows, 64 submissions at a time, and wait for all their results (awaited concurrently with
 * later submissions: a slow submit does not hide completions). A batch that stops making progress (a broken
 * worker) fails the benchmark instead of hanging it.
 */
async function batchOf(
  n: number,
  what: string,
  start: (i: number) => Promise<{ result(): Promise<unknown> }>
): Promise<Batch> {
  const t0 = Date.now();
  const latencies: number[] = [];
  const doneAt: number[] = [];
  let failed = 0;
  await inParallel(
    Array.from({ length: n }, (_, i) => i),
    64,
    async (i) => {
      const submittedAt = Date.now();
      const handle = await start(i);
      void handle.result().then(
        () => {
          doneAt.push(Date.now());
          latencies.push(Date.now() - submittedAt);
        },
        () => failed++
      );
    }
  );
  let seen = -1;
  let progressAt = Date.now();
  while (latencies.length + failed < n) {
    if (latencies.length + failed !== seen) [seen, progressAt] = [latencies.length + failed, Date.now()];
    else if (Date.now() - progressAt > 120_000)
      throw new Error(`${what}: no workflow finished for 2 minutes (${seen} of ${n} done)`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { t0, latencies, doneAt, failed, elapsedMs: Math.max(...doneAt, t0) - t0 };
}

/** Run the plain script (bench/plain/delegation.ts) in a child process over `delegations`; resolves with its timings. */
async function plainBatch(cfg: PlainConfig): Promise<Extract<PlainMessage, { type: 'done' }>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'plain', 'delegation.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise((resolve, reject) => {
      child.on('message', (m: PlainMessage) => {
        if (m.type === 'ready') child.send({ type: 'go', config: cfg });
        else resolve(m);
      });
      child.once('exit', (code) =>
        reject(new Error(`plain delegation script exited (code ${code}) before its result`))
      );
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

export async function delegationThroughput(ctx: BenchContext, sizes: number[]): Promise<ThroughputResult> {
  const google = await startBenchGoogle();
  google.grantAll();
  const taskQueue = ctx.taskQueue('delegation');
  // The shipped setting (ONRAMP_MAX_CONCURRENT_ACTIVITIES, default 100); the plain script gets the same bound.
  const maxConcurrentActivities = Number(
    process.env.ONRAMP_MAX_CONCURRENT_ACTIVITIES || loadConfig({}).worker.maxConcurrentActivities
  );
  const cacheSize = Number(
    process.env.ONRAMP_MAX_CACHED_WORKFLOWS || loadConfig({}).worker.maxCachedWorkflows || DEFAULT_MAX_CACHED_WORKFLOWS
  );
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps(),
    maxConcurrentActivities,
    maxCachedWorkflows: cacheSize,
  });
  const deps = google.deps();
  const keyPath = google.keyRef.replace(/^file:/, '');
  const runs: ThroughputRun[] = [];
  const serverPid = devServerPid(ctx.address);
  const cpuOf = (pid?: number) => (pid === undefined ? undefined : processCpuSeconds(pid));
  const minus = (a?: number, b?: number) =>
    a === undefined || b === undefined ? undefined : Math.round((a - b) * 100) / 100;
  try {
    for (const [batch, n] of sizes.entries()) {
      const before = mark(google);
      const cpu0 = { worker: cpuOf(worker.pid), server: cpuOf(serverPid), bench: ownCpuSeconds() };
      const onramp = await batchOf(n, `delegation ×${n}`, async (i) => {
        const request = google.delegationRequest(`c${i}-b${batch}-${taskQueue}.example`);
        return startGoogleDelegation(
          ctx.client,
          { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
          request
        );
      });
      const calls = vendorCalls(google, before);
      const onrampCpu = {
        worker: minus(cpuOf(worker.pid), cpu0.worker),
        temporalServer: minus(cpuOf(serverPid), cpu0.server),
        benchProcess: minus(ownCpuSeconds(), cpu0.bench)!,
      };
      const plainBefore = mark(google);
      const plainBench0 = ownCpuSeconds();
      const plain = await plainBatch({
        tokenUrl: deps.google.tokenUrl,
        apiRootUrl: deps.googleAdmin!.apiRootUrl!,
        notifyUrl: deps.notify.webhookUrl!,
        maxConcurrentActivities,
        delegations: Array.from({ length: n }, (_, i) => {
          const r = google.delegationRequest(`p${i}-b${batch}-${taskQueue}.example`);
          return {
            domain: r.customer.domain,
            adminEmail: r.adminEmail,
            scopes: [...(r.scopes ?? DEFAULT_DELEGATION_SCOPES)],
            vendor: { name: r.vendor.name, supportEmail: r.vendor.supportEmail },
            serviceAccount: { clientId: r.serviceAccount.clientId, email: r.serviceAccount.email, keyPath },
          };
        }),
      });
      const plainCalls = vendorCalls(google, plainBefore);
      const plainBench = minus(ownCpuSeconds(), plainBench0)!;
      const sum = (...xs: (number | undefined)[]) =>
        Math.round(xs.reduce<number>((a, x) => a + (x ?? 0), 0) * 100) / 100;
      const onrampTotal = sum(onrampCpu.worker, onrampCpu.temporalServer, onrampCpu.benchProcess);
      const plainTotal = sum(plain.cpuSeconds, plainBench);
      const { latencies, doneAt, failed, t0 } = onramp;
      const elapsedMs = Math.max(...doneAt, t0) - t0;
      const plainElapsedMs = Math.max(...plain.doneAt, plain.t0) - plain.t0;
      const rate = perSec(latencies.length, elapsedMs);
      const plainRate = perSec(plain.doneAt.length, plainElapsedMs);
      const r: ThroughputRun = {
        concurrent: n,
        completed: latencies.length,
        failed,
        elapsedMs,
        completionsPerSecond: rate,
        onboardingsPerSecond: rate,
        endToEnd: summarize(latencies),
        completionsSeries: perSecond(doneAt, t0),
        vendorCalls: calls,
        vendorRequests: calls.tokens + calls.usersGet + calls.other,
        vendor429s: calls.http429s,
        plainCompletionsPerSecond: plainRate,
        plainCompletionsSeries: perSecond(plain.doneAt, plain.t0),
        plain: {
          completed: plain.doneAt.length,
          failed: plain.failed,
          elapsedMs: plainElapsedMs,
          ...(plain.firstError ? { firstError: plain.firstError } : {}),
          vendorCalls: plainCalls,
        },
        sameVendorCalls: JSON.stringify(calls) === JSON.stringify(plainCalls),
        ratioToPlain: Math.round((rate / Math.max(plainRate, 0.01)) * 100) / 100,
        cpuSeconds: {
          onramp: { ...onrampCpu, total: onrampTotal },
          plain: { script: Math.round(plain.cpuSeconds * 100) / 100, benchProcess: plainBench, total: plainTotal },
        },
        cpuMsPerDelegation: {
          onramp: Math.round((onrampTotal * 1000) / Math.max(latencies.length, 1)),
          plain: Math.round((plainTotal * 1000) / Math.max(plain.doneAt.length, 1)),
        },
      };
      runs.push(r);
      const c = (v: VendorCalls) =>
        `${v.tokens} tokens, ${v.usersGet} users.get, ${v.notifications} notifications, ${v.other} other, ${v.http429s} 429s`;
      ctx.log(
        `delegation ×${n}: ${r.completed} completed (${r.failed} failed) in ${(elapsedMs / 1000).toFixed(1)} s = ${rate}/s; end-to-end p50 ${r.endToEnd.p50Ms} ms, p95 ${r.endToEnd.p95Ms} ms, p99 ${r.endToEnd.p99Ms} ms; plain script ${plainRate}/s (${r.plain.completed} in ${(plainElapsedMs / 1000).toFixed(1)} s, ${r.plain.failed} failed): ratio ${r.ratioToPlain}; vendor calls Onramp: ${c(calls)}; plain: ${c(plainCalls)}${r.sameVendorCalls ? ' (equal)' : ' (DIFFERENT)'}; CPU per delegation Onramp ${Math.round((onrampTotal * 1000) / Math.max(latencies.length, 1))} ms (worker ${onrampCpu.worker ?? '?'} s, Temporal ${onrampCpu.temporalServer ?? '?'} s, simulators and client ${onrampCpu.benchProcess} s), plain ${Math.round((plainTotal * 1000) / Math.max(plain.doneAt.length, 1))} ms (script ${Math.round(plain.cpuSeconds * 100) / 100} s, simulators ${plainBench} s) (load average ${loadavg()[0]!.toFixed(1)})`
      );
    }
  } finally {
    await worker.stop();
    await google.close();
  }
  return {
    workflow: 'googleDelegationOnboarding',
    note: `grant in place, 16 scopes, 1 s polling; one worker process with the shipped settings (${maxConcurrentActivities} concurrent activities, ${cacheSize} cached workflows); vendor latency 50-150 ms per call; plain: bench/plain/delegation.ts, the same vendor calls and concurrency without Temporal, in a process of its own, right after each batch`,
    maxConcurrentActivities,
    maxCachedWorkflows: cacheSize,
    runs,
  };
}
