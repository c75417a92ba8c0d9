/**
 * Rolling upgrades (issue #25 item 4) on the real dev server: production's worker (src/worker.ts createWorker) on
 * Worker Deployment version A, a Google delegation waiting for its admin, then version B, whose workflow code
 * really changed (scripts/proof/patched-bundle.ts), made current. The waiting run keeps running on A's workers
 * (PINNED) and completes there without a workflow task failure; a new run starts on B; A's history does not replay
 * on B's code (the control: AUTO_UPGRADE would have broken it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { startGoogleDelegation } from '../src/client';
import { loadConfig } from '../src/config';
import { delegationStatusQuery } from '../src/contract/google-delegation-messages';
import { resolveFindingSignal, type DriftFindingInputV1 } from '../src/contract/drift-messages';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { writeWorkflowBundle } from '../src/temporal/workflow-bundle';
import { buildIdForBundle, makeCurrentIfNone, setCurrentVersion } from '../src/temporal/worker-versioning';
import { createWorker } from '../src/worker';
import { buildPatchedBundle } from '../scripts/proof/patched-bundle';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, testDataConverter, testEnv, uniqueTaskQueue } from './helpers/temporal';

const { EventType, VersioningBehavior } = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;

describe('rolling upgrade with Worker Deployments (PINNED): waiting runs finish on A, new ones start on B', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-versioning-'));
  const taskQueue = uniqueTaskQueue('versioning');
  const deploymentName = `onramp-test-${randomUUID().slice(0, 8)}`;
  const bundles: { a: string; b: string } = { a: '', b: '' };
  const versions: { a?: WorkerDeploymentVersion; b?: WorkerDeploymentVersion } = {};
  const running: { worker: Worker; run: Promise<void> }[] = [];

  const startVersionedWorker = async (bundle: string): Promise<WorkerDeploymentVersion> => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: taskQueue,
      ONRAMP_WORKER_DEPLOYMENT: deploymentName,
      ONRAMP_WORKFLOW_BUNDLE: bundle,
    });
    const worker = await createWorker({
      config,
      connection: env.nativeConnection,
      activities: g.activities,
      dataConverter: await testDataConverter(),
    });
    running.push({ worker, run: worker.run() });
    return worker.options.workerDeploymentOptions!.version;
  };

  before(async () => {
    env = await testEnv();
    g = await googleFixture();
    // A: the workflow code under test, bundled as production does; B: the same with one real change.
    bundles.a = process.env.ONRAMP_WORKFLOW_BUNDLE ?? (await writeWorkflowBundle(join(dir, 'a', 'workflow-bundle.js')));
    bundles.b = await buildPatchedBundle(join(dir, 'b'));
  });
  after(async () => {
    for (const r of running) if (r.worker.getState() === 'RUNNING') r.worker.shutdown();
    await Promise.all(running.map((r) => r.run));
    await g.close();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  const freshRequest = () => {
    const domain = `v${randomUUID().slice(0, 8)}-${g.domain}`;
    const admin = `admin@${domain}`;
    g.sim.state.addUser(admin);
    return {
      domain,
      request: g.request({
        customer: { domain },
        adminEmail: admin,
        polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
      }),
    };
  };
  const grant = (domain: string) =>
    g.sim.state.setGrant(g.key.client_id, [...DEFAULT_DELEGATION_SCOPES], undefined, domain);
  const versioningInfo = async (h: WorkflowHandle) =>
    (await h.describe()).raw.workflowExecutionInfo?.versioningInfo ?? undefined;
  /** The build IDs that completed the run's workflow tasks, and the task failures (a non-determinism shows there). */
  const tasksOf = (history: History) => {
    const events = history.events ?? [];
    return {
      buildIds: new Set(
        events
          .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
          .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '(unversioned)')
      ),
      failures: events
        .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? '?'),
      firstCommand: events.find(
        (e) =>
          e.eventType === EventType.EVENT_TYPE_TIMER_STARTED ||
          e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
      )?.eventType,
    };
  };
  /** Fails at once when the run's workflow task failed (e.g. non-determinism on the wrong version's code). */
  const noTaskFailure = async (h: WorkflowHandle) => {
    const { failures } = tasksOf(await h.fetchHistory());
    assert.deepEqual(failures, [], `${h.workflowId}: workflow task failures`);
  };

  it('makes the first version current, keeps the waiting run on A after B is current, starts new runs on B', async () => {
    versions.a = await startVersionedWorker(bundles.a);
    assert.equal(versions.a.buildId, buildIdForBundle(bundles.a), 'A: the build ID is derived from its bundle');
    const bootstrap = await makeCurrentIfNone(
      env.nativeConnection.workflowService,
      env.namespace ?? 'default',
      versions.a,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
      }
    );
    assert.equal(bootstrap.outcome, 'made-current', JSON.stringify(bootstrap));

    // An onboarding waiting for its admin's grant, on A.
    let behaviorOnA: number | null | undefined;
    const first = freshRequest();
    const waiting = await startGoogleDelegation(
      env.client,
      { temporal: { ...loadConfig({}).temporal, taskQueue } },
      first.request
    );
    await eventually(async () => {
      const v = await versioningInfo(waiting);
      const status = await waiting.query(delegationStatusQuery);
      behaviorOnA = v?.behavior;
      return (
        v?.deploymentVersion?.buildId === versions.a!.buildId &&
        status.checks >= 1 &&
        status.state === 'waiting-for-operator'
      );
    }, 'the first onboarding waiting for its grant, pinned to A');

    // A drift finding (no deadline: AUTO_UPGRADE, so it cannot hold A's workers for good).
    const findingInput: DriftFindingInputV1 = {
      customer: { id: 'versioning-test', name: 'Versioning test' },
      findings: [{ integration: 'googleDelegation', problem: 'a scope went missing', fix: 'grant it again' }],
    };
    const finding = await env.client.workflow.start('driftFinding', {
      workflowId: `versioning-finding-${randomUUID()}`,
      taskQueue,
      args: [findingInput],
    });
    await eventually(
      async () => (await versioningInfo(finding))?.behavior === VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
      'the drift finding on A, AUTO_UPGRADE'
    );

    // B, with a real change to that workflow, alongside A; made current as an operator would.
    versions.b = await startVersionedWorker(bundles.b);
    assert.notEqual(versions.b.buildId, versions.a.buildId, 'B: changed workflow code, a new build ID');
    await eventually(
      () =>
        setCurrentVersion(env.nativeConnection.workflowService, env.namespace ?? 'default', versions.b!).then(
          () => true
        ),
      'B registered and made current'
    );

    // New onboardings start on B.
    const second = freshRequest();
    const fresh = await startGoogleDelegation(
      env.client,
      { temporal: { ...loadConfig({}).temporal, taskQueue } },
      second.request
    );
    await eventually(
      async () => (await versioningInfo(fresh))?.deploymentVersion?.buildId === versions.b!.buildId,
      'the new onboarding on B'
    );

    // The waiting one keeps checking (every task on A) with B current.
    const completedTasks = async () =>
      ((await waiting.fetchHistory()).events ?? []).filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
      ).length;
    const tasksAtSwitch = await completedTasks();
    while ((await completedTasks()) < tasksAtSwitch + 3) {
      await noTaskFailure(waiting); // read from the history: fails at once, where a query would only time out
      await new Promise((r) => setTimeout(r, 200));
    }
    await noTaskFailure(waiting);

    // The human step: both admins grant; both complete.
    grant(first.domain);
    grant(second.domain);
    const [r1, r2] = await Promise.all([
      (async () => {
        for (;;) {
          await noTaskFailure(waiting);
          const done = await Promise.race([
            waiting.result(),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000)),
          ]);
          if (done) return done;
        }
      })(),
      fresh.result(),
    ]);
    assert.equal(r1.notified, true);
    assert.equal(r2.notified, true);

    const h1 = tasksOf(await waiting.fetchHistory());
    assert.deepEqual([...h1.buildIds], [versions.a.buildId], 'every task of the waiting run completed on A');
    assert.deepEqual(h1.failures, []);
    assert.equal(h1.firstCommand, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, "A's code: no settle timer");
    const h2 = tasksOf(await fresh.fetchHistory());
    assert.deepEqual([...h2.buildIds], [versions.b.buildId], 'every task of the new run completed on B');
    assert.deepEqual(h2.failures, []);
    assert.equal(h2.firstCommand, EventType.EVENT_TYPE_TIMER_STARTED, "B's code ran: the settle timer first");
    assert.equal(behaviorOnA, VersioningBehavior.VERSIONING_BEHAVIOR_PINNED, 'the waiting run was PINNED');
    assert.equal(
      (await versioningInfo(waiting))?.deploymentVersion?.buildId,
      versions.a.buildId,
      'the completed run stays recorded on A'
    );

    // The finding follows the current version: resolved after the switch, its last task ran on B.
    await finding.signal(resolveFindingSignal, 'operator@msp.example');
    await finding.result();
    const findingTasks = tasksOf(await finding.fetchHistory());
    assert.ok(
      findingTasks.buildIds.has(versions.b.buildId),
      `the finding moved to B: ${[...findingTasks.buildIds].join(', ')}`
    );
    assert.deepEqual(findingTasks.failures, []);

    // The control: A's history replays on A's code, and not on B's (moving it to B would have broken it).
    const history = await waiting.fetchHistory();
    const dataConverter = await testDataConverter();
    await Worker.runReplayHistory({ workflowBundle: { codePath: bundles.a }, dataConverter }, history);
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: { codePath: bundles.b }, dataConverter }, history),
      DeterminismViolationError
    );
  });
});
