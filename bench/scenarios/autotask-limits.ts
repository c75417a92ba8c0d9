import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../src/activities';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../../src/domain/autotask';
import type { autotaskOnboarding } from '../../src/workflows';
// The Autotask simulator fixture the workflow tests use (API users, security levels, webhook receiver).
import { autotaskFixture } from '../../test/helpers/autotask';
import type { BenchContext } from '../lib/environment';
import { recordRequests, windowUse, type WindowUse } from '../lib/request-log';
import { perSecond } from '../lib/stats';
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';

export interface AutotaskLimitResult {
  onboardings: number;
  completed: number;
  failed: number;
  workers: number;
  /** Autotask's 10,000 requests per rolling hour, compressed to the same rate over `windowMs`; 3 concurrent per endpoint. */
  vendorLimit: { limit: number; windowMs: number; threadsPerEndpoint: number };
  /** Share of the hour Onramp leaves to other integrations in this run (production default 0.1). */
  reserveFraction: number;
  elapsedMs: number;
  apiRequests: number;
  /** Every throttling answer the simulator sent: 429 threshold exceeded + 429 thread limit. */
  rejected: number;
  /** Highest concurrency the simulator saw on any endpoint. */
  maxConcurrencyPerEndpoint: number;
  use: WindowUse;
  limitUseSeries: { t: number; value: number }[];
}

/**
 * `onboardings` Autotask onboardings of one Autotask database (one tenant, each with its own API user),
 * run by `workers` worker processes sharing the limiter through PostgreSQL, against the simulator enforcing
 * 3 concurrent requests per tracking identifier x endpoint and the rolling hourly threshold with 50–150 ms
 * per call. The hour is compressed: 10,000/h becomes 100 per 36 s (the same rate), so a backlog spans
 * several "hours" within minutes; the workers' limiter is told the same compressed hour.
 */
export async function autotaskLimits(
  ctx: BenchContext,
  onboardings: number,
  workers: number,
  postgresUrl: string | undefined
): Promise<AutotaskLimitResult> {
  const windowMs = 36_000;
  const limit = Math.round((10_000 * windowMs) / 3600_000);
  const reserveFraction = 0.05;
  const at = await autotaskFixture({ callLatencyMs: [50, 150], hourlyLimit: limit, hourMs: windowMs });
  const log = recordRequests(at.sim);
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-at-'));
  const host = new URL(at.simUrl).host;
  const deps: ActivityDeps = {
    google: { tokenUrl: 'http://127.0.0.1:9/token' },
    notify: {},
    autotask: {
      discoveryUrl: at.simUrl,
      allowedZoneHosts: [host],
      limiter: {
        hourlyLimit: limit,
        hourMs: windowMs,
        reserveFraction,
        thresholdEveryCalls: 10,
        thresholdEveryMs: windowMs / 12,
      },
    },
    limits: { postgresUrl, tablePrefix: 'bench_autotask' },
  };
  const taskQueue = ctx.taskQueue('autotask');
  const procs: BenchWorker[] = [];
  try {
    for (let i = 0; i < workers; i++)
      procs.push(
        await spawnWorker({
          address: ctx.address,
          namespace: ctx.namespace,
          taskQueue,
          bundlePath: ctx.bundlePath,
          deps,
          maxConcurrentActivities: 100,
        })
      );
    const tenant = `bench-${taskQueue}`;
    const requests = Array.from({ length: onboardings }, (_, i) => {
      const u = at.addUser();
      // Worker processes cannot see this process's environment: the secret goes to a file.
      const secretPath = join(dir, `secret-${i}`);
      writeFileSync(secretPath, u.user.secret, { mode: 0o600 });
      return at.onboarding(tenant, `bench-${i}`, {
        credentials: { ...u.credentials, secretRef: `file:${secretPath}` },
      });
    });
    const t0 = Date.now();
    let failed = 0;
    const results = await Promise.all(
      requests.map(async (req) => {
        const handle = await ctx.client.workflow.start<typeof autotaskOnboarding>('autotaskOnboarding', {
          workflowId: `${autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req))}:${taskQueue}`,
          taskQueue,
          args: [req],
        });
        return handle.result().then(
          () => true,
          () => {
            failed++;
            return false;
          }
        );
      })
    );
    const elapsedMs = Date.now() - t0;
    const api = log.filter(
      (r) => r.at >= t0 && r.path.startsWith('/ATServicesRest/V1.0/') && !/zoneInformation$/i.test(r.path)
    );
    const ratePerSecond = (limit / windowMs) * 1000;
    const result: AutotaskLimitResult = {
      onboardings,
      completed: results.filter(Boolean).length,
      failed,
      workers,
      vendorLimit: { limit, windowMs, threadsPerEndpoint: 3 },
      reserveFraction,
      elapsedMs,
      apiRequests: api.length,
      rejected: api.filter((r) => r.status === 429).length,
      maxConcurrencyPerEndpoint: Math.max(0, ...at.sim.maxConcurrency.values()),
      use: windowUse(
        api.map((r) => r.at),
        limit,
        windowMs
      ),
      limitUseSeries: perSecond(
        api.map((r) => r.at),
        t0
      ).map((p) => ({ t: p.t, value: Math.round((p.value / ratePerSecond) * 1000) / 1000 })),
    };
    ctx.log(
      `autotask ×${onboardings} onboardings, ${workers} workers sharing the limiter (limit ${limit}/${windowMs / 1000}s, reserve ${reserveFraction}): ${result.completed} completed, ${failed} failed in ${(elapsedMs / 1000).toFixed(1)} s; ${api.length} requests; ${result.rejected} throttled; peak ${result.maxConcurrencyPerEndpoint} concurrent per endpoint; full-window use ${result.use.fractions.join(', ') || 'n/a'}`
    );
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await at.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
