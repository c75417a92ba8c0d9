import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { admin_directory_v1 as dir, cloudidentity_v1 as ci } from 'googleapis';
import type { AccessTokenBook } from './access-tokens';
import { DISCUSSION_LABEL, type DirectoryState, type SimGroup, type SimRoleAssignment } from './directory-state';

/**
 * Cloud Identity Groups (v1) and Admin SDK Directory (v1) routes of the Google simulator, with Google's
 * two error shapes: Directory's classic `{error:{code,message,errors:[{domain,reason}]}}` and Cloud
 * Identity's `{error:{code,message,status}}`. Every call needs a token the simulator's /token endpoint
 * minted for a user holding one of the route's scopes.
 */
const AUTH = 'https://www.googleapis.com/auth/';
const S = {
  ciWrite: [`${AUTH}cloud-identity.groups`, `${AUTH}cloud-identity`, `${AUTH}cloud-platform`],
  ciRead: [
    `${AUTH}cloud-identity.groups`,
    `${AUTH}cloud-identity.groups.readonly`,
    `${AUTH}cloud-identity`,
    `${AUTH}cloud-platform`,
  ],
  membersWrite: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.member`],
  membersRead: [
    `${AUTH}admin.directory.group`,
    `${AUTH}admin.directory.group.member`,
    `${AUTH}admin.directory.group.readonly`,
    `${AUTH}admin.directory.group.member.readonly`,
  ],
  groupsRead: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.readonly`],
  rolesWrite: [`${AUTH}admin.directory.rolemanagement`],
  rolesRead: [`${AUTH}admin.directory.rolemanagement`, `${AUTH}admin.directory.rolemanagement.readonly`],
  orgUnitsRead: [`${AUTH}admin.directory.orgunit`, `${AUTH}admin.directory.orgunit.readonly`],
  usersRead: [`${AUTH}admin.directory.user`, `${AUTH}admin.directory.user.readonly`],
};

/** google.rpc.Code names per HTTP status (Google's JSON error format, AIP-193). */
const CI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
};

/** Directory's error body: `{error:{code, message, errors:[{message, domain, reason}], status}}`. */
export function directoryError(reply: FastifyReply, code: number, reason: string, message: string, domain = 'global') {
  return reply
    .code(code)
    .send({ error: { code, message, errors: [{ message, domain, reason }], status: CI_STATUS[code] ?? 'UNKNOWN' } });
}

function ciError(reply: FastifyReply, code: number, message: string, status = CI_STATUS[code] ?? 'UNKNOWN') {
  return reply.code(code).send({ error: { code, message, status } });
}

export interface DirectoryRouteDeps {
  state: DirectoryState;
  tokens: AccessTokenBook;
  isUser(email: string): boolean;
  /** Every user's primary email. */
  users(): string[];
}

