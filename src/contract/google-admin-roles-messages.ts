import { defineQuery } from '@temporalio/workflow';

/**
 * The messages of googleAdminRoleProvisioning (seed 003: custom admin roles for Classroom). Zod-free and
 * frozen: src/domain/google-admin-roles-schema.ts checks at compile time that its live schema still gives
 * exactly these shapes, so a schema change needs a new version here.
 */

export type MemberRole = 'MEMBER' | 'MANAGER' | 'OWNER';

/** What an apply run created (and only that), so undo removes nothing it did not make. */
export interface ProvisioningLedger {
  groupName?: string;
  groupCreated: boolean;
  membersAdded: string[];
  roleId?: string;
  roleCreated: boolean;
  assignmentIds: string[];
}

export type AdminRoleMode = 'apply' | 'plan' | 'undo';

export interface AdminRoleMemberV1 {
  email: string;
  role: MemberRole;
  /** GROUP for a nested security group: Google only accepts them as MEMBER. */
  type: 'USER' | 'GROUP';
}

export type AdminRoleAssigneeV1 = { type: 'group' } | { type: 'user'; email: string };
export type AdminRoleScopeV1 = { type: 'ORG_UNIT'; orgUnitPaths: string[] } | { type: 'CUSTOMER' };

export interface AdminRoleMembershipV1 {
  /** How long to wait for added members to become visible before assigning the role. */
  propagationTimeoutMinutes: number;
  pollSeconds: number;
  /** Members per activity: each batch is one retryable unit with per-member progress. */
  batchSize: number;
}

/** The validated input, version 1: what the door's schema gives (normalised, defaults filled). */
export interface AdminRoleInputV1 {
  /** apply: create what is missing; plan: report only, write nothing; undo: remove what `undo.ledger` says an apply created. */
  mode: AdminRoleMode;
  /** customerId with its "C" prefix (C046psxkn). */
  customer: { domain: string; customerId: string };
  /** The admin Onramp impersonates (domain-wide delegation must be granted for ADMIN_ROLE_SCOPES). */
  adminEmail: string;
  vendor: { name: string };
  serviceAccount: { email: string; keyRef: string };
  group: {
    email: string;
    displayName: string;
    description: string;
    /** EMPTY: no initial owner; WITH_INITIAL_OWNER: the impersonated admin owns it. */
    initialGroupConfig: 'EMPTY' | 'WITH_INITIAL_OWNER';
  };
  members: AdminRoleMemberV1[];
  role: { name: string; description: string; privileges: string[] };
  /** Who receives the role: the group above (default) or one user. */
  assignee: AdminRoleAssigneeV1;
  scope: AdminRoleScopeV1;
  membership: AdminRoleMembershipV1;
  /** Required in undo mode: the ledger an apply run returned. */
  undo?: { ledger: ProvisioningLedger };
}

/**
 * What a caller may send, version 1: the input with its defaulted fields left out. The workflow fills the
 * defaults (src/rules/google-admin-roles-rules.ts) for a run started around the door.
 */
export type AdminRoleRequestV1 = Omit<
  AdminRoleInputV1,
  'mode' | 'vendor' | 'group' | 'members' | 'role' | 'assignee' | 'scope' | 'membership'
> & {
  mode?: AdminRoleMode;
  vendor?: { name: string };
  group: Omit<AdminRoleInputV1['group'], 'description' | 'initialGroupConfig'> &
    Partial<Pick<AdminRoleInputV1['group'], 'description' | 'initialGroupConfig'>>;
  members?: { email: string; role?: MemberRole; type?: AdminRoleMemberV1['type'] }[];
  role: { name: string; description?: string; privileges: string[] };
  assignee?: AdminRoleAssigneeV1;
  scope?: AdminRoleScopeV1;
  membership?: Partial<AdminRoleMembershipV1>;
};

export type MemberOutcome = 'added' | 'already-present' | 'failed' | 'pending';

export interface MemberProgress {
  email: string;
  role: MemberRole;
  outcome: MemberOutcome;
  reason?: string;
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

export type AdminRoleStepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface MemberCounts {
  total: number;
  added: number;
  alreadyPresent: number;
  failed: number;
  pending: number;
}

export interface AdminRoleStatus {
  workflowId: string;
  mode: AdminRoleMode;
  customer: string;
  step: AdminRoleStep;
  state: 'running' | 'completed' | 'failed';
  steps: Record<string, AdminRoleStepState>;
  members: MemberCounts;
  /** Only members that are not simply added/present, to keep the query small for thousands of members. */
  memberProblems: MemberProgress[];
  plan?: AdminRolePlan;
  ledger: ProvisioningLedger;
  error?: string;
}

export interface AdminRoleResult {
  mode: AdminRoleMode;
  plan: AdminRolePlan;
  ledger: ProvisioningLedger;
  members: MemberCounts;
  groupName?: string;
  roleId?: string;
  assignmentIds: string[];
}

export const adminRoleStatusQuery = defineQuery<AdminRoleStatus>('status');
