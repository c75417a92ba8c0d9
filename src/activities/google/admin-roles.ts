import type { admin_directory_v1 } from 'googleapis';
import { ADMIN_ROLE_SCOPES, closeNames, type AdminRoleInput } from '../../domain/google-admin-roles-schema';
import type { AdminRolePlan } from '../../contract/google-admin-roles-messages';
import { permanent, retryable } from '../failures';
import {
  createAdminClientFactory,
  type AdminClients,
  type GoogleAdminCaller,
  type GoogleAdminSettings,
} from './admin-client';
import {
  classifyGoogleApiError,
  classifyRoleAssignmentError,
  classifyRoleInsertError,
  googleApiErrorInfo,
  type GoogleApiErrorInfo,
} from './google-error-classifier';
import { createGroupActivities, findGroup, listMembers } from './groups';
import { createMemberSourceActivities } from './member-sources';
import { FailureType } from '../../contract/failure-types';

export interface RoleSpec {
  name: string;
  description: string;
  privileges: { name: string; serviceId: string }[];
}

export interface AssignmentSpec {
  roleId: string;
  assigneeId: string;
  scopeType: 'CUSTOMER' | 'ORG_UNIT';
  /** Without the "id:" prefix orgunits returns. */
  orgUnitId?: string;
}

export type InspectInput = Pick<AdminRoleInput, 'group' | 'members' | 'role' | 'assignee' | 'scope'> & {
  caller: GoogleAdminCaller;
};

const RM = ADMIN_ROLE_SCOPES.roles;

/**
 * The order against the tenant, before anything else (plan mode and apply alike): the admin Onramp acts as must be
 * a super admin (custom roles and their assignments are a super admin's to manage), and `customer.customerId`
 * must be that admin's customer (users.get answers its `customerId`). Either wrong fails naming the field, instead
 * of a "400 Bad Request" at the first call that carries the customer ID.
 */
async function checkCallerTenant(c: AdminClients, caller: GoogleAdminCaller, what: string): Promise<void> {
  let user: admin_directory_v1.Schema$User;
  try {
    user = (
      await c.directory.users.get({
        userKey: caller.adminEmail,
        fields: 'primaryEmail,customerId,isAdmin,isDelegatedAdmin',
      })
    ).data;
  } catch (err) {
    const info = googleApiErrorInfo(err);
    if (info.status === 404)
      throw permanent(
        `adminEmail: ${caller.adminEmail} is not a user of the customer's Workspace (${info.message}); nothing was created.`,
        FailureType.GoogleInvalidSubject
      );
    return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.users);
  }
  const actual = user.customerId ?? '';
  if (actual && actual.replace(/^C?/, 'C') !== caller.customerId) {
    throw permanent(
      `customer.customerId: ${caller.customerId} is not the customer ID of ${caller.adminEmail}'s Workspace, which is ${actual}. Fix customer.customerId: copy it from Admin console > Account > Account settings > Customer ID (${actual}); nothing was created.`,
      FailureType.GoogleCustomerMismatch
    );
  }
  if (user.isAdmin !== true) {
    throw permanent(
      `adminEmail: ${caller.adminEmail} is ${user.isDelegatedAdmin ? 'a delegated admin' : 'not an admin'}, not a super admin: only a super admin can create custom admin roles and assign them. Fix adminEmail (a super admin of the customer's Workspace: Admin console > Account > Admin roles > Super Admin > Admins), or make ${caller.adminEmail} a super admin; nothing was created.`,
      FailureType.GoogleAdminNotSuperAdmin
    );
  }
}

