import type * as Jsforce from 'jsforce';
// Loaded on first use: the vendor's client costs every worker 30 MB of RSS at start (measured), and only a
// deployment whose sales mapping names this system ever reads a deal through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsforce = (): typeof Jsforce => require('jsforce') as typeof Jsforce;
import type { SalesDealV1 } from '../../contract/sales-messages';
import { FailureType } from '../../contract/failure-types';
import type { SalesforceSystemSettings } from '../../domain/sales-salesforce-schema';
import { sameSalesforceId, salesforceId18 } from '../../rules/sales-system-rules';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import type { SalesDealReader, SalesDealReaderContext, SalesDealReaderFactory } from './sales-deal-reader';
import { flatten, withDomain } from './flatten';

/**
 * Reads a Salesforce Opportunity through jsforce 3.10.16, read-only (SOQL queries), so a retry repeats nothing:
 * - token: OAuth 2.0 client credentials flow at the My Domain URL (`POST /services/oauth2/token`,
 *   grant_type=client_credentials; https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm),
 *   jsforce `Connection.authorize({ grant_type: 'client_credentials' })`; the identity URL in the answer names the
 *   organization, which must be the configured one;
 * - `GET /services/data/vXX.X/query?q=` (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm)
 *   for the Opportunity with its Account, its OpportunityContactRoles with the contacts' e-mails, and its
 *   OpportunityLineItems with Product2.ProductCode / Name and Quantity.
 * IDs are checked to be Salesforce IDs before they enter a query (no SOQL injection).
 *
 * Failures (REST API status codes: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm):
 * network, 429, 5xx, 403 REQUEST_LIMIT_EXCEEDED → retryable (Retry-After honoured); token refused / 401 →
 * SalesforceAuthRejected; 403 → SalesforcePermissionDenied; no such Opportunity → SalesforceOpportunityNotFound;
 * other 4xx → SalesforceRequestRejected; all non-retryable with the fix named. jsforce's errors carry no HTTP status,
 * so the reader notes each answer's status and Retry-After from its transports.
 */

export interface SalesforceReaderOptions {
  /** Overrides jsforce's default logger level (NONE). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'NONE';
}

interface Seen {
  status?: number;
  retryAfter?: string;
}

interface TransportLike {
  httpRequest(req: unknown, opts?: object): PromiseLike<{ statusCode: number; headers: Record<string, unknown> }>;
}

/**
 * Note the status and Retry-After of each answer a jsforce transport gets (its errors lose them), and turn off
 * jsforce's own retries (up to 5, with its backoff, blind to Retry-After): the activity's retry policy decides.
 */
function watch(transport: TransportLike, seen: Seen): void {
  const original = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, opts) => {
    const p = original(req, { ...opts, retry: { maxRetries: 0 } });
    p.then(
      (res) => {
        seen.status = res.statusCode;
        const ra = res.headers['retry-after'];
        seen.retryAfter = typeof ra === 'string' ? ra : undefined;
      },
      () => undefined
    );
    return p;
  };
}

/** Onramp's failure for a jsforce error, given the last answer's status and Retry-After. */
export function classifySalesforceError(err: unknown, step: string, seen: Seen): Error {
  const e = (err ?? {}) as { name?: string; errorCode?: string; message?: string };
  const code = e.errorCode ?? e.name ?? '';
  const said = `${code}${e.message ? `: ${e.message}` : ''}`.slice(0, 300);
  if (
    isNetworkError(err) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up/.test(e.message ?? '')
  )
    return retryable(`Salesforce ${step} got no answer (${said}); retrying`, FailureType.SalesforceUnreachable);
  const status = seen.status;
  const wait = parseRetryAfter(seen.retryAfter);
  if (status === 429 || code === 'REQUEST_LIMIT_EXCEEDED')
    return retryable(
      `Salesforce ${step} was throttled (${status ?? ''} ${said}); retrying`,
      FailureType.SalesforceRateLimited,
      wait
    );
  if (status !== undefined && isRetryableStatus(status))
    return retryable(
      `Salesforce ${step} answered ${status} (${said}); retrying`,
      FailureType.SalesforceUnavailable,
      wait
    );
  if (step === 'token request' || status === 401 || code === 'INVALID_SESSION_ID')
    return permanent(
      `Salesforce refused the credentials (${step}, ${status ?? ''} ${said}). Check the sales configuration's salesforce.clientId (the app's Consumer Key), the Consumer Secret behind clientSecretRef, that the External Client App enables the client credentials flow with a Run As user, and that loginUrl is the org's My Domain URL.`,
      FailureType.SalesforceAuthRejected
    );
  if (status === 403 || /INSUFFICIENT_ACCESS|API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED/.test(code))
    return permanent(
      `Salesforce denied ${step} (${status ?? ''} ${said}): give the app's Run As user "API Enabled" and read access to Opportunity, Account, Contact, OpportunityContactRole, OpportunityLineItem and Product2.`,
      FailureType.SalesforcePermissionDenied
    );
  if (status === 404 || code === 'NOT_FOUND')
    return permanent(`Salesforce answered 404 to ${step} (${said})`, FailureType.SalesforceOpportunityNotFound);
  return permanent(`Salesforce refused ${step} (${status ?? ''} ${said})`, FailureType.SalesforceRequestRejected);
}

