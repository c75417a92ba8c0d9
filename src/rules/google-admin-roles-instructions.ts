import type {
  AdminRoleInputV1,
  AdminRolePlan,
  MemberCounts,
  MemberProgress,
  ProvisioningLedger,
} from '../contract/google-admin-roles-messages';

/**
 * What googleAdminRoleProvisioning (seed 003) tells the operator: the Web UI's current details and the
 * failure messages, each saying what to fix, in one place.
 */

/** "a@x (reason); b@y (reason)", at most `max` of them, for failure messages. */
export function formatMemberFailures(failed: MemberProgress[], max = 10, count = failed.length): string {
  const shown = failed.slice(0, max).map((f) => `${f.email} (${f.reason ?? 'failed'})`);
  return (
    shown.join('; ') +
    (count > shown.length
      ? `; and ${count - shown.length} more (the status query's membersPage, or onramp status <id> --members)`
      : '')
  );
}

export function inspectingDetails(input: AdminRoleInputV1): string {
  return `Inspecting ${input.customer.domain}: privileges, org units, group ${input.group.email}, role "${input.role.name}"`;
}

export function planDetails(plan: AdminRolePlan): string {
  return `**Plan (nothing written):**\n${plan.summary.map((l) => `- ${l}`).join('\n')}`;
}

export function groupDiffersMessage(input: AdminRoleInputV1, plan: AdminRolePlan): string {
  return `group ${input.group.email} already exists but ${plan.group.differences.join('; ')}: it cannot hold an admin role. Make it a security group or choose another group email. Nothing was changed.`;
}

export function roleDiffersMessage(input: AdminRoleInputV1, plan: AdminRolePlan): string {
  return `role "${input.role.name}" already exists but ${plan.role.differences.join('; ')}. Rename the role in the input or fix the existing one. Nothing was changed.`;
}

export function checkingCyclesDetails(nestedGroups: number): string {
  return `Checking ${nestedGroups} nested group(s) for membership cycles`;
}

export function cyclicMembershipMessage(input: AdminRoleInputV1, cycles: { member: string; path: string[] }[]): string {
  const group = input.group.email;
  const found = cycles.map((c) => `${c.member} already contains ${group}: ${c.path.join(' → ')}`).join('; ');
  const one = cycles.length === 1;
  return `cannot add ${cycles.map((c) => c.member).join(', ')} to ${group}: Cyclic memberships not allowed (${found}). Remove ${one ? 'it' : 'them'} from members, or take ${group} out of ${one ? 'that group' : 'those groups'}. Nothing was changed.`;
}

export function creatingGroupDetails(input: AdminRoleInputV1): string {
  return `Creating security group ${input.group.email}`;
}

export function addingMembersDetails(input: AdminRoleInputV1, count: number): string {
  return `Adding ${count} member(s) to ${input.group.email}`;
}

export function membersFailedMessage(input: AdminRoleInputV1, failed: MemberProgress[], count = failed.length): string {
  return `${count} member(s) could not be added to ${input.group.email}: ${formatMemberFailures(failed, 10, count)}. Fix the input and start again: what exists is kept, nothing is added twice.`;
}

export function checkingSourceDetails(source: string): string {
  return `Checking membersFrom: ${source}`;
}

export function addingSourceDetails(input: AdminRoleInputV1, source: string, read: number): string {
  return `Adding members from ${source} to ${input.group.email} (${read} read so far)`;
}

export function awaitingPropagationDetails(added: number): string {
  return `Waiting for ${added} new membership(s) to propagate`;
}

export function notPropagatedMessage(input: AdminRoleInputV1, missing: string[]): string {
  return `${missing.length} new membership(s) of ${input.group.email} are still not visible after ${input.membership.propagationTimeoutMinutes} min (e.g. ${missing.slice(0, 5).join(', ')}). Start again later: nothing is added twice.`;
}

export function creatingRoleDetails(input: AdminRoleInputV1): string {
  return `Creating role "${input.role.name}"`;
}

export function assigningRoleDetails(input: AdminRoleInputV1, plan: AdminRolePlan, scopes: string[]): string {
  return `Assigning "${input.role.name}" to ${plan.assignee.email} on ${scopes.join(', ')}`;
}

export function provisionedDetails(
  input: AdminRoleInputV1,
  plan: AdminRolePlan,
  members: MemberCounts,
  roleId: string | undefined
): string {
  const scopes = input.scope.type === 'CUSTOMER' ? ['CUSTOMER'] : plan.orgUnits.map((u) => u.path);
  return `Group ${input.group.email} (${members.added} added, ${members.alreadyPresent} already present), role "${input.role.name}" (${roleId}) assigned on ${scopes.join(', ')}.`;
}

export function undoingDetails(ledger: ProvisioningLedger): string {
  const byReference = ledger.membersAddedByReference
    ? ` (the ${ledger.membersAddedByReference} added from membersFrom stay: remove them in the Admin console if needed)`
    : '';
  return `Undoing: ${ledger.assignmentIds.length} assignment(s), ${ledger.roleCreated ? 'the role, ' : ''}${ledger.groupCreated ? 'the group' : `${ledger.membersAdded.length} membership(s)${byReference}`}`;
}

export const UNDONE_DETAILS = 'Undone: everything this onboarding created was removed.';
