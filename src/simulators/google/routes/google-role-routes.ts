import type { admin_directory_v1 as dir } from 'googleapis';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';
import { ROLE_LIMITS } from '../directory-state';

/**
 * Admin roles of the Google simulator (Directory v1 privileges.list, roles: list, get, insert, delete).
 */
export function registerGoogleRoleRoutes({ app, state, tenant, guard, customerOk }: DirectoryRouteContext): void {
  app.get(`${D}/customer/:customer/roles/ALL/privileges`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply, req)) return reply;
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
    if (!customerOk((req.params as { customer: string }).customer, reply, req)) return reply;
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
    if (!customerOk(p.customer, reply, req)) return reply;
    const role = state.roles.get(p.roleId);
    if (!role) return directoryError(reply, 404, 'notFound', 'Not Found');
    return { kind: 'admin#directory#role', etag: `"${role.roleId}"`, ...role } satisfies dir.Schema$Role;
  });

  app.post(`${D}/customer/:customer/roles`, async (req, reply) => {
    const subject = guard(req, reply, S.rolesWrite, 'directory');
    if (!subject) return reply;
    // Admin roles are a super admin's to manage [guess: status and text; Google's usual 403 for a non-admin caller].
    if (tenant.userRole(subject) !== 'superAdmin')
      return directoryError(reply, 403, 'forbidden', 'Not Authorized to access this resource/api');
    if (!customerOk((req.params as { customer: string }).customer, reply, req)) return reply;
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
    const customRoles = [...state.roles.values()].filter((r) => !r.isSystemRole).length;
    const limit = state.opts.customRoleLimit ?? ROLE_LIMITS.customRoles;
    if (customRoles >= limit) {
      return directoryError(
        reply,
        400,
        'limitExceeded',
        `Limit exceeded: the customer already has ${customRoles} custom roles (maximum ${limit}).`
      );
    }
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
    if (!customerOk(p.customer, reply, req)) return reply;
    if (!state.roles.has(p.roleId)) return directoryError(reply, 404, 'notFound', 'Role not found');
    if ([...state.assignments.values()].some((a) => a.roleId === p.roleId)) {
      return directoryError(reply, 400, 'failedPrecondition', 'Cannot delete a role that is assigned');
    }
    state.roles.delete(p.roleId);
    state.wrote('role.delete');
    return reply.code(204).send();
  });
}
