import { HEARTBEAT } from './activity-timeouts';
import { Progress } from './progress';
import { startedWith } from './identity';
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { fillAdminRoleDefaults, formatMemberFailures } from '../rules/google-admin-roles-rules';
import type {
  AdminRoleInput,
  AdminRoleInputV1,
  AdminRolePlan,
  AdminRoleRequest,
  AdminRoleResult,
  AdminRoleStatus,
  AdminRoleStep,
  MemberProgress,
  ProvisioningLedger,
} from '../domain/google-admin-roles-schema';
import { inputV1 } from './input';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampVendor,
  type OnboardingState,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

export const adminRoleStatusQuery = defineQuery<AdminRoleStatus>('status');

// Google's rate limits are mostly 403 userRateLimitExceeded: the activities classify them as retryable,
// and this policy (not the HTTP library) owns the backoff, as Google recommends (1 s, 2 s, 4 s, …).
const RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 12 };
const READ: ActivityOptions = { startToCloseTimeout: '5 minutes', heartbeatTimeout: HEARTBEAT, retry: RETRY };
const WRITE: ActivityOptions = { startToCloseTimeout: '1 minute', heartbeatTimeout: HEARTBEAT, retry: RETRY };
/** Members: long batches that heartbeat their progress, so a retry resumes instead of starting over. */
const MEMBERS: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { ...RETRY, maximumAttempts: 30 },
};

const acts = proxyActivities<OnrampActivities>(WRITE);

type StepKey = 'inspect' | 'cycles' | 'group' | 'members' | 'propagation' | 'role' | 'assignments' | 'undo';

/**
 * Issue 12: membership cycles through groups that already exist are looked for before the first write
 * (histories recorded before it have no such activity).
 */
export const CYCLE_CHECK_PATCH = 'google-admin-roles-cycle-check-before-write';
/** Undo looks first and deletes only what exists, including re-made assignments of the role it created. */
export const UNDO_LOOKUP_FIRST_PATCH = 'google-admin-roles-undo-lookup-first';