/** privileges.list, children flattened (GAM does the same): name → serviceId and OU-scopability. */
async function listPrivileges(
  c: AdminClients,
  customer: string,
  what: string
): Promise<Map<string, { serviceId: string; isOuScopable: boolean }>> {
  let items: admin_directory_v1.Schema$Privilege[];
  try {
    items = (await c.directory.privileges.list({ customer })).data.items ?? [];
  } catch (err) {
    return classifyGoogleApiError(err, what, RM);
  }
  const out = new Map<string, { serviceId: string; isOuScopable: boolean }>();
  const walk = (ps: admin_directory_v1.Schema$Privilege[]) => {
    for (const p of ps) {
      if (p.privilegeName && p.serviceId && !out.has(p.privilegeName))
        out.set(p.privilegeName, { serviceId: p.serviceId, isOuScopable: !!p.isOuScopable });
      if (p.childPrivileges) walk(p.childPrivileges);
    }
  };
  walk(items);
  return out;
}

async function findRole(
  c: AdminClients,
  customer: string,
  name: string,
  what: string
): Promise<admin_directory_v1.Schema$Role | undefined> {
  let pageToken: string | undefined;
  do {
    try {
      const r = await c.directory.roles.list({ customer, maxResults: 100, pageToken });
      const hit = r.data.items?.find((x) => x.roleName === name);
      if (hit) return hit;
      pageToken = r.data.nextPageToken ?? undefined;
    } catch (err) {
      return classifyGoogleApiError(err, what, RM);
    }
  } while (pageToken);
  return undefined;
}

/** Differences between an existing role's privileges and the wanted ones ([] when they match). */
function privilegeDifferences(existing: admin_directory_v1.Schema$Role, wanted: RoleSpec['privileges']): string[] {
  const have = new Set((existing.rolePrivileges ?? []).map((p) => `${p.privilegeName}@${p.serviceId}`));
  const want = new Set(wanted.map((p) => `${p.name}@${p.serviceId}`));
  const missing = [...want].filter((x) => !have.has(x)).map((x) => x.split('@')[0]);
  const extra = [...have].filter((x) => !want.has(x)).map((x) => x.split('@')[0]);
  return [
    ...(missing.length ? [`lacks ${missing.join(', ')}`] : []),
    ...(extra.length ? [`also grants ${extra.join(', ')}`] : []),
  ];
}

async function listAssignments(c: AdminClients, customer: string, roleId: string, assigneeId: string, what: string) {
  try {
    return (await c.directory.roleAssignments.list({ customer, roleId, userKey: assigneeId })).data.items ?? [];
  } catch (err) {
    return classifyGoogleApiError(err, what, RM);
  }
}

function matches(a: admin_directory_v1.Schema$RoleAssignment, spec: AssignmentSpec): boolean {
  return (
    a.roleId === spec.roleId &&
    a.assignedTo === spec.assigneeId &&
    a.scopeType === spec.scopeType &&
    (spec.scopeType === 'CUSTOMER' || (a.orgUnitId ?? '').replace(/^id:/, '') === spec.orgUnitId)
  );
}

/** What an idempotent create gives: the object's id under `Key`, and whether this call created it. */
type Ensured<Key extends string> = Record<Key, string> & { outcome: 'created' | 'already-present' };

/**
 * Google's idempotent create: what `find` finds is kept (`have` says how); else `create`. A 409 "duplicate"
 * means an earlier attempt's insert went through: found again, it is kept; not listed yet, the activity
 * retries (`notListed`). Any other error is `otherwise`'s to classify.
 */
async function findOrCreate<T, R>(steps: {
  find: () => Promise<T | undefined>;
  have: (found: T) => R;
  create: () => Promise<R>;
  notListed: { message: string; type: FailureType };
  otherwise: (err: unknown, info: GoogleApiErrorInfo) => R;
}): Promise<R> {
  const existing = await steps.find();
  if (existing) return steps.have(existing);
  try {
    return await steps.create();
  } catch (err) {
    const info = googleApiErrorInfo(err);
    if (info.status === 409 || info.reason === 'duplicate') {
      const again = await steps.find();
      if (again) return steps.have(again);
      throw retryable(steps.notListed.message, steps.notListed.type);
    }
    return steps.otherwise(err, info);
  }
}

