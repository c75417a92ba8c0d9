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
  /**
   * Members added from `membersFrom` (counted, not listed: a reference can name tens of thousands). Undo of a
   * group this run created deletes them with the group; in a group that existed before, they are left.
   */
  membersAddedByReference?: number;
}

export type AdminRoleMode = 'apply' | 'plan' | 'undo';

export interface AdminRoleMemberV1 {
  email: string;
  role: MemberRole;
  /** GROUP for a nested security group: Google only accepts them as MEMBER. */
  type: 'USER' | 'GROUP';
}

/**
 * Members beyond the inline bound (MEMBERS_INLINE_MAX), resolved by the worker page by page: every user of an
 * org unit (Directory users.list `query=orgUnitPath='…'`, its sub-units included, as Google matches it), every
 * member of another group (members.list), or a CSV file the worker reads (`file:/abs/path.csv`, one member per
 * line: `email[,role[,type]]`, an optional `email,role,type` header). `role` applies to org-unit and group
 * members (default MEMBER); a CSV row carries its own.
 */
export interface MembersFromV1 {
  /** Exactly one of orgUnit, group and csv. */
  orgUnit?: string;
  group?: string;
  csv?: string;
  role?: MemberRole;
}

export type AdminRoleAssigneeV1 = { type: 'group' } | { type: 'user'; email: string };
export type AdminRoleScopeV1 = { type: 'ORG_UNIT'; orgUnitPaths: string[] } | { type: 'CUSTOMER' };

export interface AdminRoleMembershipV1 {
  /** How long to wait for added members to become visible before assigning the role. */
  propagationTimeoutMinutes: number;
  pollSeconds: number;
  /** Members per activity: each batch is one retryable unit with per-member progress. */
  batchSize: number;
  /** Member pages per run before continuing as new (default MEMBER_PAGES_PER_RUN); tests set it low. */
  pagesPerRun?: number;
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
  /** Inline members, at most MEMBERS_INLINE_MAX (5,000); more go through `membersFrom`. */
  members: AdminRoleMemberV1[];
  /** Members by reference (an org unit, another group, a CSV file), added after the inline ones. */
  membersFrom?: MembersFromV1;
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
  /**
   * The inline members against the group. In the status query and the result the lists hold one page
   * (MEMBER_DETAIL_PAGE) and `counts` the totals; the inspection activity's own answer holds them all.
   */
  members: {
    toAdd: string[];
    present: string[];
    differs: { email: string; detail: string }[];
    counts?: { toAdd: number; present: number; differs: number };
  };
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

/** Where members by reference stand: read so far, the total when the source tells it, done when read to its end. */
export interface MemberSourceProgress {
  /** "orgUnit /Teachers", "group all@x", "csv file:/…". */
  source: string;
  read: number;
  total?: number;
  done: boolean;
  /** The next page's cursor (Google's pageToken, or the CSV's "byteOffset:row"); undefined before the first page. */
  cursor?: string;
}

export interface AdminRoleStatus {
  workflowId: string;
  mode: AdminRoleMode;
  customer: string;
  step: AdminRoleStep;
  state: 'running' | 'completed' | 'failed';
  steps: Record<string, AdminRoleStepState>;
  members: MemberCounts;
  /**
   * The first page (MEMBER_DETAIL_PAGE) of the members that could not be added; `members.failed` counts them all
   * and the `membersPage` query pages through them. The whole status stays under 256 KB at any size.
   */
  memberProblems: MemberProgress[];
  /** Members by reference, when the order has `membersFrom`. */
  membersFrom?: MemberSourceProgress;
  /** Member lists trimmed to one page, with their counts (see AdminRolePlan.members). */
  plan?: AdminRolePlan;
  /** `membersAdded` trimmed to one page; `membersAddedTotal` counts it, the result holds it all. */
  ledger: ProvisioningLedger;
  membersAddedTotal: number;
  error?: string;
}

/** `membersPage`: one page of a member list the status only counts. */
export interface MembersPageRequest {
  /** failed: the members not added (the first MEMBER_FAILURES_KEPT are kept); added: the inline members added. */
  list: 'failed' | 'added';
  offset?: number;
  /** At most MEMBER_PAGE_MAX (1,000). */
  limit?: number;
}

export interface MembersPage {
  list: 'failed' | 'added';
  offset: number;
  /** How many the list holds (failed: at most MEMBER_FAILURES_KEPT; `members.failed` counts them all). */
  total: number;
  items: MemberProgress[];
}

/**
 * What a run hands the next when it continues as new in the middle of adding members: everything decided
 * before (plan, group, ledger, steps) and where the members stand, so each run's history stays small.
 */
export interface AdminRoleCarry {
  plan: AdminRolePlan;
  group: { name?: string; id: string };
  steps: Record<string, AdminRoleStepState>;
  ledger: ProvisioningLedger;
  counts: Pick<MemberCounts, 'added' | 'alreadyPresent' | 'failed'>;
  failures: MemberProgress[];
  /** Inline members still to add, in order. */
  inlineLeft: string[];
  source?: MemberSourceProgress;
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
export const adminRoleMembersPageQuery = defineQuery<MembersPage, [MembersPageRequest]>('membersPage');
