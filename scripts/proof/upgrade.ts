/**
 * The production proof's `upgrade` row (issue #25 item 4): a rolling upgrade of the workers while onboardings wait
 * on a human step, against the proof's stack (Temporal v1.29.1 on PostgreSQL over mTLS, compose's worker environment,
 * the image's compiled worker `node dist/worker.js`).
 *
 * 1. Version A: a worker with the image's workflow bundle (dist/workflow-bundle.js) in its own Worker Deployment and
 *    task queue (so the phase drains only its own workflows); the first version makes itself current.
 * 2. Onboardings through the order service the intake uses, each waiting for its customer admin's Google grant: on
 *    A, PINNED (describe's versioning info, the TemporalWorkerDeploymentVersion search attribute).
 * 3. Version B: the workflow source copied to a temporary directory with one real change to the delegation workflow
 *    (scripts/proof/patched-bundle.ts), bundled as production bundles, its worker started alongside A's; made
 *    current with the Temporal CLI over mTLS (`temporal worker deployment set-current-version`).
 * 4. New onboardings start on B (B's change shows in their histories). The admins of the waiting ones grant: they
 *    finish on A's worker, every workflow task completed by A, no workflow task failure (no non-determinism).
 * 5. Control: a finished A history replays on A's bundle and fails on B's (DeterminismViolationError): moving the
 *    waiting runs to B (AUTO_UPGRADE) would have broken them.
 * 6. A drains: the server reports the version DRAINED (deploy/dynamicconfig/onramp.yaml's 30 s grace and refresh);
 *    A's worker is stopped; B keeps serving (one more onboarding completes on B).
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { dataConverterFromConfig } from '../../src/codec';
import type { OnrampConfig } from '../../src/config';
import type { OrderRequest } from '../../src/domain/customer-onboarding-schema';
import { getOrderStatus, startOrder } from '../../src/services/orders';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { buildIdForBundle, versionString } from '../../src/temporal/worker-versioning';
import { buildPatchedBundle } from './patched-bundle';
import type { ProofRow } from './table';

const { EventType, VersioningBehavior, VersionDrainageStatus } = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;

export interface UpgradeService {
  name: string;
  child: ChildProcess;
  log: string;
  exited?: string;
}

export interface UpgradeProofDeps {
  /** A client configured like the intake (mTLS, the codec), and that configuration and its environment. */
  client: Client;
  config: OnrampConfig;
  configEnv: Record<string, string>;
  /** docker-compose.yml's worker environment, mapped to this machine (the driver's mapService). */
  workerEnv: Record<string, string>;
  /** The make-secrets.sh directory (temporal-tls/ca.pem, client.pem, client.key). */
  secretsDir: string;
  /** Free loopback ports for the phase's workers' metrics. */
  metricsPort: (i: number) => number;
  /** The Google simulator: an admin per customer domain, and the admin's grant (the human step). */
  google: {
    addAdmin(email: string): void;
    grant(domain: string): void;
    serviceAccount: { clientId: string; email: string; keyRef: string };
  };
  start(name: string, env: Record<string, string>): UpgradeService;
  stop(s: UpgradeService): Promise<string>;
  say(line: string): void;
  /** Waiting A onboardings (3) and new B onboardings (2). */
  waiting?: number;
  fresh?: number;
}

const DEPLOYMENT = 'onramp-upgrade-proof';
const TASK_QUEUE = 'onramp-upgrade-proof';

class UpgradeFailure extends Error {}
function must(ok: unknown, message: string, say: (l: string) => void): asserts ok {
  if (!ok) throw new UpgradeFailure(message);
  say(`ok: upgrade: ${message}`);
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if (err instanceof UpgradeFailure) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new UpgradeFailure(`${what}: timed out${last ? ` (${last})` : ''}`);
    await sleep(500);
  }
}

/** The build IDs that completed a run's workflow tasks, its task failures, and whether B's settle timer ran. */
function tasksOf(history: History) {
  const events = history.events ?? [];
  return {
    buildIds: [
      ...new Set(
        events
          .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
          .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '(unversioned)')
      ),
    ],
    failures: events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
      .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? '?'),
    timers: events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED).length,
    firstCommand: events.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_TIMER_STARTED ||
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    )?.eventType,
  };
}

