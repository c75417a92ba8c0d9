/**
 * Read a HubSpot deal through `@hubspot/api-client` (CRM v3 objects, v4 associations): the deal, its first
 * company, its contacts with their association labels as roles, its line items. The client's own retries are
 * off: Temporal retries, and errors are classified here (src/activities/failures.ts).
 */
import type * as HubspotApi from '@hubspot/api-client';
import type { Client } from '@hubspot/api-client';
// Loaded on first use: the vendor's client costs every worker 13 MB of RSS at start (measured), and only a
// deployment whose sales mapping names this system ever reads a deal through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hubspotApi = (): typeof HubspotApi => require('@hubspot/api-client') as typeof HubspotApi;
import type { SalesDealV1, SalesFieldValue } from '../../contract/sales-messages';
import { FailureType } from '../../contract/failure-types';
import type { HubspotSystemSettings } from '../../domain/sales-hubspot-schema';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import type { SalesDealReaderFactory } from './sales-deal-reader';

/** Properties always read; the mapping's own are added (`properties` of each read). */
const DEAL_PROPS = ['dealname', 'dealstage', 'pipeline', 'amount', 'closedate'];
const COMPANY_PROPS = ['name', 'domain'];
const CONTACT_PROPS = ['email', 'firstname', 'lastname'];
const LINE_ITEM_PROPS = ['hs_sku', 'name', 'quantity'];

function classify(err: unknown, what: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') {
    const headers = (err as { headers?: Record<string, string> }).headers ?? {};
    if (isRetryableStatus(code))
      return retryable(
        `HubSpot answered ${code} reading ${what}; retrying`,
        FailureType.SalesSystemUnavailable,
        parseRetryAfter(headers['retry-after'])
      );
    if (code === 401 || code === 403)
      return permanent(
        `HubSpot refused the access token (${code}) reading ${what}: check systems.hubspot.accessTokenRef and that the private app has the crm.objects.deals.read, companies, contacts and line items read scopes`,
        FailureType.SalesCredentialsRejected
      );
    if (code === 404)
      return permanent(`HubSpot has no ${what} (404): was it deleted or merged?`, FailureType.SalesDealNotFound);
    return permanent(`HubSpot refused reading ${what} (${code})`, FailureType.SalesRequestRejected);
  }
  if (isNetworkError(err))
    return retryable(`HubSpot unreachable reading ${what}; retrying`, FailureType.SalesSystemUnavailable);
  return err;
}

const text = (props: Record<string, string | null | undefined>): Record<string, SalesFieldValue> =>
  Object.fromEntries(
    Object.entries(props).map(([k, v]) => [k, v === null || v === undefined || v === '' ? undefined : String(v)])
  );

export interface HubspotReaderOptions {
  /** Extra properties to read per object (the mapping's `deal:`, `company:` and contact fields). */
  properties?: { deal?: string[]; company?: string[]; contact?: string[] };
}

export const hubspotDealReader: SalesDealReaderFactory<HubspotSystemSettings & HubspotReaderOptions> = (ctx) => {
  let client: Promise<Client> | undefined;
  const api = () =>
    (client ??= ctx.resolveSecret(ctx.settings.accessTokenRef).then(
      (accessToken) =>
        new (hubspotApi().Client)({
          accessToken: accessToken.trim(),
          basePath: ctx.settings.apiBaseUrl.replace(/\/$/, ''),
          numberOfApiCallRetries: 0,
        })
    ));
  const extra = ctx.settings.properties ?? {};
  const call = async <T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> => {
    try {
      return await fn(await api());
    } catch (err) {
      throw classify(err, what);
    }
  };
  return {
    async read(event): Promise<SalesDealV1> {
      const { dealId } = event;
      const deal = await call(`deal ${dealId}`, (c) =>
        c.crm.deals.basicApi.getById(dealId, [...DEAL_PROPS, ...(extra.deal ?? [])], undefined, [
          'companies',
          'line_items',
        ])
      );
      const assoc = (type: string) => deal.associations?.[type]?.results?.map((r) => r.id) ?? [];
      const companyId = assoc('companies')[0];
      const company = companyId
        ? await call(`company ${companyId} of deal ${dealId}`, (c) =>
            c.crm.companies.basicApi.getById(companyId, [...COMPANY_PROPS, ...(extra.company ?? [])])
          )
        : undefined;
      // v4 associations carry the labels (the contact's role on the deal).
      const contactLinks = await call(`contacts of deal ${dealId}`, (c) =>
        c.crm.associations.v4.basicApi.getPage('deals', dealId, 'contacts', undefined, 500)
      );
      const contacts = await Promise.all(
        contactLinks.results.map(async (link) => {
          const id = String(link.toObjectId);
          const contact = await call(`contact ${id} of deal ${dealId}`, (c) =>
            c.crm.contacts.basicApi.getById(id, [...CONTACT_PROPS, ...(extra.contact ?? [])])
          );
          const label = link.associationTypes.map((t) => t.label).find((l): l is string => !!l);
          const properties = text(contact.properties);
          return { id, email: properties.email, ...(label ? { role: label } : {}), properties };
        })
      );
      const lineItems = await Promise.all(
        assoc('line_items').map(async (id) => {
          const li = await call(`line item ${id} of deal ${dealId}`, (c) =>
            c.crm.lineItems.basicApi.getById(id, LINE_ITEM_PROPS)
          );
          const p = text(li.properties);
          return {
            id,
            ...(p.hs_sku ? { sku: p.hs_sku } : {}),
            ...(p.name ? { name: p.name } : {}),
            quantity: Number(p.quantity ?? '1') || 1,
          };
        })
      );
      const properties = text(deal.properties);
      return {
        system: 'hubspot',
        account: event.account,
        dealId,
        name: properties.dealname ?? `deal ${dealId}`,
        stage: properties.dealstage ?? '',
        properties,
        ...(company
          ? { company: { id: companyId!, name: text(company.properties).name, properties: text(company.properties) } }
          : {}),
        contacts,
        lineItems,
      };
    },
  };
};
