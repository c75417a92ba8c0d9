import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { request } from 'undici';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { billingSchema, type ConnectwiseConnection } from '../../src/domain/connectwise-schema';
import type { ConnectwiseSiteInfo } from '../../src/contract/connectwise-sync-messages';
import { createConnectwiseSimulator } from '../../src/simulators/connectwise/connectwise-simulator';
import { ALL_AREAS } from '../../src/simulators/connectwise/connectwise-state';
import type { Simulator } from '../../src/simulators/http';
import type { connectwiseCustomerSync } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { VENDOR_LATENCY_MS } from '../lib/google';
import { limitUseSeries, recordRequests, windowUse, type LoggedRequest, type WindowUse } from '../lib/request-log';
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';

export interface ConnectwiseLimitResult {
  customers: number;
  /** Worker processes sharing the limiter (through PostgreSQL when more than one). */
  workers: number;
  /** ConnectWise's ~1,000 requests/min, compressed to the same rate over `windowMs`. */
  vendorLimit: { limit: number; windowMs: number };
  /** The pace Onramp's limiter is configured with, in requests per real minute. */
  onrampRequestsPerMinute: number;
  elapsedMs: number;
  apiRequests: number;
  http429s: number;
  /** Every throttling answer the simulator sent (its 429s). */
  rejected: number;
  use: WindowUse;
  limitUseSeries: { t: number; value: number }[];
}

const CLIENT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

/** ConnectWise's documented throttle: ~1,000 requests per minute per tenant (vendor-apis.md). */
export const CONNECTWISE_REQUESTS_PER_MINUTE_LIMIT = 1000;

/**
 * One ConnectWise tenant on the simulator answering 429 past ~1,000 requests/min (compressed to the same rate
 * over `windowMs`), 50–150 ms per call, with an API member whose role may do everything the sync does. What
 * a worker needs to reach it: `host` among the allowed (and plain-http) hosts, and `connection`. Shared by the
 * benchmark (its own worker processes) and scripts/prod-proof-driver.ts (docker-compose.yml's workers).
 */
export interface ConnectwiseLimitTenant {
  url: string;
  host: string;
  vendorLimit: { limit: number; windowMs: number };
  connection: ConnectwiseConnection;
  /** The site as the tenant's verification answered it (the sync's target). */
  site: ConnectwiseSiteInfo;
  /** Every answered request (time, path, status), recorded by the simulator itself. */
  log: LoggedRequest[];
  sim: Simulator;
  close(): Promise<void>;
}

