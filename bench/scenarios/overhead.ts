import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import type { CheckDelegationInput, ScopeCheck } from '../../src/activities/google/delegation';
import { startGoogleDelegation } from '../../src/client';
import { parseDelegationInput, delegationWorkflowId } from '../../src/domain/google-delegation-schema';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { median } from '../lib/stats';
import { spawnWorker } from '../lib/worker-handle';

export interface OverheadResult {
  workflow: 'googleDelegationOnboarding';
  repetitions: number;
  /** The same vendor calls, made one after another by a plain script calling the activity functions. */
  baselineMs: number[];
  onrampMs: number[];
  baselineMedianMs: number;
  onrampMedianMs: number;
  /** Onramp's median over the baseline's: 1.0 would be no orchestration cost at all. */
  ratio: number;
  overheadMedianMs: number;
  vendorRequestsPerOnboarding: { baseline: number; onramp: number };
}

/**
 * Orchestration overhead for one onboarding: the delegation onboarding through Temporal (start → result,
 * one worker) against a script making the same vendor calls in the same order — check each scope, check
 * all together, notify support — with the same activity code. Runs alternate so drift hits both alike.
 */
export async function orchestrationOverhead(ctx: BenchContext, repetitions: number): Promise<OverheadResult> {
  const google = await startBenchGoogle();
  google.grantAll();
  const taskQueue = ctx.taskQueue('overhead');
  const deps = google.deps();
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps,
    maxConcurrentActivities: 100,
  });
  const activities = createActivities(deps);
  const env = new MockActivityEnvironment();
  const baselineMs: number[] = [];
  const onrampMs: number[] = [];
  const requests = { baseline: 0, onramp: 0 };

  const baseline = async (domain: string) => {
    const input = parseDelegationInput(google.delegationRequest(domain));
    const call = { subject: input.adminEmail, serviceAccount: input.serviceAccount, scopes: input.scopes };
    const eachCall: CheckDelegationInput = { ...call, mode: 'each' };
    const togetherCall: CheckDelegationInput = { ...call, mode: 'together' };
    const each: ScopeCheck[] = await env.run(activities.checkDelegatedScopes, eachCall);
    if (!each.every((s) => s.granted)) throw new Error(`baseline: scopes not granted for ${domain}`);
    const together: ScopeCheck[] = await env.run(activities.checkDelegatedScopes, togetherCall);
    if (!together.every((s) => s.granted)) throw new Error(`baseline: the scope set was refused for ${domain}`);
    await env.run(activities.notifyVendor, {
      idempotencyKey: `${delegationWorkflowId(input)}:delegation-verified`,
      event: 'google.delegation.verified',
      payload: { customerDomain: input.customer.domain, adminEmail: input.adminEmail, scopes: input.scopes },
    });
  };
  const onramp = async (domain: string) => {
    const handle = await startGoogleDelegation(
      ctx.client,
      { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
      google.delegationRequest(domain)
    );
    await handle.result();
  };
  const timed = async (fn: () => Promise<void>, into: number[], kind: keyof typeof requests) => {
    const before = google.requests.length;
    const t0 = performance.now();
    await fn();
    into.push(Math.round(performance.now() - t0));
    requests[kind] = google.requests.length - before;
  };

  try {
    // One unmeasured round of each warms the JIT, the key cache and the worker's workflow cache.
    await baseline(`warm-b-${taskQueue}.example`);
    await onramp(`warm-o-${taskQueue}.example`);
    for (let i = 0; i < repetitions; i++) {
      await timed(() => baseline(`b${i}-${taskQueue}.example`), baselineMs, 'baseline');
      await timed(() => onramp(`o${i}-${taskQueue}.example`), onrampMs, 'onramp');
    }
  } finally {
    await worker.stop();
    await google.close();
  }
  const b = median(baselineMs);
  const o = median(onrampMs);
  const result: OverheadResult = {
    workflow: 'googleDelegationOnboarding',
    repetitions,
    baselineMs,
    onrampMs,
    baselineMedianMs: b,
    onrampMedianMs: o,
    ratio: Math.round((o / b) * 100) / 100,
    overheadMedianMs: o - b,
    vendorRequestsPerOnboarding: requests,
  };
  ctx.log(
    `overhead: plain script ${b} ms vs Onramp ${o} ms per onboarding (median of ${repetitions}) = ×${result.ratio} (+${result.overheadMedianMs} ms); vendor requests ${requests.baseline} vs ${requests.onramp}`
  );
  return result;
}
