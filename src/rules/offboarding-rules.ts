import { stripSiteUrl } from './connectwise-rules';
import { mapped, object, value } from './fill-defaults';
import { fillAdminRoleDefaults } from './google-admin-roles-rules';

export function offboardingWorkflowId(orderId: string, mode: 'plan' | 'apply' = 'apply', tag?: string): string {
  return `customer-offboarding:${orderId}${mode === 'plan' ? `:plan${tag ? `:${tag}` : ''}` : ''}`;
}

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
