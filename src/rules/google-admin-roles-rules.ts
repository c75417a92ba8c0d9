import type { AdminRoleInput, ProvisioningLedger } from '../domain/google-admin-roles-schema';
import { array, mapped, object, value } from './fill-defaults';

/** The delegated scopes this onboarding needs (grant them with the delegation onboarding first). */
export const ADMIN_ROLE_SCOPES = {
  groups: 'https://www.googleapis.com/auth/cloud-identity.groups',
  members: 'https://www.googleapis.com/auth/admin.directory.group.member',
  roles: 'https://www.googleapis.com/auth/admin.directory.rolemanagement',
  orgUnits: 'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
} as const;

export const MEMBER_ROLES = ['MEMBER', 'MANAGER', 'OWNER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type MemberOutcome = 'added' | 'already-present' | 'failed' | 'pending';

export interface MemberProgress {
  email: string;
  role: MemberRole;
  outcome: MemberOutcome;
  reason?: string;
}

/** "a@x (reason); b@y (reason)", at most `max` of them, for failure messages. */
export function formatMemberFailures(failed: MemberProgress[], max = 10): string {
  const shown = failed.slice(0, max).map((f) => `${f.email} (${f.reason ?? 'failed'})`);
  return shown.join('; ') + (failed.length > max ? `; and ${failed.length - max} more (see the status query)` : '');
}

/** The read-only inspection of a tenant: the plan mode's output and the apply mode's starting point. */
export interface AdminRolePlan {
  privileges: { name: string; serviceId: string }[];
  orgUnits: { path: string; orgUnitId: string }[];
  group: { state: 'absent' | 'present' | 'differs'; name?: string; id?: string; differences: string[] };
  members: { toAdd: string[]; present: string[]; differs: { email: string; detail: string }[] };
  role: { state: 'absent' | 'present' | 'differs'; roleId?: string; differences: string[] };
  assignee: { type: 'group' | 'user'; id?: string; email: string };
  assignments: { toCreate: string[]; present: { scope: string; roleAssignmentId: string }[] };
  /** One line per action, for humans: "create group x", "group y exists", "role z differs: ...". */
  summary: string[];
}

export type AdminRoleStep =
  | 'validating'
  | 'inspecting'
  | 'creating-group'
  | 'adding-members'
  | 'awaiting-membership-propagation'
  | 'creating-role'
  | 'assigning-role'
  | 'undoing'
  | 'done';

export interface AdminRoleStatus {
  workflowId: string;
  mode: AdminRoleInput['mode'];
  customer: string;
  step: AdminRoleStep;
  state: 'running' | 'completed' | 'failed';
  steps: Record<string, 'pending' | 'running' | 'done' | 'skipped' | 'failed'>;
  members: { total: number; added: number; alreadyPresent: number; failed: number; pending: number };
  /** Only members that are not simply added/present, to keep the query small for thousands of members. */
  memberProblems: MemberProgress[];
  plan?: AdminRolePlan;
  ledger: ProvisioningLedger;
  error?: string;
}

export interface AdminRoleResult {
  mode: AdminRoleInput['mode'];
  plan: AdminRolePlan;
  ledger: ProvisioningLedger;
  members: AdminRoleStatus['members'];
  groupName?: string;
  roleId?: string;
  assignmentIds: string[];
}

/** "046psxkn" → "C046psxkn": the schema's normalisation of the customer ID. */
export function withCustomerIdPrefix(s: string): string {
  const t = s.trim();
  return /^C/i.test(t) ? `C${t.slice(1)}` : `C${t}`;
}

/** The schema's defaults, for a workflow started around the door: see core/defaults.ts. */
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
