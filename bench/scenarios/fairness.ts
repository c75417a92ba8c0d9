import type { Client } from '@temporalio/client';
import type { AdminRoleRequest } from '../../src/domain/google-admin-roles-schema';
import { billingSchema } from '../../src/domain/connectwise-schema';
import { customerPriority } from '../../src/rules/fairness';
import type { connectwiseCustomerSync, googleAdminRoleProvisioning } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle, type BenchGoogle } from '../lib/google';
import { windowUse, type WindowUse } from '../lib/request-log';
import { percentile } from '../lib/stats';
import { cpus } from 'node:os';
import { devServerPid, ownCpuSeconds, processCpuSeconds } from '../lib/cpu';
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';
import { measureConnectwise, startConnectwiseLimitTenant, type ConnectwiseLimitTenant } from './connectwise-limits';
import { groupRequests, type DirectoryQuota } from './google-directory';

/**
 * Issue 25, item 2: fair sharing between customers. `customers` customers onboard at once on one task queue and one
 * worker pool: one big (a ConnectWise customer sync of `bigCompanies` companies and a Google group of `bigMembers`
 * members), the others small. Each customer has vendor limits of its own (its own ConnectWise tenant, its own Google
 * admin's Directory quota), kept by the workers' shared limiter per customer; every workflow carries the customer as
 * Temporal's fairness key (the dev server runs with matching.enableFairness, src/temporal/dev-server.ts).
 *
 * First each small customer onboards alone (its baseline), then the big one starts and, once its backlog is
 * running, all the small ones at once. Figures: the big customer's use of its own limits over the full windows of
 * its backlog, and each small customer's time under load over its time alone (p99 of those ratios).
 */
export interface FairnessSizes {
  customers: number;
  bigCompanies: number;
  bigMembers: number;
  smallCompanies: number;
  smallMembers: number;
  workers: number;
  /** How many times ConnectWise's and Onramp's per-minute rates are raised, so a 2,000-company sync fits minutes. */
  connectwiseSpeedup: number;
}

export interface FairnessResult {
  customers: number;
  sizes: FairnessSizes;
  /** Which mechanism shares the workers: Temporal's task-queue fairness (fairnessKey = customer ID). */
  dispatch: string;
  googleDirectoryQuota: DirectoryQuota;
  connectwiseLimit: { limit: number; windowMs: number; onrampRequestsPerMinute: number };
  bigCustomer: {
    id: string;
    elapsedMs: number;
    use: { meanFraction: number; googleDirectory: WindowUse; connectwise: WindowUse };
  };
  small: {
    aloneMs: number[];
    loadedMs: number[];
    ratios: number[];
    p50Ratio: number;
    p99Ratio: number;
    maxRatio: number;
    /**
     * How long the small customers' tasks waited in the task queue under load (scheduled to started, from the
     * server's history; workflow and activity tasks): the part of their slowdown the dispatch is responsible for.
     * The rest is the machine (CPU shared with the big customer's calls) and the vendors' own latency.
     */
    queueWaitMs: { p50: number; p99: number; max: number };
    /**
     * Control: all small customers at once without the big one. Their ratio to alone is what the small customers
     * cost each other on this machine; p99Ratio above it is what the big customer adds.
     */
    withoutBig: { ms: number[]; p99Ratio: number; cpu?: PhaseCpu };
  };
  /** Throttling answers from any simulator (Google 403 quota + 429s, ConnectWise 429s): 0 expected. */
  rejected: number;
}

/**
 * CPU over one phase (user + system seconds, /proc): the worker processes, the Temporal dev server and the benchmark's
 * own process (simulators and client), and how busy that kept the machine (`busyFraction`: their sum over the
 * phase's wall time times the cores). Well under 1 means the phase waited on something other than CPU.
 */
export interface PhaseCpu {
  wallSeconds: number;
  workers?: number;
  temporalServer?: number;
  benchProcess: number;
  busyFraction: number;
}

/** Google's 2,400/min compressed to 400 per 10 s, as the limits scenario does. */
export const FAIRNESS_DIRECTORY_QUOTA: DirectoryQuota = { limit: 400, windowMs: 10_000, guardMs: 200 };

