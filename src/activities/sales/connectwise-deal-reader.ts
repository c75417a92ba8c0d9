import { readFileSync } from 'node:fs';
import https from 'node:https';
import type * as ConnectwiseRest from 'connectwise-rest';
import type { ManageAPI } from 'connectwise-rest';
// Loaded on first use: the vendor's client costs every worker 22 MB of RSS at start (measured), and only a
// deployment whose sales mapping names this system ever reads a deal through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const connectwiseRest = (): typeof ConnectwiseRest => require('connectwise-rest') as typeof ConnectwiseRest;
import type { SalesDealV1, SalesFieldValue } from '../../contract/sales-messages';
import { FailureType } from '../../contract/failure-types';
import type { ConnectwiseSalesSystemSettings } from '../../domain/sales-connectwise-schema';
import { apiHostFor } from '../../rules/connectwise-site-rules';
import { CW_ACCEPT } from '../connectwise/connectwise-client';
import { classifyCwAnswer, CwObjectExists } from '../connectwise/connectwise-error-classifier';
import { parseRetryAfter, permanent, retryable } from '../failures';
import type { SalesDealReader, SalesDealReaderContext, SalesDealReaderFactory } from './sales-deal-reader';
import { flatten, withDomain } from './flatten';

/**
 * Reads a ConnectWise Manage opportunity through connectwise-rest 1.3.0 (types generated from ConnectWise's
 * OpenAPI document), read-only and therefore idempotent:
 * - `GET /sales/opportunities/{id}` (schema Opportunity: name, stage, status, company, contact, ...);
 * - `GET /company/companies/{companyId}` (Company: identifier, name, website, ...);
 * - `GET /sales/opportunities/{id}/contacts` (OpportunityContact: contact, role, emailAddress), plus the
 *   opportunity's own `contact` as role "Primary" when it is not listed, its e-mail from `GET /company/contacts/{id}`
 *   (communicationItems, the default Email);
 * - `GET /sales/opportunities/{id}/forecast` (Forecast.forecastItems: catalogItem.identifier, productDescription,
 *   quantity). ConnectWise's OpenAPI document types the answer as a list of Forecast; a single object is read too.
 * The deal's `stage` is the opportunity's *status* name (Open / Won / Lost ...), which is what says "won" in
 * ConnectWise; the pipeline stage is kept as the property `stage.name`.
 *
 * Failures go through the classifier every ConnectWise call of Onramp uses (connectwise-error-classifier.ts):
 * 429/5xx retryable with ConnectWise's Retry-After, 401/403 permanent naming what to fix; a missing opportunity
 * is permanent (ConnectWiseOpportunityNotFound). connectwise-rest drops response headers from its errors, so
 * Retry-After is read by an axios response interceptor on the client's instance.
 */

export interface ConnectwiseReaderOptions {
  timeoutMs?: number;
  /** Extra CA to trust (a simulator's self-signed certificate); production uses the system's CAs. */
  ca?: string;
}

interface AxiosLike {
  defaults: { httpsAgent?: unknown };
  interceptors: { response: { use(ok: (r: unknown) => unknown, fail: (e: unknown) => unknown): number } };
}

interface CwClientError {
  status?: number;
  data?: unknown;
  message?: string;
}

type Ref = { id?: number | null; name?: string; identifier?: string } | undefined;

function refName(r: Ref): string | undefined {
  return r?.name ?? r?.identifier;
}

/** The failure for a connectwise-rest error, in Onramp's classification. */
export function classifyConnectwiseReadError(
  err: unknown,
  what: string,
  path: string,
  retryAfter: string | undefined
): Error {
  const e = (err ?? {}) as CwClientError;
  if (e.status === undefined) {
    return retryable(
      `ConnectWise GET ${path} got no answer (${e.message ?? 'network error'}); retrying`,
      FailureType.ConnectWiseUnreachable
    );
  }
  if (e.status === 404 && !path.startsWith('/system/')) {
    return permanent(
      `ConnectWise has no ${what} (404 on GET ${path}): deleted, merged, or not visible to the API member; check the record in ConnectWise`,
      FailureType.ConnectWiseOpportunityNotFound
    );
  }
  const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data ?? '');
  const out = classifyCwAnswer(
    { method: 'GET', path, status: e.status, text, retryAfterMs: parseRetryAfter(retryAfter) },
    false
  );
  return out instanceof CwObjectExists ? permanent(out.message, FailureType.ConnectWiseRequestRejected) : out;
}

function firstForecast(answer: unknown): { forecastItems?: unknown[] } | undefined {
  if (Array.isArray(answer)) return answer[0] as { forecastItems?: unknown[] } | undefined;
  return answer as { forecastItems?: unknown[] } | undefined;
}