export function registerDirectoryRoutes(
  app: FastifyInstance,
  { state, tokens, isUser, users }: DirectoryRouteDeps
): void {
  const D = '/admin/directory/v1';

  /** Auth, scope and (for Directory) per-user quota; undefined when an error was already sent. */
  const guard = (
    req: FastifyRequest,
    reply: FastifyReply,
    anyOf: string[],
    api: 'ci' | 'directory'
  ): string | undefined => {
    const token = tokens.fromHeader(req.headers.authorization);
    if (!token) {
      const msg =
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
      if (api === 'ci') void ciError(reply, 401, msg);
      else void directoryError(reply, 401, 'authError', msg);
      return undefined;
    }
    if (!anyOf.some((s) => token.scopes.has(s))) {
      void reply.code(403).send({
        error: {
          code: 403,
          message: 'Request had insufficient authentication scopes.',
          errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
          status: 'PERMISSION_DENIED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
              metadata: { method: req.url },
            },
          ],
        },
      });
      return undefined;
    }
    if (api === 'directory' && !state.takeQuota(token.subject)) {
      void directoryError(
        reply,
        403,
        'userRateLimitExceeded',
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'",
        'usageLimits'
      );
      return undefined;
    }
    return token.subject;
  };

  const customerOk = (customer: string, reply: FastifyReply): boolean => {
    if (state.isCustomer(customer)) return true;
    void directoryError(reply, 400, 'badRequest', 'Bad Request');
    return false;
  };

  const ciGroup = (g: SimGroup) =>
    ({
      name: `groups/${g.id}`,
      groupKey: { id: g.email },
      parent: `customers/${state.customerId}`,
      displayName: g.displayName,
      description: g.description,
      createTime: g.createTime,
      updateTime: g.createTime,
      labels: g.labels,
    }) satisfies ci.Schema$Group;

  // ---- Cloud Identity groups ----
  app.post('/v1/groups', async (req, reply) => {
    if (!guard(req, reply, S.ciWrite, 'ci')) return reply;
    const q = req.query as Record<string, string | undefined>;
    const b = (req.body ?? {}) as {
      parent?: string;
      groupKey?: { id?: string };
      displayName?: string;
      description?: string;
      labels?: Record<string, string>;
    };
    if (!q.initialGroupConfig || !['EMPTY', 'WITH_INITIAL_OWNER'].includes(q.initialGroupConfig)) {
      return ciError(reply, 400, 'Request contains an invalid argument.');
    }
    if (b.parent !== `customers/${state.customerId}`) {
      return ciError(
        reply,
        400,
        `Error(4003): Invalid parent "${b.parent ?? ''}": must be customers/{customerId} with the customer ID starting with "C"`
      );
    }
    const email = b.groupKey?.id?.toLowerCase();
    if (!email || !b.labels || !(DISCUSSION_LABEL in b.labels))
      return ciError(reply, 400, 'Request contains an invalid argument.');
    if (state.groupByKey(email, true)) {
      if (state.opts.existingGroupCreateStatus === 403)
        return ciError(reply, 403, 'Error(2028): Permission denied for resource groups (or it may not exist).');
      return reply.code(409).send({
        error: {
          code: 409,
          message: `Error(2018): Cannot create group '${email}' because it already exists.`,
          status: 'ALREADY_EXISTS',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
              resourceType: 'cloudidentity.googleapis.com/Group',
              resourceName: email,
            },
          ],
        },
      });
    }
    const g = state.createGroup(email, b.displayName ?? email, b.description ?? '', b.labels);
    return {
      done: true,
      response: { '@type': 'type.googleapis.com/google.apps.cloudidentity.groups.v1.Group', ...ciGroup(g) },
    };
  });

  app.get('/v1/groups::lookup', async (req, reply) => {
    if (!guard(req, reply, S.ciRead, 'ci')) return reply;
    const key = (req.query as Record<string, string | undefined>)['groupKey.id'] ?? '';
    const g = state.groupByKey(key);
    if (!g) return ciError(reply, 404, 'Error(2015): Requested entity was not found.');
    return { name: `groups/${g.id}` } satisfies ci.Schema$LookupGroupNameResponse;
  });

  app.get('/v1/groups/:id', async (req, reply) => {
    if (!guard(req, reply, S.ciRead, 'ci')) return reply;
    const g = state.groupByKey((req.params as { id: string }).id);
    if (!g) return ciError(reply, 404, 'Error(2015): Requested entity was not found.');
    return ciGroup(g);
  });

  app.delete('/v1/groups/:id', async (req, reply) => {
    if (!guard(req, reply, S.ciWrite, 'ci')) return reply;
    const g = state.groupByKey((req.params as { id: string }).id, true);
    if (!g) return ciError(reply, 404, 'Error(2015): Requested entity was not found.');
    state.groups.delete(g.id);
    state.members.delete(g.id);
    for (const ms of state.members.values()) ms.delete(g.email);
    state.wrote('group.delete');
    return { done: true, response: {} };
  });

  // ---- Directory: members ----
  const memberJson = (m: { id: string; email: string; role: string; type: string }) =>
    ({
      kind: 'admin#directory#member',
      etag: `"${m.id}/${m.role}"`,
      id: m.id,
      email: m.email,
      role: m.role,
      type: m.type,
      status: 'ACTIVE',
    }) satisfies dir.Schema$Member;
  const groupOr404 = (key: string, reply: FastifyReply): SimGroup | undefined => {
    const g = state.groupByKey(key);
    if (!g) void directoryError(reply, 404, 'notFound', 'Resource Not Found: groupKey');
    return g;
  };

  app.post(`${D}/groups/:groupKey/members`, async (req, reply) => {
    if (!guard(req, reply, S.membersWrite, 'directory')) return reply;
    const g = groupOr404((req.params as { groupKey: string }).groupKey, reply);
    if (!g) return reply;
    const b = (req.body ?? {}) as { email?: string; role?: string };
    const email = (b.email ?? '').toLowerCase();
    const role = b.role ?? 'MEMBER';
    if (!['MEMBER', 'MANAGER', 'OWNER'].includes(role))
      return directoryError(reply, 400, 'invalid', 'Invalid Input: role');
    if (state.members.get(g.id)!.has(email)) return directoryError(reply, 409, 'duplicate', 'Member already exists.');
    const child = state.groupByKey(email, true);
    if (child) {
      if (role !== 'MEMBER')
        return directoryError(reply, 400, 'invalid', 'Invalid Input: groups can only be added with role MEMBER');
      if (state.isSecurityGroup(g) && !state.isSecurityGroup(child)) {
        return directoryError(
          reply,
          400,
          'invalid',
          'Invalid Input: only security groups can be members of a security group'
        );
      }
      if (state.wouldCycle(g.id, child.id))
        return directoryError(reply, 412, 'conditionNotMet', 'Cyclic memberships not allowed');
      return memberJson(state.addMember(g.id, email, role, 'GROUP', child.id));
    }
    if (!isUser(email)) return directoryError(reply, 404, 'notFound', 'Resource Not Found: memberKey');
    return memberJson(state.addMember(g.id, email, role, 'USER', state.userId(email)));
  });

  app.get(`${D}/groups/:groupKey/members`, async (req, reply) => {
    if (!guard(req, reply, S.membersRead, 'directory')) return reply;
    const g = groupOr404((req.params as { groupKey: string }).groupKey, reply);
    if (!g) return reply;
    const q = req.query as Record<string, string | undefined>;
    const max = Math.min(Number(q.maxResults ?? 200) || 200, 200);
    const start = Number(q.pageToken ?? 0) || 0;
    const all = [...state.members.get(g.id)!.values()].filter((m) => state.visible(m));
    const page = all.slice(start, start + max);
    return {
      kind: 'admin#directory#members',
      etag: `"members-${all.length}"`,
      members: page.map(memberJson),
      ...(start + max < all.length ? { nextPageToken: String(start + max) } : {}),
    } satisfies dir.Schema$Members;
  });

  app.get(`${D}/groups/:groupKey/members/:memberKey`, async (req, reply) => {
    if (!guard(req, reply, S.membersRead, 'directory')) return reply;
    const p = req.params as { groupKey: string; memberKey: string };
    const g = groupOr404(p.groupKey, reply);
    if (!g) return reply;
    const m = state.visible(state.members.get(g.id)!.get(p.memberKey.toLowerCase()));
    if (!m) return directoryError(reply, 404, 'notFound', 'Resource Not Found: memberKey');
    return memberJson(m);
  });

  app.delete(`${D}/groups/:groupKey/members/:memberKey`, async (req, reply) => {
    if (!guard(req, reply, S.membersWrite, 'directory')) return reply;
    const p = req.params as { groupKey: string; memberKey: string };
    const g = groupOr404(p.groupKey, reply);
    if (!g) return reply;
    if (!state.members.get(g.id)!.delete(p.memberKey.toLowerCase()))
      return directoryError(reply, 404, 'notFound', 'Resource Not Found: memberKey');
    state.wrote('member.delete');
    return reply.code(204).send();
  });

  // ---- Directory: users ----
  const userJson = (email: string) => {
    const [local, domain] = email.split('@') as [string, string];
    return {
      kind: 'admin#directory#user',
      id: state.userId(email),
      etag: `"${state.userId(email)}"`,
      primaryEmail: email,
      name: { givenName: local, familyName: domain.split('.')[0] ?? domain, fullName: `${local} ${domain}` },
      isAdmin: local === 'admin',
      isDelegatedAdmin: false,
      lastLoginTime: '1970-01-01T00:00:00.000Z',
      creationTime: '2024-01-01T00:00:00.000Z',
      agreedToTerms: true,
      suspended: false,
      archived: false,
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: email, primary: true }],
      customerId: state.customerId,
      orgUnitPath: '/',
      isMailboxSetup: true,
      isEnrolledIn2Sv: false,
      isEnforcedIn2Sv: false,
      includeInGlobalAddressList: true,
    } satisfies dir.Schema$User;
  };
  /** A user by primary email or unique ID. */
  const userByKey = (key: string): string | undefined => {
    const k = key.toLowerCase();
    if (isUser(k)) return k;
    return users().find((u) => state.userId(u) === key);
  };

  app.get(`${D}/users/:userKey`, async (req, reply) => {
    if (!guard(req, reply, S.usersRead, 'directory')) return reply;
    const key = (req.params as { userKey: string }).userKey.toLowerCase();
    if (state.groupByKey(key, true)) return directoryError(reply, 400, 'invalid', 'Type not supported: userKey');
    const email = userByKey(key);
    if (!email) return directoryError(reply, 404, 'notFound', 'Resource Not Found: userKey');
    return userJson(email);
  });

  // users.list: `customer` or `domain` is required; maxResults 1–500 (default 100); pageToken; orderBy email.
  app.get(`${D}/users`, async (req, reply) => {
    if (!guard(req, reply, S.usersRead, 'directory')) return reply;
    const q = req.query as Record<string, string | undefined>;
    if (!q.customer && !q.domain) return directoryError(reply, 400, 'badRequest', 'Bad Request');
    if (q.customer && !customerOk(q.customer, reply)) return reply;
    const max = Math.min(Math.max(Number(q.maxResults ?? 100) || 100, 1), 500);
    const start = Number(q.pageToken ?? 0) || 0;
    let all = users().filter((u) => !q.domain || u.endsWith(`@${q.domain.toLowerCase()}`));
    // The `query` language (developers.google.com/workspace/admin/directory/v1/guides/search-users): only
    // `email:` prefix and exact match are simulated.
    const email = /(?:^|\s)email:'?([^'\s]+)'?/i.exec(q.query ?? '')?.[1]?.toLowerCase();
    if (email) all = all.filter((u) => (email.endsWith('*') ? u.startsWith(email.slice(0, -1)) : u === email));
    if (q.sortOrder === 'DESCENDING') all = all.reverse();
    return {
      kind: 'admin#directory#users',
      etag: `"users-${all.length}"`,
      users: all.slice(start, start + max).map(userJson),
      ...(start + max < all.length ? { nextPageToken: String(start + max) } : {}),
    } satisfies dir.Schema$Users;
  });

  // ---- Directory: groups (the Directory view of a Cloud Identity group) ----
  app.get(`${D}/groups/:groupKey`, async (req, reply) => {
    if (!guard(req, reply, S.groupsRead, 'directory')) return reply;
    const g = groupOr404((req.params as { groupKey: string }).groupKey, reply);
    if (!g) return reply;
    return {
      kind: 'admin#directory#group',
      id: g.id,
      etag: `"${g.id}"`,
      email: g.email,
      name: g.displayName,
      directMembersCount: String([...state.members.get(g.id)!.values()].filter((m) => state.visible(m)).length),
      description: g.description,
      adminCreated: true,
      nonEditableAliases: [],
    } satisfies dir.Schema$Group;
  });

  // members.hasMember: direct or nested membership of a user (memberKey: a user's email or ID).
  app.get(`${D}/groups/:groupKey/hasMember/:memberKey`, async (req, reply) => {
    if (!guard(req, reply, S.membersRead, 'directory')) return reply;
    const p = req.params as { groupKey: string; memberKey: string };
    const g = groupOr404(p.groupKey, reply);
    if (!g) return reply;
    if (state.groupByKey(p.memberKey, true)) return directoryError(reply, 400, 'invalid', 'Invalid Input: memberKey'); // a guess: groups are not accepted
    const email = userByKey(p.memberKey);
    if (!email) return directoryError(reply, 404, 'notFound', 'Resource Not Found: memberKey');
    const seen = new Set<string>();
    const has = (groupId: string): boolean => {
      if (seen.has(groupId)) return false;
      seen.add(groupId);
      for (const m of state.members.get(groupId)?.values() ?? []) {
        if (!state.visible(m)) continue;
        if (m.type === 'USER' && m.email === email) return true;
        if (m.type === 'GROUP' && has(m.id)) return true;
      }
      return false;
    };
    return { isMember: has(g.id) } satisfies dir.Schema$MembersHasMember;
  });

  // ---- Directory: privileges, roles ----
  app.get(`${D}/customer/:customer/roles/ALL/privileges`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply)) return reply;
    const withKind = (p: (typeof state.privileges)[number]): dir.Schema$Privilege => ({
      kind: 'admin#directory#privilege',
      etag: `"${p.serviceId}/${p.privilegeName}"`,
      ...p,
      ...(p.childPrivileges ? { childPrivileges: p.childPrivileges.map(withKind) } : {}),
    });
    return {
      kind: 'admin#directory#privileges',
      etag: '"privileges"',
      items: state.privileges.map(withKind),
    } satisfies dir.Schema$Privileges;
  });

  app.get(`${D}/customer/:customer/roles`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply)) return reply;
    const q = req.query as Record<string, string | undefined>;
    const max = Math.min(Number(q.maxResults ?? 100) || 100, 100);
    const start = Number(q.pageToken ?? 0) || 0;
    const all = [...state.roles.values()];
    return {
      kind: 'admin#directory#roles',
      etag: `"roles-${all.length}"`,
      items: all.slice(start, start + max).map((r) => ({ kind: 'admin#directory#role', etag: `"${r.roleId}"`, ...r })),
      ...(start + max < all.length ? { nextPageToken: String(start + max) } : {}),
    } satisfies dir.Schema$Roles;
  });

  app.get(`${D}/customer/:customer/roles/:roleId`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    const p = req.params as { customer: string; roleId: string };
    if (!customerOk(p.customer, reply)) return reply;
    const role = state.roles.get(p.roleId);
    if (!role) return directoryError(reply, 404, 'notFound', 'Not Found');
    return { kind: 'admin#directory#role', etag: `"${role.roleId}"`, ...role } satisfies dir.Schema$Role;
  });

  app.post(`${D}/customer/:customer/roles`, async (req, reply) => {
    if (!guard(req, reply, S.rolesWrite, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply)) return reply;
    const b = (req.body ?? {}) as {
      roleName?: string;
      roleDescription?: string;
      rolePrivileges?: { privilegeName: string; serviceId: string }[];
    };
    if (!b.roleName || !b.rolePrivileges?.length)
      return directoryError(reply, 400, 'invalid', 'Invalid Input: role must have a name and at least one privilege');
    const known = state.flatPrivileges();
    for (const p of b.rolePrivileges) {
      if (!known.some((k) => k.privilegeName === p.privilegeName && k.serviceId === p.serviceId)) {
        return directoryError(
          reply,
          400,
          'invalid',
          `Invalid Input: privilege ${p.privilegeName} with serviceId ${p.serviceId}`
        );
      }
    }
    if ([...state.roles.values()].some((r) => r.roleName === b.roleName))
      return directoryError(reply, 409, 'duplicate', 'Entity already exists.');
    const role = {
      roleId: state.newId('9170843'),
      roleName: b.roleName,
      roleDescription: b.roleDescription ?? '',
      rolePrivileges: b.rolePrivileges.map((p) => ({ privilegeName: p.privilegeName, serviceId: p.serviceId })),
      isSystemRole: false,
      isSuperAdminRole: false,
    };
    state.roles.set(role.roleId, role);
    state.wrote('role.insert');
    return { kind: 'admin#directory#role', etag: `"${role.roleId}"`, ...role } satisfies dir.Schema$Role;
  });

  app.delete(`${D}/customer/:customer/roles/:roleId`, async (req, reply) => {
    if (!guard(req, reply, S.rolesWrite, 'directory')) return reply;
    const p = req.params as { customer: string; roleId: string };
    if (!customerOk(p.customer, reply)) return reply;
    if (!state.roles.has(p.roleId)) return directoryError(reply, 404, 'notFound', 'Role not found');
    if ([...state.assignments.values()].some((a) => a.roleId === p.roleId)) {
      return directoryError(reply, 400, 'failedPrecondition', 'Cannot delete a role that is assigned');
    }
    state.roles.delete(p.roleId);
    state.wrote('role.delete');
    return reply.code(204).send();
  });

  // ---- Directory: org units ----
  const ouJson = (path: string, id: string) => {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const parentId = parent === '/' ? state.rootOrgUnitId : state.orgUnits.get(parent);
    return {
      kind: 'admin#directory#orgUnit',
      etag: `"${id}"`,
      name: path.split('/').at(-1),
      description: '',
      orgUnitPath: path,
      orgUnitId: `id:${id}`,
      parentOrgUnitPath: parent,
      parentOrgUnitId: `id:${parentId}`,
      blockInheritance: false,
    } satisfies dir.Schema$OrgUnit;
  };
  // orgunits.list: orgUnitPath (default "/") and type children (default) | all | allIncludingParent.
  app.get(`${D}/customer/:customerId/orgunits`, async (req, reply) => {
    if (!guard(req, reply, S.orgUnitsRead, 'directory')) return reply;
    if (!customerOk((req.params as { customerId: string }).customerId, reply)) return reply;
    const q = req.query as Record<string, string | undefined>;
    const base = `/${(q.orgUnitPath ?? '/').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
    const type = q.type ?? 'children';
    if (!['all', 'children', 'allIncludingParent'].includes(type))
      return directoryError(reply, 400, 'invalid', 'Invalid value for: type');
    const units = [...state.orgUnits].filter(([path]) => {
      if (type === 'allIncludingParent' && path === base) return true;
      if (!path.startsWith(`${base}/`)) return false;
      return type !== 'children' || !path.slice(base.length + 1).includes('/');
    });
    return {
      kind: 'admin#directory#orgUnits',
      etag: '"orgunits"',
      organizationUnits: units.map(([p, id]) => ouJson(p, id)),
    } satisfies dir.Schema$OrgUnits;
  });

  // orgunits.get: `{+orgUnitPath}` is the full path without its leading slash, or `id:` + the org unit ID.
  app.get(`${D}/customer/:customerId/orgunits/*`, async (req, reply) => {
    if (!guard(req, reply, S.orgUnitsRead, 'directory')) return reply;
    if (!customerOk((req.params as { customerId: string }).customerId, reply)) return reply;
    const raw = decodeURIComponent((req.params as { '*': string })['*']);
    const hit = raw.startsWith('id:')
      ? [...state.orgUnits].find(([, id]) => id === raw.slice(3))
      : [...state.orgUnits].find(([path]) => path.toLowerCase() === `/${raw.replace(/^\/+/, '')}`.toLowerCase());
    if (!hit) return directoryError(reply, 404, 'notFound', 'Org unit not found');
    return ouJson(hit[0], hit[1]);
  });

  // ---- Directory: role assignments ----
  const assignmentJson = (a: SimRoleAssignment) =>
    ({
      kind: 'admin#directory#roleAssignment',
      etag: `"${a.roleAssignmentId}"`,
      ...a,
    }) satisfies dir.Schema$RoleAssignment;

  app.get(`${D}/customer/:customer/roleassignments`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply)) return reply;
    const q = req.query as Record<string, string | undefined>;
    let assignee: string | undefined;
    if (q.userKey)
      assignee = state.groupByKey(q.userKey)?.id ?? (q.userKey.includes('@') ? state.userId(q.userKey) : q.userKey);
    const items = [...state.assignments.values()].filter(
      (a) => (!q.roleId || a.roleId === q.roleId) && (!assignee || a.assignedTo === assignee)
    );
    return {
      kind: 'admin#directory#roleAssignments',
      etag: `"assignments-${items.length}"`,
      items: items.map(assignmentJson),
    } satisfies dir.Schema$RoleAssignments;
  });

  app.get(`${D}/customer/:customer/roleassignments/:id`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    const p = req.params as { customer: string; id: string };
    if (!customerOk(p.customer, reply)) return reply;
    const a = state.assignments.get(p.id);
    if (!a) return directoryError(reply, 404, 'notFound', 'Not Found');
    return assignmentJson(a);
  });

  app.post(`${D}/customer/:customer/roleassignments`, async (req, reply) => {
    if (!guard(req, reply, S.rolesWrite, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply)) return reply;
    const b = (req.body ?? {}) as Partial<SimRoleAssignment>;
    const role = b.roleId ? state.roles.get(b.roleId) : undefined;
    if (!role) return directoryError(reply, 404, 'notFound', 'Role not found');
    const group = b.assignedTo ? state.groupByKey(b.assignedTo) : undefined;
    if (group && !state.isSecurityGroup(group)) {
      return directoryError(
        reply,
        400,
        'invalid',
        'Invalid Input: the group must be a security group to be assigned an admin role'
      );
    }
    if (!group && !b.assignedTo) return directoryError(reply, 400, 'invalid', 'Invalid Input: assignedTo');
    if (b.scopeType !== 'CUSTOMER' && b.scopeType !== 'ORG_UNIT')
      return directoryError(reply, 400, 'invalid', 'Invalid Input: scopeType');
    if (b.scopeType === 'ORG_UNIT' && ![...state.orgUnits.values()].includes(b.orgUnitId ?? '')) {
      return directoryError(reply, 400, 'invalid', 'Invalid Ou Id');
    }
    const same = [...state.assignments.values()].find(
      (a) =>
        a.roleId === b.roleId &&
        a.assignedTo === b.assignedTo &&
        a.scopeType === b.scopeType &&
        (a.orgUnitId ?? '') === (b.orgUnitId ?? '')
    );
    if (same) return directoryError(reply, 409, 'duplicate', 'Entity already exists.');
    if (state.assignments.size >= (state.opts.roleAssignmentLimit ?? 10_000)) {
      return directoryError(
        reply,
        400,
        'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT',
        'The customer has reached the maximum number of role assignments.'
      );
    }
    const a: SimRoleAssignment = {
      roleAssignmentId: state.newId('9170844'),
      roleId: role.roleId,
      assignedTo: b.assignedTo!,
      assigneeType: group ? 'GROUP' : 'USER',
      scopeType: b.scopeType,
      ...(b.scopeType === 'ORG_UNIT' ? { orgUnitId: b.orgUnitId } : {}),
    };
    state.assignments.set(a.roleAssignmentId, a);
    state.wrote('assignment.insert');
    return assignmentJson(a);
  });

  app.delete(`${D}/customer/:customer/roleassignments/:id`, async (req, reply) => {
    if (!guard(req, reply, S.rolesWrite, 'directory')) return reply;
    const p = req.params as { customer: string; id: string };
    if (!customerOk(p.customer, reply)) return reply;
    if (!state.assignments.delete(p.id)) return directoryError(reply, 404, 'notFound', 'Role assignment not found');
    state.wrote('assignment.delete');
    return reply.code(204).send();
  });
}
