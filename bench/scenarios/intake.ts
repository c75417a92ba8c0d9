import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { customerOnboardingWorkflowId } from '../../src/domain/customer-onboarding-schema';
import { createIntakeServer } from '../../src/intake/intake-server';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { FloorProbe, ratio } from '../lib/floor';
import type { SandboxIntakeResult } from './intake-sandbox';
import { perSecond, summarize, type LatencySummary } from '../lib/stats';
import { spawnWorker } from '../lib/worker-handle';

export interface IntakeResult {
  ratePerSecond: number;
  durationSeconds: number;
  sent: number;
  accepted: number;
  /** Non-202 answers by status. */
  refused: Record<string, number>;
  /** POST /v1/onboardings on loopback, request sent to response read. */
  latency: LatencySummary;
  /** Temporal's floor in the same window: start + describe of a workflow no worker runs, same server, same rate. */
  floor: LatencySummary;
  /** latency.p99Ms / floor.p99Ms (target <= 1.2). */
  p99RatioToFloor: number;
  /** The same measurement against the intake inside `npm start` (its own dev server, worker and simulators). */
  sandbox?: SandboxIntakeResult;
  /** The orders' customerOnboarding (parent + Google delegation child, grant in place) from POST to result. */
  customerOnboarding: {
    completed: number;
    failed: number;
    endToEnd: LatencySummary;
    onboardingsPerSecond: number;
    completionsPerSecond: { t: number; value: number }[];
  };
}

/**
 * The intake API at a steady, open-loop request rate (a request every 1/rate s whether or not the last
 * answered, as sales systems do not wait for each other), bearer-authenticated on loopback. The orders are
 * real: one worker runs each customerOnboarding and its Google delegation child to completion.
 */
export async function intakeLatency(
  ctx: BenchContext,
  ratePerSecond: number,
  durationSeconds: number
): Promise<IntakeResult> {
  const google = await startBenchGoogle();
  google.grantAll();
  const taskQueue = ctx.taskQueue('intake');
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps(),
    maxConcurrentActivities: 100,
  });
  const token = randomBytes(24).toString('hex');
  const app = createIntakeServer({
    client: ctx.client,
    config: { temporal: { address: ctx.address, namespace: ctx.namespace, taskQueue } },
    auth: { hmacSecrets: [], bearerTokens: [token] },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('intake did not bind a TCP port');
  const url = `http://127.0.0.1:${addr.port}/v1/onboardings`;

  const latencies: number[] = [];
  const floor = new FloorProbe(ctx.client);
  const floorDone: Promise<void>[] = [];
  const refused: Record<string, number> = {};
  const e2e: number[] = [];
  const doneAt: number[] = [];
  let failed = 0;
  const total = Math.round(ratePerSecond * durationSeconds);
  const pending: Promise<void>[] = [];
  try {
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const orderId = `bench-${taskQueue}-${i}`;
      const body = JSON.stringify({
        orderId,
        customer: { id: `cust-${i}`, name: `Customer ${i}` },
        integrations: { googleDelegation: google.delegationRequest(`o${i}-${taskQueue}.example`) },
      });
      floorDone.push(floor.once().catch(() => undefined));
      pending.push(
        (async () => {
          const sent = performance.now();
          const submittedAt = Date.now();
          const res = await request(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          });
          await res.body.text();
          latencies.push(performance.now() - sent);
          if (res.statusCode !== 202) {
            refused[res.statusCode] = (refused[res.statusCode] ?? 0) + 1;
            return;
          }
          try {
            await ctx.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).result();
            doneAt.push(Date.now());
            e2e.push(Date.now() - submittedAt);
          } catch {
            failed++;
          }
        })()
      );
    }
    await Promise.all([...pending, ...floorDone]);
    const accepted = total - Object.values(refused).reduce((a, b) => a + b, 0);
    const span = Math.max(...doneAt, t0) - t0;
    const result: IntakeResult = {
      ratePerSecond,
      durationSeconds,
      sent: total,
      accepted,
      refused,
      latency: summarize(latencies),
      floor: summarize(floor.latencies),
      p99RatioToFloor: ratio(summarize(latencies).p99Ms, summarize(floor.latencies).p99Ms),
      customerOnboarding: {
        completed: e2e.length,
        failed,
        endToEnd: summarize(e2e),
        onboardingsPerSecond: Math.round((e2e.length / Math.max(span, 1)) * 1000 * 100) / 100,
        completionsPerSecond: perSecond(doneAt, t0),
      },
    };
    ctx.log(
      `intake at ${ratePerSecond}/s for ${durationSeconds} s: ${accepted}/${total} accepted; POST latency p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms (Temporal floor in the same window p50 ${result.floor.p50Ms}, p99 ${result.floor.p99Ms} ms: ratio ${result.p99RatioToFloor}); customerOnboarding (delegation child) ${e2e.length} completed, ${failed} failed, end-to-end p50 ${result.customerOnboarding.endToEnd.p50Ms} ms, p99 ${result.customerOnboarding.endToEnd.p99Ms} ms`
    );
    return result;
  } finally {
    if (!ctx.ownServer) await floor.cleanup();
    await app.close();
    await worker.stop();
    await google.close();
  }
}