export function createAdminRoleActivities(settings: GoogleAdminSettings) {
  const { clientsFor } = createAdminClientFactory(settings);

  return {
    ...createGroupActivities(clientsFor, settings.memberConcurrency ?? 20),
    ...createMemberSourceActivities(clientsFor, settings.memberConcurrency ?? 20),

    /**
     * Read-only inspection: resolves privileges and org units (unknown ones fail here, before anything is
     * created), and says what exists, what is missing and what differs. Plan mode's answer, apply's start.
     */
    async inspectAdminRoleTenant(input: InspectInput): Promise<AdminRolePlan> {
      const { caller } = input;
      const what = 'inspect the tenant';
      const scopes: string[] = [
        ADMIN_ROLE_SCOPES.groups,
        ADMIN_ROLE_SCOPES.members,
        RM,
        ...(input.scope.type === 'ORG_UNIT' ? [ADMIN_ROLE_SCOPES.orgUnits] : []),
        ADMIN_ROLE_SCOPES.users,
      ];
      const c = await clientsFor(caller, scopes, what);
      const customer = caller.customerId;
      const summary: string[] = [];
      await checkCallerTenant(c, caller, what);

      const catalogue = await listPrivileges(c, customer, what);
      const unknown = input.role.privileges.filter((p) => !catalogue.has(p));
      if (unknown.length) {
        const names = [...catalogue.keys()];
        throw permanent(
          `role.privileges: unknown privilege(s) ${unknown
            .map((u) => {
              const close = closeNames(u, names);
              return `${u}${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`;
            })
            .join(
              '; '
            )}. privileges.list has ${names.length} privileges for customer ${customer}; nothing was created.`,
          FailureType.UnknownPrivilege
        );
      }
      const privileges = input.role.privileges.map((name) => ({ name, serviceId: catalogue.get(name)!.serviceId }));
      if (input.scope.type === 'ORG_UNIT') {
        const notScopable = input.role.privileges.filter((p) => !catalogue.get(p)!.isOuScopable);
        if (notScopable.length) {
          throw permanent(
            `role.privileges: ${notScopable.join(', ')} cannot be scoped to an org unit: use scope type CUSTOMER or drop them; nothing was created.`,
            FailureType.PrivilegeNotOuScopable
          );
        }
      }

      const orgUnits: AdminRolePlan['orgUnits'] = [];
      if (input.scope.type === 'ORG_UNIT') {
        let units: admin_directory_v1.Schema$OrgUnit[];
        try {
          units = (await c.directory.orgunits.list({ customerId: customer, type: 'all' })).data.organizationUnits ?? [];
        } catch (err) {
          return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.orgUnits);
        }
        const byPath = new Map(units.map((u) => [(u.orgUnitPath ?? '').toLowerCase(), u]));
        const missing = input.scope.orgUnitPaths.filter((p) => !byPath.has(p.toLowerCase()));
        if (missing.length) {
          throw permanent(
            `scope.orgUnitPaths: no org unit ${missing.join(', ')} in customer ${customer}. Existing: ${units.map((u) => u.orgUnitPath).join(', ') || '(none)'}; nothing was created.`,
            FailureType.UnknownOrgUnit
          );
        }
        for (const p of input.scope.orgUnitPaths) {
          const u = byPath.get(p.toLowerCase())!;
          // Role assignments want the bare ID; orgunits answers "id:03ph8a2z…" (GAM strips it too).
          orgUnits.push({ path: u.orgUnitPath ?? p, orgUnitId: (u.orgUnitId ?? '').replace(/^id:/, '') });
        }
      }

      const found = await findGroup(c, input.group.email, what);
      const group: AdminRolePlan['group'] = found
        ? {
            state: found.isSecurity ? 'present' : 'differs',
            name: found.name,
            id: found.id,
            differences: found.isSecurity ? [] : ['not a security group'],
          }
        : { state: 'absent', differences: [] };
      if (found && found.displayName !== input.group.displayName)
        group.differences.push(`display name is "${found.displayName}" (left as is)`);
      summary.push(
        group.state === 'absent'
          ? `create security group ${input.group.email}`
          : group.state === 'present'
            ? `group ${input.group.email} exists (${found!.name})`
            : `group ${input.group.email} differs: ${group.differences.join('; ')}`
      );

      const members: AdminRolePlan['members'] = { toAdd: [], present: [], differs: [] };
      const current = found ? await listMembers(c, found.id, what) : new Map<string, { role: string }>();
      for (const m of input.members) {
        const have = current.get(m.email);
        if (!have) members.toAdd.push(m.email);
        else if (have.role === m.role) members.present.push(m.email);
        else members.differs.push({ email: m.email, detail: `is ${have.role}, wanted ${m.role}` });
      }
      summary.push(
        `add ${members.toAdd.length} member(s); ${members.present.length} already present${members.differs.length ? `; ${members.differs.length} with another role` : ''}`
      );

      const existingRole = await findRole(c, customer, input.role.name, what);
      const role: AdminRolePlan['role'] = existingRole
        ? (() => {
            const d = privilegeDifferences(existingRole, privileges);
            return {
              state: d.length ? ('differs' as const) : ('present' as const),
              roleId: existingRole.roleId ?? undefined,
              differences: d,
            };
          })()
        : { state: 'absent', differences: [] };
      summary.push(
        role.state === 'absent'
          ? `create role "${input.role.name}" with ${privileges.map((p) => p.name).join(', ')}`
          : role.state === 'present'
            ? `role "${input.role.name}" exists (${role.roleId})`
            : `role "${input.role.name}" exists but ${role.differences.join('; ')}`
      );

      const assignee: AdminRolePlan['assignee'] = {
        type: input.assignee.type,
        email: input.assignee.type === 'user' ? input.assignee.email : input.group.email,
        id: found?.id,
      };
      if (input.assignee.type === 'user') {
        try {
          assignee.id = (await c.directory.users.get({ userKey: input.assignee.email })).data.id ?? undefined;
        } catch (err) {
          const info = googleApiErrorInfo(err);
          if (info.status === 404 || info.status === 400)
            throw permanent(
              `assignee.email: ${input.assignee.email} is not a user of the domain (${info.message}); nothing was created.`,
              FailureType.UnknownAssignee
            );
          return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.users);
        }
      }

      const scopes_ =
        input.scope.type === 'CUSTOMER'
          ? [{ label: 'CUSTOMER', spec: { scopeType: 'CUSTOMER' as const } }]
          : orgUnits.map((u) => ({ label: u.path, spec: { scopeType: 'ORG_UNIT' as const, orgUnitId: u.orgUnitId } }));
      const assignments: AdminRolePlan['assignments'] = { toCreate: [], present: [] };
      const existing =
        role.roleId && assignee.id ? await listAssignments(c, customer, role.roleId, assignee.id, what) : [];
      for (const s of scopes_) {
        const hit = existing.find((a) => matches(a, { roleId: role.roleId!, assigneeId: assignee.id!, ...s.spec }));
        if (hit?.roleAssignmentId) assignments.present.push({ scope: s.label, roleAssignmentId: hit.roleAssignmentId });
        else assignments.toCreate.push(s.label);
      }
      summary.push(
        `assign the role to ${assignee.email} on ${assignments.toCreate.length ? assignments.toCreate.join(', ') : '(nothing left)'}${assignments.present.length ? `; already assigned on ${assignments.present.map((p) => p.scope).join(', ')}` : ''}`
      );

      return { privileges, orgUnits, group, members, role, assignee, assignments, summary };
    },

    /** Create the custom role, or accept the identical one a lost attempt created; a different one fails. */
    async ensureAdminRole(input: { caller: GoogleAdminCaller; role: RoleSpec }): Promise<Ensured<'roleId'>> {
      const { caller, role } = input;
      const what = `create role "${role.name}"`;
      const c = await clientsFor(caller, [RM], what);
      const check = (r: admin_directory_v1.Schema$Role) => {
        const d = privilegeDifferences(r, role.privileges);
        if (d.length) {
          throw permanent(
            `${what}: a role with that name already exists but ${d.join('; ')}. Rename the role in the input, or fix the existing role in Admin console > Account > Admin roles.`,
            FailureType.GoogleRoleDiffers
          );
        }
        return { roleId: r.roleId!, outcome: 'already-present' as const };
      };
      return findOrCreate<admin_directory_v1.Schema$Role, Ensured<'roleId'>>({
        find: () => findRole(c, caller.customerId, role.name, what),
        have: check,
        create: async () => {
          const r = await c.directory.roles.insert({
            customer: caller.customerId,
            requestBody: {
              roleName: role.name,
              roleDescription: role.description,
              rolePrivileges: role.privileges.map((p) => ({ privilegeName: p.name, serviceId: p.serviceId })),
            },
          });
          return { roleId: r.data.roleId!, outcome: 'created' };
        },
        notListed: {
          message: `${what}: Google answered "duplicate" but the role is not listed yet; retrying`,
          type: FailureType.GoogleRoleNotVisible,
        },
        otherwise: (err, info) => classifyRoleInsertError(err, what, RM, info),
      });
    },

    /** One role assignment (one org unit, or the customer); an identical existing one is success. */
    async ensureRoleAssignment(input: {
      caller: GoogleAdminCaller;
      assignment: AssignmentSpec;
      label: string;
    }): Promise<Ensured<'roleAssignmentId'>> {
      const { caller, assignment: a } = input;
      const what = `assign role ${a.roleId} on ${input.label}`;
      const c = await clientsFor(caller, [RM], what);
      const lookup = async () =>
        (await listAssignments(c, caller.customerId, a.roleId, a.assigneeId, what)).find((x) => matches(x, a));
      return findOrCreate<admin_directory_v1.Schema$RoleAssignment, Ensured<'roleAssignmentId'>>({
        find: lookup,
        have: (x) => ({ roleAssignmentId: x.roleAssignmentId!, outcome: 'already-present' }),
        create: async () => {
          const r = await c.directory.roleAssignments.insert({
            customer: caller.customerId,
            requestBody: {
              roleId: a.roleId,
              assignedTo: a.assigneeId,
              scopeType: a.scopeType,
              ...(a.orgUnitId ? { orgUnitId: a.orgUnitId } : {}),
            },
          });
          return { roleAssignmentId: r.data.roleAssignmentId!, outcome: 'created' };
        },
        notListed: {
          message: `${what}: Google answered "duplicate" but the assignment is not listed yet; retrying`,
          type: FailureType.GoogleAssignmentNotVisible,
        },
        otherwise: (err, info) => classifyRoleAssignmentError(err, what, RM, info),
      });
    },

    async deleteRoleAssignment(input: {
      caller: GoogleAdminCaller;
      roleAssignmentId: string;
    }): Promise<{ outcome: 'deleted' | 'already-gone' }> {
      const what = `delete role assignment ${input.roleAssignmentId}`;
      const c = await clientsFor(input.caller, [RM], what);
      try {
        await c.directory.roleAssignments.delete({
          customer: input.caller.customerId,
          roleAssignmentId: input.roleAssignmentId,
        });
        return { outcome: 'deleted' };
      } catch (err) {
        if (googleApiErrorInfo(err).status === 404) return { outcome: 'already-gone' };
        return classifyGoogleApiError(err, what, RM);
      }
    },

    async deleteAdminRole(input: {
      caller: GoogleAdminCaller;
      roleId: string;
    }): Promise<{ outcome: 'deleted' | 'already-gone' }> {
      const what = `delete role ${input.roleId}`;
      const c = await clientsFor(input.caller, [RM], what);
      try {
        await c.directory.roles.delete({ customer: input.caller.customerId, roleId: input.roleId });
        return { outcome: 'deleted' };
      } catch (err) {
        if (googleApiErrorInfo(err).status === 404) return { outcome: 'already-gone' };
        return classifyGoogleApiError(err, what, RM);
      }
    },
  };
}
