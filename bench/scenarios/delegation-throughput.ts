import { startGoogleDelegation } from '../../src/client';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { inParallel, perSecond, summarize, type LatencySummary } from '../lib/stats';
import { spawnWorker } from '../lib/worker-handle';

export interface ThroughputRun {
  concurrent: number;
  completed: number;
  failed: number;
  elapsedMs: number;
  onboardingsPerSecond: number;
  endToEnd: LatencySummary;
  /** Completions per second since the batch was submitted (the chart's throughput line). */
  completionsPerSecond: { t: number; value: number }[];
  vendorRequests: number;
  vendor429s: number;
}

export interface ThroughputResult {
  workflow: 'googleDelegationOnboarding';
  note: string;
  runs: ThroughputRun[];
}

/**
 * N Google delegation onboardings submitted at once to one worker, the grant already in place and short
 * polling: each mints 16 per-scope tokens, one token for all scopes, and notifies vendor support, every
 * call with 50–150 ms of vendor latency. End-to-end = from the start request to the workflow's result.
 */
export async function delegationThroughput(ctx: BenchContext, sizes: number[]): Promise<ThroughputResult> {
  const google = await startBenchGoogle();
  google.grantAll();
  const taskQueue = ctx.taskQueue('delegation');
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps(),
    maxConcurrentActivities: 100,
  });
  const runs: ThroughputRun[] = [];
  try {
    for (const [batch, n] of sizes.entries()) {
      const requestsBefore = google.requests.length;
      const t0 = Date.now();
      const latencies: number[] = [];
      const doneAt: number[] = [];
      let failed = 0;
      await inParallel(
        Array.from({ length: n }, (_, i) => i),
        64,
        async (i) => {
          const submittedAt = Date.now();
          const request = google.delegationRequest(`c${i}-b${batch}-${taskQueue}.example`);
          const handle = await startGoogleDelegation(
            ctx.client,
            { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
            request
          );
          // Results are awaited concurrently with later submissions: a slow submit does not hide completions.
          void handle.result().then(
            () => {
              doneAt.push(Date.now());
              latencies.push(Date.now() - submittedAt);
            },
            () => failed++
          );
        }
      );
      // A run that stops making progress (a broken worker) fails the benchmark instead of hanging it.
      let seen = -1;
      let progressAt = Date.now();
      while (latencies.length + failed < n) {
        if (latencies.length + failed !== seen) [seen, progressAt] = [latencies.length + failed, Date.now()];
        else if (Date.now() - progressAt > 120_000)
          throw new Error(`delegation ×${n}: no onboarding finished for 2 minutes (${seen} of ${n} done)`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsedMs = Math.max(...doneAt, t0) - t0;
      const vendor = google.requests.slice(requestsBefore);
      runs.push({
        concurrent: n,
        completed: latencies.length,
        failed,
        elapsedMs,
        onboardingsPerSecond: Math.round((latencies.length / Math.max(elapsedMs, 1)) * 1000 * 100) / 100,
        endToEnd: summarize(latencies),
        completionsPerSecond: perSecond(doneAt, t0),
        vendorRequests: vendor.length,
        vendor429s: vendor.filter((r) => r.status === 429).length,
      });
      const r = runs[runs.length - 1]!;
      ctx.log(
        `delegation ×${n}: ${r.completed} completed (${r.failed} failed) in ${(elapsedMs / 1000).toFixed(1)} s = ${r.onboardingsPerSecond}/s; end-to-end p50 ${r.endToEnd.p50Ms} ms, p95 ${r.endToEnd.p95Ms} ms, p99 ${r.endToEnd.p99Ms} ms`
      );
    }
  } finally {
    await worker.stop();
    await google.close();
  }
  return {
    workflow: 'googleDelegationOnboarding',
    note: 'grant in place, 16 scopes, 1 s polling; one worker process, 100 concurrent activities; vendor latency 50-150 ms per call',
    runs,
  };
}
