import { heartbeating } from './activity-timeouts';
import { Progress } from './progress';
import { startedWith } from './identity';
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import {
  fillAdminRoleDefaults,
  MEMBER_DETAIL_PAGE,
  MEMBER_FAILURES_KEPT,
  MEMBER_PAGE_MAX,
  MEMBER_PAGES_PER_RUN,
  memberSourceLabel,
  trimPlanMembers,
} from '../rules/google-admin-roles-rules';
import * as text from '../rules/google-admin-roles-instructions';
import {
  adminRoleMembersPageQuery,
  adminRoleStatusQuery,
  type AdminRoleCarry,
  type AdminRoleInputV1,
  type AdminRolePlan,
  type AdminRoleRequestV1,
  type AdminRoleResult,
  type AdminRoleStatus,
  type AdminRoleStep,
  type MemberCounts,
  type MemberProgress,
  type MemberSourceProgress,
  type ProvisioningLedger,
} from '../contract/google-admin-roles-messages';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

// Google's rate limits are mostly 403 userRateLimitExceeded: the activities classify them as retryable,
// and this policy (not the HTTP library) owns the backoff, as Google recommends (1 s, 2 s, 4 s, …).
const RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 12 };
const READ = heartbeating({ startToCloseTimeout: '5 minutes', retry: RETRY });
const WRITE = heartbeating({ startToCloseTimeout: '1 minute', retry: RETRY });
/** Members: long batches that heartbeat their progress, so a retry resumes instead of starting over. */
const MEMBERS = heartbeating({
  startToCloseTimeout: '30 minutes',
  retry: { ...RETRY, maximumAttempts: 30 },
});

const acts = proxyActivities<OnrampActivities>(WRITE);

type StepKey = 'inspect' | 'source' | 'cycles' | 'group' | 'members' | 'propagation' | 'role' | 'assignments' | 'undo';

/**
 * One provisioning's state: what the status query reports and the steps below share. Members are counted, not
 * kept one by one (only the first MEMBER_FAILURES_KEPT failures are), so any size fits a run and its queries.
 */
interface Provisioning {
  request: AdminRoleRequestV1;
  input: AdminRoleInputV1;
  caller: Caller;
  progress: Progress<AdminRoleStep>;
  steps: AdminRoleStatus['steps'];
  counts: Pick<MemberCounts, 'added' | 'alreadyPresent' | 'failed'>;
  failures: MemberProgress[];
  /** Inline members the plan found missing and not yet added, in order. */
  inlineLeft: string[];
  /** membersFrom, once checked. */
  source?: MemberSourceProgress;
  /** Member pages (activities) in this run, for continue-as-new. */
  pages: number;
  ledger: ProvisioningLedger;
  plan?: AdminRolePlan;
}

type Group = { name?: string; id: string };

/**
 * Seed 003: a security group, its members, a custom admin role and its assignment to the group on the
 * chosen org units. `plan` inspects only; `undo` removes what an apply run's ledger says it created.
 */
export async function googleAdminRoleProvisioning(
  request: AdminRoleRequestV1,
  carry?: AdminRoleCarry
): Promise<AdminRoleResult> {
  const input = inputV1<AdminRoleInputV1>(
    request,
    fillAdminRoleDefaults,
    ['customer', 'adminEmail', 'serviceAccount', 'group', 'role'],
    'Google admin role provisioning input'
  );
  const p = openProvisioning(request, input, carry);
  if (input.mode === 'undo') return undo(p);
  // A continued run picks up the members where the last one stopped; everything before is decided.
  if (carry) return provision(p, carry.plan, carry.group);

  // Before any write: what exists, what is missing, what differs; the org unit IDs (the guide's step 4) too.
  const plan = await inspect(p);
  const sourceGroups = await checkMemberSource(p);
  if (input.mode === 'plan') return planned(p, plan);
  refuseConflicts(p, plan);
  await refuseMembershipCycles(p, plan, sourceGroups);
  // 1. Security group.
  const group = await createSecurityGroup(p, plan);
  return provision(p, plan, group);
}

