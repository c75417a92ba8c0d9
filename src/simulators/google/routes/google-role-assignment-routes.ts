import type { admin_directory_v1 as dir } from 'googleapis';
import { ROLE_LIMITS, type SimRoleAssignment } from '../directory-state';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';

/**
 * Admin role assignments of the Google simulator (Directory v1 roleAssignments: list, get, insert, delete).
 */
export function registerGoogleRoleAssignmentRoutes({
  app,
  state,
  tenant,
  guard,
  customerOk,
}: DirectoryRouteContext): void {
  const assignmentJson = (a: SimRoleAssignment) =>
    ({
      kind: 'admin#directory#roleAssignment',
      etag: `"${a.roleAssignmentId}"`,
      ...a,
    }) satisfies dir.Schema$RoleAssignment;

  app.get(`${D}/customer/:customer/roleassignments`, async (req, reply) => {
    if (!guard(req, reply, S.rolesRead, 'directory')) return reply;
    if (!customerOk((req.params as { customer: string }).customer, reply, req)) return reply;
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
    if (!customerOk(p.customer, reply, req)) return reply;
    const a = state.assignments.get(p.id);
    if (!a) return directoryError(reply, 404, 'notFound', 'Not Found');
    return assignmentJson(a);
  });

  app.post(`${D}/customer/:customer/roleassignments`, async (req, reply) => {
    const subject = guard(req, reply, S.rolesWrite, 'directory');
    if (!subject) return reply;
    // Admin roles are a super admin's to manage [guess: status and text; Google's usual 403 for a non-admin caller].
    if (tenant.userRole(subject) !== 'superAdmin')
      return directoryError(reply, 403, 'forbidden', 'Not Authorized to access this resource/api');
    if (!customerOk((req.params as { customer: string }).customer, reply, req)) return reply;
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
    const overLimit = (message: string) =>
      directoryError(reply, 400, 'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT', message);
    if (state.assignments.size >= (state.opts.roleAssignmentLimit ?? Number.POSITIVE_INFINITY))
      return overLimit('The customer has reached the maximum number of role assignments.');
    // Per org unit (the root, i.e. scope CUSTOMER, counts as one unit), and for groups 250 per unit.
    const unit = b.scopeType === 'ORG_UNIT' ? (b.orgUnitId ?? '') : '';
    const inUnit = [...state.assignments.values()].filter((a) => (a.orgUnitId ?? '') === unit);
    const perUnit = state.opts.roleAssignmentsPerOrgUnit ?? ROLE_LIMITS.assignmentsPerOrgUnit;
    const where = unit ? `org unit id:${unit}` : 'the root org unit (scope CUSTOMER)';
    if (inUnit.length >= perUnit)
      return overLimit(`The customer has reached the maximum of ${perUnit} role assignments in ${where}.`);
    const groupLimit = state.opts.groupRoleAssignmentLimit ?? ROLE_LIMITS.groupAssignments;
    if (group && inUnit.filter((a) => a.assigneeType === 'GROUP').length >= groupLimit)
      return overLimit(`The customer has reached the maximum of ${groupLimit} role assignments to groups in ${where}.`);
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
    if (!customerOk(p.customer, reply, req)) return reply;
    if (!state.assignments.delete(p.id)) return directoryError(reply, 404, 'notFound', 'Role assignment not found');
    state.wrote('assignment.delete');
    return reply.code(204).send();
  });
}
