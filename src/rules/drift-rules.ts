import { stripSiteUrl } from './connectwise-rules';
import { mapped, object, value } from './fill-defaults';
import { fillAdminRoleDefaults } from './google-admin-roles-rules';
import type { DriftIntegration } from '../contract/drift-messages';

/**
 * OnrampIntegration of a finding: the value of the onboarding it is about, so `OnrampCustomer = "acme" AND
 * OnrampIntegration = "autotask-onboarding"` finds the Autotask onboarding and its open findings
 * (`WorkflowType = "driftFinding"` narrows to findings).
 */
export const FINDING_INTEGRATION: Record<DriftIntegration, string> = {
  googleDelegation: 'google-delegation',
  googleAdminRoles: 'google-admin-roles',
  autotask: 'autotask-onboarding',
  connectwise: 'connectwise',
};

export const driftScheduleId = (customerId: string) => `drift-check:${customerId}`;
/** One finding per customer and problem key (without a key: the one-per-customer finding of older runs). */
export const driftFindingWorkflowId = (customerId: string, key?: string) =>
  key ? `drift-finding:${customerId}:${key}` : `drift-finding:${customerId}`;
/** The problem key of a per-problem finding's workflow ID. */
export const findingKeyOf = (customerId: string, workflowId: string): string | undefined =>
  workflowId.startsWith(`drift-finding:${customerId}:`)
    ? workflowId.slice(`drift-finding:${customerId}:`.length)
    : undefined;

/** The schema's defaults, for a workflow started around the door: see core/defaults.ts. */
export const fillDriftCheckDefaults = object({
  autotask: object({ webhooks: value([]) }),
  googleAdminRoles: object({ request: fillAdminRoleDefaults }),
  connectwise: object({ connection: object({ site: mapped((s) => stripSiteUrl(s.trim().toLowerCase())) }) }),
});
