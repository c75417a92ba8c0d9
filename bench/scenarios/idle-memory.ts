import { join } from 'node:path';
import { startGoogleDelegation } from '../../src/client';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { inParallel } from '../lib/stats';
import { spawnWorker, type WorkerMemory } from '../lib/worker-handle';

export interface IdleMemoryResult {
  openOnboardings: number;
  scopesPerOnboarding: number;
  /** The worker with nothing open, after start-up (same process, measured before the load). */
  idle: WorkerMemory;
  /** With every onboarding open and waiting for the customer's admin (first check done, timer pending). */
  loaded: WorkerMemory;
  perOnboardingBytes: { rss: number; heapUsed: number };
  startSeconds: number;
  stillOpen: number;
}

const MB = 1024 * 1024;

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
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps(),
    maxConcurrentActivities: 100,
    // The production knob: waiting workflows need no cache slot, so a cap bounds memory however many are open.
    ...(process.env.ONRAMP_MAX_CACHED_WORKFLOWS
      ? { maxCachedWorkflows: Number(process.env.ONRAMP_MAX_CACHED_WORKFLOWS) }
      : {}),
  });
  const scope = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
  const ids: string[] = [];
  try {
    const idle = await worker.memory();
    if (process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS)
      await worker.heapSnapshot(join(process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS, 'idle.heapsnapshot'));
    const t0 = Date.now();
    await inParallel(
      Array.from({ length: n }, (_, i) => i),
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
    const startSeconds = Math.round((Date.now() - t0) / 100) / 10;
    // Every onboarding has made its first check (one refused token each) and is now waiting.
    const refused = () => google.sim.tokenOutcomes.get('unauthorized_client') ?? 0;
    let last = -1;
    let stalledSince = Date.now();
    while (refused() < n) {
      if (refused() !== last) {
        last = refused();
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > 120_000)
        throw new Error(`only ${refused()} of ${n} onboardings made their first check`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // Let the last workflow tasks (timer scheduling after the check) finish before measuring.
    await new Promise((r) => setTimeout(r, 3000));
    const loaded = await worker.memory();
    // Diagnosis (ONRAMP_BENCH_HEAP_SNAPSHOTS=dir): snapshots before and after the load, to diff by constructor.
    if (process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS)
      await worker.heapSnapshot(join(process.env.ONRAMP_BENCH_HEAP_SNAPSHOTS, `loaded-${n}.heapsnapshot`));
    let stillOpen = 0;
    for await (const _ of ctx.client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    }))
      stillOpen++;
    const result: IdleMemoryResult = {
      openOnboardings: n,
      scopesPerOnboarding: 1,
      idle,
      loaded,
      perOnboardingBytes: {
        rss: Math.round((loaded.rssBytes - idle.rssBytes) / n),
        heapUsed: Math.round((loaded.heapUsedBytes - idle.heapUsedBytes) / n),
      },
      startSeconds,
      stillOpen,
    };
    ctx.log(
      `${n} onboardings waiting for an operator: worker RSS ${(loaded.rssBytes / MB).toFixed(0)} MB (idle ${(idle.rssBytes / MB).toFixed(0)} MB), heap ${(loaded.heapUsedBytes / MB).toFixed(0)} MB (idle ${(idle.heapUsedBytes / MB).toFixed(0)} MB); ~${(result.perOnboardingBytes.rss / 1024).toFixed(1)} KB RSS each; started in ${startSeconds} s; ${stillOpen} open`
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
