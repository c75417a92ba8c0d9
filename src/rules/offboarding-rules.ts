import { stripSiteUrl } from './connectwise-rules';
import { mapped, object, value } from './fill-defaults';
import { fillAdminRoleDefaults } from './google-admin-roles-rules';

export const OFFBOARDING_INTEGRATIONS = ['googleAdminRoles', 'googleDelegation', 'autotask', 'connectwise'] as const;
export type OffboardingIntegration = (typeof OFFBOARDING_INTEGRATIONS)[number];

export function offboardingWorkflowId(orderId: string, mode: 'plan' | 'apply' = 'apply', tag?: string): string {
  return `customer-offboarding:${orderId}${mode === 'plan' ? `:plan${tag ? `:${tag}` : ''}` : ''}`;
}

/**
 * One removal, as the plan lists it and the report records it. `operator` steps are the ones a vendor
 * allows only in its UI: Onramp asks, waits for the signal (or re-checks periodically), then verifies.
 */
export interface OffboardingStep {
  integration: OffboardingIntegration;
  action: string;
  /** Who removes it: Onramp through the vendor API, or the operator/admin in the vendor's UI. */
  by: 'onramp' | 'operator';
  state: 'planned' | 'running' | 'removed' | 'already-gone' | 'waiting-for-operator' | 'verified' | 'failed';
  detail?: string;
}

export interface OffboardingStatus {
  orderId: string;
  customer: string;
  mode: 'plan' | 'apply';
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  steps: OffboardingStep[];
  /** What the operator must do now (one entry per integration waiting). */
  instructions: { integration: OffboardingIntegration; text: string }[];
  notes: string[];
}

export type OffboardingReport = OffboardingStatus;

/** The schema's defaults, for a workflow started around the door: see core/defaults.ts. */
export const fillOffboardingDefaults = object({
  mode: value('apply'),
  googleAdminRoles: object({ request: fillAdminRoleDefaults }),
  autotask: object({ webhooks: value([]) }),
  connectwise: object({
    connection: object({ site: mapped((s) => stripSiteUrl(s.trim().toLowerCase())) }),
    customers: value([]),
    created: object({ companies: value([]), catalogItem: value(false) }, 'fill'),
  }),
  timing: object({ recheckSeconds: value(300), operatorDeadlineHours: value(7 * 24) }, 'fill'),
});
