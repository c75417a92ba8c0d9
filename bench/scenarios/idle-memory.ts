import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { ActivityDeps } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { ADMIN_ROLE_SCOPES } from '../../src/domain/google-admin-roles-schema';
import { customerOnboardingWorkflowId, type OrderRequest } from '../../src/domain/customer-onboarding-schema';
import { createIntakeServer } from '../../src/intake/intake-server';
import { integrationWorkflowId } from '../../src/rules/customer-onboarding-rules';
import { ONRAMP_INTEGRATION } from '../../src/contract/search-attributes';
import { DEFAULT_MAX_CACHED_WORKFLOWS, WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/worker';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle, type BenchGoogle } from '../lib/google';
import { inParallel } from '../lib/stats';
import { spawnWorker, type WorkerMemory } from '../lib/worker-handle';
import { BENCH_PROFILES } from './autotask-limits';

/** The four integrations, each left waiting on its human step (one order each, through the intake API). */
export const IDLE_KINDS = ['googleDelegation', 'googleAdminRoles', 'autotask', 'connectwise'] as const;
export type IdleKind = (typeof IDLE_KINDS)[number];

/** What each kind waits on, as the benchmark checks it (search attributes of the waiting workflow). */
const WAITS_ON: Record<IdleKind, string> = {
  googleDelegation: 'googleDelegationOnboarding awaiting-grant (no grant: first check refused, next check in 1 h)',
  googleAdminRoles:
    'customerOnboarding with googleAdminRoles blocked on its prerequisite, the googleDelegation grant (whose child waits as above): googleAdminRoleProvisioning has no human wait of its own',
  autotask: 'autotaskOnboarding awaiting-credentials (the API user and its secret from the operator)',
  connectwise: 'connectwiseOnboarding awaiting-connection (the private key, shown once, from the operator)',
};

export interface IdleHistory {
  /** Orders of this kind described (the parent and each child it started, from the server). */
  sampled: number;
  /** Mean per order: the customerOnboarding parent's events + its children's. */
  events: number;
  /** Mean per order, bytes (historySize from DescribeWorkflowExecution: the server's own count). */
  bytes: number;
  /** Workflows per order (parent + children started). */
  workflows: number;
}

export interface IdleMemoryResult {
  /** Onboardings (orders) open and waiting at the full reading, spread evenly over the four integrations. */
  openOnboardings: number;
  perIntegration: Record<IdleKind, number>;
  waitsOn: Record<IdleKind, string>;
  /** Workflows seen waiting at the full reading (visibility, by search attribute), per integration. */
  waiting: Record<IdleKind, number>;
  /** Running workflows on the task queue at the full reading (parents + children). */
  workflowsOpen: number;
  /** The worker right after start-up, before it ran any workflow. */
  startup: WorkerMemory;
  /** After a warm-up (`warmUpOnboardings` opened, then closed) and settling: a worker that has run onboardings. */
  idle: WorkerMemory;
  warmUpOnboardings: number;
  /** With half of them open and waiting. */
  mid: { openOnboardings: number; memory: WorkerMemory };
  /** With all of them open and waiting. */
  loaded: { openOnboardings: number; memory: WorkerMemory };
  /** `loaded` when the run opened 10,000 (`--idle 10000`); absent otherwise (never extrapolated). */
  at10k?: WorkerMemory;
  /** RSS growth per additional waiting onboarding between `mid` and `loaded` (bytes, may be ~0 or negative: noise). */
  marginalBytesPerOnboarding: { from: number; to: number; rssBytes: number };
  /** marginalBytesPerOnboarding.rssBytes when it was measured between 5,000 and 10,000. */
  marginalBytes5kTo10k?: number;
  /** After every onboarding was terminated, same process. */
  closed: WorkerMemory;
  /** Mean over the sampled orders, weighted as the run's mix (see `history` for each integration). */
  historyBytesPerOnboarding: number;
  historyEventsPerOnboarding: number;
  history: Record<IdleKind, IdleHistory>;
  /** Onboardings taken from POST /v1/onboardings to confirmed waiting, per second, over the measured `openOnboardings`. */
  startsPerSecond: number;
  startSeconds: number;
  maxCachedWorkflows: number;
  maxConcurrentActivities: number;
  nodeFlags: string[];
  /** Every MALLOC_* variable the worker process ran with (src/worker.ts WORKER_PROCESS_ENV, or the caller's). */
  allocatorEnv: Record<string, string>;
}

/** Onboardings opened and closed before `idle` is measured: twice the default cache. */
const WARM_UP = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;
const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : (bytes / MB).toFixed(0));

