import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { OnrampCustomer } from '../contract/search-attributes';
import { customerPriority, type CustomerPriority } from '../rules/fairness';

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
 * The customer whose task this workflow's activities are (src/rules/fairness.ts): the fairness key the workflow was
 * started with (Onramp's services start every workflow with one; children inherit it), else its OnrampCustomer search
 * attribute. Both come from the workflow's history (start event, upserts), so replay computes the same key.
 */
export function workflowCustomerPriority(): CustomerPriority | undefined {
  const info = workflowInfo();
  return customerPriority(info.priority?.fairnessKey || info.typedSearchAttributes.get(OnrampCustomer));
}

/**
 * The one way workflows build activity options: whatever else they set, the heartbeat timeout is
 * HEARTBEAT. test/activity-heartbeat.test.ts fails when a `proxyActivities` or `executeWithOptions` in
 * src/workflows gets options whose type does not carry it.
 *
 * And every activity carries its customer's fairness key. Options are built once per workflow module, before any
 * workflow runs, so `priority` is read when an activity is scheduled (the SDK copies the options then, inside the
 * workflow): a getter, evaluated in the scheduling workflow's context. Priority is not part of replay matching.
 */
export function heartbeating(options: Omit<ActivityOptions, 'heartbeatTimeout'>): HeartbeatingOptions {
  const built: HeartbeatingOptions = { ...options, heartbeatTimeout: HEARTBEAT };
  if (options.priority) return built;
  return Object.defineProperty(built, 'priority', { enumerable: true, get: workflowCustomerPriority });
}