/** Steps 2 to 5, from the members on: what a continued run resumes. */
async function provision(p: Provisioning, plan: AdminRolePlan, group: Group): Promise<AdminRoleResult> {
  // 2. Members, page by page (continuing as new); nested memberships must propagate before the role is granted.
  await addMembers(p, plan, group);
  await awaitMembershipPropagation(p, group.id);
  // 3. Custom admin role.
  const roleId = await createAdminRole(p, plan);
  // 5. Role assignments: one per org unit (IDs from step 4), or one for the customer.
  const assignmentIds = await assignRole(p, plan, roleId!, group.id);

  const members = memberCounts(p);
  p.progress.enter('done', 'completed', text.provisionedDetails(p.input, plan, members, roleId));
  return {
    mode: 'apply',
    plan: trimPlanMembers(plan),
    ledger: p.ledger,
    members,
    groupName: group.name,
    roleId,
    assignmentIds,
  };
}

/** The provisioning's state, its status query and its search attributes. */
function openProvisioning(request: AdminRoleRequestV1, input: AdminRoleInputV1, carry?: AdminRoleCarry): Provisioning {
  const { workflowId } = workflowInfo();
  const p: Provisioning = {
    request,
    input,
    caller: callerOf(input),
    progress: new Progress<AdminRoleStep>('validating'),
    steps: carry?.steps ?? {},
    counts: carry?.counts ?? { added: 0, alreadyPresent: 0, failed: 0 },
    failures: carry?.failures ?? [],
    inlineLeft: carry?.inlineLeft ?? [],
    source: carry?.source,
    pages: 0,
    plan: carry?.plan,
    ledger: carry?.ledger ??
      input.undo?.ledger ?? { groupCreated: false, membersAdded: [], roleCreated: false, assignmentIds: [] },
  };
  // Counts and one page of detail, whatever the size: the status stays far under Temporal's payload limits.
  setHandler(adminRoleStatusQuery, () => {
    const failed = p.progress.state === 'failed';
    return {
      workflowId,
      mode: input.mode,
      customer: input.customer.domain,
      step: p.progress.step,
      state: p.progress.state === 'waiting-for-operator' ? 'running' : p.progress.state,
      // A step still running when the onboarding failed is the one that failed.
      steps: Object.fromEntries(Object.entries(p.steps).map(([k, v]) => [k, failed && v === 'running' ? 'failed' : v])),
      members: memberCounts(p),
      memberProblems: p.failures.slice(0, MEMBER_DETAIL_PAGE),
      membersFrom: p.source,
      plan: p.plan && trimPlanMembers(p.plan),
      ledger: { ...p.ledger, membersAdded: p.ledger.membersAdded.slice(0, MEMBER_DETAIL_PAGE) },
      membersAddedTotal: p.ledger.membersAdded.length,
      error: p.progress.error,
    };
  });
  setHandler(adminRoleMembersPageQuery, ({ list, offset = 0, limit = MEMBER_DETAIL_PAGE }) => {
    if (list !== 'failed' && list !== 'added') throw new Error('membersPage: list must be "failed" or "added"');
    const from = Math.max(0, Math.floor(offset) || 0);
    const count = Math.min(Math.max(1, Math.floor(limit) || 1), MEMBER_PAGE_MAX);
    const items: MemberProgress[] =
      list === 'failed'
        ? p.failures.slice(from, from + count)
        : p.ledger.membersAdded.slice(from, from + count).map((email) => ({
            email,
            role: input.members.find((m) => m.email === email)?.role ?? 'MEMBER',
            outcome: 'added',
          }));
    const total = list === 'failed' ? p.failures.length : p.ledger.membersAdded.length;
    return { list, offset: from, total, items };
  });
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.domain) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleAdminRoleProvisioning },
  ]);
  return p;
}