/**
 * Memory once the worker is quiet: both isolates garbage-collected at each read. Read every 5 s until RSS
 * moves less than 1 % between two reads (at most a minute), so a figure is not caught mid-eviction.
 */
async function settled(worker: { pid: number; memory(): Promise<WorkerMemory> }, label: string): Promise<WorkerMemory> {
  let prev = await worker.memory();
  for (let i = 0; i < 12; i++) {
    await sleep(5000);
    const m = await worker.memory();
    if (Math.abs(m.rssBytes - prev.rssBytes) < 0.01 * prev.rssBytes) {
      prev = m;
      break;
    }
    prev = m;
  }
  // Diagnosis (ONRAMP_BENCH_SMAPS=dir): the worker's mappings at each point, to see which ones hold the RSS.
  if (process.env.ONRAMP_BENCH_SMAPS)
    writeFileSync(
      join(process.env.ONRAMP_BENCH_SMAPS, `${label}.smaps`),
      readFileSync(`/proc/${worker.pid}/smaps`, 'utf8')
    );
  return prev;
}

/**
 * Scopes each delegation checks: one for a delegation order (its first check is one refused token: the waiting
 * state does not depend on the count), the five role provisioning needs for an admin-roles order (the door's rule).
 */
const SCOPES: Partial<Record<IdleKind, string[]>> = {
  googleDelegation: [ADMIN_ROLE_SCOPES.users],
  googleAdminRoles: Object.values(ADMIN_ROLE_SCOPES),
};

/** The orders of the run: order i is of kind IDLE_KINDS[i % 4], each leaving its integration waiting on a human. */
function orderFactory(google: BenchGoogle, dir: string, taskQueue: string) {
  const signingKey = join(dir, 'signing.key');
  writeFileSync(signingKey, randomBytes(32).toString('base64url'), { mode: 0o600 });
  // Checked once an hour at most: nothing but the first check happens while the benchmark measures.
  const polling = { initialIntervalSeconds: 3600, maxIntervalSeconds: 3600, deadlineHours: 24 };
  return (i: number): { kind: IdleKind; order: OrderRequest } => {
    const kind = IDLE_KINDS[i % IDLE_KINDS.length]!;
    const orderId = `idle-${i}-${taskQueue}`;
    const domain = `idle${i}-${taskQueue}.example`;
    const delegation = () => ({
      ...google.delegationRequest(domain, { polling }),
      // An admin-roles order's delegation must include the scopes role provisioning uses (the door checks).
      scopes: SCOPES[kind],
    });
    const integrations: OrderRequest['integrations'] =
      kind === 'googleDelegation'
        ? { googleDelegation: delegation() }
        : kind === 'googleAdminRoles'
          ? {
              googleDelegation: delegation(),
              googleAdminRoles: {
                customer: { domain, customerId: google.customerId },
                adminEmail: `admin@${domain}`,
                serviceAccount: { email: google.saEmail, keyRef: google.keyRef },
                group: { email: `analytics@${domain}`, displayName: 'Classroom analytics', description: 'Seed 003' },
                role: {
                  name: 'Education Admin',
                  description: 'Access to view analytics data',
                  privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
                },
                scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
                members: [{ email: `teacher1@${domain}` }, { email: `teacher2@${domain}` }],
              },
            }
          : kind === 'autotask'
            ? {
                autotask: {
                  customer: { id: `idle-${i}` },
                  vendor: { name: 'Sophos Central' },
                  vendorProfile: 'sophos-central',
                  integrationId: `idle-${i}`,
                  // No credentials: the operator creates the API user and sends them (supply-credential).
                  webhook: {
                    name: `idle-${i}`,
                    webhookUrl: `https://hooks.bench.example/autotask/idle-${i}`,
                    deactivationUrl: `https://hooks.bench.example/autotask/idle-${i}/deactivated`,
                    signingKeyRef: `file:${signingKey}`,
                  },
                },
              }
            : {
                connectwise: {
                  customer: { name: `Idle MSP ${i}` },
                  // Everything but the private key, which ConnectWise shows once: the operator sends it later.
                  connection: {
                    site: 'na.myconnectwise.net',
                    companyId: `idle${i}`,
                    publicKey: randomBytes(8).toString('hex').slice(0, 16),
                    clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
                  },
                },
              };
    return { kind, order: { orderId, customer: { id: `idle-${i}`, name: `Idle customer ${i}` }, integrations } };
  };
}

