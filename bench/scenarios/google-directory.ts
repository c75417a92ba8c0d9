import type { Client } from '@temporalio/client';
import {
  adminRoleWorkflowId,
  parseAdminRoleInput,
  type AdminRoleRequest,
} from '../../src/domain/google-admin-roles-schema';
import type { AdminRoleResult } from '../../src/contract/google-admin-roles-messages';
import type { googleAdminRoleProvisioning } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle, type BenchGoogle } from '../lib/google';
import { limitUseSeries, windowUse, type WindowUse } from '../lib/request-log';
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';

export interface DirectoryQuota {
  limit: number;
  windowMs: number;
  /** The worker limiter's guard: absorbs the latency between our send and Google's count. */
  guardMs: number;
}

/** Google Directory API: 2,400 queries per minute per user per project (vendor-apis.md A6). */
export const GOOGLE_DIRECTORY_QUOTA: DirectoryQuota = { limit: 2400, windowMs: 60_000, guardMs: 1000 };

export interface GroupRunResult {
  members: number;
  /** Worker processes sharing the quota limiter (through PostgreSQL when more than one), one group each. */
  workers: number;
  quota: DirectoryQuota;
  elapsedMs: number;
  /** First to last members.insert: the part the quota bounds. */
  memberPhaseMs: number;
  requests: { total: number; directory: number; memberInserts: number; token: number; cloudIdentity: number };
  quotaErrors: number;
  http429s: number;
  /** Directory requests at exactly the quota's sustained rate (limit per window): the floor for a backlog. */
  quotaBoundMinimumMs: number;
  /** elapsed / quotaBoundMinimum: ~1 means quota-bound and packed; below 1, the quota was not the bottleneck. */
  ratioToQuotaBound: number;
  added: number;
  directoryUse: WindowUse;
  /** The same as directoryUse, under the name every vendor's limit result uses. */
  use: WindowUse;
  /** Every throttling answer the simulator sent: 403 userRateLimitExceeded + 429. */
  rejected: number;
  /** Directory requests per second as a fraction of the quota's per-second rate (the chart's limit-use line). */
  limitUseSeries: { t: number; value: number }[];
}

/**
 * `groups` security groups of `members` members in all (split evenly), each with its admin role, all as the
 * same admin of `domain` on the bench Google: one Directory quota shared by every workflow and worker.
 */
export function groupRequests(
  google: BenchGoogle,
  domain: string,
  members: number,
  groups: number,
  label: string
): AdminRoleRequest[] {
  const admin = google.admin(domain);
  const emails = Array.from({ length: members }, (_, i) => {
    const email = `student${i}@${domain}`;
    google.sim.state.addUser(email);
    return email;
  });
  // The domain's own Workspace customer (the simulator gives each domain its ID; the first one met gets the default).
  const customerId = google.sim.state.customerOfDomain(domain);
  return Array.from({ length: groups }, (_, g) => ({
    customer: { domain, customerId },
    adminEmail: admin,
    serviceAccount: { email: google.saEmail, keyRef: google.keyRef },
    group: {
      email: `bench-${members}-${g}@${domain}`,
      displayName: `Classroom analytics ${g}`,
      description: 'Benchmark group',
    },
    role: {
      name: `Education Admin ${label} ${g}`,
      description: 'Analytics',
      privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
    },
    scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
    membership: { propagationTimeoutMinutes: 10, pollSeconds: 1, batchSize: 250 },
    members: emails.filter((_, i) => i % groups === g).map((email) => ({ email })),
  }));
}

/** One googleAdminRoleProvisioning per request on `taskQueue`, all at once; resolves to their results. */
export async function runGroupProvisioning(
  client: Client,
  taskQueue: string,
  requests: AdminRoleRequest[]
): Promise<AdminRoleResult[]> {
  return Promise.all(
    requests.map(async (request) => {
      const input = parseAdminRoleInput(request);
      const handle = await client.workflow.start<typeof googleAdminRoleProvisioning>('googleAdminRoleProvisioning', {
        workflowId: `${adminRoleWorkflowId(input)}:${taskQueue}`,
        taskQueue,
        args: [request],
      });
      return handle.result();
    })
  );
}