/** Inline members plus those read from membersFrom (its total once known); pending is what is left. */
function memberCounts(p: Provisioning): MemberCounts {
  const fromSource = p.source ? Math.max(p.source.total ?? 0, p.source.read) : 0;
  const total = p.input.members.length + fromSource;
  const { added, alreadyPresent, failed } = p.counts;
  return { total, added, alreadyPresent, failed, pending: Math.max(0, total - added - alreadyPresent - failed) };
}

/** Count one member's outcome; keep the first MEMBER_FAILURES_KEPT failures for membersPage. */
function record(p: Provisioning, m: MemberProgress): void {
  if (m.outcome === 'added') p.counts.added++;
  else if (m.outcome === 'already-present') p.counts.alreadyPresent++;
  else if (m.outcome === 'failed') {
    p.counts.failed++;
    if (p.failures.length < MEMBER_FAILURES_KEPT) p.failures.push(m);
  }
}

/** Run one step's activity; a non-retryable failure (or retries run out) fails the onboarding with its message. */
async function runStep<T>(p: Provisioning, key: StepKey, body: () => Promise<T>): Promise<T> {
  p.steps[key] = 'running';
  try {
    return await body();
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    return p.progress.failAs({ message: (cause as Error).message, type }, FailureType.GoogleAdminRoleFailed);
  }
}

/** Read-only: compare the order's desired state with the tenant. */
async function inspect(p: Provisioning): Promise<AdminRolePlan> {
  const { input } = p;
  p.progress.enter('inspecting', 'running', text.inspectingDetails(input));
  const plan = await runStep(p, 'inspect', () =>
    acts.inspectAdminRoleTenant.executeWithOptions(
      { ...READ, summary: `Inspect ${input.customer.customerId}: what exists, what is missing, what differs` },
      [inspectionOf(input, p.caller)]
    )
  );
  p.plan = plan;
  p.steps.inspect = 'done';
  const roles = new Map(input.members.map((m) => [m.email, m.role]));
  for (const email of plan.members.present) record(p, { email, role: roles.get(email)!, outcome: 'already-present' });
  for (const d of plan.members.differs)
    record(p, {
      email: d.email,
      role: roles.get(d.email)!,
      outcome: 'failed',
      reason: `already a member: ${d.detail}`,
    });
  const absent = new Set(plan.members.toAdd);
  p.inlineLeft = input.members.filter((m) => absent.has(m.email)).map((m) => m.email);
  return plan;
}

/**
 * membersFrom, read-only: the reference exists and (a CSV) is well-formed, before anything is written; answers
 * its group-type members for the cycle check.
 */
async function checkMemberSource(p: Provisioning): Promise<string[]> {
  const from = p.input.membersFrom;
  if (!from) return [];
  const label = memberSourceLabel(from);
  p.progress.enter('inspecting', 'running', text.checkingSourceDetails(label));
  const r = await runStep(p, 'source', () =>
    acts.checkMembersSource.executeWithOptions({ ...READ, summary: `Check membersFrom: ${label}` }, [
      { caller: p.caller, source: from },
    ])
  );
  p.source = { source: label, read: 0, total: r.total, done: false };
  p.steps.source = 'done';
  return r.groups;
}

function planned(p: Provisioning, plan: AdminRolePlan): AdminRoleResult {
  p.progress.enter('done', 'completed', text.planDetails(plan));
  return {
    mode: 'plan',
    plan: trimPlanMembers(plan),
    ledger: p.ledger,
    members: memberCounts(p),
    assignmentIds: plan.assignments.present.map((a) => a.roleAssignmentId),
  };
}

/** Conflicts that will not heal: refuse before creating anything. */
function refuseConflicts(p: Provisioning, plan: AdminRolePlan): void {
  if (plan.group.state === 'differs')
    p.progress.fail(text.groupDiffersMessage(p.input, plan), FailureType.GoogleGroupNotSecurity);
  if (plan.role.state === 'differs')
    p.progress.fail(text.roleDiffersMessage(p.input, plan), FailureType.GoogleRoleDiffers);
}