export interface FairCustomer {
  id: string;
  big: boolean;
  /** Its own ConnectWise tenant (ConnectWise limits per tenant); absent where a stack has none to give it. */
  cw?: ConnectwiseLimitTenant;
}

/**
 * One onboarding of `c` as Onramp's children of an order run it: the Google group and (with a tenant) the
 * ConnectWise sync, at once, both started with the customer's fairness key. `run` makes every name new, so a
 * second onboarding of the same customer does the same work as its first. Resolves to its elapsed milliseconds.
 */
export async function onboardCustomer(
  client: Client,
  taskQueue: string,
  google: BenchGoogle,
  c: FairCustomer,
  size: { companies: number; members: number },
  run: string
): Promise<{ ms: number; admin: string }> {
  const priority = customerPriority(c.id);
  const domain = `${c.id}-${run}.example`;
  const requests: AdminRoleRequest[] = groupRequests(google, domain, size.members, 1, `${c.id}-${run}`);
  const t0 = Date.now();
  const work: Promise<unknown>[] = requests.map((request) =>
    client.workflow.execute<typeof googleAdminRoleProvisioning>('googleAdminRoleProvisioning', {
      workflowId: `fair-${run}-${c.id}-google`,
      taskQueue,
      args: [request],
      priority,
    })
  );
  if (c.cw)
    work.push(
      client.workflow.execute<typeof connectwiseCustomerSync>('connectwiseCustomerSync', {
        workflowId: `fair-${run}-${c.id}-cw`,
        taskQueue,
        priority,
        args: [
          {
            customer: c.id,
            vendor: 'Bench Vendor',
            target: { connection: c.cw.connection, site: c.cw.site },
            customers: Array.from({ length: size.companies }, (_, i) => ({
              identifier: `${run}-${i + 1}`.slice(0, 25),
              name: `${c.id} customer ${run} ${i + 1}`,
            })),
            billing: billingSchema.parse({}),
            mode: 'apply',
            createMissingCompanies: true,
            companyAddress: { city: 'Bench City' },
          },
        ],
      })
    );
  await Promise.all(work);
  return { ms: Date.now() - t0, admin: google.admin(domain) };
}

/** Scheduled-to-started waits of every workflow and activity task in the histories of `workflowIds`. */
export async function queueWaits(client: Client, workflowIds: string[]): Promise<number[]> {
  const waits: number[] = [];
  const ms = (t: unknown) => {
    const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined;
    const s = typeof ts?.seconds === 'number' ? ts.seconds : (ts?.seconds?.toNumber() ?? 0);
    return s * 1000 + (ts?.nanos ?? 0) / 1e6;
  };
  for (const id of workflowIds) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const at = new Map(events.map((e) => [Number(e.eventId), ms(e.eventTime)]));
    for (const e of events) {
      const scheduledId =
        e.activityTaskStartedEventAttributes?.scheduledEventId ??
        e.workflowTaskStartedEventAttributes?.scheduledEventId;
      if (scheduledId !== undefined && scheduledId !== null)
        waits.push(Math.max(0, ms(e.eventTime) - (at.get(Number(scheduledId)) ?? ms(e.eventTime))));
    }
  }
  return waits;
}

const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return {
    p50: Math.round(percentile(s, 50)),
    p99: Math.round(percentile(s, 99)),
    max: Math.round(s[s.length - 1] ?? NaN),
  };
};

/** Mean of the vendors' mean window use, over the vendors whose backlog lasted at least one full window. */
const meanUse = (uses: WindowUse[]) => {
  const full = uses.filter((u) => u.fractions.length > 0);
  return full.length ? Math.round((full.reduce((a, u) => a + u.meanFraction, 0) / full.length) * 1000) / 1000 : NaN;
};

