import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGoogleDelegation } from '../../src/client';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { inParallel } from '../lib/stats';
import { spawnWorker, type WorkerMemory } from '../lib/worker-handle';
import { DEFAULT_MAX_CACHED_WORKFLOWS, WORKER_PROCESS_ENV } from '../../src/worker';

export interface IdleMemoryResult {
  openOnboardings: number;
  scopesPerOnboarding: number;
  /**
   * The worker with nothing open, after a warm-up (`warmUpOnboardings` opened, then closed) and settling:
   * a worker that has run onboardings, as every production worker has. Same process, before the load.
   */
  idle: WorkerMemory;
  /** The worker right after start-up, before it ran any workflow (the one-time costs are the gap to `idle`). */
  startup: WorkerMemory;
  warmUpOnboardings: number;
  /** With every onboarding open and waiting for the customer's admin (first check done, timer pending). */
  loaded: WorkerMemory;
  perOnboardingBytes: { rss: number; heapUsed: number; external: number };
  /** Memory with half of them open: the second half's growth is the marginal cost of one more waiting onboarding. */
  mid: { openOnboardings: number; memory: WorkerMemory };
  marginalPerOnboardingBytes: { rss: number };
  /** RSS projected to 10,000 waiting: idle + 10,000 x average (issue 13's formula), and loaded + the rest x marginal. */
  projected10kRssBytes: { fromAverage: number; fromMarginal: number };
  /**
   * After every onboarding was terminated (closed), same process: what the worker keeps once nothing is
   * open. `loaded.rssBytes - closed.rssBytes` is what the open onboardings themselves held; the rest of the
   * growth from `idle` is high-water memory the process does not give back (allocator, V8 heap capacity).
   */
  closed: WorkerMemory;
  maxCachedWorkflows: number;
  /** MALLOC_ARENA_MAX of the worker process, when set (glibc allocator arenas; the Rust core allocates on many threads). */
  mallocArenaMax?: string;
  /** Every MALLOC_* variable the worker process ran with (src/worker.ts WORKER_PROCESS_ENV, or the caller's). */
  allocatorEnv: Record<string, string>;
  startSeconds: number;
  stillOpen: number;
}

/** Onboardings opened and closed before `idle` is measured: twice the default cache. */
const WARM_UP = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Memory once the worker is quiet: evictions done, garbage collected. Read every 5 s until RSS moves less
 * than 1 % between two reads (at most a minute), so a figure is not caught mid-eviction.
 */
async function settled(worker: { pid: number; memory(): Promise<WorkerMemory> }, label: string): Promise<WorkerMemory> {
  const m = await settledMemory(worker);
  // Diagnosis (ONRAMP_BENCH_SMAPS=dir): the worker's mappings at each point, to see which ones hold the RSS.
  if (process.env.ONRAMP_BENCH_SMAPS)
    writeFileSync(
      join(process.env.ONRAMP_BENCH_SMAPS, `${label}.smaps`),
      readFileSync(`/proc/${worker.pid}/smaps`, 'utf8')
    );
  return m;
}

async function settledMemory(worker: { memory(): Promise<WorkerMemory> }): Promise<WorkerMemory> {
  let prev = await worker.memory();
  for (let i = 0; i < 12; i++) {
    await sleep(5000);
    const m = await worker.memory();
    if (Math.abs(m.rssBytes - prev.rssBytes) < 0.01 * prev.rssBytes) return m;
    prev = m;
  }
  return prev;
}

const MB = 1024 * 1024;
const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : (bytes / MB).toFixed(0));

/**
 * N delegation onboardings open at once, each waiting for an operator step: no grant, so the first check
 * finds the scope missing and the workflow sleeps on a long poll. The worker runs alone in its process;
 * RSS is read from /proc/<pid>/status, the heap from the worker after a full GC. One scope per onboarding
 * keeps the first check round cheap (a token request each); the waiting state does not depend on it.
 */
