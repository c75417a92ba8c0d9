import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cwError } from './connectwise-api-helpers';
import type { AreaLevels, ConnectwiseState, SimMember } from './connectwise-state';

/** Successful writes counted, and the write faults that drop the connection after the change is committed. */
export interface ConnectwiseWriteBook {
  writes: number;
  drops: { method: string; path: RegExp; times: number; fired: number }[];
}

const AREA_OF: [RegExp, string][] = [
  [/^\/company\/companies\/types/, 'System/Table Setup'],
  [/^\/company\/companies/, 'Companies/Company Maintenance'],
  [/^\/finance\/agreements/, 'Finance/Agreements'],
  [/^\/procurement\/catalog/, 'Procurement/Product Catalog'],
  [/^\/system\/(members|apimembers)/, 'System/Member Maintenance'],
  [/^\/system\/securityroles/, 'System/Security Roles'],
  [/^\/service\/tickets/, 'Service Desk/Service Tickets'],
  [/^\/system\/reports/, 'System/API Reports'],
];
const ACTION_OF: Record<string, keyof AreaLevels> = {
  GET: 'inquire',
  POST: 'add',
  PATCH: 'edit',
  PUT: 'edit',
  DELETE: 'delete',
};

/**
 * The API scope's door: the mandatory clientId header, Basic auth with company+public:private, the security
 * role's level for the route's area and action; then every successful write is counted (and a programmed drop
 * fault fires after the change is committed).
 */
export function registerConnectwiseAuth(
  scope: FastifyInstance,
  state: ConnectwiseState,
  book: ConnectwiseWriteBook
): void {
  scope.decorateRequest('member', null);
  scope.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.headers.clientid) {
      return cwError(
        reply,
        400,
        'InvalidObject',
        'clientId header is required. Register your integration at developer.connectwise.com and send its clientId with every request.'
      );
    }
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const auth = /^([^+]+)\+([^:]+):(.*)$/.exec(decoded);
    const member = auth ? state.authenticate(auth[1]!, auth[2]!, auth[3]!) : undefined;
    if (!member) {
      // Cloud sites answer bad credentials on some routes with 404 (vendor-apis.md C1).
      if (state.isCloud) return reply.code(404).send();
      return cwError(reply, 401, 'Unauthorized', 'Authentication failed: the API keys or company are not valid.');
    }
    const path = (req.url.split('?')[0] ?? '').replace(/^\/[^/]+\/apis\/3\.0/, '');
    const area = AREA_OF.find(([re]) => re.test(path))?.[1];
    if (area) {
      const action = ACTION_OF[req.method] ?? 'inquire';
      const level = state.levels(member, area)?.[action] ?? 'None';
      if (level === 'None') {
        const [mod, fn] = area.split('/');
        return cwError(reply, 403, 'Forbidden', `You do not have ${action} access to ${mod} > ${fn} (security role).`);
      }
    }
    (req as FastifyRequest & { member: SimMember }).member = member;
  });
  scope.addHook('onSend', async (req, reply, payload) => {
    const ok = reply.statusCode >= 200 && reply.statusCode < 300;
    if (ok && req.method !== 'GET') {
      book.writes++;
      const path = req.url.split('?')[0] ?? '';
      const drop = book.drops.find((d) => d.fired < d.times && d.method === req.method && d.path.test(path));
      if (drop) {
        drop.fired++;
        req.raw.socket.destroy();
      }
    }
    return payload;
  });
}
