import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../src/activities';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../../src/domain/autotask-schema';
import type { autotaskOnboarding } from '../../src/workflows';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AutotaskOnboardingRequest } from '../../src/domain/autotask-schema';
import { createAutotaskSimulator, type AutotaskSimulator } from '../../src/simulators/autotask/autotask-simulator';
import { SYSTEM_API_LEVEL } from '../../src/simulators/autotask/autotask-state';
import type { BenchContext } from '../lib/environment';
import { limitUseSeries, recordRequests, windowUse, type LoggedRequest, type WindowUse } from '../lib/request-log';
import { SANDBOX_VENDOR_PROFILES } from '../../src/config';
import { loadVendorProfiles } from '../../src/secrets/vendor-profile-file';
import { vendorTrackingIdentifier } from '../../src/simulators/autotask/autotask-admin-routes';
import { playVendorDeployments } from '../../src/simulators/autotask/vendor-deployment';

/** The sandbox's vendor profiles; this process (and the workers it starts, which inherit its environment) plays the vendors. */
export const BENCH_PROFILES = playVendorDeployments(loadVendorProfiles(SANDBOX_VENDOR_PROFILES));
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';

export interface AutotaskLimitResult {
  onboardings: number;
  completed: number;
  failed: number;
  /** The first failed onboarding's failure, if any. */
  firstFailure?: string;
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

/** Autotask's documented limits: 10,000 requests per rolling hour per database, 3 threads per endpoint. */
export const AUTOTASK_HOURLY_LIMIT = 10_000;

/**
 * One Autotask database on the simulator enforcing 3 concurrent requests per tracking identifier x endpoint
 * and a rolling `hourlyLimit` per `hourMs` (429 past either), 50–150 ms per call, with an API security level
 * that may do what the onboarding does, and a receiver for the integration's webhooks. Workers need
 * `url` (zone discovery) and `host` (allowed zone host). Shared by the benchmark and
 * scripts/prod-proof-driver.ts (which keeps the real hour and lowers the limit instead: production workers
 * learn the limit from ThresholdInformation but always count an hour).
 */
export interface AutotaskLimitTenant {
  url: string;
  host: string;
  vendorLimit: { limit: number; windowMs: number; threadsPerEndpoint: number };
  sim: AutotaskSimulator;
  log: LoggedRequest[];
  /** `n` onboarding requests of one customer, each with its own API user (secrets in files workers can read). */
  requests(n: number, tenant: string): AutotaskOnboardingRequest[];
  close(): Promise<void>;
}

export async function startAutotaskLimitTenant(
  hourlyLimit: number,
  hourMs: number,
  dir = mkdtempSync(join(tmpdir(), 'onramp-bench-at-'))
): Promise<AutotaskLimitTenant> {
  const sim = createAutotaskSimulator({ callLatencyMs: [50, 150], hourlyLimit, hourMs });
  const log = recordRequests(sim);
  const url = await sim.listen();
  // The integration's webhook endpoints: the simulator only calls them when a ticket changes (never here).
  const receiver = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const addr = receiver.address();
  const receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const signingKey = join(dir, 'signing.key');
  writeFileSync(signingKey, randomBytes(32).toString('base64url'), { mode: 0o600 });
  sim.db.setLevel({
    name: 'Onramp API',
    permissions: {
      ...SYSTEM_API_LEVEL.permissions,
      Tickets: SYSTEM_API_LEVEL.permissions.Tickets ?? ['query', 'create', 'update', 'delete'],
    },
    webhooks: { enabled: true, max: 5 },
  });
  // Sophos Central's own tracking identifier: the bench plays the vendor's deployment (its profile holds it).
  const integrationCode = vendorTrackingIdentifier(
    BENCH_PROFILES.profiles['sophos-central']!.autotask!.integrationVendor
  )!;
  let users = 0;
  return {
    url,
    host: new URL(url).host,
    vendorLimit: { limit: hourlyLimit, windowMs: hourMs, threadsPerEndpoint: 3 },
    sim,
    log,
    requests: (n, tenant) =>
      Array.from({ length: n }, (): AutotaskOnboardingRequest => {
        const i = users++;
        const secret = randomBytes(18).toString('base64url');
        const user = sim.db.addUser({
          username: `bench${i}-${tenant}@acme-msp.example`,
          secret,
          integrationCode,
          securityLevel: 'Onramp API',
        });
        // Worker processes cannot see this process's environment: the secret goes to a file.
        const secretPath = join(dir, `secret-${i}`);
        writeFileSync(secretPath, secret, { mode: 0o600 });
        return {
          customer: { id: tenant },
          vendor: { name: 'Sophos Central' },
          vendorProfile: 'sophos-central',
          integrationId: `bench-${i}`,
          credentials: { username: user.username, secretRef: `file:${secretPath}` },
          webhook: {
            name: `bench-${i}`,
            webhookUrl: `${receiverUrl}/webhooks/autotask/${tenant}`,
            deactivationUrl: `${receiverUrl}/webhooks/autotask/${tenant}/deactivated`,
            signingKeyRef: `file:${signingKey}`,
          },
          timing: { readyPollSeconds: 0.5, readyDeadlineMinutes: 10, operatorDeadlineHours: 1, reminderMinutes: 60 },
        };
      }),
    close: async () => {
      await sim.close();
      await new Promise<void>((r) => receiver.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start one autotaskOnboarding per request on `taskQueue`; the handles' results are the caller's to await. */
export async function startAutotaskOnboardings(
  client: Client,
  taskQueue: string,
  requests: AutotaskOnboardingRequest[]
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof autotaskOnboarding>[]> {
  return Promise.all(
    requests.map((req) =>
      client.workflow.start<typeof autotaskOnboarding>('autotaskOnboarding', {
        workflowId: `${autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req))}:${taskQueue}`,
        taskQueue,
        args: [req],
      })
    )
  );
}

/** The database's API calls since `t0` (zone discovery excluded) against its hourly limit and thread limit. */
export function measureAutotask(
  tenant: AutotaskLimitTenant,
  t0: number
): Pick<AutotaskLimitResult, 'apiRequests' | 'rejected' | 'maxConcurrencyPerEndpoint' | 'use' | 'limitUseSeries'> {
  const { limit, windowMs } = tenant.vendorLimit;
  const api = tenant.log.filter(
    (r) => r.at >= t0 && r.path.startsWith('/ATServicesRest/V1.0/') && !/zoneInformation$/i.test(r.path)
  );
  const ratePerSecond = (limit / windowMs) * 1000;
  return {
    apiRequests: api.length,
    rejected: api.filter((r) => r.status === 429).length,
    maxConcurrencyPerEndpoint: Math.max(0, ...tenant.sim.maxConcurrency.values()),
    use: windowUse(
      api.map((r) => r.at),
      limit,
      windowMs
    ),
    limitUseSeries: limitUseSeries(
      api.map((r) => r.at),
      t0,
      ratePerSecond
    ),
  };
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
  const limit = Math.round((AUTOTASK_HOURLY_LIMIT * windowMs) / 3600_000);
  const reserveFraction = 0.05;
  const at = await startAutotaskLimitTenant(limit, windowMs);
  const deps: ActivityDeps = {
    google: { tokenUrl: 'http://127.0.0.1:9/token' },
    notify: {},
    autotask: {
      discoveryUrl: at.url,
      allowedZoneHosts: [at.host],
      vendorProfiles: BENCH_PROFILES,
      limiter: {
        hourlyLimit: limit,
        hourMs: windowMs,
        reserveFraction,
        thresholdEveryCalls: 10,
        thresholdEveryMs: windowMs / 12,
        // Waits for the compressed window happen inside the (heartbeating) activity, as short waits do in production.
        maxWaitMs: windowMs,
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
    const requests = at.requests(onboardings, `bench-${taskQueue}`);
    const t0 = Date.now();
    let failed = 0;
    let firstFailure: string | undefined;
    const handles = await startAutotaskOnboardings(ctx.client, taskQueue, requests);
    const results = await Promise.all(
      handles.map((handle) =>
        handle.result().then(
          () => true,
          (err: Error & { cause?: Error & { cause?: Error } }) => {
            failed++;
            firstFailure ??= [err.message, err.cause?.message, err.cause?.cause?.message].filter(Boolean).join(' / ');
            return false;
          }
        )
      )
    );
    const elapsedMs = Date.now() - t0;
    const result: AutotaskLimitResult = {
      onboardings,
      completed: results.filter(Boolean).length,
      failed,
      firstFailure,
      workers,
      vendorLimit: at.vendorLimit,
      reserveFraction,
      elapsedMs,
      ...measureAutotask(at, t0),
    };
    ctx.log(
      `autotask ×${onboardings} onboardings, ${workers} workers sharing the limiter (limit ${limit}/${windowMs / 1000}s, reserve ${reserveFraction}): ${result.completed} completed, ${failed} failed in ${(elapsedMs / 1000).toFixed(1)} s${firstFailure ? ` (first failure: ${firstFailure})` : ''}; ${result.apiRequests} requests; ${result.rejected} throttled; peak ${result.maxConcurrencyPerEndpoint} concurrent per endpoint; full-window use ${result.use.fractions.join(', ') || 'n/a'}`
    );
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await at.close();
  }
}
