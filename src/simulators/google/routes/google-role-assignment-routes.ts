import type { admin_directory_v1 as dir } from 'googleapis';
import type { SimRoleAssignment } from '../directory-state';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';

/**
 * Admin role assignments of the Google simulator (Directory v1 roleAssignments: list, get, insert, delete).
 */
export function registerGoogleRoleAssignmentRoutes({ app, state, guard, customerOk }: DirectoryRouteContext): void {
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