/** The Google simulator's log since `t0` against `quota`: requests by kind, quota errors, 429s, window use. */
export function measureGroups(
  google: BenchGoogle,
  quota: DirectoryQuota,
  t0: number,
  elapsedMs: number,
  results: AdminRoleResult[],
  members: number,
  workers: number
): GroupRunResult {
  const log = google.requests.filter((r) => r.at >= t0);
  const directory = log.filter((r) => r.path.startsWith('/admin/directory/'));
  const inserts = directory.filter((r) => r.method === 'POST' && /\/groups\/[^/]+\/members$/.test(r.path));
  const memberPhaseMs = inserts.length ? inserts[inserts.length - 1]!.at - inserts[0]!.at : 0;
  const use = windowUse(
    directory.map((x) => x.at),
    quota.limit,
    quota.windowMs
  );
  const quotaBoundMinimumMs = Math.round((directory.length / quota.limit) * quota.windowMs);
  const ratePerSecond = (quota.limit / quota.windowMs) * 1000;
  return {
    members,
    quota,
    elapsedMs,
    memberPhaseMs,
    requests: {
      total: log.length,
      directory: directory.length,
      memberInserts: inserts.length,
      token: log.filter((x) => x.path === '/token').length,
      cloudIdentity: log.filter((x) => x.path.startsWith('/v1/')).length,
    },
    quotaErrors: google.sim.directory.quotaErrors,
    http429s: log.filter((x) => x.status === 429).length,
    quotaBoundMinimumMs,
    ratioToQuotaBound: Math.round((elapsedMs / Math.max(quotaBoundMinimumMs, 1)) * 100) / 100,
    added: results.reduce((a, r) => a + r.members.added, 0),
    workers,
    rejected: google.sim.directory.quotaErrors + log.filter((x) => x.status === 429).length,
    directoryUse: use,
    use,
    limitUseSeries: limitUseSeries(
      directory.map((x) => x.at),
      t0,
      ratePerSecond
    ),
  };
}

/**
 * One googleAdminRoleProvisioning run with an `members`-member security group against the Google simulator
 * enforcing `quota` per impersonated user (403 userRateLimitExceeded past it) and 50–150 ms per call; the
 * worker's limiter is told the same quota, as production's configuration tells it Google's.
 */
export async function provisionGroup(
  ctx: BenchContext,
  members: number,
  quota: DirectoryQuota,
  workers = 1,
  postgresUrl?: string
): Promise<GroupRunResult> {
  const google = await startBenchGoogle({ directoryQuota: { limit: quota.limit, windowMs: quota.windowMs } });
  google.grantAll();
  const taskQueue = ctx.taskQueue('group');
  const procs: BenchWorker[] = [];
  try {
    for (let i = 0; i < workers; i++)
      procs.push(
        await spawnWorker({
          address: ctx.address,
          namespace: ctx.namespace,
          taskQueue,
          bundlePath: ctx.bundlePath,
          deps: { ...google.deps({ directoryQuota: quota }), limits: { postgresUrl, tablePrefix: 'bench_google' } },
          maxConcurrentActivities: 100,
        })
      );
    // One group per worker, all as the same admin: one Directory quota, shared by every worker.
    const requests = groupRequests(google, `school-${taskQueue}.example`, members, workers, taskQueue);
    const t0 = Date.now();
    const results = await runGroupProvisioning(ctx.client, taskQueue, requests);
    const r = measureGroups(google, quota, t0, Date.now() - t0, results, members, workers);
    ctx.log(
      `google group ×${members} (${workers} group(s) on ${workers} worker(s)) at ${quota.limit}/${quota.windowMs / 1000}s: ${r.added} added in ${(r.elapsedMs / 1000).toFixed(1)} s (members ${(r.memberPhaseMs / 1000).toFixed(1)} s); ${r.requests.total} requests (${r.requests.directory} Directory); ${r.quotaErrors} quota errors, ${r.http429s} 429s; quota-bound minimum ${(r.quotaBoundMinimumMs / 1000).toFixed(1)} s, ratio ${r.ratioToQuotaBound}; full-window use ${r.directoryUse.fractions.join(', ') || 'n/a (under one window)'}`
    );
    return r;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await google.close();
  }
}
