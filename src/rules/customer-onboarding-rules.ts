import { fillAutotaskOnboardingDefaults } from './autotask-rules';
import { fillConnectwiseOnboardingDefaults } from './connectwise-rules';
import { object } from './fill-defaults';
import { fillAdminRoleDefaults } from './google-admin-roles-rules';
import { fillDelegationDefaults } from './google-delegation-rules';

/**
 * A sales order: one customer and the integrations a closed deal bought, each with the input of its vendor
 * workflow. Validated whole before anything starts, so an order is never half-started.
 */
export const INTEGRATIONS = ['googleDelegation', 'googleAdminRoles', 'autotask', 'connectwise'] as const;
export type IntegrationName = (typeof INTEGRATIONS)[number];

/** Which integration must have completed before another may start. */
export const DEPENDS_ON: Partial<Record<IntegrationName, IntegrationName>> = {
  // Role provisioning impersonates the admin through domain-wide delegation: it must be verified first.
  googleAdminRoles: 'googleDelegation',
};

/** The workflow type each integration runs as a child. */
export const INTEGRATION_WORKFLOW: Record<IntegrationName, string> = {
  googleDelegation: 'googleDelegationOnboarding',
  googleAdminRoles: 'googleAdminRoleProvisioning',
  autotask: 'autotaskOnboarding',
  connectwise: 'connectwiseOnboarding',
};

export function customerOnboardingWorkflowId(orderId: string): string {
  return `customer-onboarding:${orderId}`;
}

/** Child IDs derive from the order, so a retried integration is findable and never collides with another order's. */
export function integrationWorkflowId(orderId: string, name: IntegrationName, attempt = 1): string {
  return `${customerOnboardingWorkflowId(orderId)}:${name}${attempt > 1 ? `:retry-${attempt}` : ''}`;
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

/** The order schema's defaults (each integration's own), for a workflow started around the door: see core/defaults.ts. */
export const fillOrderDefaults = object({
  integrations: object({
    googleDelegation: fillDelegationDefaults,
    googleAdminRoles: fillAdminRoleDefaults,
    autotask: fillAutotaskOnboardingDefaults,
    connectwise: fillConnectwiseOnboardingDefaults,
  }),
});
