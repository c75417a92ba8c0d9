import type { admin_directory_v1 as dir } from 'googleapis';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';

/**
 * Group members of the Google simulator (Directory v1 members: insert, list, get, delete, hasMember).
 */
export function registerGoogleMemberRoutes({
  app,
  state,
  guard,
  groupOr404,
  isUser,
  userByKey,
}: DirectoryRouteContext): void {
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
}