/** Ratios of loaded to alone times: nearest-rank p50 / p99 and the maximum, rounded to 0.01. */
export function ratioSummary(aloneMs: number[], loadedMs: number[]) {
  const ratios = loadedMs.map((ms, i) => Math.round((ms / Math.max(aloneMs[i]!, 1)) * 100) / 100);
  const sorted = [...ratios].sort((a, b) => a - b);
  return {
    ratios,
    p50Ratio: percentile(sorted, 50),
    p99Ratio: percentile(sorted, 99),
    maxRatio: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function until(what: string, fn: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`fairness: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The big customer's onboarding and, once its backlog runs, every small one at once; the small ones' times. */
async function loadedRun(
  client: Client,
  taskQueue: string,
  google: BenchGoogle,
  big: FairCustomer,
  smalls: FairCustomer[],
  sizes: FairnessSizes
) {
  const bigAdmin = google.admin(`${big.id}-load.example`);
  const bigRun = onboardCustomer(
    client,
    taskQueue,
    google,
    big,
    {
      companies: sizes.bigCompanies,
      members: sizes.bigMembers,
    },
    'load'
  );
  // The small customers arrive while the big one's backlog fills its limits (its first Directory window is used).
  await Promise.race([
    until('the big customer reaching its Directory quota', () => {
      const n = google.sim.directory.quotaLog.get(bigAdmin)?.length ?? 0;
      return n >= FAIRNESS_DIRECTORY_QUOTA.limit / 2;
    }),
    bigRun.then(() => undefined),
  ]);
  const loaded = await Promise.all(
    smalls.map((c) =>
      onboardCustomer(
        client,
        taskQueue,
        google,
        c,
        { companies: sizes.smallCompanies, members: sizes.smallMembers },
        'load'
      )
    )
  );
  const bigDone = await bigRun;
  return { loadedMs: loaded.map((r) => r.ms), big: bigDone };
}

export async function fairness(ctx: BenchContext, sizes: FairnessSizes, postgresUrl?: string): Promise<FairnessResult> {
  const windowMs = 10_000;
  const onrampPerMinute = 930 * sizes.connectwiseSpeedup;
  const google = await startBenchGoogle({
    directoryQuota: { limit: FAIRNESS_DIRECTORY_QUOTA.limit, windowMs: FAIRNESS_DIRECTORY_QUOTA.windowMs },
  });
  google.grantAll();
  const tenants: ConnectwiseLimitTenant[] = [];
  const procs: BenchWorker[] = [];
  try {
    for (let i = 0; i < sizes.customers; i++)
      tenants.push(await startConnectwiseLimitTenant(windowMs, sizes.connectwiseSpeedup));
    const hosts = tenants.map((t) => t.host);
    const customers: FairCustomer[] = tenants.map((cw, i) => ({
      id: i === 0 ? 'big-customer' : `small-${i}`,
      big: i === 0,
      cw,
    }));
    const taskQueue = ctx.taskQueue('fair');
    for (let i = 0; i < sizes.workers; i++)
      procs.push(
        await spawnWorker({
          address: ctx.address,
          namespace: ctx.namespace,
          taskQueue,
          bundlePath: ctx.bundlePath,
          deps: {
            ...google.deps({ directoryQuota: FAIRNESS_DIRECTORY_QUOTA }),
            connectwise: { extraAllowedHosts: hosts, insecureHttpHosts: hosts, requestsPerMinute: onrampPerMinute },
            limits: { postgresUrl, tablePrefix: 'bench_fair' },
          },
          maxConcurrentActivities: 100,
        })
      );
    const [big, ...smalls] = customers as [FairCustomer, ...FairCustomer[]];
    const small = { companies: sizes.smallCompanies, members: sizes.smallMembers };
    // A warm-up onboarding (workflow code loaded, connections open), then each small customer alone.
    await onboardCustomer(ctx.client, taskQueue, google, smalls[0]!, small, 'warmup');
    const aloneMs: number[] = [];
    for (const c of smalls) aloneMs.push((await onboardCustomer(ctx.client, taskQueue, google, c, small, 'alone')).ms);
    ctx.log(
      `fairness: ${smalls.length} small customers alone: ${aloneMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s`
    );
    const serverPid = devServerPid(ctx.address);
    const cpuNow = () => ({
      t: Date.now(),
      workers: procs.reduce<number | undefined>((a, p) => {
        const c = processCpuSeconds(p.pid);
        return a === undefined || c === undefined ? undefined : a + c;
      }, 0),
      server: serverPid === undefined ? undefined : processCpuSeconds(serverPid),
      bench: ownCpuSeconds(),
    });
    const c0 = cpuNow();
    const withoutBigMs = (
      await Promise.all(smalls.map((c) => onboardCustomer(ctx.client, taskQueue, google, c, small, 'together')))
    ).map((r) => r.ms);
    const c1 = cpuNow();
    const d = (a?: number, b?: number) =>
      a === undefined || b === undefined ? undefined : Math.round((a - b) * 100) / 100;
    const controlCpu: PhaseCpu = {
      wallSeconds: (c1.t - c0.t) / 1000,
      workers: d(c1.workers, c0.workers),
      temporalServer: d(c1.server, c0.server),
      benchProcess: d(c1.bench, c0.bench)!,
      busyFraction: 0,
    };
    controlCpu.busyFraction =
      Math.round(
        (((controlCpu.workers ?? 0) + (controlCpu.temporalServer ?? 0) + controlCpu.benchProcess) /
          (controlCpu.wallSeconds * cpus().length)) *
          100
      ) / 100;
    const t0 = Date.now();
    const { loadedMs, big: bigDone } = await loadedRun(ctx.client, taskQueue, google, big, smalls, sizes);
    const googleUse = windowUse(
      google.sim.directory.quotaLog.get(bigDone.admin) ?? [],
      FAIRNESS_DIRECTORY_QUOTA.limit,
      FAIRNESS_DIRECTORY_QUOTA.windowMs
    );
    const cwUse = measureConnectwise(big.cw!, t0).use;
    const rejected =
      google.sim.directory.quotaErrors +
      google.requests.filter((r) => r.status === 429).length +
      tenants.reduce((n, t) => n + t.log.filter((r) => r.status === 429).length, 0);
    const result: FairnessResult = {
      customers: sizes.customers,
      sizes,
      dispatch:
        'Temporal task-queue fairness (matching.enableFairness; fairnessKey = customer ID), limits per customer',
      googleDirectoryQuota: FAIRNESS_DIRECTORY_QUOTA,
      connectwiseLimit: { ...big.cw!.vendorLimit, onrampRequestsPerMinute: onrampPerMinute },
      bigCustomer: {
        id: big.id,
        elapsedMs: bigDone.ms,
        use: {
          meanFraction: meanUse([googleUse, cwUse]),
          googleDirectory: googleUse,
          connectwise: cwUse,
        },
      },
      small: {
        aloneMs,
        loadedMs,
        ...ratioSummary(aloneMs, loadedMs),
        withoutBig: { ms: withoutBigMs, p99Ratio: ratioSummary(aloneMs, withoutBigMs).p99Ratio, cpu: controlCpu },
        queueWaitMs: summary(
          await queueWaits(
            ctx.client,
            smalls.flatMap((c) => [`fair-load-${c.id}-google`, `fair-load-${c.id}-cw`])
          )
        ),
      },
      rejected,
    };
    ctx.log(
      `fairness ×${sizes.customers} customers (big: ${sizes.bigCompanies} companies, ${sizes.bigMembers} members; ${sizes.workers} workers): big ${(bigDone.ms / 1000).toFixed(1)} s, use Google ${googleUse.meanFraction} ConnectWise ${cwUse.meanFraction} (mean ${result.bigCustomer.use.meanFraction}); small loaded/alone p50 ${result.small.p50Ratio} p99 ${result.small.p99Ratio} (task-queue wait p99 ${result.small.queueWaitMs.p99} ms; all small ones together without the big one: p99 ${result.small.withoutBig.p99Ratio}, machine ${Math.round(controlCpu.busyFraction * 100)} % busy meanwhile); ${rejected} throttling answers`
    );
    return result;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await Promise.all(tenants.map((t) => t.close()));
    await google.close();
  }
}
