import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerConnectwiseAdminRoutes } from './admin-routes';
import { ConditionsError, matches, parseConditions } from './conditions';
import { ALL_AREAS, ConnectwiseState, type AreaLevels, type ConnectwiseStateOptions, type SimMember } from './state';

/**
 * ConnectWise PSA (Manage) REST API fake: companyinfo discovery, Basic auth with company+public:private
 * and the mandatory clientId header, security-role enforcement per area, companies / agreements /
 * catalog with ObjectExists on duplicate identifiers, conditions, paging with Link headers, and (via
 * the shared machinery) latency, faults and a fixed-window rate limit answering 429 + Retry-After.
 */
export interface ConnectwiseSimulatorOptions extends Partial<SimulatorOptions>, ConnectwiseStateOptions {
  /** Requests per window before 429 (the API only; companyinfo and the control plane are exempt). */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Persist roles, API members and records to this JSON file (the sandbox does, so a restart keeps them). */
  stateFile?: string;
}

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

const cwError = (reply: FastifyReply, status: number, code: string, message: string, errors: unknown[] | null = null) =>
  reply.code(status).send({ code, message, errors });

const AREA_OF: [RegExp, string][] = [
  [/^\/company\/companies\/types/, 'System/Table Setup'],
  [/^\/company\/companies/, 'Companies/Company Maintenance'],
  [/^\/finance\/agreements/, 'Finance/Agreements'],
  [/^\/procurement\/catalog/, 'Procurement/Product Catalog'],
  [/^\/system\/members/, 'System/Member Maintenance'],
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

export function createConnectwiseSimulator(opts: ConnectwiseSimulatorOptions = {}): ConnectwiseSimulator {
  const sim = createSimulatorApp({
    name: 'connectwise',
    ...opts,
    ...(opts.requestsPerWindow
      ? {
          rateLimit: {
            limit: opts.requestsPerWindow,
            windowMs: opts.windowMs ?? 60_000,
            path: /\/apis\/3\.0\//,
            body: { error: 'ConnectWiseAPI', message: 'Too many requests. Please try again in 30 seconds.' },
          },
        }
      : {}),
  });
  const state = new ConnectwiseState(opts);
  const { app } = sim;
  let writes = 0;
  const drops: { method: string; path: RegExp; times: number; fired: number }[] = [];
  const race = { times: 0, fired: 0 };

  app.get('/login/companyinfo/:companyId', async (req, reply) => {
    const { companyId } = req.params as { companyId: string };
    if (companyId.toLowerCase() !== state.companyId.toLowerCase()) return reply.code(200).send(null);
    return {
      CompanyName: state.companyName,
      Codebase: state.codebase,
      VersionCode: 'v2025.1',
      VersionNumber: 'v2025.1.105720',
      CompanyID: state.companyId,
      IsCloud: state.isCloud,
    };
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

    /** Generic list: conditions, orderBy id, page/pageSize (≤1000), Link header, fields. */
    const list = <T extends { id: number }>(req: FastifyRequest, reply: FastifyReply, records: readonly T[]) => {
      const q = req.query as Record<string, string | undefined>;
      let rows = [...records];
      if (q.conditions) {
        try {
          const clauses = parseConditions(q.conditions);
          rows = rows.filter((r) => matches(r, clauses));
        } catch (err) {
          if (err instanceof ConditionsError) return cwError(reply, 400, 'InvalidObject', `conditions: ${err.message}`);
          throw err;
        }
      }
      rows.sort((a, b) => a.id - b.id);
      const pageSize = Math.min(Math.max(Number(q.pageSize ?? 25) || 25, 1), 1000);
      const page = Math.max(Number(q.page ?? 1) || 1, 1);
      const last = Math.max(1, Math.ceil(rows.length / pageSize));
      const link = (p: number) => {
        const u = new URL(req.url, `http://${req.headers.host}`);
        u.searchParams.set('page', String(p));
        u.searchParams.set('pageSize', String(pageSize));
        return u.toString();
      };
      const rels = [`<${link(1)}>; rel="first"`];
      if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
      if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`);
      rels.push(`<${link(last)}>; rel="last"`);
      void reply.header('link', rels.join(', '));
      const slice = rows.slice((page - 1) * pageSize, page * pageSize);
      const fields = q.fields?.split(',').map((f) => f.trim().split('/')[0]!);
      return fields
        ? slice.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k))))
        : slice;
    };

    type Patch = { op: string; path: string; value: unknown }[];
    const applyPatch = (reply: FastifyReply, rec: Record<string, unknown>, patch: unknown, allowed: string[]) => {
      if (!Array.isArray(patch)) return cwError(reply, 400, 'InvalidObject', 'PATCH body must be a JSON Patch array');
      for (const p of patch as Patch) {
        const path = p.path.replace(/^\//, '');
        if (p.op !== 'replace' || !allowed.includes(path))
          return cwError(reply, 400, 'InvalidObject', `cannot ${p.op} ${p.path}`);
        rec[path] = p.value;
      }
      return rec;
    };

    scope.get('/system/info', async () => ({
      version: 'v2025.1.105720',
      isCloud: state.isCloud,
      serverTimeZone: 'Eastern Standard Time',
      licenseBits: [],
    }));

    scope.get('/system/members', async (req, reply) =>
      list(
        req,
        reply,
        [...state.members.values()].map((m) => ({
          id: m.id,
          identifier: m.identifier,
          securityRole: { id: m.roleId, name: state.roles.get(m.roleId)?.name ?? '' },
        }))
      )
    );
    scope.get('/system/securityroles/:id/settings', async (req, reply) => {
      const role = state.roles.get(Number((req.params as { id: string }).id));
      if (!role) return cwError(reply, 404, 'NotFound', 'Security role not found');
      let n = 0;
      return list(
        req,
        reply,
        ALL_AREAS.map((area) => {
          const [module, fn] = area.split('/');
          const l = role.settings.get(area) ?? { add: 'None', edit: 'None', inquire: 'None', delete: 'None' };
          return {
            id: ++n,
            module,
            moduleFunctionName: fn,
            addLevel: l.add,
            editLevel: l.edit,
            deleteLevel: l.delete,
            inquireLevel: l.inquire,
          };
        })
      );
    });
    scope.get('/company/companies/types', async (req, reply) => list(req, reply, [{ id: 1, name: 'Client' }]));
    scope.get('/service/tickets', async (req, reply) => list(req, reply, []));
    scope.get('/system/reports', async (req, reply) =>
      list(req, reply, [{ id: 1, name: 'Company' } as { id: number }])
    );

    scope.get('/company/companies', async (req, reply) => list(req, reply, state.companies));
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
        state.companies.push({ id: state.id(), identifier: b.identifier!, name: b.name!, site: b.site });
      }
      if (state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
        return cwError(reply, 400, 'InvalidObject', 'company object is invalid', [
          { code: 'ObjectExists', message: 'Company ID already in use.', resource: 'company', field: 'identifier' },
        ]);
      }
      const c = { id: state.id(), identifier: b.identifier!, name: b.name!, site: b.site };
      state.companies.push(c);
      return reply.code(201).send(c);
    });
    scope.patch('/company/companies/:id', async (req, reply) => {
      const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!c) return cwError(reply, 404, 'NotFound', 'Company not found');
      return applyPatch(reply, c as unknown as Record<string, unknown>, req.body, ['name']);
    });

    scope.get('/finance/agreements', async (req, reply) => list(req, reply, state.agreements));
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
      const a = {
        id: state.id(),
        name: b.name,
        type: { id: state.agreementTypeId(b.type.name), name: b.type.name },
        company: { id: company.id, identifier: company.identifier, name: company.name },
        startDate: b.startDate,
      };
      state.agreements.push(a);
      return reply.code(201).send(a);
    });
    scope.patch('/finance/agreements/:id', async (req, reply) => {
      const a = state.agreements.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!a) return cwError(reply, 404, 'NotFound', 'Agreement not found');
      const r = applyPatch(reply, a as unknown as Record<string, unknown>, req.body, ['type', 'name']);
      a.type = { id: state.agreementTypeId(a.type.name), name: a.type.name };
      return r;
    });

    scope.get('/procurement/catalog', async (req, reply) => list(req, reply, state.catalog));
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
      const item = { id: state.id(), identifier: b.identifier, description: b.description, price: b.price ?? 0 };
      state.catalog.push(item);
      return reply.code(201).send(item);
    });
    scope.patch('/procurement/catalog/:id', async (req, reply) => {
      const item = state.catalog.find((x) => x.id === Number((req.params as { id: string }).id));
      if (!item) return cwError(reply, 404, 'NotFound', 'Catalog item not found');
      return applyPatch(reply, item as unknown as Record<string, unknown>, req.body, ['description', 'price']);
    });
  };
  // The codebase from companyinfo, and v4_6_release, which cloud sites accept too.
  void app.register(api, { prefix: `/${state.codebase}apis/3.0` });
  if (state.codebase !== 'v4_6_release/') void app.register(api, { prefix: '/v4_6_release/apis/3.0' });

  registerConnectwiseAdminRoutes(app, { state, stateFile: opts.stateFile });

  // ---- Control plane: what the partner's admin does in the ConnectWise UI ----
  app.put('/__sim/cw/roles/:id', async (req) => {
    const b = req.body as { name: string; settings: Record<string, Partial<AreaLevels>> };
    const role = state.setRole(Number((req.params as { id: string }).id), b.name, b.settings);
    return { id: role.id, name: role.name };
  });
  app.post('/__sim/cw/api-members', async (req) => {
    const b = req.body as { identifier: string; roleId: number };
    const m = state.addMember(b.identifier, b.roleId);
    return { id: m.id, identifier: m.identifier };
  });
  // The creation response is the only place the private key ever appears.
  app.post('/__sim/cw/api-members/:identifier/keys', async (req) =>
    state.createApiKey(
      (req.params as { identifier: string }).identifier,
      (req.body as { description?: string } | undefined)?.description ?? ''
    )
  );

  return {
    ...sim,
    state,
    writes: () => writes,
    dropAfterCommit: (method, path, times) => {
      const d = {
        method,
        path: new RegExp(`/apis/3\\.0${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
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