type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

const OPPORTUNITY_FIELDS =
  'Id, Name, StageName, Amount, CloseDate, Type, Probability, LeadSource, NextStep, IsClosed, IsWon, AccountId, Account.Id, Account.Name, Account.Website, Account.Industry, Account.BillingCountry';
const ROLE_FIELDS = 'Id, Role, IsPrimary, ContactId, Contact.Id, Contact.FirstName, Contact.LastName, Contact.Email';
const ITEM_FIELDS = 'Id, Name, Quantity, ProductCode, Product2Id, Product2.ProductCode, Product2.Name';

export function salesforceDealReader(
  ctx: SalesDealReaderContext<SalesforceSystemSettings>,
  opts: SalesforceReaderOptions = {}
): SalesDealReader {
  const s = ctx.settings;
  return {
    async read(event) {
      const dealId = salesforceId18(event.dealId);
      if (!dealId)
        throw permanent(
          `"${event.dealId}" is not a Salesforce Opportunity ID (15 or 18 characters)`,
          FailureType.InvalidInput
        );
      const clientSecret = await ctx.resolveSecret(s.clientSecretRef);
      const conn = new (jsforce().Connection)({
        oauth2: { loginUrl: s.loginUrl, clientId: s.clientId, clientSecret },
        loginUrl: s.loginUrl,
        version: s.apiVersion,
        logLevel: opts.logLevel ?? 'NONE',
      });
      const seen: Seen = {};
      watch(conn._transport, seen);
      watch((conn.oauth2 as unknown as { _transport: TransportLike })._transport, seen);

      let org: string;
      try {
        org = (await conn.authorize({ grant_type: 'client_credentials' })).organizationId;
      } catch (err) {
        throw classifySalesforceError(err, 'token request', seen);
      }
      if (!sameSalesforceId(org, s.organizationId))
        throw permanent(
          `Salesforce issued a token of organization ${org}, not of the configured ${s.organizationId}: loginUrl or the app belongs to another org; fix salesforce.loginUrl / clientId`,
          FailureType.SalesforceOrgMismatch
        );
      const query = async (what: string, soql: string): Promise<Row[]> => {
        try {
          const res = await conn.query<Row>(soql, { autoFetch: true, maxFetch: 10_000 });
          return res.records;
        } catch (err) {
          throw classifySalesforceError(err, `query of ${what}`, seen);
        }
      };
      const [opp] = await query(
        'the Opportunity',
        `SELECT ${OPPORTUNITY_FIELDS} FROM Opportunity WHERE Id = '${dealId}'`
      );
      if (!opp)
        throw permanent(
          `Salesforce has no Opportunity ${dealId} visible to the app's Run As user: deleted, or the user lacks read access to it`,
          FailureType.SalesforceOpportunityNotFound
        );
      const roles = await query(
        'the OpportunityContactRoles',
        `SELECT ${ROLE_FIELDS} FROM OpportunityContactRole WHERE OpportunityId = '${dealId}'`
      );
      const items = await query(
        'the OpportunityLineItems',
        `SELECT ${ITEM_FIELDS} FROM OpportunityLineItem WHERE OpportunityId = '${dealId}'`
      );

      const account = opp.Account as Row | null | undefined;
      const { Account: _account, ...oppOnly } = opp;
      const contacts: SalesDealV1['contacts'] = roles.map((r) => {
        const c = (r.Contact ?? {}) as Row;
        const email = typeof c.Email === 'string' && c.Email ? c.Email : undefined;
        const role = typeof r.Role === 'string' && r.Role ? r.Role : r.IsPrimary === true ? 'Primary' : undefined;
        return {
          id: str(r.ContactId) ?? str(c.Id) ?? '',
          ...(email ? { email } : {}),
          ...(role ? { role } : {}),
          properties: { ...flatten(c), IsPrimary: String(r.IsPrimary === true) },
        };
      });
      const lineItems = items.map((i) => {
        const p = (i.Product2 ?? {}) as Row;
        const sku = (p.ProductCode ?? i.ProductCode) as string | null | undefined;
        const name = (p.Name ?? i.Name) as string | null | undefined;
        return {
          id: String(i.Id),
          ...(sku ? { sku } : {}),
          ...(name ? { name } : {}),
          quantity: Number(i.Quantity ?? 1),
        };
      });
      return {
        system: 'salesforce',
        account: salesforceId18(s.organizationId)!,
        dealId,
        name: str(opp.Name) ?? '',
        stage: str(opp.StageName) ?? '',
        properties: flatten(oppOnly),
        ...(account
          ? {
              company: {
                id: String(account.Id),
                ...(typeof account.Name === 'string' ? { name: account.Name } : {}),
                properties: withDomain(flatten(account), 'Website'),
              },
            }
          : {}),
        contacts,
        lineItems,
      };
    },
  };
}

export const salesforceDealReaderFactory: SalesDealReaderFactory<SalesforceSystemSettings> = (ctx) =>
  salesforceDealReader(ctx);
