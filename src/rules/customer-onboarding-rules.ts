import type { IntegrationName, IntegrationStatus } from '../contract/customer-onboarding-messages';
import { fillAutotaskOnboardingDefaults } from './autotask-rules';
import { fillConnectwiseOnboardingDefaults } from './connectwise-rules';
import { object } from './fill-defaults';
import { fillAdminRoleDefaults } from './google-admin-roles-rules';
import { fillDelegationDefaults } from './google-delegation-rules';
import type { Covers, NamesEvery } from './list-covers';

/**
 * A sales order: one customer and the integrations a closed deal bought, each with the input of its vendor
 * workflow. Validated whole before anything starts, so an order is never half-started.
 */
export const INTEGRATIONS = [
  'googleDelegation',
  'googleAdminRoles',
  'autotask',
  'connectwise',
] as const satisfies readonly IntegrationName[];
/** Compile-time: the list names every integration of the contract's IntegrationName. */
export type IntegrationsCoverContract = Covers<NamesEvery<IntegrationName, typeof INTEGRATIONS>>;

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

/** How long a failed integration waits for the operator's retry or abandon before the order fails. */
export const OPERATOR_DEADLINE_DAYS = 7;

/** The order's Web UI details: one line per integration. */
export function orderDetails(
  order: { orderId: string; customer: { name: string } },
  integrations: IntegrationStatus[]
): string {
  return [
    `**Order ${order.orderId} for ${order.customer.name}**`,
    ...integrations.map((s) => `- ${s.name}: ${s.state}${s.error ? ` — ${s.error}` : ''}`),
  ].join('\n');
}

export function dependencyAbandoned(dependency: IntegrationName, name: IntegrationName): string {
  return `${dependency} was abandoned, and ${name} depends on it`;
}

export function integrationUndecided(name: IntegrationName, error: string | undefined): string {
  return `${name} failed and no operator retried or abandoned it within ${OPERATOR_DEADLINE_DAYS} days: ${error}`;
}

/** The order schema's defaults (each integration's own), for a workflow started around the door: see fill-defaults.ts. */
export const fillOrderDefaults = object({
  integrations: object({
    googleDelegation: fillDelegationDefaults,
    googleAdminRoles: fillAdminRoleDefaults,
    autotask: fillAutotaskOnboardingDefaults,
    connectwise: fillConnectwiseOnboardingDefaults,
  }),
});
