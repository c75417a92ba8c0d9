import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CompanyAddressV1, SyncBatchResult, SyncCounts, SyncMode } from '../../contract/connectwise-sync-messages';
import { FailureType } from '../../contract/failure-types';
import { COMPANY_ADDRESS_MISSING } from '../../rules/connectwise-rules';
import type { SyncBilling, SyncCustomer } from '../../domain/connectwise-schema';
import { mapWithConcurrency } from '../concurrency';
import { cwString, type CwClient } from './connectwise-client';
import { CwObjectExists } from './connectwise-error-classifier';

interface CwCompany {
  id: number;
  identifier: string;
  name: string;
}
interface CwAgreement {
  id: number;
  name: string;
  type?: { id?: number; name?: string };
  company?: { id: number; identifier?: string };
}
interface CwCatalogItem {
  id: number;
  identifier: string;
  description: string;
  price?: number;
}

/** The billing product each agreement carries as an addition; `id` is absent in plan mode before it exists. */
export interface AdditionProduct {
  id?: number;
  identifier: string;
  description: string;
}

interface CwAddition {
  id: number;
  product?: { id?: number; identifier?: string };
}

/** Identifiers per `in (...)` condition: keeps each URL well under ConnectWise's ~2,000 characters. */
const IN_CHUNK = 50;
const PLAN_CAP = 200;

const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const counts = (): SyncCounts => ({ created: 0, updated: 0, unchanged: 0 });

async function companiesByIdentifier(client: CwClient, identifiers: string[]): Promise<Map<string, CwCompany>> {
  const found = new Map<string, CwCompany>();
  const lists = await mapWithConcurrency(chunks(identifiers, IN_CHUNK), SYNC_CONCURRENCY, (part) =>
    client.listAll<CwCompany>('/company/companies', {
      conditions: `identifier in (${part.map(cwString).join(',')})`,
      fields: 'id,identifier,name',
    })
  );
  for (const c of lists.flat()) found.set(c.identifier.toLowerCase(), c);
  return found;
}

async function agreementsByCompany(
  client: CwClient,
  companyIds: number[],
  name: string
): Promise<Map<number, CwAgreement>> {
  const found = new Map<number, CwAgreement>();
  const lists = await mapWithConcurrency(chunks(companyIds, IN_CHUNK), SYNC_CONCURRENCY, (part) =>
    client.listAll<CwAgreement>('/finance/agreements', {
      conditions: `company/id in (${part.join(',')}) AND name=${cwString(name)}`,
      fields: 'id,name,type,company',
    })
  );
  // Oldest first, so a pre-existing duplicate is never "fixed" by creating a third.
  for (const a of lists.flat().sort((x, y) => x.id - y.id))
    if (a.company && !found.has(a.company.id)) found.set(a.company.id, a);
  return found;
}

/**
 * Customers of one batch worked on at once. One customer's calls stay in order (lookup, then write); several
 * customers are in flight together so that the tenant's pace (TenantLimiter, shared by every worker), not
 * the round trip of one call after another, sets the rate: one request at a time per activity reached
 * ~80 % of ConnectWise's limit with three workers (issue 13), the limiter's own round trips and the
 * vendor's 50–150 ms per call being paid in series. The limiter keeps the rate; this only keeps requests
 * queued for it: a paced slot nobody is waiting for is lost. With 4, a sync sharing two busy cores with other
 * customers (the fairness benchmark's big customer) filled 0.945 of its pace (ConnectWise 0.88 of its limit in
 * three runs); with 6, 0.97 (0.906). Kept small: ConnectWise asks integrations to limit parallelism (vendor-apis.md).
 */
export const SYNC_CONCURRENCY = 6;

type Outcome = keyof SyncCounts;

/**
 * Map a batch of the vendor's customers onto ConnectWise: find each company by identifier (create it only
 * when allowed), then find or create its agreement (by company + agreement name) and correct drift. Every
 * write is preceded by a lookup and `ObjectExists` is answered by one, so a retry, a re-run or a crash
 * between a write and its acknowledgement never duplicates anything. Plan mode does the lookups only. Up to
 * SYNC_CONCURRENCY customers are worked on at once (identifiers are unique in a request: the domain schema
 * refuses duplicates); counts, created, unmatched companies and planned changes keep the customers' order.
 *
 * `createMissingCompanies`: false (the inputs' default) = match only: a customer without a company is reported
 * in `unmatchedCompanies`, never created — the seed's role grants Company Maintenance Inquire only. true =
 * create the missing ones (the role check then requires Company Maintenance Add). Either way no existing
 * company is renamed: the MSP's companies are theirs. A created company carries `companyAddress` (ConnectWise
 * refuses one without an address); without it nothing is created and the batch fails naming the order field.
 */