/**
 * N onboardings open at once through the intake API, a quarter of each integration, each waiting on its human
 * step (see WAITS_ON), on one worker process launched with the shipped settings. RSS is read from
 * /proc/<pid>/status after a full GC of the main isolate and of the workflow isolate(s), at N/2 and at N.
 */
export async function idleMemory(ctx: BenchContext, n: number): Promise<IdleMemoryResult> {
  const google = await startBenchGoogle();
  google.sim.state.setGrant(google.clientId, [], 0);
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-idle-'));
  const taskQueue = ctx.taskQueue('idle');
  const shipped = loadConfig({}).worker;
  // src/worker.ts's defaults unless ONRAMP_MAX_CACHED_WORKFLOWS / ONRAMP_MAX_CONCURRENT_ACTIVITIES set them, as for a user.
  const cacheSize = Number(
    process.env.ONRAMP_MAX_CACHED_WORKFLOWS || shipped.maxCachedWorkflows || DEFAULT_MAX_CACHED_WORKFLOWS
  );
  const maxConcurrentActivities = Number(
    process.env.ONRAMP_MAX_CONCURRENT_ACTIVITIES || shipped.maxConcurrentActivities
  );
  const deps: ActivityDeps = { ...google.deps(), autotask: { vendorProfiles: BENCH_PROFILES } };
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps,
    maxConcurrentActivities,
    maxCachedWorkflows: cacheSize,
  });
  const token = randomBytes(24).toString('hex');
  const intake = createIntakeServer({
    client: ctx.client,
    config: { temporal: { address: ctx.address, namespace: ctx.namespace, taskQueue } },
    auth: { hmacSecrets: [], bearerTokens: [token] },
  });
  await intake.listen({ host: '127.0.0.1', port: 0 });
  const addr = intake.server.address();
  if (!addr || typeof addr === 'string') throw new Error('intake did not bind a TCP port');
  const url = `http://127.0.0.1:${addr.port}/v1/onboardings`;
  const orderOf = orderFactory(google, dir, taskQueue);
  const parents: string[] = [];
  const opened: Record<IdleKind, number> = { googleDelegation: 0, googleAdminRoles: 0, autotask: 0, connectwise: 0 };

  const count = async (q?: string) =>
    (
      await ctx.client.workflow.count(
        `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"${q ? ` AND ${q}` : ''}`
      )
    ).count;
  const waitingQuery: Record<IdleKind, string> = {
    googleDelegation: `OnrampIntegration = "${ONRAMP_INTEGRATION.googleDelegationOnboarding}" AND OnrampState = "waiting-for-operator"`,
    googleAdminRoles: `OnrampIntegration = "${ONRAMP_INTEGRATION.customerOnboarding}" AND OnrampStep = "googleDelegation:running,googleAdminRoles:blocked"`,
    autotask: `OnrampIntegration = "${ONRAMP_INTEGRATION.autotaskOnboarding}" AND OnrampState = "waiting-for-operator"`,
    connectwise: `OnrampIntegration = "${ONRAMP_INTEGRATION.connectwiseOnboarding}" AND OnrampState = "waiting-for-operator"`,
  };
  const waitingNow = async (): Promise<Record<IdleKind, number>> => {
    const [d, a, t, c] = await Promise.all(IDLE_KINDS.map((k) => count(waitingQuery[k])));
    // Admin-roles orders wait on a delegation child too: the delegation figure is the delegation orders' own.
    return { googleDelegation: d! - a!, googleAdminRoles: a!, autotask: t!, connectwise: c! };
  };
  const refused = () => google.sim.tokenOutcomes.get('unauthorized_client') ?? 0;

  // Orders [from, to) through the intake, then wait until each integration is waiting (search attributes) and
  // every delegation made its first check (one refused token each) and sleeps on its hour-long timer.
  const open = async (from: number, to: number) => {
    const t0 = Date.now();
    await inParallel(
      Array.from({ length: to - from }, (_, k) => from + k),
      32,
      async (i) => {
        const { kind, order } = orderOf(i);
        const res = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(order),
        });
        const text = await res.body.text();
        if (res.statusCode !== 202) throw new Error(`intake refused order ${i} (${kind}): ${res.statusCode} ${text}`);
        parents.push(customerOnboardingWorkflowId(order.orderId));
        opened[kind]++;
      }
    );
    const want = () => ({ ...opened });
    let last = '';
    let progressAt = Date.now();
    for (;;) {
      const w = await waitingNow();
      const delegations = IDLE_KINDS.reduce((s, k) => s + opened[k] * (SCOPES[k]?.length ?? 0), 0);
      const done = IDLE_KINDS.every((k) => w[k] >= want()[k]) && refused() >= delegations;
      if (done) break;
      const seen = JSON.stringify([w, refused()]);
      if (seen !== last) [last, progressAt] = [seen, Date.now()];
      else if (Date.now() - progressAt > 120_000)
        throw new Error(
          `idle: stuck at ${seen} waiting of ${JSON.stringify(want())} (first checks: ${refused()} of ${delegations} scope tokens refused)`
        );
      await sleep(1000);
    }
    // Let the last workflow tasks (timers scheduled after the checks) finish before measuring.
    await sleep(3000);
    return (Date.now() - t0) / 1000;
  };
  const closeAll = async () => {
    // Terminating the order terminates its children (parent close policy).
    await inParallel(parents.splice(0), 32, (id) =>
      ctx.client.workflow
        .getHandle(id)
        .terminate('benchmark: measuring the worker with nothing open')
        .catch(() => undefined)
    );
    for (const k of IDLE_KINDS) opened[k] = 0;
  };

  try {
    const startup = await worker.memory();
    // Warm-up: WARM_UP opened and closed, so `idle` is a worker that has run onboardings and has none open.
    const warmUp = Math.min(WARM_UP, n);
    await open(0, warmUp);
    await closeAll();
    while ((await count()) > 0) await sleep(1000);
    google.sim.tokenOutcomes.set('unauthorized_client', 0);
    const idle = await settled(worker, 'idle');
    const half = Math.floor(n / 2);
    const base = warmUp;
    let startSeconds = await open(base, base + half);
    const mid = await settled(worker, 'mid');
    startSeconds += await open(base + half, base + n);
    const loaded = await settled(worker, 'loaded');
    const waiting = await waitingNow();
    const workflowsOpen = await count();

    // History per waiting onboarding, from the server: a sample of each kind, the order and its children.
    const history = {} as Record<IdleKind, IdleHistory>;
    for (const [k, kind] of IDLE_KINDS.entries()) {
      const sample = Array.from({ length: Math.min(8, Math.ceil(n / 4)) }, (_, s) => base + k + 4 * s).filter(
        (i) => i < base + n
      );
      const per = await Promise.all(
        sample.map(async (i) => {
          const { order } = orderOf(i);
          const ids = [
            customerOnboardingWorkflowId(order.orderId),
            ...(order.integrations.googleDelegation ? [integrationWorkflowId(order.orderId, 'googleDelegation')] : []),
            ...(order.integrations.autotask ? [integrationWorkflowId(order.orderId, 'autotask')] : []),
            ...(order.integrations.connectwise ? [integrationWorkflowId(order.orderId, 'connectwise')] : []),
          ];
          const d = await Promise.all(ids.map((id) => ctx.client.workflow.getHandle(id).describe()));
          return {
            events: d.reduce((s, x) => s + x.historyLength, 0),
            bytes: d.reduce((s, x) => s + (x.historySize ?? 0), 0),
            workflows: ids.length,
          };
        })
      );
      const mean = (f: (x: (typeof per)[number]) => number) =>
        Math.round((per.reduce((s, x) => s + f(x), 0) / Math.max(per.length, 1)) * 10) / 10;
      history[kind] = {
        sampled: per.length,
        events: mean((x) => x.events),
        bytes: mean((x) => x.bytes),
        workflows: mean((x) => x.workflows),
      };
    }
    const perIntegration = Object.fromEntries(
      IDLE_KINDS.map((k) => [
        k,
        Array.from({ length: n }, (_, j) => j).filter((j) => (base + j) % 4 === IDLE_KINDS.indexOf(k)).length,
      ])
    ) as Record<IdleKind, number>;
    const weighted = (f: (h: IdleHistory) => number) =>
      Math.round(IDLE_KINDS.reduce((s, k) => s + f(history[k]) * perIntegration[k], 0) / Math.max(n, 1));

    await closeAll();
    const closed = await settled(worker, 'closed');
    const marginal = Math.round((loaded.rssBytes - mid.rssBytes) / Math.max(n - half, 1));
    const result: IdleMemoryResult = {
      openOnboardings: n,
      perIntegration,
      waitsOn: WAITS_ON,
      waiting,
      workflowsOpen,
      startup,
      idle,
      warmUpOnboardings: warmUp,
      mid: { openOnboardings: half, memory: mid },
      loaded: { openOnboardings: n, memory: loaded },
      ...(n === 10_000 ? { at10k: loaded } : {}),
      marginalBytesPerOnboarding: { from: half, to: n, rssBytes: marginal },
      ...(n === 10_000 ? { marginalBytes5kTo10k: marginal } : {}),
      closed,
      historyBytesPerOnboarding: weighted((h) => h.bytes),
      historyEventsPerOnboarding: weighted((h) => h.events),
      history,
      startsPerSecond: Math.round((n / Math.max(startSeconds, 0.001)) * 100) / 100,
      startSeconds: Math.round(startSeconds * 10) / 10,
      maxCachedWorkflows: cacheSize,
      maxConcurrentActivities,
      nodeFlags: process.env.ONRAMP_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [...WORKER_NODE_FLAGS],
      allocatorEnv: Object.fromEntries(
        Object.entries({ ...WORKER_PROCESS_ENV, ...process.env }).filter(
          (e): e is [string, string] => e[0].startsWith('MALLOC_') && e[1] !== undefined
        )
      ),
    };
    const m = (w: WorkerMemory) =>
      `${mb(w.rssBytes)} MB (anon ${mb(w.rssAnonBytes)}, file ${mb(w.rssFileBytes)}; main heap ${mb(w.heapUsedBytes)} MB, workflow heap ${mb(w.workflowHeapUsedBytes)} MB in ${w.workflowIsolates} isolate(s))`;
    ctx.log(
      `idle: ${n} onboardings waiting (${IDLE_KINDS.map((k) => `${k} ${waiting[k]}`).join(', ')}; ${workflowsOpen} workflows open): worker RSS ${m(loaded)}; at ${half}: ${m(mid)}; marginal ${(marginal / 1024).toFixed(2)} KB per onboarding (${half} → ${n}); start-up ${mb(startup.rssBytes)} MB, idle after a warm-up of ${warmUp} ${mb(idle.rssBytes)} MB, after closing all ${mb(closed.rssBytes)} MB; history per onboarding ${result.historyEventsPerOnboarding} events, ${result.historyBytesPerOnboarding} B (${IDLE_KINDS.map((k) => `${k} ${history[k].events}/${history[k].bytes} B`).join(', ')}); ${result.startsPerSecond} onboardings/s started to waiting (${result.startSeconds} s); cache ${cacheSize}, ${maxConcurrentActivities} activities; ${
        Object.entries(result.allocatorEnv)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || 'no MALLOC_* settings'
      } ${result.nodeFlags.join(' ')}`
    );
    return result;
  } finally {
    await intake.close();
    await worker.stop();
    // On a shared server (smoke test) leave nothing waiting behind; our own server is thrown away anyway.
    if (!ctx.ownServer) await closeAll();
    await google.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
