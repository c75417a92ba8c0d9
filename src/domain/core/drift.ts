import { stripSiteUrl } from './connectwise';
import { mapped, object, value } from './defaults';
import { fillAdminRoleDefaults } from './google-admin-roles';

export interface DriftFinding {
  integration: 'googleDelegation' | 'googleAdminRoles' | 'autotask' | 'connectwise';
  problem: string;
  fix: string;
}

export interface DriftReport {
  customer: string;
  checkedAt: string;
  drifted: boolean;
  findings: DriftFinding[];
}

export const driftScheduleId = (customerId: string) => `drift-check:${customerId}`;
export const driftFindingWorkflowId = (customerId: string) => `drift-finding:${customerId}`;

/** The schema's defaults, for a workflow started around the door: see core/defaults.ts. */
export const fillDriftCheckDefaults = object({
  autotask: object({ webhooks: value([]) }),
  googleAdminRoles: object({ request: fillAdminRoleDefaults }),
  connectwise: object({ connection: object({ site: mapped((s) => stripSiteUrl(s.trim().toLowerCase())) }) }),
});
