import type { Client } from '@temporalio/client';
import { parseDriftCheckInput, findingKeyOf, type DriftCheckInput } from '../../domain/drift-schema';
import { OrderNotFoundError } from '../../rules/order-errors';
import { driftRequestFromProgress, type CurrentConnectwiseKey } from './drift-progress';
import { permanent } from '../failures';
import { FailureType } from '../../contract/failure-types';

/**
 * Activities that read Onramp's own state from Temporal (the order's onboarding, open drift findings).
 * Read-only. A worker without a Temporal client (a test that does not need them) refuses by name.
 */
export interface OnrampStateSettings {
  /** The worker's client (same namespace and data converter as the workflows). */
  client: () => Promise<Client>;
  /**
   * The ConnectWise key a rotation switched a customer to (the rotation's current-credentials record), so an
   * order's drift check uses the key in use now. Unset: the key the onboarding was given.
   */
  currentConnectwiseKey?: CurrentConnectwiseKey;
}

export function createOnrampStateActivities(settings?: OnrampStateSettings) {
  const client = async () => {
    if (!settings)
      throw permanent('this worker has no Temporal client for reading order state', FailureType.NoTemporalClient);
    return settings.client();
  };
  return {
    /**
     * What a drift check of the order verifies now: built from the order and what its onboarding has learnt
     * (credentials supplied through Updates, webhooks, what the sync created, the Google roles). Null while
     * nothing is checkable yet. Carries secret references only.
     */
    async driftTargetsForOrder(input: { orderId: string }): Promise<DriftCheckInput | null> {
      try {
        const request = await driftRequestFromProgress(await client(), input.orderId, settings?.currentConnectwiseKey);
        return request ? parseDriftCheckInput(request) : null;
      } catch (err) {
        if (err instanceof OrderNotFoundError)
          throw permanent(`order ${input.orderId} is unknown: delete its drift schedule`, FailureType.OrderNotFound);
        throw err;
      }
    },

    /** The problem keys of the customer's open per-problem drift findings (from visibility). */
    async openDriftFindings(input: { customerId: string }): Promise<string[]> {
      const c = await client();
      const keys: string[] = [];
      const query = `WorkflowType = "driftFinding" AND OnrampCustomer = "${input.customerId}" AND ExecutionStatus = "Running"`;
      for await (const w of c.workflow.list({ query })) {
        const key = findingKeyOf(input.customerId, w.workflowId);
        if (key) keys.push(key);
      }
      return keys;
    },
  };
}
