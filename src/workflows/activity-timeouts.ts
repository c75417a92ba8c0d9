import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Every activity is scheduled with this heartbeat timeout, and the worker's autoHeartbeat interceptor
 * (src/activities/heartbeat.ts) heartbeats for every running activity, so a worker killed mid-activity is
 * noticed within it and the activity retried on another worker: an interrupted onboarding resumes within
 * ~30 s (issue 13) instead of waiting out a start-to-close sized for the slowest call. Start-to-close
 * stays the bound on a hung call. Timeouts are not part of replay matching: recorded histories still replay.
 */
export const HEARTBEAT = '15 seconds';

/** Activity options that carry the heartbeat timeout (a type the guard test test/activity-heartbeat.test.ts checks). */
export type HeartbeatingOptions = Omit<ActivityOptions, 'heartbeatTimeout'> & { heartbeatTimeout: typeof HEARTBEAT };

/**
 * The one way workflows build activity options: whatever else they set, the heartbeat timeout is
 * HEARTBEAT. test/activity-heartbeat.test.ts fails when a `proxyActivities` or `executeWithOptions` in
 * src/workflows gets options whose type does not carry it.
 */
export function heartbeating(options: Omit<ActivityOptions, 'heartbeatTimeout'>): HeartbeatingOptions {
  return { ...options, heartbeatTimeout: HEARTBEAT };
}