export async function googleAdminRoleProvisioning(request: AdminRoleRequest): Promise<AdminRoleResult> {
  const input: AdminRoleInputV1 = inputV1<AdminRoleInputV1>(
    request,
    fillAdminRoleDefaults,
    ['customer', 'adminEmail', 'serviceAccount', 'group', 'role'],
    'Google admin role provisioning input'
  );
  const { workflowId } = workflowInfo();
  const caller = callerOf(input);

  const tracker = new Progress<AdminRoleStep>('validating');
  let plan: AdminRolePlan | undefined;
  const steps: AdminRoleStatus['steps'] = {};
  const progress = new Map<string, MemberProgress>(
    input.members.map((m) => [m.email, { email: m.email, role: m.role, outcome: 'pending' }])
  );
  const ledger: ProvisioningLedger = input.undo?.ledger ?? {
    groupCreated: false,
    membersAdded: [],
    roleCreated: false,
    assignmentIds: [],
  };

  const memberCounts = () => {
    const all = [...progress.values()];
    const n = (o: MemberProgress['outcome']) => all.filter((p) => p.outcome === o).length;
    return {
      total: all.length,
      added: n('added'),
      alreadyPresent: n('already-present'),
      failed: n('failed'),
      pending: n('pending'),
    };
  };
  setHandler(adminRoleStatusQuery, () => ({
    workflowId,
    mode: input.mode,
    customer: input.customer.domain,
    step: tracker.step,
    state: tracker.state === 'waiting-for-operator' ? 'running' : tracker.state,
    steps,
    members: memberCounts(),
    memberProblems: [...progress.values()].filter((p) => p.outcome === 'failed'),
    plan,
    ledger,
    error: tracker.error,
  }));

  const enter = (s: AdminRoleStep, st: OnboardingState = 'running', details?: string) => tracker.enter(s, st, details);
  const fail = (message: string, type: string): never => {
    for (const [k, v] of Object.entries(steps)) if (v === 'running') steps[k] = 'failed';
    return tracker.fail(message, type);
  };
  /** Run one step's activity; a non-retryable failure (or retries run out) fails the onboarding with its message. */
  const run = async <T>(key: StepKey, p: () => Promise<T>): Promise<T> => {
    steps[key] = 'running';
    try {
      const r = await p();
      return r;
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const type =
        cause instanceof ApplicationFailure
          ? (cause.type ?? FailureType.GoogleAdminRoleFailed)
          : FailureType.GoogleAdminRoleFailed;
      return fail((cause as Error).message, type);
    }
  };

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.domain) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleAdminRoleProvisioning },
  ]);

  if (input.mode === 'undo') return undo(input, ledger, { enter, run, steps, memberCounts });

  enter(
    'inspecting',
    'running',
    `Inspecting ${input.customer.domain}: privileges, org units, group ${input.group.email}, role "${input.role.name}"`
  );
  plan = await run('inspect', () =>
    acts.inspectAdminRoleTenant.executeWithOptions(
      { ...READ, summary: `Inspect ${input.customer.customerId}: what exists, what is missing, what differs` },
      [inspectionOf(input, caller)]
    )
  );
  steps.inspect = 'done';
  for (const e of plan.members.present) progress.set(e, { ...progress.get(e)!, outcome: 'already-present' });
  for (const d of plan.members.differs)
    progress.set(d.email, { ...progress.get(d.email)!, outcome: 'failed', reason: `already a member: ${d.detail}` });

  if (input.mode === 'plan') {
    enter('done', 'completed', `**Plan (nothing written):**\n${plan.summary.map((l) => `- ${l}`).join('\n')}`);
    return {
      mode: 'plan',
      plan,
      ledger,
      members: memberCounts(),
      assignmentIds: plan.assignments.present.map((a) => a.roleAssignmentId),
    };
  }
  // Conflicts that will not heal: refuse before creating anything.
  if (plan.group.state === 'differs')
    fail(
      `group ${input.group.email} already exists but ${plan.group.differences.join('; ')}: it cannot hold an admin role. Make it a security group or choose another group email. Nothing was changed.`,
      FailureType.GoogleGroupNotSecurity
    );
  if (plan.role.state === 'differs')
    fail(
      `role "${input.role.name}" already exists but ${plan.role.differences.join('; ')}. Rename the role in the input or fix the existing one. Nothing was changed.`,
      FailureType.GoogleRoleDiffers
    );

  // Nested groups that would close a membership cycle (B already contains this group, directly or through
  // other groups): Google refuses the insert, but only after the group and the other members were written.
  // Only an existing group can already be inside another one; a group created now cannot.
  const toAddNow = new Set(plan.members.toAdd);
  const nestedToAdd = input.members.filter((m) => m.type === 'GROUP' && toAddNow.has(m.email)).map((m) => m.email);
  const existingGroup = plan.group.state === 'present' && plan.group.id ? { id: plan.group.id } : undefined;
  if (existingGroup && nestedToAdd.length && patched(CYCLE_CHECK_PATCH)) {
    enter('inspecting', 'running', `Checking ${nestedToAdd.length} nested group(s) for membership cycles`);
    const { cycles } = await run('cycles', () =>
      acts.findGroupMembershipCycles.executeWithOptions(
        { ...READ, summary: `Check ${nestedToAdd.length} nested group(s) for a cycle back to ${input.group.email}` },
        [{ caller, group: { id: existingGroup.id, email: input.group.email }, memberGroups: nestedToAdd }]
      )
    );
    if (cycles.length)
      fail(
        `cannot add ${cycles.map((c) => c.member).join(', ')} to ${input.group.email}: Cyclic memberships not allowed (${cycles
          .map((c) => `${c.member} already contains ${input.group.email}: ${c.path.join(' → ')}`)
          .join(
            '; '
          )}). Remove ${cycles.length === 1 ? 'it' : 'them'} from members, or take ${input.group.email} out of ${cycles.length === 1 ? 'that group' : 'those groups'}. Nothing was changed.`,
        FailureType.GoogleCyclicMembership
      );
    steps.cycles = 'done';
  }

  // 1. Security group.
  let groupName = plan.group.name;
  let groupId = plan.group.id;
  if (plan.group.state === 'absent') {
    enter('creating-group', 'running', `Creating security group ${input.group.email}`);
    const g = await run('group', () =>
      acts.ensureSecurityGroup.executeWithOptions({ ...WRITE, summary: `Create security group ${input.group.email}` }, [
        { caller, group: input.group },
      ])
    );
    // The plan saw no group: whatever exists now (even "already-present" after a lost attempt) is ours.
    groupName = g.name;
    groupId = g.id;
    ledger.groupCreated = true;
  }
  ledger.groupName = groupName;
  steps.group = plan.group.state === 'absent' ? 'done' : 'skipped';

  // 2. Members, in batches, each batch resumable.
  const absent = new Set(plan.members.toAdd);
  const toAdd = input.members.filter((m) => absent.has(m.email));
  if (toAdd.length) {
    enter('adding-members', 'running', `Adding ${toAdd.length} member(s) to ${input.group.email}`);
    const size = input.membership.batchSize;
    for (let i = 0; i < toAdd.length; i += size) {
      const batch = toAdd.slice(i, i + size);
      const results = await run('members', () =>
        acts.addGroupMembers.executeWithOptions(
          {
            ...MEMBERS,
            summary: `Add members ${i + 1}-${i + batch.length} of ${toAdd.length} to ${input.group.email}`,
          },
          [{ caller, groupKey: groupId!, members: batch }]
        )
      );
      for (const r of results) {
        progress.set(r.email, r);
        if (r.outcome !== 'failed') ledger.membersAdded.push(r.email);
      }
    }
  }
  const failed = [...progress.values()].filter((p) => p.outcome === 'failed');
  if (failed.length)
    fail(
      `${failed.length} member(s) could not be added to ${input.group.email}: ${formatMemberFailures(failed)}. Fix the input and start again: what exists is kept, nothing is added twice.`,
      FailureType.GoogleMembersFailed
    );
  steps.members = toAdd.length ? 'done' : 'skipped';

  // 3. Nested memberships take up to 10 minutes to reach everything that reads them: wait before granting the role.
  if (input.assignee.type === 'group' && ledger.membersAdded.length) {
    enter(
      'awaiting-membership-propagation',
      'running',
      `Waiting for ${ledger.membersAdded.length} new membership(s) to propagate`
    );
    steps.propagation = 'running';
    const deadline = Date.now() + input.membership.propagationTimeoutMinutes * 60_000;
    for (;;) {
      const { missing } = await run('propagation', () =>
        acts.checkMembersVisible.executeWithOptions(
          { ...READ, summary: `Check that ${ledger.membersAdded.length} new member(s) are visible` },
          [{ caller, groupKey: groupId!, emails: ledger.membersAdded }]
        )
      );
      if (!missing.length) break;
      if (Date.now() >= deadline) {
        fail(
          `${missing.length} new membership(s) of ${input.group.email} are still not visible after ${input.membership.propagationTimeoutMinutes} min (e.g. ${missing.slice(0, 5).join(', ')}). Start again later: nothing is added twice.`,
          FailureType.GoogleMembershipNotPropagated
        );
      }
      await sleep(input.membership.pollSeconds * 1000);
    }
    steps.propagation = 'done';
  } else steps.propagation = 'skipped';

  // 4. Custom role.
  let roleId = plan.role.roleId;
  if (plan.role.state === 'absent') {
    enter('creating-role', 'running', `Creating role "${input.role.name}"`);
    const r = await run('role', () =>
      acts.ensureAdminRole.executeWithOptions(
        { ...WRITE, summary: `Create role "${input.role.name}" (${input.role.privileges.join(', ')})` },
        [{ caller, role: { name: input.role.name, description: input.role.description, privileges: plan.privileges } }]
      )
    );
    roleId = r.roleId;
    ledger.roleCreated = true;
    steps.role = 'done';
  } else steps.role = 'skipped';
  ledger.roleId = roleId;

  // 5. Role assignments: one per org unit, or one for the customer.
  const assigneeId = input.assignee.type === 'group' ? groupId! : plan.assignee.id!;
  const assignmentIds = plan.assignments.present.map((a) => a.roleAssignmentId);
  const toAssign = plan.assignments.toCreate;
  if (toAssign.length) {
    enter(
      'assigning-role',
      'running',
      `Assigning "${input.role.name}" to ${plan.assignee.email} on ${toAssign.join(', ')}`
    );
    const created = await run('assignments', () =>
      Promise.all(
        toAssign.map((label) => {
          const ou = plan.orgUnits.find((u) => u.path === label);
          return acts.ensureRoleAssignment.executeWithOptions(
            { ...WRITE, summary: `Assign "${input.role.name}" to ${plan.assignee.email} on ${label}` },
            [
              {
                caller,
                label,
                assignment: {
                  roleId: roleId!,
                  assigneeId,
                  scopeType: ou ? 'ORG_UNIT' : 'CUSTOMER',
                  ...(ou ? { orgUnitId: ou.orgUnitId } : {}),
                },
              },
            ]
          );
        })
      )
    );
    for (const a of created) {
      assignmentIds.push(a.roleAssignmentId);
      ledger.assignmentIds.push(a.roleAssignmentId);
    }
    steps.assignments = 'done';
  } else steps.assignments = 'skipped';

  const m = memberCounts();
  enter(
    'done',
    'completed',
    `Group ${input.group.email} (${m.added} added, ${m.alreadyPresent} already present), role "${input.role.name}" (${roleId}) assigned on ${scopeLabels(input, plan).join(', ')}.`
  );
  return { mode: 'apply', plan, ledger, members: m, groupName, roleId, assignmentIds };
}

