import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { DISCUSSION_LABEL, SECURITY_LABEL } from '../directory-state';
import { email, type GoogleAdminDeps } from './google-admin-common';

/**
 * Admin API: security groups with their members (Admin console > Directory > Groups), and the audit count of
 * the writes API callers made.
 */
export function registerGoogleAdminGroupRoutes(api: AdminApi, { state, directory }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'POST',
      path: '/groups',
      operationId: 'createGroup',
      summary: 'Create a security group with members (users or nested groups)',
      description:
        'The customer admin, Admin console > Directory > Groups > Create group (access type: security), then Add members. Seed 003 assumes groups may already exist and nest: a nested group is added as a member of type GROUP. Idempotent on the email; members are added when missing. Refuses a member that would close a membership cycle, as Google does.',
      body: z.object({
        email,
        displayName: z.string().min(1).optional(),
        members: z.array(z.object({ email, type: z.enum(['USER', 'GROUP']).default('USER') })).default([]),
      }),
      response: z.object({ email: z.string(), id: z.string(), members: z.array(z.string()) }),
      status: 201,
      errors: { 404: 'A member that is neither a user nor a group.', 412: 'Cyclic memberships not allowed.' },
    },
    async ({ body }) => {
      const g =
        directory.groupByKey(body.email, true) ??
        directory.createGroup(
          body.email,
          body.displayName ?? body.email,
          '',
          {
            [SECURITY_LABEL]: '',
            [DISCUSSION_LABEL]: '',
          },
          false
        );
      for (const m of body.members) {
        if (directory.members.get(g.id)!.has(m.email)) continue;
        if (m.type === 'GROUP') {
          const child = directory.groupByKey(m.email, true);
          if (!child) throw new AdminError(404, `no group ${m.email}: create it first`);
          if (directory.wouldCycle(g.id, child.id)) throw new AdminError(412, 'Cyclic memberships not allowed');
          directory.addMember(g.id, m.email, 'MEMBER', 'GROUP', child.id, false);
        } else {
          if (!state.hasUser(m.email)) throw new AdminError(404, `no user ${m.email}: create it first`);
          directory.addMember(g.id, m.email, 'MEMBER', 'USER', directory.userId(m.email), false);
        }
      }
      return { email: g.email, id: g.id, members: [...directory.members.get(g.id)!.keys()] };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/directory-writes',
      operationId: 'getDirectoryWrites',
      summary: 'Writes the Directory and Cloud Identity APIs performed, by kind',
      description:
        "Like Admin console > Reporting > Audit and investigation > Admin log events, counted: every change an API caller made (group.create, member.insert, role.insert, assignment.insert, and their deletes). The admin API's own changes are not counted. Lets a test prove that nothing was written.",
      response: z.record(z.string(), z.number()),
    },
    async () => Object.fromEntries(directory.writes)
  );
}