/**
 * Nested groups that would close a membership cycle (B already contains this group, directly or through
 * other groups): Google refuses the insert, but only after the group and the other members were written.
 * Only an existing group can already be inside another one; a group created now cannot.
 */
async function refuseMembershipCycles(p: Provisioning, plan: AdminRolePlan, sourceGroups: string[]): Promise<void> {
  const { input } = p;
  const toAdd = new Set(plan.members.toAdd);
  const inline = input.members.filter((m) => m.type === 'GROUP' && toAdd.has(m.email)).map((m) => m.email);
  // Referenced members: only their groups can close a cycle (users never contain anything).
  const nested = [...new Set([...inline, ...sourceGroups])];
  const groupId = plan.group.state === 'present' ? plan.group.id : undefined;
  if (!groupId || !nested.length) return;
  p.progress.enter('inspecting', 'running', text.checkingCyclesDetails(nested.length));
  const { cycles } = await runStep(p, 'cycles', () =>
    acts.findGroupMembershipCycles.executeWithOptions(
      { ...READ, summary: `Check ${nested.length} nested group(s) for a cycle back to ${input.group.email}` },
      [{ caller: p.caller, group: { id: groupId, email: input.group.email }, memberGroups: nested }]
    )
  );
  if (cycles.length) p.progress.fail(text.cyclicMembershipMessage(input, cycles), FailureType.GoogleCyclicMembership);
  p.steps.cycles = 'done';
}

/** Step 1: the security group, unless the plan found it. */
async function createSecurityGroup(p: Provisioning, plan: AdminRolePlan): Promise<Group> {
  const { input } = p;
  let group = { name: plan.group.name, id: plan.group.id };
  if (plan.group.state === 'absent') {
    p.progress.enter('creating-group', 'running', text.creatingGroupDetails(input));
    const g = await runStep(p, 'group', () =>
      acts.ensureSecurityGroup.executeWithOptions({ ...WRITE, summary: `Create security group ${input.group.email}` }, [
        { caller: p.caller, group: input.group },
      ])
    );
    // The plan saw no group: whatever exists now (even "already-present" after a lost attempt) is ours.
    group = { name: g.name, id: g.id };
    p.ledger.groupCreated = true;
  }
  p.ledger.groupName = group.name;
  p.steps.group = plan.group.state === 'absent' ? 'done' : 'skipped';
  return { name: group.name, id: group.id! };
}

/**
 * Step 2: the inline members the plan found missing, then membersFrom, a page per activity (each resumable and
 * idempotent), continuing as new every few pages; any member refused fails the onboarding once all were tried.
 */
async function addMembers(p: Provisioning, plan: AdminRolePlan, group: Group): Promise<void> {
  const { input } = p;
  const size = input.membership.batchSize;
  if (p.inlineLeft.length) {
    p.progress.enter('adding-members', 'running', text.addingMembersDetails(input, p.inlineLeft.length));
    const specs = new Map(input.members.map((m) => [m.email, m]));
    while (p.inlineLeft.length) {
      const batch = p.inlineLeft.slice(0, size).map((e) => specs.get(e)!);
      const done = p.ledger.membersAdded.length + p.counts.alreadyPresent;
      const results = await runStep(p, 'members', () =>
        acts.addGroupMembers.executeWithOptions(
          { ...MEMBERS, summary: `Add ${batch.length} inline member(s) after ${done} to ${input.group.email}` },
          [{ caller: p.caller, groupKey: group.id, members: batch }]
        )
      );
      for (const r of results) {
        record(p, r);
        // The plan saw it absent: even "already present" (a lost attempt's insert) is ours.
        if (r.outcome !== 'failed') p.ledger.membersAdded.push(r.email);
      }
      p.inlineLeft = p.inlineLeft.slice(batch.length);
      await continueAsNewWhenLong(p, plan, group);
    }
  }
  while (p.source && !p.source.done) await addSourcePage(p, plan, group, p.source);
  if (p.counts.failed)
    p.progress.fail(text.membersFailedMessage(input, p.failures, p.counts.failed), FailureType.GoogleMembersFailed);
  p.steps.members = p.steps.members === 'running' ? 'done' : 'skipped';
}