export async function syncCustomerBatch(
  client: CwClient,
  customers: readonly SyncCustomer[],
  agreement: SyncBilling['agreement'],
  mode: SyncMode,
  product: AdditionProduct | undefined,
  createMissingCompanies: boolean,
  companyAddress?: CompanyAddressV1
): Promise<SyncBatchResult> {
  const result: SyncBatchResult = {
    companies: counts(),
    agreements: counts(),
    ...(product ? { additions: counts() } : {}),
    createdCompanies: [],
    createdAgreements: [],
    createdAdditions: [],
    unmatchedCompanies: [],
    plannedChanges: [],
  };
  const plan = (change: string) => {
    if (result.plannedChanges.length < PLAN_CAP) result.plannedChanges.push(change);
  };
  const existing = await companiesByIdentifier(
    client,
    customers.map((c) => c.identifier)
  );
  let done = 0;

  // Companies: per customer its outcome, its id (absent in plan mode when it does not exist yet) and what plan mode would do.
  const companies = await mapWithConcurrency(
    customers,
    SYNC_CONCURRENCY,
    async (c): Promise<{ outcome?: Outcome; id?: number; created?: boolean; unmatched?: boolean; plan?: string }> => {
      const key = c.identifier.toLowerCase();
      let company = existing.get(key);
      if (!company && !createMissingCompanies) {
        heartbeat({ phase: 'companies', done: ++done });
        return {
          unmatched: true,
          ...(mode === 'plan'
            ? {
                plan: `no company ${c.identifier} in ConnectWise: not created (match-only; see sync.createMissingCompanies)`,
              }
            : {}),
        };
      }
      if (!company) {
        if (mode === 'plan')
          return {
            outcome: 'created',
            plan: `create company ${c.identifier} "${c.name}" and its agreement "${agreement.name}"${product ? ` with catalog item ${product.identifier}` : ''}`,
          };
        if (!companyAddress)
          throw ApplicationFailure.create({
            type: FailureType.ConnectWiseBadRequest,
            nonRetryable: true,
            message: `sync.companyAddress: ${COMPANY_ADDRESS_MISSING} (company ${c.identifier} was not created)`,
          });
        try {
          const created = await client.call<CwCompany>('POST', '/company/companies', {
            body: { identifier: c.identifier, name: c.name, site: { name: 'Main' }, ...companyAddress },
          });
          heartbeat({ phase: 'companies', done: ++done });
          return { outcome: 'created', id: created.id, created: true };
        } catch (err) {
          if (!(err instanceof CwObjectExists)) throw err;
          // Created meanwhile (by a lost earlier attempt or another writer): adopt it.
          company = (await companiesByIdentifier(client, [c.identifier])).get(key);
          if (!company) throw err;
        }
      }
      heartbeat({ phase: 'companies', done: ++done });
      return { outcome: 'unchanged', id: company.id };
    }
  );
  for (const [i, r] of companies.entries()) {
    if (r.outcome) result.companies[r.outcome]++;
    if (r.created) result.createdCompanies!.push(customers[i]!.identifier);
    if (r.unmatched) result.unmatchedCompanies!.push(customers[i]!.identifier);
    if (r.plan) plan(r.plan);
  }

  const companyIds = companies.flatMap((r) => (r.id === undefined ? [] : [r.id]));
  const agreements = await agreementsByCompany(client, companyIds, agreement.name);
  const today = new Date().toISOString().slice(0, 10);
  const agreementResults = await mapWithConcurrency(
    customers,
    SYNC_CONCURRENCY,
    async (c, i): Promise<{ outcome?: Outcome; addition?: 'created' | 'unchanged'; plans: string[] }> => {
      const companyId = companies[i]!.id;
      // Plan mode with the company not there yet (counted above), or a match-only customer without a company.
      if (companyId === undefined) return { plans: [] };
      const plans: string[] = [];
      let outcome: Outcome = 'unchanged';
      let a = agreements.get(companyId);
      if (!a) {
        outcome = 'created';
        if (mode === 'plan') plans.push(`create agreement "${agreement.name}" for ${c.identifier}`);
        else {
          a = await client.call<CwAgreement>('POST', '/finance/agreements', {
            body: {
              name: agreement.name,
              type: { name: agreement.type },
              company: { id: companyId },
              startDate: `${today}T00:00:00Z`,
            },
          });
        }
      } else if (a.type?.name !== agreement.type) {
        outcome = 'updated';
        if (mode === 'plan')
          plans.push(`change agreement type of ${c.identifier} "${a.type?.name ?? '(none)'}" → "${agreement.type}"`);
        else
          await client.call('PATCH', `/finance/agreements/${a.id}`, {
            body: [{ op: 'replace', path: 'type', value: { name: agreement.type } }],
          });
      }
      let addition: 'created' | 'unchanged' | undefined;
      if (product) {
        addition = a ? await ensureAddition(client, a.id, product, mode) : 'created';
        if (mode === 'plan' && addition === 'created')
          plans.push(`add catalog item ${product.identifier} to agreement "${agreement.name}" of ${c.identifier}`);
      }
      heartbeat({ phase: 'agreements', done: ++done });
      return { outcome, addition, plans };
    }
  );
  for (const [i, r] of agreementResults.entries()) {
    if (r.outcome) result.agreements[r.outcome]++;
    if (r.addition && result.additions) result.additions[r.addition]++;
    if (mode === 'apply' && r.outcome === 'created') result.createdAgreements!.push(customers[i]!.identifier);
    if (mode === 'apply' && r.addition === 'created') result.createdAdditions!.push(customers[i]!.identifier);
    r.plans.forEach(plan);
  }
  if (mode === 'plan' && createMissingCompanies) {
    const missing = companies.filter((r) => r.id === undefined).length;
    result.agreements.created += missing;
    if (result.additions) result.additions.created += missing;
  }
  return result;
}

