import type { admin_directory_v1 as dir, cloudidentity_v1 as ci } from 'googleapis';
import { DISCUSSION_LABEL, type SimGroup } from '../directory-state';
import { DIRECTORY as D, S, ciError, type DirectoryRouteContext } from '../directory-context';

/**
 * Groups of the Google simulator: Cloud Identity Groups v1 (create, lookup, get, delete) and the Directory
 * view of a group (groups.get).
 */
export function registerGoogleGroupRoutes({ app, state, guard, groupOr404 }: DirectoryRouteContext): void {
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
}
