import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startGoogleDelegation } from '../../src/client';
import { writeWorkflowBundle } from '../../src/temporal/workflow-bundle';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../../src/contract/search-attributes';
import type { onrampBenchThroughputFloor } from '../workflows/floor';
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
  /**
   * The same server's floor, measured right after in the same run: N workflows with the same commands (four
   * search-attribute upserts around three activities, no timer) whose activities do nothing
   * (bench/workflows/floor.ts), on a worker process of their own with the same settings.
   */
  floorCompletionsPerSecond: { t: number; value: number }[];
  floor: { completed: number; failed: number; elapsedMs: number; onboardingsPerSecond: number };
  /** onboardingsPerSecond / floor.onboardingsPerSecond: 1.0 would mean Onramp costs nothing over Temporal's floor. */
  ratioToFloor: number;
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
  // The floor: a bench-only workflow with the same commands and no-op activities, on its own worker.
  const floorQueue = ctx.taskQueue('floor');
  const floorBundle = await writeWorkflowBundle(
    join(resolve(__dirname, '..', '..'), '.onramp', 'bench', 'floor-bundle.js'),
    require.resolve('../workflows/floor')
  );
  const floorWorker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue: floorQueue,
    bundlePath: floorBundle,
    deps: google.deps(),
    maxConcurrentActivities: 100,
    floorActivities: true,
  });
  const runs: ThroughputRun[] = [];
  try {
    for (const [batch, n] of sizes.entries()) {
      const requestsBefore = google.requests.length;
      const onramp = await batchOf(n, `delegation ×${n}`, async (i) => {
        const request = google.delegationRequest(`c${i}-b${batch}-${taskQueue}.example`);
        return startGoogleDelegation(
          ctx.client,
          { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
          request
        );
      });
      const floor = await batchOf(n, `floor ×${n}`, (i) =>
        ctx.client.workflow.start<typeof onrampBenchThroughputFloor>('onrampBenchThroughputFloor', {
          workflowId: `floor-c${i}-b${batch}-${floorQueue}`,
          taskQueue: floorQueue,
          args: [],
          typedSearchAttributes: [
            { key: OnrampCustomer, value: `c${i}-b${batch}.example` },
            { key: OnrampVendor, value: 'bench' },
            { key: OnrampIntegration, value: 'google-delegation' },
            { key: OnrampStep, value: 'validating' },
            { key: OnrampState, value: 'running' },
          ],
        })
      );
      const { latencies, doneAt, failed, t0 } = onramp;
      const elapsedMs = Math.max(...doneAt, t0) - t0;
      const vendor = google.requests.slice(requestsBefore);
      runs.push({
        concurrent: n,
        completed: latencies.length,
        failed,
        elapsedMs,
        onboardingsPerSecond: perSec(latencies.length, elapsedMs),
        endToEnd: summarize(latencies),
        completionsPerSecond: perSecond(doneAt, t0),
        vendorRequests: vendor.length,
        vendor429s: vendor.filter((r) => r.status === 429).length,
        floorCompletionsPerSecond: perSecond(floor.doneAt, floor.t0),
        floor: {
          completed: floor.latencies.length,
          failed: floor.failed,
          elapsedMs: floor.elapsedMs,
          onboardingsPerSecond: perSec(floor.latencies.length, floor.elapsedMs),
        },
        ratioToFloor: 0,
      });
      const r = runs[runs.length - 1]!;
      r.ratioToFloor = Math.round((r.onboardingsPerSecond / Math.max(r.floor.onboardingsPerSecond, 0.01)) * 100) / 100;
      ctx.log(
        `delegation ×${n}: ${r.completed} completed (${r.failed} failed) in ${(elapsedMs / 1000).toFixed(1)} s = ${r.onboardingsPerSecond}/s; end-to-end p50 ${r.endToEnd.p50Ms} ms, p95 ${r.endToEnd.p95Ms} ms, p99 ${r.endToEnd.p99Ms} ms; floor ${r.floor.onboardingsPerSecond}/s (${r.floor.completed} in ${(r.floor.elapsedMs / 1000).toFixed(1)} s), ratio ${r.ratioToFloor} (load average ${loadavg()[0]!.toFixed(1)})`
      );
    }
  } finally {
    await worker.stop();
    await floorWorker.stop();
    await google.close();
  }
  return {
    workflow: 'googleDelegationOnboarding',
    note: 'grant in place, 16 scopes, 1 s polling; one worker process, 100 concurrent activities; vendor latency 50-150 ms per call; floor: same commands, no-op activities, its own worker, right after each batch',
    runs,
  };
}
