/**
 * Every activity is scheduled with this heartbeat timeout, and the worker's autoHeartbeat interceptor
 * (src/activities/heartbeat.ts) heartbeats for every running activity, so a worker killed mid-activity is
 * noticed within it and the activity retried on another worker: an interrupted onboarding resumes within
 * ~30 s (issue 13) instead of waiting out a start-to-close sized for the slowest call. Start-to-close
 * stays the bound on a hung call. Timeouts are not part of replay matching: recorded histories still replay.
 */
// @ts-nocheck

export const HEARTBEAT = '15 seconds';
