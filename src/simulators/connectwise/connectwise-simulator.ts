import type { FastifyInstance } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerConnectwiseAdminRoutes } from './connectwise-admin-routes';
import { registerAgreementRoutes } from './routes/connectwise-agreement-routes';
import { cwError, list } from './connectwise-api-helpers';
import { registerConnectwiseAuth, type ConnectwiseWriteBook } from './connectwise-auth';
import { registerConnectwiseCompanyRoutes } from './routes/connectwise-company-routes';
import { registerConnectwiseFinanceRoutes } from './routes/connectwise-finance-routes';
import { registerConnectwiseSystemRoutes } from './routes/connectwise-system-routes';
import { ConnectwiseState, type ConnectwiseStateOptions } from './connectwise-state';

export type { CwValidationError } from './connectwise-api-helpers';

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

/**
 * Lower-case the path (not the query) of API and companyinfo requests: ConnectWise routes ignore case. An API
 * path's trailing slash is dropped too: ConnectWise answers `/system/info/` and `/company/companies/` as it
 * answers them without (widely used clients such as ConnectPyse send every collection path with one;
 * docs/vendor-contracts.md, "[community]").
 */
export function lowerPath(url: string): string {
  const q = url.indexOf('?');
  let path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
  if (/\/apis\/3\.0\/./.test(path)) path = path.replace(/\/+$/, '');
  return path + (q < 0 ? '' : url.slice(q));
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
  const book: ConnectwiseWriteBook = { writes: 0, drops: [] };
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
    registerConnectwiseAuth(scope, state, book);
    registerConnectwiseSystemRoutes(scope, state);
    registerConnectwiseCompanyRoutes(scope, state, race);
    registerConnectwiseFinanceRoutes(scope, state);
    registerAgreementRoutes(scope, { state, list, error: cwError });
  };
  // The codebase from companyinfo, and v4_6_release, which cloud sites accept too.
  void app.register(api, { prefix: `/${state.codebase.toLowerCase()}apis/3.0` });
  if (state.codebase.toLowerCase() !== 'v4_6_release/') void app.register(api, { prefix: '/v4_6_release/apis/3.0' });

  registerConnectwiseAdminRoutes(app, { state, stateFile: opts.stateFile });

  return {
    ...sim,
    state,
    writes: () => book.writes,
    dropAfterCommit: (method, path, times) => {
      const d = {
        method,
        path: new RegExp(`/apis/3\\.0${path.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        times,
        fired: 0,
      };
      book.drops.push(d);
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