/** One page of membersFrom: read and added by one activity, from the cursor the last page left. */
async function addSourcePage(p: Provisioning, plan: AdminRolePlan, group: Group, source: MemberSourceProgress) {
  const { input } = p;
  p.progress.enter('adding-members', 'running', text.addingSourceDetails(input, source.source, source.read));
  const r = await runStep(p, 'members', () =>
    acts.addMembersFromSource.executeWithOptions(
      { ...MEMBERS, summary: `Add members ${source.read + 1}… from ${source.source} to ${input.group.email}` },
      [
        {
          caller: p.caller,
          groupKey: group.id,
          source: input.membersFrom!,
          cursor: source.cursor,
          pageSize: input.membership.batchSize,
        },
      ]
    )
  );
  p.counts.added += r.added.length;
  p.counts.alreadyPresent += r.alreadyPresent;
  for (const f of r.failed) record(p, f);
  p.ledger.membersAddedByReference = (p.ledger.membersAddedByReference ?? 0) + r.added.length;
  p.source = { ...source, read: source.read + r.read, cursor: r.next, done: !r.next };
  await continueAsNewWhenLong(p, plan, group);
}

/** Keep each run's history small at any size: after a few member pages, continue as new with the state so far. */
async function continueAsNewWhenLong(p: Provisioning, plan: AdminRolePlan, group: Group): Promise<void> {
  const more = p.inlineLeft.length > 0 || (p.source !== undefined && !p.source.done);
  const pagesPerRun = p.input.membership.pagesPerRun ?? MEMBER_PAGES_PER_RUN;
  if (!more || (++p.pages < pagesPerRun && !workflowInfo().continueAsNewSuggested)) return;
  await continueAsNew<typeof googleAdminRoleProvisioning>(p.request, {
    plan: trimPlanMembers(plan),
    group,
    steps: p.steps,
    ledger: p.ledger,
    counts: p.counts,
    failures: p.failures,
    inlineLeft: p.inlineLeft,
    source: p.source,
  });
}

/** Nested memberships take up to 10 minutes to reach everything that reads them: wait before granting the role. */
async function awaitMembershipPropagation(p: Provisioning, groupId: string): Promise<void> {
  const { input, ledger } = p;
  if (input.assignee.type !== 'group' || !ledger.membersAdded.length) {
    p.steps.propagation = 'skipped';
    return;
  }
  p.progress.enter(
    'awaiting-membership-propagation',
    'running',
    text.awaitingPropagationDetails(ledger.membersAdded.length)
  );
  p.steps.propagation = 'running';
  const deadline = Date.now() + input.membership.propagationTimeoutMinutes * 60_000;
  for (;;) {
    const { missing } = await runStep(p, 'propagation', () =>
      acts.checkMembersVisible.executeWithOptions(
        { ...READ, summary: `Check that ${ledger.membersAdded.length} new member(s) are visible` },
        [{ caller: p.caller, groupKey: groupId, emails: ledger.membersAdded }]
      )
    );
    if (!missing.length) break;
    if (Date.now() >= deadline)
      p.progress.fail(text.notPropagatedMessage(input, missing), FailureType.GoogleMembershipNotPropagated);
    await sleep(input.membership.pollSeconds * 1000);
  }
  p.steps.propagation = 'done';
}

