import type { WorkflowHandle } from '@temporalio/client';
import { startGoogleDelegation } from '../../src/client';
import {
  adminRoleWorkflowId,
  parseAdminRoleInput,
  type AdminRoleRequest,
} from '../../src/domain/google-admin-roles-schema';
import type { googleAdminRoleProvisioning } from '../../src/workflows';
import type { BenchContext } from '../lib/environment';
import { startBenchGoogle } from '../lib/google';
import { percentile } from '../lib/stats';
import { spawnWorker, type BenchWorker } from '../lib/worker-handle';

export interface RecoveryResult {
  /** kill -9 trials: each kills the only worker mid-work and starts a new one at once. */
  kills: number;
  /** Onboardings open at a kill (each counted once per kill). */
  interrupted: number;
  /** From the kill to the onboarding's first progress on the new worker (an activity started, a task completed, or done). */
  p50Ms: number;
  maxMs: number;
  resumeMs: number[];
  /** How long the new worker took to start polling (inside resumeMs). */
  workerStartMs: number[];
  /** Onboardings that did not finish, or finished failed, after the trials. */
  failed: number;
  /** Vendor writes done twice (members inserted again after a kill): must stay 0. */
  duplicateMemberInserts: number;
}

const PROGRESS = new Set(['EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED']);

/**
 * `kills` independent trials: one worker runs two Google group provisionings (members added in one long
 * heartbeating activity at a compressed Directory quota) and six delegation onboardings; after 2–6 s it is
 * killed with SIGKILL and a new worker starts at once. For every onboarding open at the kill, the time from
 * the kill to its first progress on the new worker: a pending activity started again, a workflow or activity
 * task completed, or the onboarding closed. The target is every onboarding within 30 s.
 */
export async function recovery(ctx: BenchContext, kills: number): Promise<RecoveryResult> {
  const google = await startBenchGoogle({ directoryQuota: { limit: 200, windowMs: 10_000 } });
  google.grantAll();
  const taskQueue = ctx.taskQueue('recovery');
  const cfg = {
    address: ctx.address,
    namespace: ctx.namespace,
    taskQueue,
    bundlePath: ctx.bundlePath,
    deps: google.deps({ directoryQuota: { limit: 200, windowMs: 10_000, guardMs: 200 } }),
    maxConcurrentActivities: 100,
  };
  const resumeMs: number[] = [];
  const workerStartMs: number[] = [];
  const handles: WorkflowHandle[] = [];
  let interrupted = 0;
  let worker: BenchWorker = await spawnWorker(cfg);
  try {
    for (let k = 0; k < kills; k++) {
      const domain = `rec${k}-${taskQueue}.example`;
      const admin = google.admin(domain);
      const emails = Array.from({ length: 300 }, (_, i) => {
        const email = `m${i}@${domain}`;
        google.sim.state.addUser(email);
        return email;
      });
      const trial: WorkflowHandle[] = [];
      for (let g = 0; g < 2; g++) {
        const request: AdminRoleRequest = {
          customer: { domain, customerId: google.customerId },
          adminEmail: admin,
          serviceAccount: { email: google.saEmail, keyRef: google.keyRef },
          group: { email: `grp${g}@${domain}`, displayName: `Group ${g}`, description: 'recovery' },
          role: {
            name: `Role ${k}-${g} ${taskQueue}`,
            description: 'recovery',
            privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
          },
          scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students'] },
          membership: { propagationTimeoutMinutes: 10, pollSeconds: 1, batchSize: 300 },
          members: emails.filter((_, i) => i % 2 === g).map((email) => ({ email })),
        };
        trial.push(
          await ctx.client.workflow.start<typeof googleAdminRoleProvisioning>('googleAdminRoleProvisioning', {
            workflowId: `${adminRoleWorkflowId(parseAdminRoleInput(request))}:${taskQueue}`,
            taskQueue,
            args: [request],
          })
        );
      }
      for (let d = 0; d < 6; d++)
        trial.push(
          await startGoogleDelegation(
            ctx.client,
            { temporal: { address: '', namespace: ctx.namespace, taskQueue } },
            google.delegationRequest(`d${d}-${domain}`)
          )
        );
      handles.push(...trial);
      await new Promise((r) => setTimeout(r, 2000 + Math.random() * 4000));
      const killedAt = Date.now();
      await worker.kill();
      const open: WorkflowHandle[] = [];
      for (const h of trial) if ((await h.describe()).status.name === 'RUNNING') open.push(h);
      interrupted += open.length;
      const t = Date.now();
      worker = await spawnWorker(cfg);
      workerStartMs.push(Date.now() - t);
      // Poll each interrupted onboarding until it shows progress after the kill.
      const waiting = new Set(open);
      const deadline = Date.now() + 180_000;
      while (waiting.size && Date.now() < deadline) {
        for (const h of [...waiting]) {
          const desc = await h.describe();
          let at: number | undefined;
          if (desc.status.name !== 'RUNNING') at = desc.closeTime?.getTime() ?? Date.now();
          for (const a of desc.raw.pendingActivities ?? []) {
            const started = a.lastStartedTime?.seconds
              ? Number(a.lastStartedTime.seconds) * 1000 + Math.floor((a.lastStartedTime.nanos ?? 0) / 1e6)
              : undefined;
            if (started && started > killedAt) at = Math.min(at ?? started, started);
          }
          if (at === undefined) {
            const history = await h.fetchHistory();
            for (const e of history.events ?? []) {
              const when = e.eventTime?.seconds
                ? Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)
                : 0;
              const type = typeof e.eventType === 'number' ? '' : String(e.eventType);
              if (when > killedAt && (PROGRESS.has(type) || isProgress(e.eventType))) {
                at = when;
                break;
              }
            }
          }
          if (at !== undefined) {
            resumeMs.push(at - killedAt);
            waiting.delete(h);
          }
        }
        if (waiting.size) await new Promise((r) => setTimeout(r, 500));
      }
      for (let i = 0; i < waiting.size; i++) resumeMs.push(Date.now() - killedAt);
      ctx.log(
        `recovery kill ${k + 1}/${kills}: ${open.length} onboardings interrupted; new worker up in ${workerStartMs[k]} ms; resumed after ${resumeMs
          .slice(-open.length)
          .map((x) => (x / 1000).toFixed(1))
          .join(', ')} s`
      );
    }
    let failed = 0;
    await Promise.all(
      handles.map((h) =>
        Promise.race([
          h.result().catch(() => failed++),
          new Promise((r) => setTimeout(r, 300_000)).then(() => failed++),
        ])
      )
    );
    const inserts = google.requests.filter(
      (r) => r.method === 'POST' && /\/groups\/[^/]+\/members$/.test(r.path) && r.status === 200
    ).length;
    const sorted = [...resumeMs].sort((a, b) => a - b);
    const result: RecoveryResult = {
      kills,
      interrupted,
      p50Ms: percentile(sorted, 50),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
      resumeMs,
      workerStartMs,
      failed,
      duplicateMemberInserts: Math.max(0, inserts - kills * 300),
    };
    ctx.log(
      `recovery: ${kills} kills, ${interrupted} onboardings interrupted; resumed p50 ${result.p50Ms} ms, max ${result.maxMs} ms; ${failed} failed; ${result.duplicateMemberInserts} member inserts repeated`
    );
    return result;
  } finally {
    await worker.stop();
    await google.close();
  }
}

/** Event types arrive as enum numbers from the raw history: 6 = WORKFLOW_TASK_COMPLETED, 12 = ACTIVITY_TASK_COMPLETED. */
function isProgress(t: unknown): boolean {
  return t === 6 || t === 12;
}