/** A connectwise-rest client for the configured site, and `get` that classifies its failures. */
export function manageClient(
  s: ConnectwiseSalesSystemSettings,
  privateKey: string,
  opts: ConnectwiseReaderOptions = {}
): { cw: ManageAPI; get: <T>(what: string, path: string, call: () => Promise<T>) => Promise<T> } {
  const cw = new (connectwiseRest().ManageAPI)({
    companyId: s.companyId,
    companyUrl: apiHostFor(s.site),
    publicKey: s.publicKey,
    privateKey,
    clientId: s.clientId,
    entryPoint: s.codebase,
    apiVersion: CW_ACCEPT.replace(/^.*version=/, ''),
    timeout: opts.timeoutMs ?? 30_000,
    retry: false,
    logger: () => undefined,
  });
  // connectwise-rest keeps an axios instance per API group (SalesAPI, CompanyAPI, ...), private, and drops
  // response headers from its errors: each instance gets the CA and an interceptor noting Retry-After.
  let retryAfter: string | undefined;
  const groups = [cw, ...(Object.values(cw) as unknown[])] as { instance?: AxiosLike }[];
  for (const group of groups) {
    const axios = group && typeof group === 'object' ? group.instance : undefined;
    if (!axios?.interceptors) continue;
    if (opts.ca) axios.defaults.httpsAgent = new https.Agent({ ca: opts.ca });
    axios.interceptors.response.use(
      (r) => r,
      (e) => {
        const h = (e as { response?: { headers?: Record<string, unknown> } }).response?.headers?.['retry-after'];
        retryAfter = typeof h === 'string' ? h : undefined;
        throw e;
      }
    );
  }
  const get = async <T>(what: string, path: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw classifyConnectwiseReadError(err, what, path, retryAfter);
    }
  };
  return { cw, get };
}

export function connectwiseDealReader(
  ctx: SalesDealReaderContext<ConnectwiseSalesSystemSettings>,
  opts: ConnectwiseReaderOptions = {}
): SalesDealReader {
  const s = ctx.settings;
  return {
    async read(event) {
      const id = Number(event.dealId);
      if (!Number.isSafeInteger(id) || id <= 0)
        throw permanent(
          `"${event.dealId}" is not a ConnectWise opportunity ID (a positive integer)`,
          FailureType.InvalidInput
        );
      const { cw, get } = manageClient(s, await ctx.resolveSecret(s.privateKeyRef), opts);

      const opp = await get(`opportunity ${id}`, `/sales/opportunities/${id}`, () =>
        cw.SalesAPI.getSalesOpportunitiesById(id)
      );
      const companyId = opp.company?.id;
      const company = companyId
        ? await get(`company ${companyId}`, `/company/companies/${companyId}`, () =>
            cw.CompanyAPI.getCompanyCompaniesById(companyId)
          )
        : undefined;
      const oppContacts = await get(`contacts of opportunity ${id}`, `/sales/opportunities/${id}/contacts`, () =>
        cw.SalesAPI.getSalesOpportunitiesByParentIdContacts(id, { pageSize: 1000 })
      );
      const contacts: SalesDealV1['contacts'] = [];
      const emailOf = async (contactId: number): Promise<string | undefined> => {
        const c = await get(`contact ${contactId}`, `/company/contacts/${contactId}`, () =>
          cw.CompanyAPI.getCompanyContactsById(contactId)
        );
        const emails = (c.communicationItems ?? []).filter((i) => i.communicationType === 'Email' && i.value);
        return (emails.find((i) => i.defaultFlag) ?? emails[0])?.value;
      };
      for (const oc of oppContacts) {
        const cid = oc.contact?.id;
        if (!cid) continue;
        const email = oc.emailAddress || (await emailOf(cid));
        contacts.push({
          id: String(cid),
          ...(email ? { email } : {}),
          ...(oc.role?.name ? { role: oc.role.name } : {}),
          properties: { name: oc.contact?.name, email, role: oc.role?.name, notes: oc.notes },
        });
      }
      const primary = opp.contact?.id;
      if (primary && !contacts.some((c) => c.id === String(primary))) {
        const email = await emailOf(primary);
        contacts.push({
          id: String(primary),
          ...(email ? { email } : {}),
          role: 'Primary',
          properties: { name: opp.contact?.name, email, role: 'Primary' },
        });
      }
      const forecast = firstForecast(
        await get(`forecast of opportunity ${id}`, `/sales/opportunities/${id}/forecast`, () =>
          cw.SalesAPI.getSalesOpportunitiesByParentIdForecast(id)
        )
      );
      type Item = {
        id?: number;
        catalogItem?: Ref;
        productDescription?: string;
        quantity?: number;
        includeFlag?: boolean;
      };
      const lineItems = ((forecast?.forecastItems ?? []) as Item[])
        .filter((f) => f.includeFlag !== false)
        .map((f) => ({
          id: String(f.id ?? ''),
          ...(f.catalogItem?.identifier ? { sku: f.catalogItem.identifier } : {}),
          ...(f.productDescription ? { name: f.productDescription } : {}),
          quantity: Number(f.quantity ?? 1),
        }));

      const properties: Record<string, SalesFieldValue> = flatten(opp);
      return {
        system: 'connectwise',
        account: s.companyId,
        dealId: String(id),
        name: opp.name,
        stage: refName(opp.status) ?? '',
        properties,
        ...(company
          ? {
              company: {
                id: String(company.id),
                name: company.name,
                properties: withDomain(flatten(company), 'website'),
              },
            }
          : {}),
        contacts,
        lineItems,
      };
    },
  };
}

export const connectwiseDealReaderFactory: SalesDealReaderFactory<ConnectwiseSalesSystemSettings> = (ctx) =>
  connectwiseDealReader(ctx, ctx.settings.caFile ? { ca: readFileSync(ctx.settings.caFile, 'utf8') } : {});
