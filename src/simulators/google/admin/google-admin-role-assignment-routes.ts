import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { email, type GoogleAdminDeps } from './google-admin-common';

/**
 * Admin API: admin role assignments as Admin console > Account > Admin roles shows and changes them.
 */
export function registerGoogleAdminRoleAssignmentRoutes(api: AdminApi, { state, directory }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'GET',
      path: '/role-assignments',
      operationId: 'listRoleAssignments',
      summary: 'Custom admin roles and their assignments, as Admin console > Account > Admin roles shows them',
      description: 'What the customer admin sees after seed 003 ran: each role, who holds it, in which org unit.',
      response: z.array(
        z.object({
          roleAssignmentId: z.string(),
          roleName: z.string(),
          assignedTo: z.string(),
          assigneeType: z.string(),
          scopeType: z.string(),
          orgUnitPath: z.string().optional(),
        })
      ),
    },
    async () => {
      const paths = new Map([...directory.orgUnits].map(([p, id]) => [id, p]));
      const groups = new Map([...directory.groups.values()].map((g) => [g.id, g.email]));
      return [...directory.assignments.values()].map((a) => ({
        roleAssignmentId: a.roleAssignmentId,
        roleName: directory.roles.get(a.roleId)?.roleName ?? a.roleId,
        assignedTo: groups.get(a.assignedTo) ?? a.assignedTo,
        assigneeType: a.assigneeType,
        scopeType: a.scopeType,
        orgUnitPath: a.orgUnitId ? paths.get(a.orgUnitId.replace(/^id:/, '')) : undefined,
      }));
    }
  );

  api.operation(
    {
      method: 'DELETE',
      path: '/role-assignments/{roleAssignmentId}',
      operationId: 'deleteRoleAssignment',
      summary: 'Unassign an admin role (a change made by hand)',
      description:
        "The customer admin, Admin console > Account > Admin roles > (the role) > Admins > (the assignee) > Unassign role: what the Directory API's roleAssignments.delete does (Admin SDK reference). Answers the removed assignment, so POST /_admin/role-assignments can put it back. Not counted in /_admin/directory-writes (a console change, not an API caller's).",
      response: z.object({
        roleName: z.string(),
        assignedTo: z.string(),
        assigneeType: z.enum(['USER', 'GROUP']),
        scopeType: z.enum(['CUSTOMER', 'ORG_UNIT']),
        orgUnitPath: z.string().optional(),
      }),
      errors: { 404: 'No such role assignment.' },
    },
    async ({ params }) => {
      const a = directory.assignments.get(params.roleAssignmentId!);
      if (!a) throw new AdminError(404, `no role assignment ${params.roleAssignmentId}`);
      directory.assignments.delete(a.roleAssignmentId);
      const paths = new Map([...directory.orgUnits].map(([p, id]) => [id, p]));
      const group = [...directory.groups.values()].find((g) => g.id === a.assignedTo);
      return {
        roleName: directory.roles.get(a.roleId)?.roleName ?? a.roleId,
        assignedTo: group?.email ?? a.assignedTo,
        assigneeType: a.assigneeType,
        scopeType: a.scopeType,
        ...(a.orgUnitId ? { orgUnitPath: paths.get(a.orgUnitId.replace(/^id:/, '')) } : {}),
      };
    }
  );

  api.operation(
    {
      method: 'POST',
      path: '/role-assignments',
      operationId: 'createRoleAssignment',
      summary: 'Assign an admin role to a group or user, in the whole account or one org unit',
      description:
        'The customer admin, Admin console > Account > Admin roles > (the role) > Assign role (roleAssignments.insert in the Admin SDK reference). Puts back an assignment removed by DELETE /_admin/role-assignments/{id}. Not counted in /_admin/directory-writes.',
      body: z.object({
        roleName: z.string().min(1),
        assignedTo: email.describe('A group or user email.'),
        scopeType: z.enum(['CUSTOMER', 'ORG_UNIT']).default('CUSTOMER'),
        orgUnitPath: z.string().optional(),
      }),
      response: z.object({ roleAssignmentId: z.string() }),
      status: 201,
      errors: { 404: 'No such role, assignee or org unit.' },
    },
    async ({ body }) => {
      const role = [...directory.roles.values()].find((r) => r.roleName === body.roleName);
      if (!role) throw new AdminError(404, `no role "${body.roleName}"`);
      const group = directory.groupByKey(body.assignedTo, true);
      if (!group && !state.hasUser(body.assignedTo)) throw new AdminError(404, `no group or user ${body.assignedTo}`);
      const ou = body.orgUnitPath ? directory.orgUnits.get(body.orgUnitPath) : undefined;
      if (body.scopeType === 'ORG_UNIT' && !ou)
        throw new AdminError(404, `no org unit ${body.orgUnitPath ?? '(none)'}`);
      const roleAssignmentId = directory.newId('9170844');
      directory.assignments.set(roleAssignmentId, {
        roleAssignmentId,
        roleId: role.roleId,
        assignedTo: group?.id ?? directory.userId(body.assignedTo),
        assigneeType: group ? 'GROUP' : 'USER',
        scopeType: body.scopeType,
        ...(ou ? { orgUnitId: ou } : {}),
      });
      return { roleAssignmentId };
    }
  );
}
