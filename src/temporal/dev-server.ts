import { ONRAMP_SEARCH_ATTRIBUTES } from '../contract/search-attributes';

export interface DevServerFlagOptions {
  /** Trade durability for speed (tests): SQLite WAL and synchronous=OFF, as the SDK's own CI does. */
  fast?: boolean;
}

/** Dynamic config Onramp relies on; passed to every dev server we start. */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  // Update-with-Start (intake API) is off by default in some server versions.
  'frontend.enableExecuteMultiOperation=true',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  // Worker Versioning (rolling upgrades): on by default in v1.29.1, set as deploy/dynamicconfig/onramp.yaml does.
  'system.enableDeploymentVersions=true',
  'frontend.workerVersioningWorkflowAPIs=true',
  // Eager activities: an activity a workflow task schedules on the worker's own queue comes back in the answer to
  // that task when the worker has a free slot, skipping the matching round trip (one task-queue write, one poll).
  // A worker without a free slot gets none, so under load activities still queue fairly by customer.
  'system.enableActivityEagerExecution=true',
  // Long operator waits poll with growing intervals; keep visibility fresh for the CLI's `list`.
  'system.forceSearchAttributesCacheRefreshOnRead=true',
  // Task-queue fairness (issue 25): each workflow and activity carries its customer as `priority.fairnessKey`
  // (src/rules/fairness.ts); with these the matching service hands tasks out in turn across customers instead of
  // first in, first out, so one customer's backlog does not queue ahead of everyone else's. Server >= 1.29
  // (common/dynamicconfig/constants.go: `matching.enableFairness` implies the priority matcher `useNewMatcher`).
  'matching.useNewMatcher=true',
  'matching.enableFairness=true',
  // Fairness is kept per task-queue partition: with the default 4, a poller takes from whichever partition answers
  // and a small customer's tasks still came 21st-25th of 33 behind a big one's 30 (test/fairness.test.ts); with one,
  // 2nd, 4th and 6th (first in, first out: 31st-33rd). One matching host gains nothing from more partitions.
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];

export function devServerExtraArgs(opts: DevServerFlagOptions = {}): string[] {
  const args = DEV_SERVER_DYNAMIC_CONFIG.flatMap((v) => ['--dynamic-config-value', v]);
  if (opts.fast) args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  return args;
}

/** `--search-attribute Name=Type` for a CLI we spawn ourselves (the SDK builds these from keys). */
export function searchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', BOOL: 'Bool' };
  return ONRAMP_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type] ?? 'Keyword'}`]);
}
