import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OnrampActivities } from '../src/activities';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { adminRoleStatusQuery, type AdminRoleResult } from '../src/contract/google-admin-roles-messages';
import { CLASSROOM_SERVICE_ID, SECURITY_LABEL, DISCUSSION_LABEL } from '../src/simulators/google/directory-state';
import { OnrampIntegration, OnrampState } from '../src/contract/search-attributes';
import { loadServiceAccountKey, mintDelegatedToken } from '../src/activities/google/token';
import { failureOf, googleAdminFixture, startProvisioning, type GoogleAdminFixture } from './helpers/google-admin';
import { failureOf as integrationFailureOf, integration, type Integration } from './helpers/integration';
import { FailureType } from '../src/contract/failure-types';

const SECURITY_LABELS = { [SECURITY_LABEL]: '', [DISCUSSION_LABEL]: '' };

describe('googleAdminRoleProvisioning (real Temporal server + Google simulator over HTTP)', () => {
  let stack: Integration;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let taskQueue: string;
  /** One worker process = one quota limiter: every worker of this file shares it, as they share the admin's quota. */
  let activities: OnrampActivities;

  before(async () => {
    stack = await integration();
    env = stack.env;
    // Tight Directory quota (400 per 5 s) so pacing is really exercised. The worker's limiter admits 360 per
    // 5 s counted when a request leaves, with no guard: the simulator counts arrivals, and a request that
    // arrives in a later window than it left in is one still in flight at that window's start. At most 20
    // member calls are in flight per activity (memberConcurrency), 40 if a timed-out attempt still runs
    // beside its retry, so no simulator window sees more than 360 + 40 whatever the machine's stalls: no
    // timing margin (the old 300 ms guard) is relied on.
    g = await googleAdminFixture({ directoryQuota: { limit: 400, windowMs: 5000 } });
    activities = g.activities({ directoryQuota: { limit: 360, windowMs: 5000, guardMs: 0 }, memberConcurrency: 20 });
    ({ taskQueue } = await stack.worker(activities, 'admin-roles'));
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  it('provisions the Classroom analytics role on two org units, then a re-run creates nothing', async () => {
    const users = g.users('analyst', 4);
    const handle = await startProvisioning(env.client, taskQueue, {
      ...g.request('analytics'),
      // Without the "C": normalised once, Cloud Identity gets customers/C….
      customer: { domain: g.domain, customerId: g.customerId.slice(1) },
      members: [...users.map((email) => ({ email })), { email: g.admin, role: 'MANAGER' }],
    });
    const result = await handle.result();
    const dir = g.sim.directory;
    const group = dir.groupByKey(`analytics@${g.domain}`, true)!;
    assert.ok(dir.isSecurityGroup(group), 'created as a security group');
    assert.equal(dir.members.get(group.id)!.size, 5);
    assert.equal(dir.members.get(group.id)!.get(g.admin)!.role, 'MANAGER');
    const role = dir.roles.get(result.roleId!)!;
    assert.deepEqual(role.rolePrivileges, [
      { privilegeName: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: CLASSROOM_SERVICE_ID },
    ]);
    const assignments = [...dir.assignments.values()].filter((a) => a.roleId === role.roleId);
    assert.deepEqual(
      assignments.map((a) => a.orgUnitId).sort(),
      [dir.orgUnits.get('/Students'), dir.orgUnits.get('/Teachers')].sort()
    );
    assert.ok(
      assignments.every((a) => a.assignedTo === group.id && a.assigneeType === 'GROUP' && a.scopeType === 'ORG_UNIT')
    );
    assert.deepEqual(result.ledger, {
      groupCreated: true,
      groupName: `groups/${group.id}`,
      membersAdded: [...users, g.admin],
      roleCreated: true,
      roleId: role.roleId,
      assignmentIds: result.assignmentIds,
    });
    const status = await handle.query(adminRoleStatusQuery);
    assert.equal(status.state, 'completed');
    assert.deepEqual(status.members, { total: 5, added: 5, alreadyPresent: 0, failed: 0, pending: 0 });
    const desc = await handle.describe();
    assert.equal(desc.typedSearchAttributes.get(OnrampState), 'completed');
    assert.equal(desc.typedSearchAttributes.get(OnrampIntegration), 'google-admin-roles');

    const before = g.writes();
    const again = await (
      await startProvisioning(env.client, taskQueue, {
        ...g.request('analytics'),
        members: [...users.map((email) => ({ email })), { email: g.admin, role: 'MANAGER' }],
      })
    ).result();
    assert.deepEqual(g.writes(), before, 'the re-run wrote nothing');
    assert.deepEqual(again.ledger, {
      groupCreated: false,
      groupName: `groups/${group.id}`,
      membersAdded: [],
      roleCreated: false,
      roleId: role.roleId,
      assignmentIds: [],
    });
    assert.equal(again.members.alreadyPresent, 5);
    assert.deepEqual(again.assignmentIds.sort(), result.assignmentIds.sort());
  });

  it('provisions temporary class access (a child privilege) for one user at customer scope, through eventual consistency and rate limits', async () => {
    const [teacher] = g.users('lead-teacher', 1);
    const members = g.users('oversight', 3).map((email) => ({ email }));
    g.sim.directory.opts.groupVisibilityDelayMs = 1500;
    const throttle = g.sim.faults.add({
      method: 'POST',
      path: /\/members$/,
      status: 403,
      times: 2,
      body: {
        error: {
          code: 403,
          message: 'Quota exceeded',
          errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }],
        },
      },
    });
    const tooMany = g.sim.faults.add({
      method: 'POST',
      path: /\/roleassignments$/,
      status: 429,
      times: 1,
      retryAfterSeconds: 1,
      body: { error: { code: 429, message: 'Too many requests', errors: [{ reason: 'rateLimitExceeded' }] } },
    });
    try {
      const result = await (
        await startProvisioning(env.client, taskQueue, {
          ...g.request('oversight', {
            role: { name: 'Education Admin oversight', privileges: ['ADMIN_OVERSIGHT_MANAGE_CLASSES'] },
            assignee: { type: 'user', email: teacher! },
            scope: { type: 'CUSTOMER' },
          }),
          members,
        })
      ).result();
      assert.equal(g.sim.faults.fired(throttle), 2, 'two 403 userRateLimitExceeded were answered and retried');
      assert.equal(g.sim.faults.fired(tooMany), 1, 'the 429 was answered and retried');
      const role = g.sim.directory.roles.get(result.roleId!)!;
      assert.deepEqual(role.rolePrivileges, [
        { privilegeName: 'ADMIN_OVERSIGHT_MANAGE_CLASSES', serviceId: CLASSROOM_SERVICE_ID },
      ]);
      const [assignment] = [...g.sim.directory.assignments.values()].filter((a) => a.roleId === role.roleId);
      assert.equal(assignment?.assignedTo, g.sim.directory.userId(teacher!));
      assert.equal(assignment?.scopeType, 'CUSTOMER');
      assert.equal(result.members.added, 3);
    } finally {
      g.sim.directory.opts.groupVisibilityDelayMs = 0;
      g.sim.faults.clear();
    }
  });

  it('survives a lost completion (worker crash) after every side-effecting step without duplicates', async () => {
    const real = activities;
    const crashed = new Map<string, number>();
    // The vendor call succeeds, then the worker "dies" before reporting: Temporal retries the activity.
    const crashAfter = <K extends keyof OnrampActivities>(name: K): OnrampActivities[K] =>
      (async (...args: unknown[]) => {
        const r = await (real[name] as (...a: unknown[]) => Promise<unknown>)(...args);
        if (!crashed.has(name)) {
          crashed.set(name, 1);
          throw ApplicationFailure.retryable(`simulated crash after ${name}`, 'SimulatedCrash');
        }
        return r;
      }) as OnrampActivities[K];
    const { taskQueue: queue } = await stack.worker(
      {
        ...real,
        ensureSecurityGroup: crashAfter('ensureSecurityGroup'),
        addGroupMembers: crashAfter('addGroupMembers'),
        ensureAdminRole: crashAfter('ensureAdminRole'),
        ensureRoleAssignment: crashAfter('ensureRoleAssignment'),
      },
      'admin-roles-crash'
    );
    const members = g.users('crash', 30).map((email) => ({ email }));
    const before = g.writes();
    const result = await (await startProvisioning(env.client, queue, { ...g.request('crashy'), members })).result();
    assert.deepEqual([...crashed.keys()].sort(), [
      'addGroupMembers',
      'ensureAdminRole',
      'ensureRoleAssignment',
      'ensureSecurityGroup',
    ]);
    const after = g.writes();
    const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    assert.equal(delta('group.create'), 1);
    assert.equal(delta('member.insert'), 30);
    assert.equal(delta('role.insert'), 1);
    assert.equal(delta('assignment.insert'), 2);
    // The ledger still knows what this onboarding created, so undo can remove it.
    assert.equal(result.ledger.groupCreated, true);
    assert.equal(result.ledger.roleCreated, true);
    assert.equal(result.ledger.membersAdded.length, 30);
    assert.equal(result.ledger.assignmentIds.length, 2);
  });

  it('adds 1,000 members under the Directory quota without a single quota error', async () => {
    const members = g.users('student', 1000).map((email) => ({ email }));
    const errorsBefore = g.sim.directory.quotaErrors;
    const result = await (await startProvisioning(env.client, taskQueue, { ...g.request('bulk'), members })).result();
    assert.equal(g.sim.directory.quotaErrors - errorsBefore, 0, 'the simulator never answered userRateLimitExceeded');
    assert.equal(result.members.added, 1000);
    const group = g.sim.directory.groupByKey(`bulk@${g.domain}`)!;
    assert.equal(g.sim.directory.members.get(group.id)!.size, 1000);
  });

  it('fails with a clear message on a membership cycle', async () => {
    const dir = g.sim.directory;
    const outer = dir.createGroup(`outer@${g.domain}`, 'Outer', '', SECURITY_LABELS);
    const inner = dir.createGroup(`inner@${g.domain}`, 'Inner', '', SECURITY_LABELS);
    dir.addMember(outer.id, inner.email, 'MEMBER', 'GROUP', inner.id);
    const handle = await startProvisioning(env.client, taskQueue, {
      ...g.request('inner'),
      members: [{ email: outer.email, type: 'GROUP' }],
    });
    assert.match(await failureOf(handle), /Cyclic memberships not allowed.*Remove it from members/);
    assert.equal((await handle.query(adminRoleStatusQuery)).state, 'failed');
  });

  it('finds a membership cycle through groups that already exist before its first write (issue 12)', async () => {
    // Seeded as the customer admin would, through the simulator's admin API: the order's group A exists,
    // B contains C, C contains A. The order adds a user and B to A: A → B → C → A.
    const admin = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${g.url}/_admin${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
      return JSON.parse(text) as Record<string, number>;
    };
    const [teacher] = g.users('cycle-teacher', 1);
    const a = `cycle-a@${g.domain}`;
    const b = `cycle-b@${g.domain}`;
    const c = `cycle-c@${g.domain}`;
    await admin('POST', '/groups', { email: a, displayName: 'Group cycle-a' });
    await admin('POST', '/groups', { email: c, members: [{ email: a, type: 'GROUP' }] });
    await admin('POST', '/groups', { email: b, members: [{ email: c, type: 'GROUP' }] });
    const before = await admin('GET', '/directory-writes');

    const handle = await startProvisioning(env.client, taskQueue, {
      ...g.request('cycle-a'),
      members: [{ email: teacher! }, { email: b, type: 'GROUP' }],
    });
    const failure = await integrationFailureOf(handle);
    assert.equal(failure.type, FailureType.GoogleCyclicMembership);
    const cause = failure.error.cause;
    assert.ok(cause instanceof ApplicationFailure && cause.nonRetryable, 'a non-retryable failure');
    assert.match(failure.message, new RegExp(`cannot add ${b} to ${a}: Cyclic memberships not allowed`));
    assert.match(failure.message, new RegExp(`${a} → ${b} → ${c} → ${a}`));
    assert.match(failure.message, /Nothing was changed/);
    assert.deepEqual(await admin('GET', '/directory-writes'), before, 'the simulator saw no write');
    const status = await handle.query(adminRoleStatusQuery);
    assert.equal(status.state, 'failed');
    assert.equal(status.steps.cycles, 'failed');
    assert.equal(status.steps.group, undefined, 'no group or member step ran');
  });

  it('refuses unknown privileges, unknown org units, conflicting objects and missing scopes before creating anything', async () => {
    const dir = g.sim.directory;
    dir.createGroup(`mailing@${g.domain}`, 'Mailing list', '', { [DISCUSSION_LABEL]: '' });
    dir.roles.set('77', {
      roleId: '77',
      roleName: 'Education Admin clash',
      roleDescription: '',
      rolePrivileges: [{ privilegeName: 'USERS_RETRIEVE', serviceId: '00haapch16h1ysv' }],
      isSystemRole: false,
      isSuperAdminRole: false,
    });
    const before = g.writes();
    const typo = await startProvisioning(
      env.client,
      taskQueue,
      g.request('typo', { role: { name: 'Typo', privileges: ['EDU_ANALYTICS_DATA_ACCES'] } })
    );
    assert.match(
      await failureOf(typo),
      /unknown privilege\(s\) EDU_ANALYTICS_DATA_ACCES \(did you mean EDU_ANALYTICS_DATA_ACCESS/
    );
    const ou = await startProvisioning(
      env.client,
      taskQueue,
      g.request('ou', { scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Techers'] } })
    );
    assert.match(await failureOf(ou), /no org unit \/Techers.*Existing: .*\/Teachers/);

    const notSecurity = await startProvisioning(env.client, taskQueue, g.request('mailing'));
    assert.match(await failureOf(notSecurity), /mailing@.* not a security group.*Nothing was changed/);
    const clash = await startProvisioning(env.client, taskQueue, g.request('clash'));
    assert.match(
      await failureOf(clash),
      /role "Education Admin clash" already exists but lacks EDU_ANALYTICS_DATA_ACCESS; also grants USERS_RETRIEVE/
    );
    assert.deepEqual(g.writes(), before, 'nothing was created');

    g.grant([ADMIN_ROLE_SCOPES.groups, ADMIN_ROLE_SCOPES.members, ADMIN_ROLE_SCOPES.orgUnits]);
    try {
      // A fresh admin, so no access token minted before the grant changed is reused.
      const [otherAdmin] = g.users('other-admin', 1);
      const noScope = await startProvisioning(env.client, taskQueue, g.request('noscope', { adminEmail: otherAdmin }));
      assert.match(
        await failureOf(noScope),
        /not authorised for .*admin\.directory\.rolemanagement.*googleDelegationOnboarding/
      );
    } finally {
      g.grant();
    }
    // Entry points refuse bad input before anything starts, naming each field.
    await assert.rejects(
      startProvisioning(env.client, taskQueue, {
        ...g.request('invalid', { customer: { domain: g.domain, customerId: 'my_customer' } }),
        members: [{ email: `x@${g.domain}`, type: 'GROUP', role: 'OWNER' }],
      }),
      /customer\.customerId: must be the Google customer ID[\s\S]*members\.0\.role: a group can only be added with role MEMBER/
    );
  });

  it('plans a half-provisioned tenant without writing anything', async () => {
    const dir = g.sim.directory;
    const [a, b, c] = g.users('half', 3);
    const group = dir.createGroup(`half@${g.domain}`, 'Group half', '', SECURITY_LABELS);
    dir.addMember(group.id, a!, 'MEMBER', 'USER', dir.userId(a!));
    dir.addMember(group.id, b!, 'OWNER', 'USER', dir.userId(b!));
    const before = g.writes();
    const handle = await startProvisioning(env.client, taskQueue, {
      ...g.request('half', { mode: 'plan' }),
      members: [{ email: a! }, { email: b! }, { email: c! }],
    });
    const { plan }: AdminRoleResult = await handle.result();
    assert.deepEqual(g.writes(), before, 'plan mode wrote nothing');
    assert.equal(plan.group.state, 'present');
    assert.deepEqual(plan.members, {
      toAdd: [c],
      present: [a],
      differs: [{ email: b, detail: 'is OWNER, wanted MEMBER' }],
      counts: { toAdd: 1, present: 1, differs: 1 },
    });
    assert.equal(plan.role.state, 'absent');
    assert.deepEqual(plan.assignments.toCreate, ['/Students', '/Teachers']);
    assert.deepEqual(plan.privileges, [{ name: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: CLASSROOM_SERVICE_ID }]);
    assert.match(
      plan.summary.join('\n'),
      /group half@.* exists[\s\S]*add 1 member\(s\); 1 already present; 1 with another role[\s\S]*create role/
    );
    assert.equal((await handle.query(adminRoleStatusQuery)).plan?.group.state, 'present');
  });

  it('undoes what it created, in reverse order, idempotently, and leaves what existed before', async () => {
    const dir = g.sim.directory;
    const existing = dir.createGroup(`undo-pre@${g.domain}`, 'Pre-existing', '', SECURITY_LABELS);
    const [kept] = g.users('kept', 1);
    dir.addMember(existing.id, kept!, 'MEMBER', 'USER', dir.userId(kept!));
    const added = g.users('undo', 3);
    const request = { ...g.request('undo-pre'), members: [{ email: kept! }, ...added.map((email) => ({ email }))] };
    const applied = await (await startProvisioning(env.client, taskQueue, request)).result();
    assert.equal(applied.ledger.groupCreated, false);
    assert.deepEqual(applied.ledger.membersAdded, added);

    for (let i = 0; i < 2; i++) {
      await (
        await startProvisioning(env.client, taskQueue, { ...request, mode: 'undo', undo: { ledger: applied.ledger } })
      ).result();
      assert.ok(dir.groupByKey(existing.email), 'the pre-existing group stays');
      assert.deepEqual(
        [...dir.members.get(existing.id)!.keys()],
        [kept],
        'only the members this onboarding added are removed'
      );
      assert.equal(dir.roles.get(applied.roleId!), undefined, 'the role is gone');
      assert.equal(
        [...dir.assignments.values()].filter((a) => a.roleId === applied.roleId).length,
        0,
        'the assignments are gone'
      );
    }

    const created = await (await startProvisioning(env.client, taskQueue, g.request('undo-new'))).result();
    await (
      await startProvisioning(env.client, taskQueue, {
        ...g.request('undo-new', { mode: 'undo', undo: { ledger: created.ledger } }),
      })
    ).result();
    assert.equal(dir.groupByKey(`undo-new@${g.domain}`, true), undefined, 'the group it created is deleted');
  });
});

describe('ensureSecurityGroup against Cloud Identity quirks (simulator over HTTP)', () => {
  let g: GoogleAdminFixture;
  before(async () => {
    g = await googleAdminFixture();
  });
  after(async () => g.close());

  const caller = () => ({
    customerId: g.customerId,
    adminEmail: g.admin,
    serviceAccount: { email: g.saEmail, keyRef: g.keyRef },
  });
  const spec = (email: string) => ({
    email,
    displayName: email,
    description: '',
    initialGroupConfig: 'EMPTY' as const,
  });

  it('treats a 403 on an existing group as "exists" after a lookup finds it', async () => {
    const dir = g.sim.directory;
    const existing = dir.createGroup(`quirk@${g.domain}`, 'Quirk', '', SECURITY_LABELS);
    dir.opts.existingGroupCreateStatus = 403;
    const staleLookup = g.sim.faults.add({
      method: 'GET',
      path: '/v1/groups:lookup',
      status: 404,
      times: 1,
      body: { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } },
    });
    const creates = g.writes()['group.create'];
    const r = await g.activities().ensureSecurityGroup({ caller: caller(), group: spec(existing.email) });
    assert.equal(g.sim.faults.fired(staleLookup), 1);
    assert.equal(r.outcome, 'already-present');
    assert.equal(r.id, existing.id);
    assert.equal(g.writes()['group.create'], creates);
  });

  it('retries a phantom "already exists" instead of failing, and a real 403 fails clearly', async () => {
    const phantom = g.sim.faults.add({
      method: 'POST',
      path: '/v1/groups',
      status: 409,
      times: 1,
      body: {
        error: {
          code: 409,
          message: 'Error(2018): Cannot create group because it already exists.',
          status: 'ALREADY_EXISTS',
        },
      },
    });
    await assert.rejects(
      g.activities().ensureSecurityGroup({ caller: caller(), group: spec(`phantom@${g.domain}`) }),
      (e: ApplicationFailure) => {
        assert.equal(e.type, FailureType.GooglePhantomAlreadyExists);
        assert.equal(e.nonRetryable, false);
        return true;
      }
    );
    assert.equal(g.sim.faults.fired(phantom), 1);
    const r = await g.activities().ensureSecurityGroup({ caller: caller(), group: spec(`phantom@${g.domain}`) });
    assert.equal(r.outcome, 'created');

    g.sim.faults.add({
      method: 'POST',
      path: '/v1/groups',
      status: 403,
      times: 1,
      body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
    });
    await assert.rejects(
      g.activities().ensureSecurityGroup({ caller: caller(), group: spec(`denied@${g.domain}`) }),
      (e: ApplicationFailure) => {
        assert.equal(e.nonRetryable, true);
        assert.match(e.message, /real permission problem.*super admin or groups admin/);
        return true;
      }
    );
  });

  it('answers Directory calls only for a token minted for a user holding the route scope', async () => {
    const key = await loadServiceAccountKey(g.keyRef);
    const url = `${g.url}/admin/directory/v1/customer/${g.customerId}/roles`;
    assert.equal((await fetch(url)).status, 401);
    const settings = { tokenUrl: `${g.url}/token` };
    const wrongScope = await mintDelegatedToken(settings, key, g.admin, [ADMIN_ROLE_SCOPES.groups]);
    const denied = await fetch(url, { headers: { authorization: `Bearer ${wrongScope}` } });
    assert.equal(denied.status, 403);
    assert.equal(
      ((await denied.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason,
      'insufficientPermissions'
    );
    const rightScope = await mintDelegatedToken(settings, key, g.admin, [ADMIN_ROLE_SCOPES.roles]);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${rightScope}` } })).status, 200);
  });
});

describe('Directory quota pacing, with a window no machine speed decides', () => {
  // The simulator allows 25 Directory calls per 10 s for the admin; Onramp's limiter 15 per 10 s, with 5
  // member inserts at once (10 in flight at most, if a timed-out attempt still runs beside its retry). A
  // request counted in one limiter window can only reach a later simulator window while in flight, so a
  // paced run never sees a quota error however the machine stalls (15 + 10 = 25). Unpaced, the 40 inserts
  // land in one simulator window on any machine that manages 4 requests a second.
  let stack: Integration;
  let g: GoogleAdminFixture;

  before(async () => {
    stack = await integration();
    g = await googleAdminFixture({ directoryQuota: { limit: 25, windowMs: 10_000 } });
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  it('40 member inserts at 15 per 10 s: not a single userRateLimitExceeded from a 25 per 10 s simulator', async () => {
    const activities = g.activities({
      directoryQuota: { limit: 15, windowMs: 10_000, guardMs: 0 },
      memberConcurrency: 5,
    });
    const { taskQueue } = await stack.worker(activities, 'admin-roles-pace');
    const members = g.users('paced', 40).map((email) => ({ email }));
    const result = await (
      await startProvisioning(stack.env.client, taskQueue, { ...g.request('paced'), members })
    ).result();
    assert.equal(g.sim.directory.quotaErrors, 0, 'the simulator never answered userRateLimitExceeded');
    assert.equal(result.members.added, 40);
  });
});
