import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { billingSchema, type ConnectwiseConnection } from '../../src/domain/connectwise';
import { createConnectwiseSimulator } from '../../src/simulators/connectwise/server';
import { ALL_AREAS } from '../../src/simulators/connectwise/state';
import type { connectwiseCustomerSync } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { VENDOR_LATENCY_MS } from '../lib/google';
import { recordRequests, windowUse, type WindowUse } from '../lib/request-log';
import { perSecond } from '../lib/stats';
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
  const windowMs = 10_000;
  const compression = 60_000 / windowMs;
  const vendorLimit = { limit: Math.floor(1000 / compression), windowMs };
  const sim = createConnectwiseSimulator({
    latencyMs: VENDOR_LATENCY_MS,
    requestsPerWindow: vendorLimit.limit,
    windowMs,
  });
  const log = recordRequests(sim);
  const url = await sim.listen();
  const host = new URL(url).host;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-cw-'));
  const control = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const res = await request(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.body.json();
  };
  const all = { add: 'All', edit: 'All', inquire: 'All', delete: 'None' };
  await control('PUT', '/__sim/cw/roles/10', {
    name: 'Bench Integration',
    settings: Object.fromEntries(ALL_AREAS.map((a) => [a, all])),
  });
  await control('POST', '/__sim/cw/api-members', { identifier: 'bench', roleId: 10 });
  const keys = (await control('POST', '/__sim/cw/api-members/bench/keys', { description: 'bench' })) as {
    publicKey: string;
    privateKey: string;
  };
  const keyPath = join(dir, 'cw.key');
  writeFileSync(keyPath, keys.privateKey, { mode: 0o600 });
  const deps: ActivityDeps = {
    google: { tokenUrl: 'http://127.0.0.1:9/token' },
    notify: {},
    connectwise: {
      extraAllowedHosts: [host],
      insecureHttpHosts: [host],
      // A pace is a rate: the same per real minute whatever the window the simulator counts in.
      requestsPerMinute: onrampRequestsPerMinute,
    },
    limits: { postgresUrl, tablePrefix: 'bench_connectwise' },
  };
  const connection: ConnectwiseConnection = {
    site: host,
    companyId: sim.state.companyId,
    publicKey: keys.publicKey,
    privateKeyRef: `file:${keyPath}`,
    clientId: CLIENT_ID,
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
    const v = await createActivities(deps).verifyConnectwiseConnection(connection);
    if (!v.ok) throw new Error(`ConnectWise bench tenant refused the connection: ${v.message}`);
    const list = Array.from({ length: customers }, (_, i) => ({
      identifier: `B${String(i + 1).padStart(5, '0')}`,
      name: `Bench customer ${i + 1}`,
    }));
    const t0 = Date.now();
    // One sync per worker, all on the same tenant: their activities spread over the workers.
    const parts = Array.from({ length: workers }, (_, w) => list.filter((_, i) => i % workers === w));
    await Promise.all(
      parts.map((part, w) =>
        ctx.client.workflow.execute<typeof connectwiseCustomerSync>('connectwiseCustomerSync', {
          workflowId: `bench-cw-sync-${taskQueue}-${w}`,
          taskQueue,
          args: [
            {
              customer: 'Bench MSP',
              vendor: 'Bench Vendor',
              target: { connection, site: v.site },
              customers: part,
              billing: billingSchema.parse({}),
              mode: 'apply',
            },
          ],
        })
      )
    );
    const elapsedMs = Date.now() - t0;
    const api = log.filter((r) => r.at >= t0 && r.path.includes('/apis/3.0/'));
    const ratePerSecond = (vendorLimit.limit / windowMs) * 1000;
    const result: ConnectwiseLimitResult = {
      customers,
      vendorLimit,
      onrampRequestsPerMinute,
      elapsedMs,
      apiRequests: api.length,
      http429s: api.filter((r) => r.status === 429).length,
      rejected: api.filter((r) => r.status === 429).length,
      workers,
      use: windowUse(
        api.map((r) => r.at),
        vendorLimit.limit,
        windowMs
      ),
      limitUseSeries: perSecond(
        api.map((r) => r.at),
        t0
      ).map((p) => ({ t: p.t, value: Math.round((p.value / ratePerSecond) * 1000) / 1000 })),
    };
    ctx.log(
      `connectwise sync ×${customers} on ${workers} worker(s) at ${onrampRequestsPerMinute}/min (limit ~1,000/min): ${api.length} requests in ${(elapsedMs / 1000).toFixed(1)} s; ${result.http429s} 429s; full-window use ${result.use.fractions.join(', ') || 'n/a'}`
    );
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
