import type { AdminRolePlan, MemberRole, MembersFromV1 } from '../contract/google-admin-roles-messages';
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

/**
 * Inline members per order (docs/integrations/google-admin-roles.md): 5,000 at ~40 bytes each keep the order well
 * under the intake's 256 KiB and every payload far from Temporal's limits; more go through `membersFrom`.
 */
export const MEMBERS_INLINE_MAX = 5000;
/** Members listed in the status query and the result (the rest are counted, and paged by `membersPage`). */
export const MEMBER_DETAIL_PAGE = 100;
/** Failed members kept for `membersPage` (beyond it only counted). */
export const MEMBER_FAILURES_KEPT = 1000;
/** The most a `membersPage` query answers at once. */
export const MEMBER_PAGE_MAX = 1000;
/** Member pages (activities) per run before continuing as new. */
export const MEMBER_PAGES_PER_RUN = 20;

/** "orgUnit /Teachers", "group all@x", "csv file:/…": how status and messages name a member reference. */
export function memberSourceLabel(from: MembersFromV1): string {
  if (from.orgUnit !== undefined) return `orgUnit ${from.orgUnit}`;
  if (from.group !== undefined) return `group ${from.group}`;
  return `csv ${from.csv}`;
}

export type CsvMemberRow = { member: { email: string; role: MemberRole; type: 'USER' | 'GROUP' } } | { error: string };

const CSV_EMAIL = /^[^\s@,"]+@[^\s@,"]+\.[^\s@,"]+$/;

/**
 * One line of a members CSV (`email[,role[,type]]`, optional double quotes around a field): the member, an
 * error naming what to fix, or undefined for a blank line or the `email,…` header.
 */
export function parseMemberCsvLine(line: string): CsvMemberRow | undefined {
  const fields = line.split(',').map((f) =>
    f
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
  );
  if (fields.every((f) => f === '')) return undefined;
  if (fields[0]!.toLowerCase() === 'email') return undefined;
  if (fields.length > 3) return { error: `${fields.length} columns, expected email[,role[,type]]` };
  const [email = '', role = '', type = ''] = fields;
  if (!CSV_EMAIL.test(email)) return { error: `"${email.slice(0, 80)}" is not an email address` };
  const r = (role || 'MEMBER').toUpperCase();
  if (!(MEMBER_ROLES as readonly string[]).includes(r))
    return { error: `role "${role.slice(0, 40)}" must be MEMBER, MANAGER or OWNER` };
  const t = (type || 'USER').toUpperCase();
  if (t !== 'USER' && t !== 'GROUP') return { error: `type "${type.slice(0, 40)}" must be USER or GROUP` };
  if (t === 'GROUP' && r !== 'MEMBER') return { error: 'a group can only be added with role MEMBER' };
  return { member: { email: email.toLowerCase(), role: r as MemberRole, type: t } };
}

/** The plan with its member lists cut to one page and their sizes in `counts`: what status and result carry. */
export function trimPlanMembers(plan: AdminRolePlan, page = MEMBER_DETAIL_PAGE): AdminRolePlan {
  const m = plan.members;
  return {
    ...plan,
    members: {
      toAdd: m.toAdd.slice(0, page),
      present: m.present.slice(0, page),
      differs: m.differs.slice(0, page),
      counts: m.counts ?? { toAdd: m.toAdd.length, present: m.present.length, differs: m.differs.length },
    },
  };
}