export async function proveUpgrade(d: UpgradeProofDeps): Promise<ProofRow> {
  const figures: Record<string, number | string> = {};
  const workers: UpgradeService[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'onramp-proof-upgrade-'));
  const t0 = Date.now();
  try {
    await run(d, figures, workers, dir);
    figures.seconds = Math.round((Date.now() - t0) / 100) / 10;
    return {
      row: 'upgrade',
      ok: true,
      figures,
      detail: `onboardings waiting on A finished on A (PINNED) after B (a changed delegation workflow) became current; new ones ran on B; A drained and stopped`,
    };
  } catch (err) {
    figures.seconds = Math.round((Date.now() - t0) / 100) / 10;
    const message = err instanceof Error ? err.message : String(err);
    d.say(`FAILED: upgrade: ${message}`);
    return { row: 'upgrade', ok: false, figures, detail: message };
  } finally {
    for (const w of workers) d.say(`upgrade: ${w.name} ${await d.stop(w)}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(
  d: UpgradeProofDeps,
  figures: Record<string, number | string>,
  workers: UpgradeService[],
  dir: string
): Promise<void> {
  const { client, say } = d;
  const namespace = d.config.temporal.namespace;
  const service = client.workflowService;
  const alive = () => {
    const dead = workers.find((w) => w.exited && !w.name.endsWith('(stopped)'));
    if (dead) throw new UpgradeFailure(`${dead.name} ${dead.exited}: see ${dead.log}`);
  };
  const startWorker = (name: string, bundle: string, i: number) => {
    const w = d.start(name, {
      ...d.workerEnv,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ONRAMP_WORKER_DEPLOYMENT: DEPLOYMENT,
      ONRAMP_WORKER_BUILD_ID: '', // derived from the bundle, as compose leaves it
      ONRAMP_WORKFLOW_BUNDLE: bundle,
      ONRAMP_METRICS_BIND_ADDRESS: `127.0.0.1:${d.metricsPort(i)}`,
    });
    workers.push(w);
    return w;
  };
  const tls = join(d.secretsDir, 'temporal-tls');
  const cli = [
    '--address',
    d.config.temporal.address,
    '--namespace',
    namespace,
    '--tls-ca-path',
    join(tls, 'ca.pem'),
    '--tls-cert-path',
    join(tls, 'client.pem'),
    '--tls-key-path',
    join(tls, 'client.key'),
    '--tls-server-name',
    d.config.temporal.tls?.serverName ?? 'temporal',
  ];
  const exe = await ensureTemporalCli();
  if (exe.type !== 'existing-path') throw new UpgradeFailure('no Temporal CLI binary (scripts/ensure-temporal-cli.ts)');
  const temporalCli = exe.path;
  const runCli = async (...args: string[]) =>
    (await promisify(execFile)(temporalCli, [...args, ...cli], { timeout: 60_000 })).stdout;
  const current = async () =>
    (await service.describeWorkerDeployment({ namespace, deploymentName: DEPLOYMENT })).workerDeploymentInfo
      ?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
  const versionOf = async (h: WorkflowHandle) => {
    const info = (await h.describe()).raw.workflowExecutionInfo;
    return { buildId: info?.versioningInfo?.deploymentVersion?.buildId, behavior: info?.versioningInfo?.behavior };
  };

  // --- 1. Version A: the image's bundle ----------------------------------------------------------------------
  const bundleA = resolve(d.workerEnv.ONRAMP_WORKFLOW_BUNDLE ?? 'dist/workflow-bundle.js');
  const a: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: buildIdForBundle(bundleA) };
  figures.versionA = versionString(a);
  startWorker('upgrade-worker-a', bundleA, 0);
  await until('version A polling and made current by its own worker (first version of the deployment)', async () => {
    alive();
    return (await current()) === a.buildId;
  });
  must(true, `version A ${versionString(a)} (dist/workflow-bundle.js) polling ${TASK_QUEUE}, current`, say);

  // --- 2. Onboardings waiting for their admins, on A ----------------------------------------------------------
  const run = Date.now().toString(36);
  const domains = new Map<string, string>();
  const order = (tag: string): OrderRequest => {
    const domain = `upgrade-${tag}-${run}.example`;
    d.google.addAdmin(`admin@${domain}`);
    domains.set(`upgrade-${run}-${tag}`, domain);
    return {
      orderId: `upgrade-${run}-${tag}`,
      customer: { id: `upgrade-${tag}-${run}`, name: `Upgrade customer ${tag}` },
      integrations: {
        googleDelegation: {
          customer: { domain, name: `Upgrade customer ${tag}` },
          adminEmail: `admin@${domain}`,
          vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
          serviceAccount: d.google.serviceAccount,
          polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
        },
      },
    };
  };
  const orderConfig = { temporal: { ...d.config.temporal, taskQueue: TASK_QUEUE } };
  const place = async (o: OrderRequest) => {
    const started = await startOrder(client, orderConfig, o);
    return client.workflow.getHandle(started.workflowId);
  };
  /** The order's delegation child, once it waits for the admin's grant. */
  const waitingChild = (o: OrderRequest) =>
    until(`${o.orderId}: the delegation waiting for the admin's grant`, async () => {
      alive();
      const s = await getOrderStatus(client, o.orderId);
      const g = s.details.googleDelegation as { state?: string; workflowId?: string } | undefined;
      return g?.state === 'waiting-for-operator' && g.workflowId ? client.workflow.getHandle(g.workflowId) : undefined;
    });
  const nWaiting = d.waiting ?? 3;
  const nFresh = d.fresh ?? 2;
  const waitingOrders = Array.from({ length: nWaiting }, (_, i) => order(`a${i + 1}`));
  const waitingParents = await Promise.all(waitingOrders.map(place));
  const waitingChildren = await Promise.all(waitingOrders.map(waitingChild));
  // Their behavior is checked once they are done: a run that was not PINNED shows what that costs first (its next
  // task after the switch fails on B's code).
  const behaviorOnA = new Map<string, number | null | undefined>();
  for (const h of [...waitingParents, ...waitingChildren]) {
    const v = await versionOf(h);
    behaviorOnA.set(h.workflowId, v.behavior);
    must(v.buildId === a.buildId, `${h.workflowId} runs on A (${v.buildId})`, say);
  }
  const pinnedOnA = async () =>
    (
      await service.countWorkflowExecutions({
        namespace,
        query: `TemporalWorkerDeploymentVersion = '${versionString(a)}' AND ExecutionStatus = 'Running'`,
      })
    ).count?.toNumber() ?? 0;
  const onA = await until('visibility: the waiting onboardings under TemporalWorkerDeploymentVersion', async () => {
    const n = await pinnedOnA();
    return n >= nWaiting * 2 ? n : undefined;
  });
  figures.waitingOnA = nWaiting;
  must(true, `${onA} running workflows with TemporalWorkerDeploymentVersion = '${versionString(a)}'`, say);

  // --- 3. Version B: a real change to the delegation workflow, bundled from a patched copy of the source -------
  const bundleB = await buildPatchedBundle(join(dir, 'b'));
  const b: WorkerDeploymentVersion = { deploymentName: DEPLOYMENT, buildId: buildIdForBundle(bundleB) };
  figures.versionB = versionString(b);
  must(b.buildId !== a.buildId, `version B ${versionString(b)}: the changed workflow code, a new build ID`, say);
  startWorker('upgrade-worker-b', bundleB, 1);
  // Every task queue A polls (workflow and activity) must be polled by B too, or the server refuses to make B current
  // ("missing active task queues"): the operator waits for B's replicas to be up, as here.
  const queuesOf = async (v: WorkerDeploymentVersion) =>
    new Set(
      (
        await service.describeWorkerDeploymentVersion({ namespace, deploymentVersion: v })
      ).workerDeploymentVersionInfo?.taskQueueInfos?.map((q) => `${q.name}/${q.type}`) ?? []
    );
  await until('version B registered on every task queue A polls', async () => {
    alive();
    const [qa, qb] = await Promise.all([queuesOf(a), queuesOf(b)]);
    return qa.size > 0 && [...qa].every((q) => qb.has(q));
  });
  must((await current()) === a.buildId, 'B polling alongside A did not make itself current (A is)', say);
  await runCli(
    'worker',
    'deployment',
    'set-current-version',
    '--deployment-name',
    DEPLOYMENT,
    '--build-id',
    b.buildId,
    '--yes'
  );
  must(
    (await current()) === b.buildId,
    `temporal worker deployment set-current-version --build-id ${b.buildId} over mTLS: B is current`,
    say
  );

  // --- 4. New onboardings on B; the waiting ones get their grant and finish on A ------------------------------
  const freshOrders = Array.from({ length: nFresh }, (_, i) => order(`b${i + 1}`));
  const freshParents = await Promise.all(freshOrders.map(place));
  const freshChildren = await Promise.all(freshOrders.map(waitingChild));
  for (const h of [...freshParents, ...freshChildren]) {
    const v = await versionOf(h);
    must(v.buildId === b.buildId, `new ${h.workflowId} runs on B (${v.buildId})`, say);
  }
  // The waiting ones kept polling with B current: every task still on A, none failed.
  await sleep(3000);
  for (const o of [...waitingOrders, ...freshOrders]) d.google.grant(domains.get(o.orderId)!);
  /** The run's result, failing at once on a workflow task failure (a non-determinism shows there, not as a result). */
  const finish = async (h: WorkflowHandle, children: WorkflowHandle[] = []) => {
    let settled = false;
    const result = h.result().finally(() => (settled = true));
    const watch = until(
      `${h.workflowId} to complete`,
      async () => {
        if (settled) return true;
        alive();
        for (const w of [h, ...children]) {
          const t = tasksOf(await w.fetchHistory());
          if (t.failures.length)
            throw new UpgradeFailure(`${w.workflowId}: workflow task failed: ${t.failures.join('; ')}`);
        }
        return undefined;
      },
      180_000
    );
    await Promise.race([result, watch.then(() => result)]);
  };
  const children = [...waitingChildren, ...freshChildren];
  await Promise.all([...waitingParents, ...freshParents].map((h, i) => finish(h, [children[i]!])));
  const lastAFinished = Date.now();
  const failures: string[] = [];
  const check = async (hs: WorkflowHandle[], v: WorkerDeploymentVersion) => {
    for (const h of hs) {
      const t = tasksOf(await h.fetchHistory());
      failures.push(...t.failures);
      must(
        t.buildIds.length === 1 && t.buildIds[0] === v.buildId && t.failures.length === 0,
        `${h.workflowId} completed, every workflow task on ${v.buildId === a.buildId ? 'A' : 'B'} (${t.buildIds.join(', ')}), ${t.failures.length} task failures`,
        say
      );
    }
  };
  await check([...waitingParents, ...waitingChildren], a);
  const notPinned = [...behaviorOnA].filter(([, b]) => b !== VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
  must(
    notPinned.length === 0,
    `the ${behaviorOnA.size} waiting workflows were PINNED to A${notPinned.length ? ` (not: ${notPinned.map(([id]) => id).join(', ')})` : ''}`,
    say
  );
  await check([...freshParents, ...freshChildren], b);
  const firstB = tasksOf(await freshChildren[0]!.fetchHistory());
  const firstA = tasksOf(await waitingChildren[0]!.fetchHistory());
  must(
    firstB.firstCommand === EventType.EVENT_TYPE_TIMER_STARTED &&
      firstA.firstCommand === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    "B's change ran on B only: B's delegations start with the settle timer, A's with a check",
    say
  );
  figures.completedOnA = nWaiting;
  figures.startedOnB = nFresh;
  figures.nonDeterminismErrors = failures.filter((f) => /nondetermin/i.test(f)).length;
  figures.workflowTaskFailures = failures.length;

  // --- 5. Control: A's history does not replay on B's code -----------------------------------------------------
  const history = await waitingChildren[0]!.fetchHistory();
  const dataConverter = await dataConverterFromConfig(d.config, d.configEnv);
  await Worker.runReplayHistory({ workflowBundle: { codePath: bundleA }, dataConverter }, history);
  const onB = await Worker.runReplayHistory({ workflowBundle: { codePath: bundleB }, dataConverter }, history).then(
    () => 'replayed',
    (err: unknown) => (err instanceof DeterminismViolationError ? 'DeterminismViolationError' : String(err))
  );
  figures.replayAOnB = onB;
  must(
    onB === 'DeterminismViolationError',
    `control: ${waitingChildren[0]!.workflowId}'s history replays on A's bundle, and on B's fails with ${onB}`,
    say
  );

  // --- 6. A drains, its worker stops, B keeps serving ----------------------------------------------------------
  const drainage = async () =>
    (await service.describeWorkerDeploymentVersion({ namespace, deploymentVersion: a })).workerDeploymentVersionInfo
      ?.drainageInfo?.status;
  await until(
    'version A DRAINED (no open workflow pinned to it)',
    async () => {
      alive();
      return (await drainage()) === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED;
    },
    240_000
  );
  figures.drainedSecondsAfterLastA = Math.round((Date.now() - lastAFinished) / 1000);
  figures.pinnedOpenOnA = await pinnedOnA();
  const described = await runCli(
    'worker',
    'deployment',
    'describe-version',
    '--deployment-name',
    DEPLOYMENT,
    '--build-id',
    a.buildId
  );
  say(`upgrade: temporal worker deployment describe-version (A):\n${described.replace(/^/gm, '    ')}`);
  must(
    /drained/i.test(described),
    `version A DRAINED ${figures.drainedSecondsAfterLastA} s after its last onboarding finished`,
    say
  );
  const wA = workers[0]!;
  const stopped = await d.stop(wA);
  wA.name += ' (stopped)';
  must(!/killed/.test(stopped), `A's worker stopped on SIGTERM (${stopped})`, say);
  const after = order('b-after');
  const afterParent = await place(after);
  await waitingChild(after);
  d.google.grant(domains.get(after.orderId)!);
  await finish(afterParent);
  await check([afterParent], b);
  figures.ordersAfterAStopped = 1;
}
