import type { WorkflowHandle } from '@temporalio/client';
import {
  adminRoleWorkflowId,
  parseAdminRoleInput,
  type AdminRoleRequest,
} from '../../src/domain/google-admin-roles-schema';
import { adminRoleStatusQuery } from '../../src/contract/google-admin-roles-messages';
import type { googleAdminRoleProvisioning } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { windowUse, type WindowUse } from '../lib/request-log';
import { spawnWorker } from '../lib/worker-handle';
import type { DirectoryQuota } from './google-directory';

/** Issue #24 item 5: one group whose members come from an org unit of `members` users. */
export interface LargeMemberListResult {
  members: number;
  added: number;
  /** Directory requests per full quota window, while the provisioning ran (meanFraction: the figure to read). */
  quota: WindowUse & { guardMs: number };
  /** 403 userRateLimitExceeded + 429 answered by the simulator: must be 0. */
  quotaErrors: number;
  /** The largest status query answer (its JSON), sampled about once a second throughout: must stay < 256 KB. */
  maxStatusBytes: number;
  statusSamples: number;
  /** Runs of the continue-as-new chain. */
  runs: number;
  elapsedMs: number;
  directoryRequests: number;
}

const STATUS_SAMPLE_MS = 1000;

/**
 * A school district's "all teachers" group: `members` users in /Teachers, given by reference
 * (`membersFrom: { orgUnit: '/Teachers' }`), added by one googleAdminRoleProvisioning against the Google
 * simulator enforcing `quota` per impersonated user, with the worker's limiter told the same quota. The
 * status query is sampled throughout; its size is what Temporal would carry for any reader.
 */
export async function largeMemberList(
  ctx: BenchContext,
  members: number,
  quota: DirectoryQuota
): Promise<LargeMemberListResult> {
  const google = await startBenchGoogle({ directoryQuota: { limit: quota.limit, windowMs: quota.windowMs } });
  google.grantAll();
  const taskQueue = ctx.taskQueue('members');
  const worker = await spawnWorker({
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps({ directoryQuota: quota }),
    maxConcurrentActivities: 100,
  });
  try {
    const domain = `district-${taskQueue}.example`;
    for (let i = 0; i < members; i++) google.sim.state.addUser(`teacher${i}@${domain}`, 'user', '/Teachers');
    const request: AdminRoleRequest = {
      customer: { domain, customerId: google.sim.state.customerOfDomain(domain) },
      adminEmail: google.admin(domain),
      serviceAccount: { email: google.saEmail, keyRef: google.keyRef },
      group: { email: `all-teachers@${domain}`, displayName: 'All teachers', description: 'Benchmark group' },
      role: {
        name: `Education Admin ${taskQueue}`,
        description: 'Analytics',
        privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
      },
      scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Teachers'] },
      membersFrom: { orgUnit: '/Teachers' },
      membership: { propagationTimeoutMinutes: 10, pollSeconds: 1, batchSize: 500 },
    };
    const t0 = Date.now();
    const handle = await ctx.client.workflow.start<typeof googleAdminRoleProvisioning>('googleAdminRoleProvisioning', {
      workflowId: `${adminRoleWorkflowId(parseAdminRoleInput(request))}:${taskQueue}`,
      taskQueue,
      args: [request],
    });
    let finished = false;
    const result = handle.result().finally(() => (finished = true));
    let maxStatusBytes = 0;
    let statusSamples = 0;
    const sample = async () => {
      const status = await handle.query(adminRoleStatusQuery);
      maxStatusBytes = Math.max(maxStatusBytes, Buffer.byteLength(JSON.stringify(status)));
      statusSamples++;
    };
    while (!finished) {
      await sample().catch(() => undefined); // between runs of the chain a query may miss: the next one counts
      await new Promise((r) => setTimeout(r, STATUS_SAMPLE_MS));
    }
    const r = await result;
    const elapsedMs = Date.now() - t0;
    await sample();

    const runs = await chainLength(ctx, handle.workflowId, handle.firstExecutionRunId);
    const log = google.requests.filter((x) => x.at >= t0);
    const directory = log.filter((x) => x.path.startsWith('/admin/directory/'));
    const use = windowUse(
      directory.map((x) => x.at),
      quota.limit,
      quota.windowMs
    );
    const out: LargeMemberListResult = {
      members,
      added: r.members.added,
      quota: { ...use, guardMs: quota.guardMs },
      quotaErrors: google.sim.directory.quotaErrors + log.filter((x) => x.status === 429).length,
      maxStatusBytes,
      statusSamples,
      runs,
      elapsedMs,
      directoryRequests: directory.length,
    };
    ctx.log(
      `members ×${members} from an org unit at ${quota.limit}/${quota.windowMs / 1000}s: ${out.added} added in ${(elapsedMs / 1000).toFixed(1)} s over ${runs} run(s); quota use ${use.meanFraction} (min ${use.minFraction}); ${out.quotaErrors} quota errors; largest status ${maxStatusBytes} B over ${statusSamples} samples`
    );
    return out;
  } finally {
    await worker.stop();
    await google.close();
  }
}

/** Runs of a continue-as-new chain, following each run's ContinuedAsNew event from the first. */
async function chainLength(ctx: BenchContext, workflowId: string, firstRunId: string): Promise<number> {
  let runs = 0;
  for (let runId: string | undefined = firstRunId; runId; runs++) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await ctx.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}
