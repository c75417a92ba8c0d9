import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AutotaskOnboardingInputV1, AutotaskOnboardingRequestV1 } from './autotask-onboarding-messages';
import type { ConnectwiseOnboardingInputV1, ConnectwiseOnboardingRequestV1 } from './connectwise-onboarding-messages';
import type { AdminRoleInputV1, AdminRoleRequestV1 } from './google-admin-roles-messages';
import type { DelegationInputV1, DelegationRequestV1 } from './google-delegation-messages';

/**
 * The messages of the order workflow, customerOnboarding: one sales order, each integration a child
 * workflow. Zod-free and frozen: src/domain/customer-onboarding-schema.ts checks at compile time that its
 * live schema still gives these shapes.
 */

export type IntegrationName = 'googleDelegation' | 'googleAdminRoles' | 'autotask' | 'connectwise';

/** Each child's input is frozen in its own contract; the order carries it to the child workflow untouched. */
export interface OrderIntegrationsV1 {
  googleDelegation?: DelegationInputV1;
  googleAdminRoles?: AdminRoleInputV1;
  autotask?: AutotaskOnboardingInputV1;
  connectwise?: ConnectwiseOnboardingInputV1;
}

/** Periodic checks Onramp keeps for this customer once the order is accepted (Temporal Schedules). */
export interface OrderSchedulesV1 {
  /** Verify every N hours that what was set up is still true. */
  driftCheckEveryHours?: number;
  /** Rotate each integration's credential every N days. */
  rotateEveryDays?: { autotask?: number; connectwise?: number };
}

/**
 * What the customerOnboarding workflow receives, version 1: an order validated at the door. The workflow
 * never re-validates it; a change to this shape that running workflows cannot take is a new version (OrderV2).
 */
export interface OrderV1 {
  /** The sales system's order ID: the idempotency key. */
  orderId: string;
  customer: { id: string; name: string };
  integrations: OrderIntegrationsV1;
  schedules?: OrderSchedulesV1;
}

export type IntegrationState = 'pending' | 'blocked' | 'running' | 'completed' | 'failed' | 'abandoned';

export interface IntegrationStatus {
  name: IntegrationName;
  state: IntegrationState;
  /** The current (or last) child workflow. */
  workflowId?: string;
  attempts: number;
  error?: string;
  dependsOn?: IntegrationName;
  completedAt?: string;
}

export interface CustomerOnboardingStatus {
  orderId: string;
  customer: { id: string; name: string };
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  integrations: IntegrationStatus[];
}

export interface CustomerOnboardingResult {
  orderId: string;
  completed: IntegrationName[];
  abandoned: IntegrationName[];
}

export const customerOnboardingStatusQuery = defineQuery<CustomerOnboardingStatus>('status');
/** Operator: start a failed integration again (a new child run), leaving the others as they are. */
export const retryIntegrationSignal = defineSignal<[IntegrationName]>('retryIntegration');
/** Operator: give up on a failed integration so the order can finish with the rest. */
export const abandonIntegrationSignal = defineSignal<[IntegrationName]>('abandonIntegration');

/** What a caller may send, version 1: the order with each child's defaulted fields left out. */
export interface OrderRequestV1 extends Omit<OrderV1, 'integrations'> {
  integrations: {
    googleDelegation?: DelegationRequestV1;
    googleAdminRoles?: AdminRoleRequestV1;
    autotask?: AutotaskOnboardingRequestV1;
    connectwise?: ConnectwiseOnboardingRequestV1;
  };
}

/** The workflow's signature, for clients that start it by its type name without importing the workflow module. */
export type CustomerOnboardingWorkflow = (request: OrderRequestV1) => Promise<CustomerOnboardingResult>;
