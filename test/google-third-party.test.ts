/**
 * The Google simulator driven by Google's own Node clients: `googleapis` (Admin SDK Directory v1 and Cloud
 * Identity v1, generated from the Discovery documents) with only `rootUrl` pointed at the simulator, and
 * google-auth-library's JWT (domain-wide delegation) whose hard-coded token URL is sent to the simulator.
 * Every Google call Onramp makes, plus the reads issue 10 lists, is made here and its response validated
 * against test/contracts/google.ts; errors are checked for Google's shapes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Gaxios, type GaxiosError } from 'gaxios';
import { JWT } from 'google-auth-library';
import { google, type admin_directory_v1, type cloudidentity_v1 } from 'googleapis';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { CLASSROOM_SERVICE_ID, DISCUSSION_LABEL, SECURITY_LABEL } from '../src/simulators/google/directory-state';
import { createGoogleSimulator } from '../src/simulators/google/google-simulator';
import {
  ciGroup,
  ciLookup,
  ciOperation,
  gCloudIdentityError,
  gDirectoryError,
  gGroup,
  gHasMember,
  gMember,
  gMembers,
  gOrgUnit,
  gOrgUnits,
  gPrivilege,
  gPrivileges,
  gRole,
  gRoleAssignment,
  gRoleAssignments,
  gRoles,
  gUser,
  gUsers,
} from './contracts/google';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';

const GROUP_READONLY = 'https://www.googleapis.com/auth/admin.directory.group.readonly';
const GROUP = 'https://www.googleapis.com/auth/admin.directory.group';

const errorOf = async (p: Promise<unknown>): Promise<GaxiosError> =>
  p.then(
    () => assert.fail('should have failed'),
    (e: GaxiosError) => e
  );

describe('Google simulator through googleapis (third-party client, Discovery-typed, contract-checked)', () => {
  let g: GoogleAdminFixture;
  let directory: admin_directory_v1.Admin;
  let cloudIdentity: cloudidentity_v1.Cloudidentity;
  let readOnly: admin_directory_v1.Admin;

  const clients = (scopes: string[], subject = g.admin) => {
    const key = JSON.parse(readFileSync(g.keyRef.slice('file:'.length), 'utf8')) as {
      client_email: string;
      private_key: string;
    };
    // google-auth-library has no token-URL option: send its fixed URL to the simulator, change nothing else.
    const transporter = new Gaxios();
    transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.toString() === 'https://oauth2.googleapis.com/token') config.url = new URL(`${g.url}/token`);
        return config;
      },
    });
    const auth = new JWT({ email: key.client_email, key: key.private_key, scopes, subject, transporter });
    const rootUrl = `${g.url}/`;
    return {
      directory: google.admin({ version: 'directory_v1', auth, rootUrl }),
      cloudIdentity: google.cloudidentity({ version: 'v1', auth, rootUrl }),
    };
  };

  before(async () => {
    g = await googleAdminFixture();
    const all = [...Object.values(ADMIN_ROLE_SCOPES), GROUP_READONLY, GROUP];
    g.grant(all);
    ({ directory, cloudIdentity } = clients(all));
    readOnly = clients([ADMIN_ROLE_SCOPES.orgUnits]).directory;
  });
  after(async () => {
    await g?.close();
  });

  it('privileges.list: a realistic tree with the seed privileges', async () => {
    const res = gPrivileges.parse((await directory.privileges.list({ customer: 'my_customer' })).data);
    const flat: string[] = [];
    const walk = (ps: admin_directory_v1.Schema$Privilege[]) => {
      for (const p of ps) {
        gPrivilege.parse(p);
        flat.push(p.privilegeName!);
        walk(p.childPrivileges ?? []);
      }
    };
    walk(res.items);
    assert.ok(flat.length > 20, `${flat.length} privileges`);
    assert.ok(flat.includes('EDU_ANALYTICS_DATA_ACCESS') && flat.includes('ADMIN_OVERSIGHT_MANAGE_CLASSES'));
    assert.equal(
      res.items.find((p) => p.privilegeName === 'EDU_ANALYTICS_DATA_ACCESS')?.serviceId,
      CLASSROOM_SERVICE_ID
    );
  });

  it('org units: list (type all / children) and get by path and by id', async () => {
    const all = gOrgUnits.parse((await directory.orgunits.list({ customerId: g.customerId, type: 'all' })).data);
    assert.ok(all.organizationUnits.some((o) => o.orgUnitPath === '/Students/Grade 9'));
    const children = gOrgUnits.parse(
      (await directory.orgunits.list({ customerId: 'my_customer', orgUnitPath: '/Students', type: 'children' })).data
    );
    assert.deepEqual(
      children.organizationUnits.map((o) => o.orgUnitPath),
      ['/Students/Grade 9']
    );
    const byPath = gOrgUnit.parse(
      (await directory.orgunits.get({ customerId: 'my_customer', orgUnitPath: 'Students/Grade 9' })).data
    );
    assert.equal(byPath.parentOrgUnitPath, '/Students');
    const byId = gOrgUnit.parse(
      (await directory.orgunits.get({ customerId: 'my_customer', orgUnitPath: byPath.orgUnitId })).data
    );
    assert.equal(byId.orgUnitPath, '/Students/Grade 9');
    const missing = await errorOf(directory.orgunits.get({ customerId: 'my_customer', orgUnitPath: 'Nowhere' }));
    assert.equal(missing.response?.status, 404);
    assert.equal(gDirectoryError.parse(missing.response?.data).error.errors[0]!.reason, 'notFound');
  });

  it('users.get by email and id, users.list with paging and query', async () => {
    const people = g.users('tp-user', 5);
    const u = gUser.parse((await directory.users.get({ userKey: people[0] })).data);
    assert.equal(u.primaryEmail, people[0]);
    assert.equal(gUser.parse((await directory.users.get({ userKey: u.id })).data).primaryEmail, people[0]);
    const nobody = await errorOf(directory.users.get({ userKey: `nobody@${g.domain}` }));
    assert.equal(nobody.response?.status, 404);
    gDirectoryError.parse(nobody.response?.data);

    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = gUsers.parse(
        (await directory.users.list({ customer: 'my_customer', maxResults: 2, pageToken })).data
      );
      seen.push(...page.users.map((x) => x.primaryEmail));
      pageToken = page.nextPageToken;
    } while (pageToken);
    for (const p of people) assert.ok(seen.includes(p));
    const one = gUsers.parse((await directory.users.list({ domain: g.domain, query: `email:${people[1]}` })).data);
    assert.deepEqual(
      one.users.map((x) => x.primaryEmail),
      [people[1]]
    );
    const neither = await errorOf(directory.users.list({}));
    assert.equal(neither.response?.status, 400);
    gDirectoryError.parse(neither.response?.data);
  });

  it('Cloud Identity groups (create, lookup, get, 409) then Directory groups.get, members, hasMember', async () => {
    const email = `tp-sec@${g.domain}`;
    const op = ciOperation.parse(
      (
        await cloudIdentity.groups.create({
          initialGroupConfig: 'EMPTY',
          requestBody: {
            parent: `customers/${g.customerId}`,
            groupKey: { id: email },
            displayName: 'Third-party security group',
            description: 'created by googleapis',
            labels: { [DISCUSSION_LABEL]: '', [SECURITY_LABEL]: '' },
          },
        })
      ).data
    );
    // The Operation's response is the Group with its Any type URL.
    const { '@type': type, ...group } = op.response;
    assert.equal(type, 'type.googleapis.com/google.apps.cloudidentity.groups.v1.Group');
    const created = ciGroup.parse(group);
    const dup = await errorOf(
      cloudIdentity.groups.create({
        initialGroupConfig: 'EMPTY',
        requestBody: {
          parent: `customers/${g.customerId}`,
          groupKey: { id: email },
          labels: { [DISCUSSION_LABEL]: '' },
        },
      })
    );
    assert.equal(dup.response?.status, 409);
    assert.equal(gCloudIdentityError.parse(dup.response?.data).error.status, 'ALREADY_EXISTS');
    const name = ciLookup.parse((await cloudIdentity.groups.lookup({ 'groupKey.id': email })).data).name;
    assert.equal(name, created.name);
    ciGroup.parse((await cloudIdentity.groups.get({ name })).data);
    const none = await errorOf(cloudIdentity.groups.lookup({ 'groupKey.id': `none@${g.domain}` }));
    assert.equal(gCloudIdentityError.parse(none.response?.data).error.status, 'NOT_FOUND');

    const [alice, bob] = g.users('tp-member', 2) as [string, string];
    gMember.parse(
      (await directory.members.insert({ groupKey: email, requestBody: { email: alice, role: 'MEMBER' } })).data
    );
    const again = await errorOf(
      directory.members.insert({ groupKey: email, requestBody: { email: alice, role: 'MEMBER' } })
    );
    assert.equal(again.response?.status, 409);
    assert.equal(gDirectoryError.parse(again.response?.data).error.errors[0]!.reason, 'duplicate');
    gMember.parse((await directory.members.get({ groupKey: email, memberKey: alice })).data);
    assert.equal(
      gMembers.parse((await directory.members.list({ groupKey: email, maxResults: 200 })).data).members.length,
      1
    );

    const dirGroup = gGroup.parse((await directory.groups.get({ groupKey: email })).data);
    assert.equal(dirGroup.directMembersCount, '1');
    assert.equal(
      gHasMember.parse((await directory.members.hasMember({ groupKey: email, memberKey: alice })).data).isMember,
      true
    );
    assert.equal(
      gHasMember.parse((await directory.members.hasMember({ groupKey: email, memberKey: bob })).data).isMember,
      false
    );
    const stranger = await errorOf(directory.members.hasMember({ groupKey: email, memberKey: `x@${g.domain}` }));
    assert.equal(stranger.response?.status, 404);
    const noGroup = await errorOf(directory.groups.get({ groupKey: `nope@${g.domain}` }));
    assert.equal(noGroup.response?.status, 404);
    gDirectoryError.parse(noGroup.response?.data);

    await directory.members.delete({ groupKey: email, memberKey: alice });
    assert.equal(
      gHasMember.parse((await directory.members.hasMember({ groupKey: email, memberKey: alice })).data).isMember,
      false
    );
    ciOperation.parse((await cloudIdentity.groups.delete({ name })).data);
  });

  it('roles and role assignments: insert, list, get, 409, delete', async () => {
    const role = gRole.parse(
      (
        await directory.roles.insert({
          customer: 'my_customer',
          requestBody: {
            roleName: 'Third-party Education Admin',
            roleDescription: 'via googleapis',
            rolePrivileges: [{ privilegeName: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: CLASSROOM_SERVICE_ID }],
          },
        })
      ).data
    );
    assert.equal(
      gRole.parse((await directory.roles.get({ customer: 'my_customer', roleId: role.roleId })).data).roleName,
      role.roleName
    );
    const listed = gRoles.parse((await directory.roles.list({ customer: 'my_customer', maxResults: 100 })).data);
    assert.ok(listed.items.some((r) => r.roleId === role.roleId));
    const dupRole = await errorOf(
      directory.roles.insert({
        customer: 'my_customer',
        requestBody: {
          roleName: 'Third-party Education Admin',
          rolePrivileges: [{ privilegeName: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: CLASSROOM_SERVICE_ID }],
        },
      })
    );
    assert.equal(dupRole.response?.status, 409);
    gDirectoryError.parse(dupRole.response?.data);

    const [user] = g.users('tp-admin', 1) as [string];
    const userId = (await directory.users.get({ userKey: user })).data.id!;
    const ou = (await directory.orgunits.get({ customerId: 'my_customer', orgUnitPath: 'Teachers' })).data;
    const a = gRoleAssignment.parse(
      (
        await directory.roleAssignments.insert({
          customer: 'my_customer',
          requestBody: {
            roleId: role.roleId,
            assignedTo: userId,
            scopeType: 'ORG_UNIT',
            orgUnitId: ou.orgUnitId!.slice(3),
          },
        })
      ).data
    );
    assert.equal(a.assigneeType, 'USER');
    gRoleAssignment.parse(
      (await directory.roleAssignments.get({ customer: 'my_customer', roleAssignmentId: a.roleAssignmentId })).data
    );
    const mine = gRoleAssignments.parse(
      (await directory.roleAssignments.list({ customer: 'my_customer', roleId: role.roleId, userKey: userId })).data
    );
    assert.deepEqual(
      mine.items.map((x) => x.roleAssignmentId),
      [a.roleAssignmentId]
    );
    const gone = await errorOf(directory.roleAssignments.get({ customer: 'my_customer', roleAssignmentId: '1' }));
    assert.equal(gone.response?.status, 404);
    await directory.roleAssignments.delete({ customer: 'my_customer', roleAssignmentId: a.roleAssignmentId });
    await directory.roles.delete({ customer: 'my_customer', roleId: role.roleId });
    const noRole = await errorOf(directory.roles.get({ customer: 'my_customer', roleId: role.roleId }));
    assert.equal(noRole.response?.status, 404);
    gDirectoryError.parse(noRole.response?.data);
  });

  it('groups.create without initialGroupConfig is accepted (optional in the v1 Discovery document)', async () => {
    const email = `tp-noconfig@${g.domain}`;
    const op = ciOperation.parse(
      (
        await cloudIdentity.groups.create({
          requestBody: {
            parent: `customers/${g.customerId}`,
            groupKey: { id: email },
            labels: { [DISCUSSION_LABEL]: '' },
          },
        })
      ).data
    );
    assert.equal((op.response as { groupKey: { id: string } }).groupKey.id, email);
    const bad = await errorOf(
      cloudIdentity.groups.create({
        initialGroupConfig: 'SOMETIMES',
        requestBody: { parent: `customers/${g.customerId}`, groupKey: { id: `x-${email}` }, labels: {} },
      })
    );
    assert.equal(gCloudIdentityError.parse(bad.response?.data).error.status, 'INVALID_ARGUMENT');
  });

  it('Directory groups.insert: creates a plain group, 409 duplicate, 400 without email', async () => {
    const email = `tp-dir-group@${g.domain}`;
    const created = gGroup.parse(
      (await directory.groups.insert({ requestBody: { email, name: 'Directory group', description: 'via insert' } }))
        .data
    );
    assert.equal(created.email, email);
    assert.equal(created.name, 'Directory group');
    assert.equal(created.directMembersCount, '0');
    assert.equal(gGroup.parse((await directory.groups.get({ groupKey: email })).data).id, created.id);
    // A Directory-created group is a plain Google group: no security label in Cloud Identity.
    const name = ciLookup.parse((await cloudIdentity.groups.lookup({ 'groupKey.id': email })).data).name;
    const ci = ciGroup.parse((await cloudIdentity.groups.get({ name })).data);
    assert.deepEqual(ci.labels, { [DISCUSSION_LABEL]: '' });
    const dup = await errorOf(directory.groups.insert({ requestBody: { email } }));
    assert.equal(dup.response?.status, 409);
    assert.equal(gDirectoryError.parse(dup.response?.data).error.errors[0]!.reason, 'duplicate');
    const noEmail = await errorOf(directory.groups.insert({ requestBody: { name: 'nameless' } }));
    assert.equal(noEmail.response?.status, 400);
    assert.equal(gDirectoryError.parse(noEmail.response?.data).error.errors[0]!.reason, 'required');
  });

  it("tenant isolation: each domain is its own customer; my_customer lists only the caller's users", async () => {
    const other = `other-${process.pid}.example`;
    const otherAdmin = `admin@${other}`;
    g.sim.state.addUser(otherAdmin);
    g.sim.state.addUser(`teacher@${other}`);
    g.users('tp-iso', 2);
    g.sim.state.setGrant(g.clientId, [ADMIN_ROLE_SCOPES.users, ADMIN_ROLE_SCOPES.roles], 0, other);
    const theirs = clients([ADMIN_ROLE_SCOPES.users, ADMIN_ROLE_SCOPES.roles], otherAdmin).directory;

    const listed = gUsers.parse((await theirs.users.list({ customer: 'my_customer', maxResults: 500 })).data);
    assert.deepEqual(listed.users.map((u) => u.primaryEmail).sort(), [otherAdmin, `teacher@${other}`]);
    const ours = gUsers.parse((await directory.users.list({ customer: 'my_customer', maxResults: 500 })).data);
    assert.ok(ours.users.every((u) => u.primaryEmail.endsWith(`@${g.domain}`)));
    assert.ok(ours.users.every((u) => u.customerId === g.customerId));

    const theirId = gUser.parse((await theirs.users.get({ userKey: otherAdmin })).data).customerId;
    assert.notEqual(theirId, g.customerId);
    assert.match(theirId, /^C0[0-9a-z]{7}$/);
    const hidden = await errorOf(theirs.users.get({ userKey: g.admin }));
    assert.equal(hidden.response?.status, 404);
    // Another customer's ID is refused (403); the caller's own ID and my_customer work.
    const foreign = await errorOf(theirs.privileges.list({ customer: g.customerId }));
    assert.equal(foreign.response?.status, 403);
    assert.equal(gDirectoryError.parse(foreign.response?.data).error.errors[0]!.reason, 'forbidden');
    gPrivileges.parse((await theirs.privileges.list({ customer: theirId })).data);
  });

  it('super admins: users.get isAdmin / isDelegatedAdmin follow the Admin console roles', async () => {
    assert.equal(gUser.parse((await directory.users.get({ userKey: g.admin })).data).isAdmin, true);
    const helpdesk = `helpdesk@${g.domain}`;
    g.sim.state.addUser(helpdesk, 'delegatedAdmin');
    const u = gUser.parse((await directory.users.get({ userKey: helpdesk })).data);
    assert.equal(u.isAdmin, false);
    assert.equal(u.isDelegatedAdmin, true);
    const [plain] = g.users('tp-plain', 1) as [string];
    const p = gUser.parse((await directory.users.get({ userKey: plain })).data);
    assert.equal(p.isAdmin, false);
    assert.equal(p.isDelegatedAdmin, false);
    // Seed 000 step 1, in the Admin console: only a super admin may authorize domain-wide delegation.
    const authorize = (signedInAs: string) =>
      fetch(`${g.url}/_admin/domain-wide-delegation/${g.clientId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain: g.domain, scopes: [ADMIN_ROLE_SCOPES.users], signedInAs }),
      });
    for (const who of [helpdesk, plain]) {
      const refused = await authorize(who);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /only a super admin can authorize domain-wide delegation/);
    }
    assert.equal(g.sim.state.configuredGrant(g.clientId, g.domain).scopes.length, 0, 'nothing was authorized');
  });

  it("an API disabled in the service account's project answers 403 SERVICE_DISABLED (ErrorInfo)", async () => {
    const sa = g.sim.state.serviceAccount(g.saEmail)!;
    const project = g.sim.state.projectNumberOf(sa);
    g.sim.state.setServiceEnabled(project, 'cloudidentity.googleapis.com', false);
    try {
      const off = await errorOf(cloudIdentity.groups.lookup({ 'groupKey.id': `any@${g.domain}` }));
      assert.equal(off.response?.status, 403);
      const body = gCloudIdentityError.parse(off.response?.data).error;
      assert.equal(body.status, 'PERMISSION_DENIED');
      const info = (off.response?.data as { error: { details: { reason?: string; metadata?: object }[] } }).error
        .details[0]!;
      assert.equal(info.reason, 'SERVICE_DISABLED');
      assert.deepEqual(
        { ...(info.metadata as { consumer: string; service: string }) },
        {
          consumer: `projects/${project}`,
          service: 'cloudidentity.googleapis.com',
          serviceTitle: 'Cloud Identity API',
          activationUrl: `https://console.developers.google.com/apis/api/cloudidentity.googleapis.com/overview?project=${project}`,
          containerInfo: project,
        }
      );
      // Only that API: the Directory API of the same project still answers.
      gPrivileges.parse((await directory.privileges.list({ customer: 'my_customer' })).data);
    } finally {
      g.sim.state.setServiceEnabled(project, 'cloudidentity.googleapis.com', true);
    }
    ciLookup.parse((await cloudIdentity.groups.lookup({ 'groupKey.id': `tp-noconfig@${g.domain}` })).data);
  });

  it("role limits: 750 custom roles; per org unit and to groups, Google's error shapes", async () => {
    const d = g.sim.directory;
    const fill = (n: number, make: (i: number) => void) => Array.from({ length: n }, (_, i) => make(i));
    const before = new Map(d.roles);
    const custom = [...d.roles.values()].filter((r) => !r.isSystemRole).length;
    fill(750 - custom, (i) =>
      d.roles.set(`fill-${i}`, {
        roleId: `fill-${i}`,
        roleName: `Filler ${i}`,
        roleDescription: '',
        rolePrivileges: [],
        isSystemRole: false,
        isSuperAdminRole: false,
      })
    );
    try {
      const full = await errorOf(
        directory.roles.insert({
          customer: 'my_customer',
          requestBody: {
            roleName: 'One too many',
            rolePrivileges: [{ privilegeName: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: CLASSROOM_SERVICE_ID }],
          },
        })
      );
      assert.equal(full.response?.status, 400);
      const err = gDirectoryError.parse(full.response?.data).error;
      assert.equal(err.errors[0]!.reason, 'limitExceeded');
      assert.match(err.message, /750 custom roles/);
    } finally {
      d.roles.clear();
      for (const [k, v] of before) d.roles.set(k, v);
    }

    // 250 role assignments to groups in one unit (here the root: scope CUSTOMER).
    const secEmail = `tp-limit@${g.domain}`;
    const sec = d.createGroup(secEmail, 'Limit', '', { [DISCUSSION_LABEL]: '', [SECURITY_LABEL]: '' }, false);
    const saved = new Map(d.assignments);
    fill(250, (i) =>
      d.assignments.set(`ga-${i}`, {
        roleAssignmentId: `ga-${i}`,
        roleId: '9170843029',
        assignedTo: `group-${i}`,
        assigneeType: 'GROUP',
        scopeType: 'CUSTOMER',
      })
    );
    try {
      const groups = await errorOf(
        directory.roleAssignments.insert({
          customer: 'my_customer',
          requestBody: { roleId: '9170843029', assignedTo: sec.id, scopeType: 'CUSTOMER' },
        })
      );
      assert.equal(groups.response?.status, 400);
      const e = gDirectoryError.parse(groups.response?.data).error;
      assert.equal(e.errors[0]!.reason, 'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT');
      assert.match(e.message, /250 role assignments to groups/);
      // 1,000 per org unit, whoever the assignee.
      fill(750, (i) =>
        d.assignments.set(`ua-${i}`, {
          roleAssignmentId: `ua-${i}`,
          roleId: '9170843029',
          assignedTo: `user-${i}`,
          assigneeType: 'USER',
          scopeType: 'CUSTOMER',
        })
      );
      const [user] = g.users('tp-limit-user', 1) as [string];
      const userId = (await directory.users.get({ userKey: user })).data.id!;
      const unit = await errorOf(
        directory.roleAssignments.insert({
          customer: 'my_customer',
          requestBody: { roleId: '9170843029', assignedTo: userId, scopeType: 'CUSTOMER' },
        })
      );
      assert.match(gDirectoryError.parse(unit.response?.data).error.message, /1000 role assignments/);
    } finally {
      d.assignments.clear();
      for (const [k, v] of saved) d.assignments.set(k, v);
    }
  });

  it('errors Onramp classifies: insufficient scope (403 with ErrorInfo), bad customer (400), no token (401)', async () => {
    const scope = await errorOf(readOnly.roles.list({ customer: 'my_customer' }));
    assert.equal(scope.response?.status, 403);
    const body = gDirectoryError.parse(scope.response?.data);
    assert.equal(body.error.errors[0]!.reason, 'insufficientPermissions');
    assert.equal(body.error.status, 'PERMISSION_DENIED');
    const badCustomer = await errorOf(directory.privileges.list({ customer: 'C000nope' }));
    assert.equal(badCustomer.response?.status, 400);
    gDirectoryError.parse(badCustomer.response?.data);
    const anonymous = google.admin({ version: 'directory_v1', rootUrl: `${g.url}/` });
    const noToken = await errorOf(anonymous.roles.list({ customer: 'my_customer' }));
    assert.equal(noToken.response?.status, 401);
    gDirectoryError.parse(noToken.response?.data);
  });
});

describe('Google simulator directory state file (what the sandbox keeps across restarts)', () => {
  it('groups, members, roles and assignments survive a restart beside the tenant state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onramp-google-state-'));
    const stateFile = join(dir, 'google-state.json');
    const first = createGoogleSimulator({ stateFile });
    const g1 = first.directory.createGroup('kept@school.example', 'Kept', '', {
      [DISCUSSION_LABEL]: '',
      [SECURITY_LABEL]: '',
    });
    first.directory.addMember(
      g1.id,
      'someone@school.example',
      'MEMBER',
      'USER',
      first.directory.userId('someone@school.example')
    );
    first.directory.roles.set('42', {
      roleId: '42',
      roleName: 'Kept role',
      roleDescription: '',
      rolePrivileges: [],
      isSystemRole: false,
      isSuperAdminRole: false,
    });
    first.directory.wrote('role.insert');
    await first.close();
    assert.ok(existsSync(join(dir, 'google-state-directory.json')));

    const second = createGoogleSimulator({ stateFile });
    try {
      assert.equal(second.directory.groupByKey('kept@school.example')?.id, g1.id);
      assert.equal(second.directory.members.get(g1.id)?.get('someone@school.example')?.role, 'MEMBER');
      assert.equal(second.directory.roles.get('42')?.roleName, 'Kept role');
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
