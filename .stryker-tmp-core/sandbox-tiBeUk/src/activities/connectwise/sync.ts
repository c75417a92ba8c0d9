// @ts-nocheck
import { heartbeat } from '@temporalio/activity';
import type { SyncBilling, SyncCounts, SyncCustomer, SyncMode } from '../../domain/connectwise';
import { cwString, CwObjectExists, type CwClient } from './client';

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

export interface SyncBatchResult {
  companies: SyncCounts;
  agreements: SyncCounts;
  /** The catalog item as an addition on each agreement (absent when no catalog item was given). */
  additions?: SyncCounts;
  /** Identifiers of companies this batch created (offboarding deletes only these). */
  createdCompanies?: string[];
  plannedChanges: string[];
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
  for (const part of chunks(identifiers, IN_CHUNK)) {
    const list = await client.listAll<CwCompany>('/company/companies', {
      conditions: `identifier in (${part.map(cwString).join(',')})`,
      fields: 'id,identifier,name',
    });
    for (const c of list) found.set(c.identifier.toLowerCase(), c);
  }
  return found;
}

async function agreementsByCompany(
  client: CwClient,
  companyIds: number[],
  name: string
): Promise<Map<number, CwAgreement>> {
  const found = new Map<number, CwAgreement>();
  for (const part of chunks(companyIds, IN_CHUNK)) {
    const list = await client.listAll<CwAgreement>('/finance/agreements', {
      conditions: `company/id in (${part.join(',')}) AND name=${cwString(name)}`,
      fields: 'id,name,type,company',
    });
    // Oldest first, so a pre-existing duplicate is never "fixed" by creating a third.
    for (const a of list.sort((x, y) => x.id - y.id))
      if (a.company && !found.has(a.company.id)) found.set(a.company.id, a);
  }
  return found;
}

/**
 * Map a batch of the vendor's customers onto ConnectWise: find or create each company by identifier,
 * then find or create its agreement (by company + agreement name) and correct drift. Every write is
 * preceded by a lookup and `ObjectExists` is answered by one, so a retry, a re-run or a crash between a
 * write and its acknowledgement never duplicates anything. Plan mode does the lookups only.
 */
export async function syncCustomerBatch(
  client: CwClient,
  customers: readonly SyncCustomer[],
  agreement: SyncBilling['agreement'],
  mode: SyncMode,
  product?: AdditionProduct
): Promise<SyncBatchResult> {
  const result: SyncBatchResult = {
    companies: counts(),
    agreements: counts(),
    ...(product ? { additions: counts() } : {}),
    createdCompanies: [],
    plannedChanges: [],
  };
  const plan = (change: string) => {
    if (result.plannedChanges.length < PLAN_CAP) result.plannedChanges.push(change);
  };
  const existing = await companiesByIdentifier(
    client,
    customers.map((c) => c.identifier)
  );
  const companyIds = new Map<string, number>();
  let done = 0;

  for (const c of customers) {
    const key = c.identifier.toLowerCase();
    let company = existing.get(key);
    if (!company) {
      if (mode === 'plan') {
        result.companies.created++;
        plan(
          `create company ${c.identifier} "${c.name}" and its agreement "${agreement.name}"${product ? ` with catalog item ${product.identifier}` : ''}`
        );
        continue;
      }
      try {
        const created = await client.call<CwCompany>('POST', '/company/companies', {
          body: { identifier: c.identifier, name: c.name, site: { name: 'Main' } },
        });
        result.companies.created++;
        result.createdCompanies!.push(c.identifier);
        companyIds.set(key, created.id);
        heartbeat({ phase: 'companies', done: ++done });
        continue;
      } catch (err) {
        if (!(err instanceof CwObjectExists)) throw err;
        // Created meanwhile (by a lost earlier attempt or another writer): adopt it, then compare.
        company = (await companiesByIdentifier(client, [c.identifier])).get(key);
        if (!company) throw err;
      }
    }
    if (company.name !== c.name) {
      result.companies.updated++;
      if (mode === 'plan') plan(`rename company ${c.identifier} "${company.name}" → "${c.name}"`);
      else
        await client.call('PATCH', `/company/companies/${company.id}`, {
          body: [{ op: 'replace', path: 'name', value: c.name }],
        });
    } else result.companies.unchanged++;
    companyIds.set(key, company.id);
    heartbeat({ phase: 'companies', done: ++done });
  }

  const agreements = await agreementsByCompany(client, [...companyIds.values()], agreement.name);
  const today = new Date().toISOString().slice(0, 10);
  for (const c of customers) {
    const companyId = companyIds.get(c.identifier.toLowerCase());
    if (companyId === undefined) continue; // plan mode, company not there yet: counted above
    let a = agreements.get(companyId);
    if (!a) {
      result.agreements.created++;
      if (mode === 'plan') plan(`create agreement "${agreement.name}" for ${c.identifier}`);
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
      result.agreements.updated++;
      if (mode === 'plan')
        plan(`change agreement type of ${c.identifier} "${a.type?.name ?? '(none)'}" → "${agreement.type}"`);
      else
        await client.call('PATCH', `/finance/agreements/${a.id}`, {
          body: [{ op: 'replace', path: 'type', value: { name: agreement.type } }],
        });
    } else result.agreements.unchanged++;
    if (product && result.additions) {
      const outcome = a ? await ensureAddition(client, a.id, product, mode) : 'created';
      result.additions[outcome]++;
      if (mode === 'plan' && outcome === 'created')
        plan(`add catalog item ${product.identifier} to agreement "${agreement.name}" of ${c.identifier}`);
    }
    heartbeat({ phase: 'agreements', done: ++done });
  }
  if (mode === 'plan') {
    const missing = customers.filter((c) => !companyIds.has(c.identifier.toLowerCase())).length;
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
