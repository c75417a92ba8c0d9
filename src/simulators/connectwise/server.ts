import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerConnectwiseAdminRoutes } from './admin-routes';
import { ConditionsError, fieldsOf, hasPath, matches, orderByComparator, parseConditions } from './conditions';
import {
  ALL_AREAS,
  ConnectwiseState,
  moduleOf,
  type AreaLevels,
  type ConnectwiseStateOptions,
  type SimMember,
} from './state';
import { registerAgreementRoutes } from './agreement-routes';

/**
 * ConnectWise PSA (Manage) REST API fake, shaped after ConnectWise's OpenAPI document (the types
 * `connectwise-rest` generates from it) and the Developer Guide; every behaviour and its source is listed in
 * docs/vendor-contracts.md. companyinfo discovery, Basic auth with
 * company+public:private and the mandatory clientId header, security-role enforcement per area, the
 * conditions grammar, orderBy, navigable and forward-only paging with Link headers, `/count`, case-insensitive
 * routes, `{code, message, errors}` error bodies, and a rate limit answering 429 + Retry-After that is ON by
 * default at the documented ~1,000 requests/minute.
 */
export interface ConnectwiseSimulatorOptions
  extends Partial<Omit<SimulatorOptions, 'rateLimit'>>, ConnectwiseStateOptions {
  /**
   * Requests per window before 429 (the API only; companyinfo and the control plane are exempt). Default
   * {@link CW_DOCUMENTED_RATE_LIMIT}; `rateLimit: false` turns throttling off.
   */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Persist roles, API members and records to this JSON file (the sandbox does, so a restart keeps them). */
  stateFile?: string;
  rateLimit?: false;
  /** The host the simulator is reached at (companyinfo's `SiteUrl`); defaults to the request's Host header. */
  siteUrl?: string;
}

/**
 * ConnectWise Developer Guide, "Rate Limiting": requests above about 1,000 per minute are likely to be
 * throttled with 429 and Retry-After (no exact per-tenant number is published: the figure is the guide's own
 * order of magnitude, the fixed one-minute window is a simplification).
 */
export const CW_DOCUMENTED_RATE_LIMIT = { requestsPerWindow: 1000, windowMs: 60_000 } as const;
/** The 429 body the Developer Guide shows. */
export const CW_THROTTLE_BODY = {
  error: 'ConnectWiseAPI',
  message: 'Too many requests. Please try again in 30 seconds.',
} as const;

