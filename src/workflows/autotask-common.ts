import { HEARTBEAT } from './activity-timeouts';
import type { Progress } from './progress';
import type { FailureType } from '../contract/failure-types';
import type { AutotaskCredentialsV1 } from '../contract/autotask-onboarding-messages';
import { ActivityFailure, ApplicationFailure, sleep, type ActivityOptions } from '@temporalio/workflow';

/** Activity options shared by the Autotask workflows. Permanent failures (401, 500 "unknown user") are nonRetryable at the source. */
export const AUTOTASK_READ: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};
export const AUTOTASK_WRITE: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  // Heartbeats after every write: a crashed worker's attempt is retried within seconds, and the retry
  // finds what the crashed one created (lookup by name).
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
};

/** Where the API calls go once an API user's credentials are accepted (its zone discovered). */
export interface Target {
  tenant: string;
  credentials: AutotaskCredentialsV1;
  zoneUrl: string;
}

/** The ApplicationFailure an activity raised, if any. */
export function activityCause(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

/**
 * End the workflow where `progress` stands, with the failure an activity raised (its message and type), or
 * `err`'s message under `fallbackType` when it carries none: the one `fail` of the Autotask workflows.
 */
export function failWith(progress: Progress<string>, err: unknown, fallbackType: FailureType): never {
  const cause = activityCause(err);
  return progress.failAs({ message: cause?.message ?? (err as Error).message, type: cause?.type }, fallbackType);
}

/** Poll until `check` says done or the deadline passes; waits double up to 30 s. */
export async function pollUntil(
  check: () => Promise<boolean>,
  firstWaitMs: number,
  deadlineAt: number
): Promise<boolean> {
  let wait = firstWaitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadlineAt) return false;
    await sleep(Math.min(wait, Math.max(deadlineAt - Date.now(), 1)));
    wait = Math.min(wait * 2, 30_000);
  }
}