/**
 * The catalog item as an addition of one agreement (what ConnectWise bills through): looked up by product
 * before it is created, so a retry or a re-run never adds it twice. ConnectWise itself accepts duplicate
 * additions, so the lookup is the only guard; a crash between the POST and its answer is caught by the
 * lookup of the retry.
 */
export async function ensureAddition(
  client: CwClient,
  agreementId: number,
  product: AdditionProduct,
  mode: SyncMode
): Promise<'created' | 'unchanged'> {
  const present = await client.listAll<CwAddition>(`/finance/agreements/${agreementId}/additions`, {
    conditions: `product/identifier=${cwString(product.identifier)}`,
  });
  if (present.length) return 'unchanged';
  if (mode === 'plan') return 'created';
  await client.call('POST', `/finance/agreements/${agreementId}/additions`, {
    body: {
      product: product.id !== undefined ? { id: product.id } : { identifier: product.identifier },
      quantity: 1,
      billCustomer: 'Billable',
      description: product.description,
    },
  });
  return 'created';
}

/** The catalog item the integration bills with: found by identifier, created or corrected. */
export async function ensureCatalogItem(
  client: CwClient,
  product: SyncBilling['product'],
  mode: SyncMode
): Promise<{ id?: number; action: 'created' | 'updated' | 'unchanged' }> {
  const find = async () =>
    (
      await client.call<CwCatalogItem[]>('GET', '/procurement/catalog', {
        query: { conditions: `identifier=${cwString(product.identifier)}`, pageSize: 1 },
      })
    )[0];
  let item = await find();
  if (!item) {
    if (mode === 'plan') return { action: 'created' };
    try {
      item = await client.call<CwCatalogItem>('POST', '/procurement/catalog', {
        body: {
          identifier: product.identifier,
          description: product.description,
          price: product.price,
          subcategory: { name: 'Security' },
        },
      });
      return { id: item.id, action: 'created' };
    } catch (err) {
      if (!(err instanceof CwObjectExists)) throw err;
      item = await find();
      if (!item) throw err;
    }
  }
  if (item.description === product.description && (item.price ?? 0) === product.price)
    return { id: item.id, action: 'unchanged' };
  if (mode === 'apply') {
    await client.call('PATCH', `/procurement/catalog/${item.id}`, {
      body: [
        { op: 'replace', path: 'description', value: product.description },
        { op: 'replace', path: 'price', value: product.price },
      ],
    });
  }
  return { id: item.id, action: 'updated' };
}
