import type { admin_directory_v1 as dir, cloudidentity_v1 as ci } from 'googleapis';
import { DISCUSSION_LABEL, type SimGroup } from '../directory-state';
import { DIRECTORY as D, S, ciError, directoryError, type DirectoryRouteContext } from '../directory-context';

/** groups.create's `initialGroupConfig` values (Discovery `cloudidentity:v1`, an optional query parameter). */
const INITIAL_GROUP_CONFIGS = ['INITIAL_GROUP_CONFIG_UNSPECIFIED', 'WITH_INITIAL_OWNER', 'EMPTY'];

/**
 * Groups of the Google simulator: Cloud Identity Groups v1 (create, lookup, get, delete) and the Directory
 * view of a group (groups.get, groups.insert).
 */
export function registerGoogleGroupRoutes({
  app,
  state,
  guard,
  groupOr404,
  callerCustomer,
}: DirectoryRouteContext): void {
  const ciGroup = (g: SimGroup) =>
    ({
      name: `groups/${g.id}`,
      groupKey: { id: g.email },
      parent: `customers/${g.customerId ?? state.customerId}`,
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
    // Optional (Discovery: "Optional. The initial configuration option for the `Group`."); a value must be one of the enum.
    if (q.initialGroupConfig !== undefined && !INITIAL_GROUP_CONFIGS.includes(q.initialGroupConfig)) {
      return ciError(
        reply,
        400,
        `Invalid value at 'initial_group_config' (type.googleapis.com/google.apps.cloudidentity.groups.v1.InitialGroupConfig), "${q.initialGroupConfig}"`
      );
    }
    const customer = callerCustomer(req);
    if (b.parent !== `customers/${customer}`) {
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
    const g = state.createGroup(email, b.displayName ?? email, b.description ?? '', b.labels, true, customer);
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
  const directoryGroup = (g: SimGroup) =>
    ({
      kind: 'admin#directory#group',
      id: g.id,
      etag: `"${g.id}"`,
      email: g.email,
      name: g.displayName,
      directMembersCount: String([...state.members.get(g.id)!.values()].filter((m) => state.visible(m)).length),
      description: g.description,
      adminCreated: true,
      nonEditableAliases: [],
    }) satisfies dir.Schema$Group;

  app.get(`${D}/groups/:groupKey`, async (req, reply) => {
    if (!guard(req, reply, S.groupsRead, 'directory')) return reply;
    const g = groupOr404((req.params as { groupKey: string }).groupKey, reply);
    if (!g) return reply;
    return directoryGroup(g);
  });

  // groups.insert: a plain (non-security) Google group; `email` is required, `name` defaults to it.
  app.post(`${D}/groups`, async (req, reply) => {
    if (!guard(req, reply, S.groupsWrite, 'directory')) return reply;
    const b = (req.body ?? {}) as { email?: unknown; name?: unknown; description?: unknown };
    if (typeof b.email !== 'string' || !b.email)
      return directoryError(reply, 400, 'required', 'Missing required field: email');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))
      return directoryError(reply, 400, 'invalid', 'Invalid Input: email');
    if (b.name !== undefined && typeof b.name !== 'string')
      return directoryError(reply, 400, 'invalid', 'Invalid value for: name');
    if (b.description !== undefined && typeof b.description !== 'string')
      return directoryError(reply, 400, 'invalid', 'Invalid value for: description');
    if (state.groupByKey(b.email, true)) return directoryError(reply, 409, 'duplicate', 'Entity already exists.');
    const g = state.createGroup(
      b.email,
      b.name ?? b.email,
      b.description ?? '',
      { [DISCUSSION_LABEL]: '' },
      true,
      callerCustomer(req)
    );
    return directoryGroup(g);
  });
}