export async function idleMemory(ctx: BenchContext, n: number): Promise<IdleMemoryResult> {
  const google = await startBenchGoogle();
  google.sim.state.setGrant(google.clientId, [], 0);
  const taskQueue = ctx.taskQueue('idle');
  // src/worker.ts's default unless ONRAMP_MAX_CACHED_WORKFLOWS sets one, as for a user.
  const cacheSize = Number(process.env.ONRAMP_MAX_CACHED_WORKFLOWS || DEFAULT_MAX_CACHED_WORKFLOWS);
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps(),
    maxConcurrentActivities: 100,
    // The production knob: waiting workflows need no cache slot, so a cap bounds memory however many are open.
    maxCachedWorkflows: cacheSize,
  });
  const scope = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
  const ids: string[] = [];
  try {
    const startup = await worker.memory();
    if (process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS)
      await worker.heapSnapshot(join(process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS, 'idle.heapsnapshot'));
    const t0 = Date.now();
    const closeAll = (list: string[]) =>
      inParallel(list, 32, (id) =>
        ctx.client.workflow
          .getHandle(id)
          .terminate('benchmark: measuring the worker with nothing open')
          .catch(() => undefined)
      );
    const refused = () => google.sim.tokenOutcomes.get('unauthorized_client') ?? 0;
    // Start onboardings [from, to) and wait until each has made its first check (one refused token each)
    // and is waiting on its hour-long poll timer.
    const open = async (from: number, to: number) => {
      await inParallel(
        Array.from({ length: to - from }, (_, i) => from + i),
        64,
        async (i) => {
          const handle = await startGoogleDelegation(
            ctx.client,
            { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
            google.delegationRequest(`idle${i}-${taskQueue}.example`, {
              scopes: [scope],
              polling: { initialIntervalSeconds: 3600, maxIntervalSeconds: 3600, deadlineHours: 24 },
            })
          );
          ids.push(handle.workflowId);
        }
      );
      let last = -1;
      let stalledSince = Date.now();
      while (refused() < to) {
        if (refused() !== last) {
          last = refused();
          stalledSince = Date.now();
        } else if (Date.now() - stalledSince > 120_000)
          throw new Error(`only ${refused()} of ${to} onboardings made their first check`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // Let the last workflow tasks (timer scheduling after the check) finish before measuring.
      await sleep(3000);
    };
    // Warm-up: WARM_UP onboardings opened and closed, so `idle` is a worker that has run onboardings and has
    // none open (JIT code, the workflow thread's heap, connection buffers, allocator arenas are one-time
    // costs a started-but-never-used process has not paid yet; they do not grow with the open onboardings).
    const warmUp = Math.min(WARM_UP, n);
    await open(0, warmUp);
    await closeAll(ids.splice(0));
    const idle = await settled(worker, 'idle');
    const half = Math.floor(n / 2);
    await open(warmUp, warmUp + half);
    const mid = await settled(worker, 'mid');
    await open(warmUp + half, warmUp + n);
    const startSeconds = Math.round((Date.now() - t0) / 100) / 10;
    const loaded = await settled(worker, 'loaded');
    // Diagnosis (ONRAMP_BENCH_HEAP_SNAPSHOTS=dir): snapshots before and after the load, to diff by constructor.
    if (process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS)
      await worker.heapSnapshot(join(process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS, `loaded-${n}.heapsnapshot`));
    let stillOpen = 0;
    for await (const _ of ctx.client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    }))
      stillOpen++;
    // Close them all (as a finished onboarding would be), then see what the worker gives back.
    await closeAll(ids);
    const closed = await settled(worker, 'closed');
    const result: IdleMemoryResult = {
      openOnboardings: n,
      scopesPerOnboarding: 1,
      idle,
      startup,
      warmUpOnboardings: warmUp,
      loaded,
      perOnboardingBytes: {
        rss: Math.round((loaded.rssBytes - idle.rssBytes) / n),
        heapUsed: Math.round((loaded.heapUsedBytes - idle.heapUsedBytes) / n),
        external: Math.round((loaded.externalBytes - idle.externalBytes) / n),
      },
      mid: { openOnboardings: half, memory: mid },
      marginalPerOnboardingBytes: { rss: Math.round((loaded.rssBytes - mid.rssBytes) / Math.max(n - half, 1)) },
      projected10kRssBytes: {
        fromAverage: Math.round(idle.rssBytes + 10_000 * ((loaded.rssBytes - idle.rssBytes) / n)),
        fromMarginal: Math.round(
          loaded.rssBytes + Math.max(0, 10_000 - n) * ((loaded.rssBytes - mid.rssBytes) / Math.max(n - half, 1))
        ),
      },
      closed,
      maxCachedWorkflows: cacheSize,
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? WORKER_PROCESS_ENV.MALLOC_ARENA_MAX,
      allocatorEnv: Object.fromEntries(
        Object.entries({ ...WORKER_PROCESS_ENV, ...process.env }).filter(
          (e): e is [string, string] => e[0].startsWith('MALLOC_') && e[1] !== undefined
        )
      ),
      startSeconds,
      stillOpen,
    };
    ctx.log(
      `${n} onboardings waiting for an operator: worker RSS ${(loaded.rssBytes / MB).toFixed(0)} MB (idle ${(idle.rssBytes / MB).toFixed(0)} MB after a warm-up of ${warmUp}; ${(startup.rssBytes / MB).toFixed(0)} MB at start-up), heap ${(loaded.heapUsedBytes / MB).toFixed(0)} MB (idle ${(idle.heapUsedBytes / MB).toFixed(0)} MB); ~${(result.perOnboardingBytes.rss / 1024).toFixed(1)} KB RSS each; marginal ${(result.marginalPerOnboardingBytes.rss / 1024).toFixed(1)} KB each (${half} → ${n}); projected at 10,000: ${(result.projected10kRssBytes.fromAverage / MB).toFixed(0)} MB (average) / ${(result.projected10kRssBytes.fromMarginal / MB).toFixed(0)} MB (marginal); anonymous/file-backed RSS idle ${mb(idle.rssAnonBytes)}/${mb(idle.rssFileBytes)} MB, loaded ${mb(loaded.rssAnonBytes)}/${mb(loaded.rssFileBytes)} MB; after closing all: RSS ${(closed.rssBytes / MB).toFixed(0)} MB, heap ${(closed.heapUsedBytes / MB).toFixed(0)} MB; external ${(idle.externalBytes / MB).toFixed(1)} → ${(loaded.externalBytes / MB).toFixed(1)} MB; cache ${cacheSize}; ${
        Object.entries(result.allocatorEnv)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || 'no MALLOC_* settings'
      }; started in ${startSeconds} s; ${stillOpen} open`
    );
    return result;
  } finally {
    await worker.stop();
    // On a shared server (smoke test) leave nothing waiting behind; our own server is thrown away anyway.
    if (!ctx.ownServer)
      await inParallel(ids, 32, (id) =>
        ctx.client.workflow
          .getHandle(id)
          .terminate('benchmark done')
          .catch(() => undefined)
      );
    await google.close();
  }
}