export async function startConnectwiseLimitTenant(windowMs = 10_000, speedup = 1): Promise<ConnectwiseLimitTenant> {
  const compression = 60_000 / windowMs;
  // `speedup` raises the rate itself (the fairness scenario's 2,000-company sync in minutes; Onramp's pace with it).
  const vendorLimit = { limit: Math.floor((CONNECTWISE_REQUESTS_PER_MINUTE_LIMIT * speedup) / compression), windowMs };
  const sim = createConnectwiseSimulator({
    latencyMs: VENDOR_LATENCY_MS,
    requestsPerWindow: vendorLimit.limit,
    windowMs,
  });
  const log = recordRequests(sim);
  const url = await sim.listen();
  const host = new URL(url).host;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-cw-'));
  const close = async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const control = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
      const res = await request(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return res.body.json();
    };
    const all = { add: 'All', edit: 'All', inquire: 'All', delete: 'None' };
    await control('PUT', '/_admin/security-roles/10', {
      name: 'Bench Integration',
      settings: Object.fromEntries(ALL_AREAS.map((a) => [a, all])),
    });
    await control('POST', '/_admin/api-members', { identifier: 'bench', roleId: 10 });
    const keys = (await control('POST', '/_admin/api-members/bench/api-keys', { description: 'bench' })) as {
      publicKey: string;
      privateKey: string;
    };
    const keyPath = join(dir, 'cw.key');
    writeFileSync(keyPath, keys.privateKey, { mode: 0o600 });
    const connection: ConnectwiseConnection = {
      site: host,
      companyId: sim.state.companyId,
      publicKey: keys.publicKey,
      privateKeyRef: `file:${keyPath}`,
      clientId: CLIENT_ID,
    };
    const v = await createActivities({
      google: { tokenUrl: 'http://127.0.0.1:9/token' },
      notify: {},
      connectwise: { extraAllowedHosts: [host], insecureHttpHosts: [host] },
    }).verifyConnectwiseConnection(connection);
    if (!v.ok) throw new Error(`ConnectWise bench tenant refused the connection: ${v.message}`);
    return { url, host, vendorLimit, connection, site: v.site, log, sim, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * `customers` companies (+ agreements) synced into the tenant by `parts` connectwiseCustomerSync workflows on
 * `taskQueue` at once (their activities spread over the workers polling it); resolves when all completed.
 */
export async function runConnectwiseSyncs(
  client: Client,
  taskQueue: string,
  tenant: ConnectwiseLimitTenant,
  customers: number,
  parts: number,
  idPrefix = `bench-cw-sync-${taskQueue}`
): Promise<void> {
  const list = Array.from({ length: customers }, (_, i) => ({
    identifier: `B${String(i + 1).padStart(5, '0')}`,
    name: `Bench customer ${i + 1}`,
  }));
  const split = Array.from({ length: parts }, (_, w) => list.filter((_, i) => i % parts === w));
  await Promise.all(
    split.map((part, w) =>
      client.workflow.execute<typeof connectwiseCustomerSync>('connectwiseCustomerSync', {
        workflowId: `${idPrefix}-${w}`,
        taskQueue,
        args: [
          {
            customer: 'Bench MSP',
            vendor: 'Bench Vendor',
            target: { connection: tenant.connection, site: tenant.site },
            customers: part,
            billing: billingSchema.parse({}),
            mode: 'apply',
            createMissingCompanies: true,
            companyAddress: { city: 'Bench City' },
          },
        ],
      })
    )
  );
}

/** The tenant's API requests since `t0` against its limit: count, 429s, use of each full window, per-second series. */
export function measureConnectwise(
  tenant: ConnectwiseLimitTenant,
  t0: number
): Pick<ConnectwiseLimitResult, 'apiRequests' | 'http429s' | 'rejected' | 'use' | 'limitUseSeries'> {
  const { limit, windowMs } = tenant.vendorLimit;
  const api = tenant.log.filter((r) => r.at >= t0 && r.path.includes('/apis/3.0/'));
  const ratePerSecond = (limit / windowMs) * 1000;
  const http429s = api.filter((r) => r.status === 429).length;
  return {
    apiRequests: api.length,
    http429s,
    rejected: http429s,
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
 * connectwiseCustomerSync of `customers` companies (+ agreements) into one ConnectWise tenant that answers
 * 429 past ~1,000 requests/min, with 50–150 ms per call. Time is compressed (a 10 s window at the same
 * rate) so the backlog spans several windows; Onramp's pace, a rate, is the shipped one unchanged (an
 * earlier version multiplied it by the compression too, which one sequential sync never reached).
 */
export async function connectwiseLimits(
  ctx: BenchContext,
  customers: number,
  onrampRequestsPerMinute: number,
  workers = 1,
  postgresUrl?: string
): Promise<ConnectwiseLimitResult> {
  const tenant = await startConnectwiseLimitTenant();
  const deps: ActivityDeps = {
    google: { tokenUrl: 'http://127.0.0.1:9/token' },
    notify: {},
    connectwise: {
      extraAllowedHosts: [tenant.host],
      insecureHttpHosts: [tenant.host],
      // A pace is a rate: the same per real minute whatever the window the simulator counts in.
      requestsPerMinute: onrampRequestsPerMinute,
    },
    limits: { postgresUrl, tablePrefix: 'bench_connectwise' },
  };
  const taskQueue = ctx.taskQueue('cw');
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
    const t0 = Date.now();
    // One sync per worker, all on the same tenant: their activities spread over the workers.
    await runConnectwiseSyncs(ctx.client, taskQueue, tenant, customers, workers);
    const elapsedMs = Date.now() - t0;
    const result: ConnectwiseLimitResult = {
      customers,
      vendorLimit: tenant.vendorLimit,
      onrampRequestsPerMinute,
      elapsedMs,
      workers,
      ...measureConnectwise(tenant, t0),
    };
    ctx.log(
      `connectwise sync ×${customers} on ${workers} worker(s) at ${onrampRequestsPerMinute}/min (limit ~1,000/min): ${result.apiRequests} requests in ${(elapsedMs / 1000).toFixed(1)} s; ${result.http429s} 429s; full-window use ${result.use.fractions.join(', ') || 'n/a'}`
    );
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await tenant.close();
  }
}