export interface ConnectwiseSimulator extends Simulator {
  state: ConnectwiseState;
  /** Successful POST/PATCH/PUT/DELETE on the API, for "a re-run writes nothing". */
  writes(): number;
  /** Write faults that commit the change and then drop the connection (a response lost in flight). */
  dropAfterCommit(method: string, path: string, times: number): () => number;
  /** The next `times` company creations race another writer: the record appears first, the POST gets ObjectExists. */
  raceCompanyCreates(times: number): () => number;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** ConnectWise's ErrorResponseMessage: `{code, message, errors: ValidationError[] | null}`. */
export interface CwValidationError {
  code?: string;
  message?: string;
  resource?: string;
  field?: string;
}
const cwError = (
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  errors: CwValidationError[] | null = null
) => reply.code(status).send({ code, message, errors });

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

const info = (at: string) => ({ lastUpdated: at, updatedBy: 'Onramp-Sim' });

/** Lower-case the path (not the query) of API and companyinfo requests: ConnectWise routes ignore case. */
function lowerPath(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.toLowerCase() + (q < 0 ? '' : url.slice(q));
}

export function createConnectwiseSimulator(opts: ConnectwiseSimulatorOptions = {}): ConnectwiseSimulator {
  const limit = opts.requestsPerWindow ?? CW_DOCUMENTED_RATE_LIMIT.requestsPerWindow;
  const sim = createSimulatorApp({
    name: 'connectwise',
    ...opts,
    rateLimit:
      opts.rateLimit === false
        ? undefined
        : {
            limit,
            windowMs: opts.windowMs ?? CW_DOCUMENTED_RATE_LIMIT.windowMs,
            path: /\/apis\/3\.0\//,
            body: CW_THROTTLE_BODY,
          },
  });
  const state = new ConnectwiseState(opts);
  const { app } = sim;
  // Before Fastify routes the request: ConnectWise (IIS) matches routes case-insensitively, and clients built
  // from the OpenAPI document send `/system/securityRoles/{id}/settings` next to `/system/securityroles`.
  app.server.prependListener('request', (req: { url?: string }) => {
    if (req.url) req.url = lowerPath(req.url);
  });
  let writes = 0;
  const drops: { method: string; path: RegExp; times: number; fired: number }[] = [];
  const race = { times: 0, fired: 0 };

  app.get('/login/companyinfo/:companyId', async (req, reply) => {
    const { companyId } = req.params as { companyId: string };
    // An unknown company: 200 with a null body.
    if (companyId.toLowerCase() !== state.companyId.toLowerCase()) return reply.code(200).send(null);
    return {
      CompanyName: state.companyName,
      Codebase: state.codebase,
      VersionCode: state.versionCode,
      VersionNumber: state.versionNumber,
      CompanyID: state.companyId,
      IsCloud: state.isCloud,
      SiteUrl: opts.siteUrl ?? req.headers.host ?? '',
    };
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (/\/apis\/3\.0\//.test(req.url))
      return cwError(reply, 404, 'NotFound', `The requested resource ${req.url.split('?')[0]} was not found.`);
    return reply.code(404).send({ message: `Route ${req.method}:${req.url} not found`, statusCode: 404 });
  });

  const api = async (scope: FastifyInstance) => {
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
          return cwError(
            reply,
            403,
            'Forbidden',
            `You do not have ${action} access to ${mod} > ${fn} (security role).`
          );
        }
      }
      (req as FastifyRequest & { member: SimMember }).member = member;
    });
    scope.addHook('onSend', async (req, reply, payload) => {
      const ok = reply.statusCode >= 200 && reply.statusCode < 300;
      if (ok && req.method !== 'GET') {
        writes++;
        const path = req.url.split('?')[0] ?? '';
        const drop = drops.find((d) => d.fired < d.times && d.method === req.method && d.path.test(path));
        if (drop) {
          drop.fired++;
          req.raw.socket.destroy();
        }
      }
      return payload;
    });

    /** `conditions` applied to `records`; undefined when an error was sent. */
    const filter = <T>(req: FastifyRequest, reply: FastifyReply, records: readonly T[], known: readonly string[]) => {
      const q = req.query as Record<string, string | undefined>;
      if (!q.conditions) return [...records];
      try {
        const cond = parseConditions(q.conditions);
        const unknown = fieldsOf(cond).find((f) => !hasPath(records[0], f, known));
        if (unknown && records.length) {
          void cwError(reply, 400, 'InvalidObject', `conditions: unknown field ${unknown}`, [
            { code: 'InvalidField', message: `${unknown} is not a valid field`, field: unknown },
          ]);
          return undefined;
        }
        return records.filter((r) => matches(r, cond));
      } catch (err) {
        if (err instanceof ConditionsError) {
          void cwError(reply, 400, 'InvalidObject', `conditions: ${err.message}`);
          return undefined;
        }
        throw err;
      }
    };

    /**
     * Generic list: conditions, orderBy (default id), navigable paging (page/pageSize, default 25, max 1,000,
     * RFC 5988 Link first/prev/next/last) or forward-only paging (`pagination-type: forward-only` + pageId:
     * records with id > pageId, Link rel="next" only), and `fields`.
     */
    const list = <T extends { id: number }>(
      req: FastifyRequest,
      reply: FastifyReply,
      records: readonly T[],
      known: readonly string[] = []
    ) => {
      const q = req.query as Record<string, string | undefined>;
      let rows = filter(req, reply, records, known);
      if (!rows) return reply;
      const forwardOnly =
        String(req.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only' || q.pageId !== undefined;
      if (forwardOnly && q.orderBy)
        return cwError(reply, 400, 'InvalidObject', 'orderBy cannot be used with forward-only pagination');
      try {
        rows.sort(q.orderBy ? orderByComparator(q.orderBy) : (a, b) => a.id - b.id);
      } catch (err) {
        if (err instanceof ConditionsError) return cwError(reply, 400, 'InvalidObject', `orderBy: ${err.message}`);
        throw err;
      }
      const pageSize = Math.min(Math.max(Number(q.pageSize ?? 25) || 25, 1), 1000);
      const link = (params: Record<string, string>) => {
        const u = new URL(req.url, `http://${req.headers.host}`);
        for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
        return u.toString();
      };
      let slice: T[];
      if (forwardOnly) {
        const after = Number(q.pageId ?? 0) || 0;
        rows = rows.filter((r) => r.id > after);
        slice = rows.slice(0, pageSize);
        if (rows.length > pageSize)
          void reply.header(
            'link',
            `<${link({ pageId: String(slice.at(-1)!.id), pageSize: String(pageSize) })}>; rel="next"`
          );
      } else {
        const page = Math.max(Number(q.page ?? 1) || 1, 1);
        const last = Math.max(1, Math.ceil(rows.length / pageSize));
        const at = (p: number) => link({ page: String(p), pageSize: String(pageSize) });
        const rels = [`<${at(1)}>; rel="first"`];
        if (page > 1) rels.push(`<${at(page - 1)}>; rel="prev"`);
        if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`);
        rels.push(`<${at(last)}>; rel="last"`);
        void reply.header('link', rels.join(', '));
        slice = rows.slice((page - 1) * pageSize, page * pageSize);
      }
      const fields = q.fields?.split(',').map((f) => f.trim().split('/')[0]!.toLowerCase());
      return fields
        ? slice.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k.toLowerCase()))))
        : slice;
    };
    const count = <T>(
      req: FastifyRequest,
      reply: FastifyReply,
      records: readonly T[],
      known: readonly string[] = []
    ) => {
      const rows = filter(req, reply, records, known);
      return rows ? { count: rows.length } : reply;
    };
    /** A list route and its `/count` twin; `known` = schema fields a record may lack (still valid in conditions). */
    const listed = <T extends { id: number }>(path: string, records: () => readonly T[], known: string[] = []) => {
      scope.get(path, async (req, reply) => list(req, reply, records(), known));
      scope.get(`${path}/count`, async (req, reply) => count(req, reply, records(), known));
    };

    type Patch = { op: string; path: string; value: unknown }[];
    const applyPatch = (reply: FastifyReply, rec: Record<string, unknown>, patch: unknown, allowed: string[]) => {
      if (!Array.isArray(patch)) return cwError(reply, 400, 'InvalidObject', 'PATCH body must be a JSON Patch array');
      for (const p of patch as Patch) {
        const path = p.path.replace(/^\//, '');
        if (!['replace', 'add'].includes(p.op) || !allowed.includes(path))
          return cwError(reply, 400, 'InvalidObject', `cannot ${p.op} ${p.path}`);
        rec[path] = p.value;
      }
      rec._info = info(new Date().toISOString());
      return rec;
    };

    scope.get('/system/info', async () => ({
      version: state.versionNumber,
      isCloud: state.isCloud,
      serverTimeZone: 'Eastern Standard Time',
      licenseBits: [],
      ...(state.isCloud ? { cloudRegion: 'NA' } : {}),
    }));

    const memberJson = (m: SimMember) => ({
      id: m.id,
      identifier: m.identifier,
      firstName: m.identifier,
      lastName: 'API',
      licenseClass: 'A' as const,
      inactiveFlag: false,
      securityRole: { id: m.roleId, name: state.roles.get(m.roleId)?.name ?? '', _info: {} },
      _info: info(m.createdAt),
    });
    listed('/system/members', () => [...state.members.values()].map(memberJson));
    listed('/system/apimembers', () => [...state.members.values()].map(memberJson));
    scope.get('/system/members/:id', async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const m = [...state.members.values()].find((x) => String(x.id) === id || x.identifier.toLowerCase() === id);
      if (!m) return cwError(reply, 404, 'NotFound', `Member ${id} not found`);
      return memberJson(m);
    });
    // OpenAPI: POST /system/members/{memberIdentifier}/tokens → Token {publicKey, privateKey, expiration}.
    scope.post('/system/members/:memberIdentifier/tokens', async (req, reply) => {
      const identifier = (req.params as { memberIdentifier: string }).memberIdentifier;
      if (!state.members.has(identifier.toLowerCase()))
        return cwError(reply, 404, 'NotFound', `Member ${identifier} not found`);
      const keys = state.createApiKey(identifier, 'Created through /system/members/{memberIdentifier}/tokens');
      return reply.code(200).send({ publicKey: keys.publicKey, privateKey: keys.privateKey });
    });

    const roleJson = (r: { id: number; name: string }) => ({
      id: r.id,
      name: r.name,
      adminFlag: false,
      inactiveFlag: false,
      _info: info(state.startedAt),
    });
    listed('/system/securityroles', () => [...state.roles.values()].map(roleJson));
    scope.get('/system/securityroles/:id', async (req, reply) => {
      const role = state.roles.get(Number((req.params as { id: string }).id));
      if (!role) return cwError(reply, 404, 'NotFound', 'Security role not found');
      return roleJson(role);
    });
    const settingsOf = (roleId: number) => {
      const role = state.roles.get(roleId);
      if (!role) return undefined;
      return ALL_AREAS.map((area, i) => {
        const mod = moduleOf(area);
        const l = role.settings.get(area) ?? { add: 'None', edit: 'None', inquire: 'None', delete: 'None' };
        return {
          id: i + 1,
          addLevel: l.add,
          editLevel: l.edit,
          deleteLevel: l.delete,
          inquireLevel: l.inquire,
          moduleFunctionName: mod.functionName,
          moduleFunctionDescription: mod.functionDescription,
          myAllFlag: true,
          moduleFunctionIdentifier: mod.functionIdentifier,
          reportFlag: false,
          restrictFlag: false,
          customFlag: false,
          moduleDescription: mod.moduleName,
          moduleIdentifier: mod.moduleIdentifier,
          moduleName: mod.moduleName,
          sortOrder: i + 1,
          _info: {},
        };
      });
    };
    // OpenAPI spells it /system/securityRoles/{parentId}/settings (routes are lower-cased before routing).
    scope.get('/system/securityroles/:id/settings', async (req, reply) => {
      const s = settingsOf(Number((req.params as { id: string }).id));
      if (!s) return cwError(reply, 404, 'NotFound', 'Security role not found');
      return list(req, reply, s);
    });
    scope.get('/system/securityroles/:id/settings/count', async (req, reply) => {
      const s = settingsOf(Number((req.params as { id: string }).id));
      if (!s) return cwError(reply, 404, 'NotFound', 'Security role not found');
      return count(req, reply, s);
    });

    listed('/company/companies/types', () => [{ id: 1, name: 'Client', defaultFlag: true, vendorFlag: false }]);
    listed('/service/tickets', () => []);
    scope.get('/system/reports', async () => [{ name: 'Company' }, { name: 'Agreement' }, { name: 'Member' }]);

    listed('/company/companies', () => state.companies, ['site', 'types', 'deletedFlag', 'parentCompany']);
    scope.get('/company/companies/:id', async (req, reply) => {
      const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
      return c ?? cwError(reply, 404, 'NotFound', 'Company not found');
    });
    scope.post('/company/companies', async (req, reply) => {
      const b = (req.body ?? {}) as { identifier?: string; name?: string; site?: { name: string } };
      const missing = (['identifier', 'name'] as const).filter((f) => !b[f]);
      if (missing.length) {
        return cwError(
          reply,
          400,
          'InvalidObject',
          'company object is invalid',
          missing.map((f) => ({ code: 'NullValue', message: `${f} may not be null.`, resource: 'company', field: f }))
        );
      }
      if (
        race.fired < race.times &&
        !state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())
      ) {
        race.fired++;
        state.addCompany(b.identifier!, b.name!, b.site);
      }
      if (state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
        return cwError(reply, 400, 'InvalidObject', 'company object is invalid', [
          { code: 'ObjectExists', message: 'Company ID already in use.', resource: 'company', field: 'identifier' },
        ]);
      }
      return reply.code(201).send(state.addCompany(b.identifier!, b.name!, b.site));
    });
    scope.patch('/company/companies/:id', async (req, reply) => {
      const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!c) return cwError(reply, 404, 'NotFound', 'Company not found');
      return applyPatch(reply, c as unknown as Record<string, unknown>, req.body, ['name']);
    });

    listed('/finance/agreements', () => state.agreements, ['startDate', 'endDate', 'parentAgreement']);
    scope.post('/finance/agreements', async (req, reply) => {
      const b = (req.body ?? {}) as {
        name?: string;
        type?: { name?: string };
        company?: { id?: number };
        startDate?: string;
      };
      const company = state.companies.find((c) => c.id === b.company?.id);
      if (!b.name || !b.type?.name || !company) {
        return cwError(reply, 400, 'InvalidObject', 'agreement object is invalid', [
          { code: 'InvalidObject', message: 'name, type and an existing company are required', resource: 'agreement' },
        ]);
      }
      return reply.code(201).send(state.addAgreement(b.name, b.type.name, company, b.startDate));
    });
    scope.patch('/finance/agreements/:id', async (req, reply) => {
      const a = state.agreements.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!a) return cwError(reply, 404, 'NotFound', 'Agreement not found');
      const r = applyPatch(reply, a as unknown as Record<string, unknown>, req.body, ['type', 'name']);
      a.type = { id: state.agreementTypeId(a.type.name), name: a.type.name };
      return r;
    });

    listed('/procurement/catalog', () => state.catalog);
    scope.post('/procurement/catalog', async (req, reply) => {
      const b = (req.body ?? {}) as { identifier?: string; description?: string; price?: number };
      if (!b.identifier || !b.description)
        return cwError(reply, 400, 'InvalidObject', 'catalogItem object is invalid', [
          { code: 'NullValue', message: 'identifier and description are required', resource: 'catalogItem' },
        ]);
      if (state.catalog.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
        return cwError(reply, 400, 'InvalidObject', 'catalogItem object is invalid', [
          { code: 'ObjectExists', message: 'Identifier already in use.', resource: 'catalogItem', field: 'identifier' },
        ]);
      }
      return reply.code(201).send(state.addCatalogItem(b.identifier, b.description, b.price ?? 0));
    });
    scope.patch('/procurement/catalog/:id', async (req, reply) => {
      const item = state.catalog.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!item) return cwError(reply, 404, 'NotFound', 'Catalog item not found');
      return applyPatch(reply, item as unknown as Record<string, unknown>, req.body, ['description', 'price']);
    });
    registerAgreementRoutes(scope, { state, list, error: cwError });
  };
  // The codebase from companyinfo, and v4_6_release, which cloud sites accept too.
  void app.register(api, { prefix: `/${state.codebase.toLowerCase()}apis/3.0` });
  if (state.codebase.toLowerCase() !== 'v4_6_release/') void app.register(api, { prefix: '/v4_6_release/apis/3.0' });

  registerConnectwiseAdminRoutes(app, { state, stateFile: opts.stateFile });

  return {
    ...sim,
    state,
    writes: () => writes,
    dropAfterCommit: (method, path, times) => {
      const d = {
        method,
        path: new RegExp(`/apis/3\\.0${path.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        times,
        fired: 0,
      };
      drops.push(d);
      return () => d.fired;
    },
    raceCompanyCreates: (times) => {
      race.times += times;
      return () => race.fired;
    },
    listen: (port?: number) => listen(app, port),
    close: () => app.close(),
  };
}