function scopeLabels(input: AdminRoleInput, plan: AdminRolePlan): string[] {
  return input.scope.type === 'CUSTOMER' ? ['CUSTOMER'] : plan.orgUnits.map((u) => u.path);
}

interface UndoContext {
  enter(s: AdminRoleStep, st?: OnboardingState, details?: string): void;
  run<T>(key: StepKey, p: () => Promise<T>): Promise<T>;
  steps: AdminRoleStatus['steps'];
  memberCounts(): AdminRoleResult['members'];
}

/**
 * The undo since UNDO_LOOKUP_FIRST_PATCH: one read-only inspection, then a delete for each ledger object that
 * still exists (a second undo writes nothing). Google refuses to delete an assigned role, so an assignment of
 * the created role to the order's assignee and scope that the ledger does not hold (the admin unassigned and
 * assigned it again, or a drift fix re-ran the provisioning outside this order) is removed too: it exists
 * only for this role.
 */
async function undoWhatExists(input: AdminRoleInput, ledger: ProvisioningLedger, caller: Caller): Promise<void> {
  const plan = await acts.inspectAdminRoleTenant.executeWithOptions(
    { ...READ, summary: 'Look up what the provisioning created and still exists' },
    [inspectionOf(input, caller)]
  );
  const present = plan.assignments.present.map((p) => p.roleAssignmentId);
  const ours = [...ledger.assignmentIds].reverse().filter((id) => present.includes(id));
  const remade = ledger.roleCreated ? present.filter((id) => !ledger.assignmentIds.includes(id)) : [];
  for (const id of [...ours, ...remade])
    await acts.deleteRoleAssignment.executeWithOptions(
      {
        ...WRITE,
        summary: `Delete role assignment ${id}${remade.includes(id) ? ' (made after the provisioning)' : ''}`,
      },
      [{ caller, roleAssignmentId: id }]
    );
  if (ledger.roleCreated && ledger.roleId && plan.role.state !== 'absent')
    await acts.deleteAdminRole.executeWithOptions({ ...WRITE, summary: `Delete role ${ledger.roleId}` }, [
      { caller, roleId: ledger.roleId },
    ]);
  if (ledger.groupCreated && ledger.groupName) {
    if (plan.group.state !== 'absent')
      await acts.deleteSecurityGroup.executeWithOptions({ ...WRITE, summary: `Delete group ${ledger.groupName}` }, [
        { caller, name: ledger.groupName },
      ]);
  } else if (ledger.groupName && ledger.membersAdded.length) {
    const still = ledger.membersAdded.filter(
      (e) => plan.members.present.includes(e) || plan.members.differs.some((d) => d.email === e)
    );
    if (still.length)
      await acts.removeGroupMembers.executeWithOptions(
        { ...MEMBERS, summary: `Remove ${still.length} member(s) this onboarding added` },
        [{ caller, groupKey: ledger.groupName.replace(/^groups\//, ''), emails: still }]
      );
  }
}

/** Who the activities act as: the customer's admin, through the vendor's service account. */
const callerOf = (input: AdminRoleInput) => ({
  customerId: input.customer.customerId,
  adminEmail: input.adminEmail,
  serviceAccount: input.serviceAccount,
});
type Caller = ReturnType<typeof callerOf>;

/** The order's whole desired state, as inspectAdminRoleTenant compares it with the tenant. */
const inspectionOf = (input: AdminRoleInput, caller: Caller) => ({
  caller,
  group: input.group,
  members: input.members,
  role: input.role,
  assignee: input.assignee,
  scope: input.scope,
});

/** Remove what an apply run created, newest first. Every delete treats "already gone" as done. */
async function undo(input: AdminRoleInput, ledger: ProvisioningLedger, ctx: UndoContext): Promise<AdminRoleResult> {
  const caller = callerOf(input);
  ctx.enter(
    'undoing',
    'running',
    `Undoing: ${ledger.assignmentIds.length} assignment(s), ${ledger.roleCreated ? 'the role, ' : ''}${ledger.groupCreated ? 'the group' : `${ledger.membersAdded.length} membership(s)`}`
  );
  await ctx.run('undo', async () => {
    if (patched(UNDO_LOOKUP_FIRST_PATCH)) return undoWhatExists(input, ledger, caller);
    for (const id of [...ledger.assignmentIds].reverse()) {
      await acts.deleteRoleAssignment.executeWithOptions({ ...WRITE, summary: `Delete role assignment ${id}` }, [
        { caller, roleAssignmentId: id },
      ]);
    }
    if (ledger.roleCreated && ledger.roleId) {
      await acts.deleteAdminRole.executeWithOptions({ ...WRITE, summary: `Delete role ${ledger.roleId}` }, [
        { caller, roleId: ledger.roleId },
      ]);
    }
    if (ledger.groupCreated && ledger.groupName) {
      // Deleting the group removes its memberships with it: removing them one by one first would only spend quota.
      await acts.deleteSecurityGroup.executeWithOptions({ ...WRITE, summary: `Delete group ${ledger.groupName}` }, [
        { caller, name: ledger.groupName },
      ]);
    } else if (ledger.groupName && ledger.membersAdded.length) {
      await acts.removeGroupMembers.executeWithOptions(
        { ...MEMBERS, summary: `Remove ${ledger.membersAdded.length} member(s) this onboarding added` },
        [{ caller, groupKey: ledger.groupName.replace(/^groups\//, ''), emails: ledger.membersAdded }]
      );
    }
  });
  ctx.steps.undo = 'done';
  ctx.enter('done', 'completed', 'Undone: everything this onboarding created was removed.');
  return {
    mode: 'undo',
    plan: {
      privileges: [],
      orgUnits: [],
      group: { state: 'absent', differences: [] },
      members: { toAdd: [], present: [], differs: [] },
      role: { state: 'absent', differences: [] },
      assignee: { type: input.assignee.type, email: input.group.email },
      assignments: { toCreate: [], present: [] },
      summary: [],
    },
    ledger,
    members: ctx.memberCounts(),
    assignmentIds: [],
  };
}
