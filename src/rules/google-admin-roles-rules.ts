import type { MemberRole } from '../contract/google-admin-roles-messages';
import { array, mapped, object, value } from './fill-defaults';

/** The delegated scopes this onboarding needs (grant them with the delegation onboarding first). */
export const ADMIN_ROLE_SCOPES = {
  groups: 'https://www.googleapis.com/auth/cloud-identity.groups',
  members: 'https://www.googleapis.com/auth/admin.directory.group.member',
  roles: 'https://www.googleapis.com/auth/admin.directory.rolemanagement',
  orgUnits: 'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
} as const;

export const MEMBER_ROLES = ['MEMBER', 'MANAGER', 'OWNER'] as const satisfies readonly MemberRole[];

/** "046psxkn" → "C046psxkn": the schema's normalisation of the customer ID. */
export function withCustomerIdPrefix(s: string): string {
  const t = s.trim();
  return /^C/i.test(t) ? `C${t.slice(1)}` : `C${t}`;
}

/** The schema's defaults, for a workflow started around the door: see rules/fill-defaults.ts. */
export const fillAdminRoleDefaults = object({
  mode: value('apply'),
  customer: object({ customerId: mapped(withCustomerIdPrefix) }),
  vendor: value({ name: 'Google Workspace for Education' }),
  group: object({ description: value(''), initialGroupConfig: value('EMPTY') }),
  members: array(object({ role: value('MEMBER'), type: value('USER') }), []),
  role: object({ description: value('') }),
  assignee: value({ type: 'group' }),
  scope: value({ type: 'CUSTOMER' }),
  membership: object({ propagationTimeoutMinutes: value(15), pollSeconds: value(10), batchSize: value(250) }, 'fill'),
});
