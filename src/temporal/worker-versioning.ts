/**
 * Rolling upgrades with Temporal's Worker Deployments (Worker Versioning; server v1.29.1, SDK 1.24): each worker
 * declares a deployment version, `<ONRAMP_WORKER_DEPLOYMENT>:<build ID>`, and the server routes every workflow
 * task of a PINNED workflow to the workers of the version the workflow started on, and new workflows to the
 * deployment's current version (docs/operations.md, Rolling upgrades).
 *
 * Why PINNED (ONRAMP_VERSIONING_BEHAVIOR): Onramp never calls `patched()` (the registry in src/contract/patches.ts
 * stays empty); a change to a workflow is a change of its code, so a history recorded under one version only
 * replays on that version's code. PINNED runs drain on the workers that started them, and the next version needs no
 * patch. AUTO_UPGRADE would move a run waiting for days onto new code at its next task, which only works with a
 * `patched()` branch per incompatible change. The one exception is annotated on its workflow (driftFinding).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { VersioningBehavior, WorkerDeploymentVersion } from '@temporalio/common';
import type { NativeConnection, WorkerDeploymentOptions } from '@temporalio/worker';

/** The versioning behavior of every Onramp workflow type unless its definition says otherwise (see above). */
export const ONRAMP_VERSIONING_BEHAVIOR: VersioningBehavior = 'PINNED';

/** The build ID a bundle gets by default: `bundle-` and the first 16 hex digits of its SHA-256. */
export function buildIdForBundle(bundlePath: string): string {
  return `bundle-${createHash('sha256').update(readFileSync(bundlePath)).digest('hex').slice(0, 16)}`;
}

export interface WorkerVersionSettings {
  /** ONRAMP_WORKER_DEPLOYMENT; unset: the worker is unversioned (sandbox, tests, development). */
  deploymentName?: string;
  /** ONRAMP_WORKER_BUILD_ID; unset: derived from the workflow bundle (buildIdForBundle). */
  buildId?: string;
}

/**
 * The deployment version a worker declares, or undefined (unversioned). The build ID defaults to the workflow
 * bundle's hash: the bundle is exactly the code a history must replay on, so a release that changes only
 * activities keeps its version (its workers replace the old ones in place, and the fix reaches pinned runs too),
 * while any change to workflow code, however small, makes a new version.
 */
export function workerVersion(
  settings: WorkerVersionSettings,
  bundlePath: string | undefined
): WorkerDeploymentVersion | undefined {
  const { deploymentName } = settings;
  if (!deploymentName) return undefined;
  if (settings.buildId) return { deploymentName, buildId: settings.buildId };
  if (!bundlePath)
    throw new Error(
      'ONRAMP_WORKER_BUILD_ID: set it, or ONRAMP_WORKFLOW_BUNDLE (a pre-built bundle the build ID is derived from), when ONRAMP_WORKER_DEPLOYMENT is set: a worker bundling from source cannot name its version'
    );
  return { deploymentName, buildId: buildIdForBundle(bundlePath) };
}

/** Worker.create's option for a version; unversioned: none (the SDK's own default). */
export function workerDeploymentOptions(version: WorkerDeploymentVersion | undefined): {
  workerDeploymentOptions?: WorkerDeploymentOptions;
} {
  return version
    ? {
        workerDeploymentOptions: {
          version,
          useWorkerVersioning: true,
          defaultVersioningBehavior: ONRAMP_VERSIONING_BEHAVIOR,
        },
      }
    : {};
}

export const versionString = (v: WorkerDeploymentVersion) => `${v.deploymentName}:${v.buildId}`;

type WorkflowService = NativeConnection['workflowService'];

export type BootstrapOutcome =
  | { outcome: 'made-current'; version: string }
  | { outcome: 'current-exists'; current: string }
  | { outcome: 'gave-up'; error: string };

/**
 * The first version of a deployment makes itself current (a new installation needs no operator step); every later
 * version waits for the operator's `temporal worker deployment set-current-version` (docs/operations.md). Retries
 * until the server knows the version (it registers it at the worker's first poll) or `timeoutMs` passes.
 */
export async function makeCurrentIfNone(
  service: WorkflowService,
  namespace: string,
  version: WorkerDeploymentVersion,
  opts: { identity?: string; timeoutMs?: number; intervalMs?: number } = {}
): Promise<BootstrapOutcome> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last = '';
  for (;;) {
    try {
      const d = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
      const current = d.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
      if (current?.buildId)
        return { outcome: 'current-exists', current: `${current.deploymentName}:${current.buildId}` };
      await service.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        conflictToken: d.conflictToken,
        identity: opts.identity ?? 'onramp-worker (first version of the deployment)',
      });
      return { outcome: 'made-current', version: versionString(version) };
    } catch (err) {
      // Not found until the first poll registers the deployment and its version; a conflict when another replica
      // of the same version set it first (the next describe sees it current).
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) return { outcome: 'gave-up', error: last };
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}

/** Set a version current through the API (what `temporal worker deployment set-current-version` does). */
export async function setCurrentVersion(
  service: WorkflowService,
  namespace: string,
  version: WorkerDeploymentVersion,
  identity = 'onramp'
): Promise<void> {
  const d = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
  await service.setWorkerDeploymentCurrentVersion({
    namespace,
    deploymentName: version.deploymentName,
    buildId: version.buildId,
    conflictToken: d.conflictToken,
    identity,
  });
}
