/**
 * Fair sharing between customers (issue 25): every workflow Onramp starts, and every activity a workflow schedules,
 * carries its customer as Temporal's `priority.fairnessKey`. With task-queue fairness on (`matching.enableFairness`,
 * deploy/dynamicconfig/onramp.yaml and src/temporal/dev-server.ts), the matching service dispatches the shared task
 * queue's backlog in turn across keys, in proportion to their weights, instead of first in, first out: a customer whose
 * order queues 2,000 ConnectWise companies does not queue ahead of another customer's delegation check.
 *
 * Each customer's vendor limits are its own (the limiter keys name the customer's vendor tenant), so a big customer
 * waits on its own limits only; fairness keeps it from holding the shared workers' task queue.
 */

/** Temporal's limit on a fairness key (bytes). Customer IDs are slugs of at most 63 ASCII characters. */
export const FAIRNESS_KEY_MAX_BYTES = 64;

/** Every customer weighs the same: a big order gets no more than its turn. */
export const CUSTOMER_FAIRNESS_WEIGHT = 1;

export interface CustomerPriority {
  fairnessKey: string;
  fairnessWeight: number;
}

/** The priority of a customer's workflows and activities; none for an empty or over-long key (Temporal would refuse it). */
export function customerPriority(customerId: string | undefined): CustomerPriority | undefined {
  const key = customerId?.trim();
  if (!key || new TextEncoder().encode(key).length > FAIRNESS_KEY_MAX_BYTES) return undefined;
  return { fairnessKey: key, fairnessWeight: CUSTOMER_FAIRNESS_WEIGHT };
}