/** Step 3: the custom admin role with the privileges the plan resolved, unless the plan found it. */
async function createAdminRole(p: Provisioning, plan: AdminRolePlan): Promise<string | undefined> {
  const { input } = p;
  let roleId = plan.role.roleId;
  if (plan.role.state === 'absent') {
    p.progress.enter('creating-role', 'running', text.creatingRoleDetails(input));
    const r = await runStep(p, 'role', () =>
      acts.ensureAdminRole.executeWithOptions(
        { ...WRITE, summary: `Create role "${input.role.name}" (${input.role.privileges.join(', ')})` },
        [
          {
            caller: p.caller,
            role: { name: input.role.name, description: input.role.description, privileges: plan.privileges },
          },
        ]
      )
    );
    roleId = r.roleId;
    p.ledger.roleCreated = true;
    p.steps.role = 'done';
  } else p.steps.role = 'skipped';
  p.ledger.roleId = roleId;
  return roleId;
}

/** Step 5: one assignment per org unit the plan resolved (step 4), or one for the customer; returns them all. */
async function assignRole(p: Provisioning, plan: AdminRolePlan, roleId: string, groupId: string): Promise<string[]> {
  const { input } = p;
  const assigneeId = input.assignee.type === 'group' ? groupId : plan.assignee.id!;
  const assignmentIds = plan.assignments.present.map((a) => a.roleAssignmentId);
  const toAssign = plan.assignments.toCreate;
  if (!toAssign.length) {
    p.steps.assignments = 'skipped';
    return assignmentIds;
  }
  p.progress.enter('assigning-role', 'running', text.assigningRoleDetails(input, plan, toAssign));
  const created = await runStep(p, 'assignments', () =>
    Promise.all(
      toAssign.map((label) => {
        const ou = plan.orgUnits.find((u) => u.path === label);
        return acts.ensureRoleAssignment.executeWithOptions(
          { ...WRITE, summary: `Assign "${input.role.name}" to ${plan.assignee.email} on ${label}` },
          [
            {
              caller: p.caller,
              label,
              assignment: {
                roleId,
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
    p.ledger.assignmentIds.push(a.roleAssignmentId);
  }
  p.steps.assignments = 'done';
  return assignmentIds;
}

/** Remove what an apply run created, newest first. Every delete treats "already gone" as done. */
async function undo(p: Provisioning): Promise<AdminRoleResult> {
  const { input, ledger } = p;
  p.progress.enter('undoing', 'running', text.undoingDetails(ledger));
  await runStep(p, 'undo', () => undoWhatExists(input, ledger, p.caller));
  p.steps.undo = 'done';
  p.progress.enter('done', 'completed', text.UNDONE_DETAILS);
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
    members: memberCounts(p),
    assignmentIds: [],
  };
}

/**
 * One read-only inspection, then a delete for each ledger object that still exists (a second undo writes
 * nothing). Google refuses to delete an assigned role, so an assignment of the created role to the order's
 * assignee and scope that the ledger does not hold (the admin unassigned and assigned it again, or a drift
 * fix re-ran the provisioning outside this order) is removed too: it exists only for this role.
 */
async function undoWhatExists(input: AdminRoleInputV1, ledger: ProvisioningLedger, caller: Caller): Promise<void> {
  const plan = await acts.inspectAdminRoleTenant.executeWithOptions(
    { ...READ, summary: 'Look up what the provisioning created and still exists' },
    [inspectionOf(input, caller)]
  );
  const present = plan.assignments.present.map((a) => a.roleAssignmentId);
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
    // Deleting the group removes its memberships with it: removing them one by one first would only spend quota.
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
const callerOf = (input: AdminRoleInputV1) => ({
  customerId: input.customer.customerId,
  adminEmail: input.adminEmail,
  serviceAccount: input.serviceAccount,
});
type Caller = ReturnType<typeof callerOf>;

/** The order's whole desired state, as inspectAdminRoleTenant compares it with the tenant. */
const inspectionOf = (input: AdminRoleInputV1, caller: Caller) => ({
  caller,
  group: input.group,
  members: input.members,
  role: input.role,
  assignee: input.assignee,
  scope: input.scope,
});
