import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { cwString, type CwClient } from './connectwise-client';
import { FailureType } from '../../contract/failure-types';

/**
 * What the ConnectWise onboarding created for billing, found again by lookups (never from memory alone),
 * and its removal. Read-only inventory for plan mode and for verification; deletes treat "already gone"
 * as done, so a retried or repeated offboarding changes nothing the second time.
 */
export interface CwBillingInventoryInput {
  /** Company identifiers the sync handled. */
  customers: string[];
  agreementName: string;
  catalogItem: string;
  /** Only these companies were created by the sync; others existed before and stay. */
  createdCompanies: string[];
  catalogItemCreated: boolean;
  /**
   * Companies whose agreement named `agreementName` the sync created, and those whose agreement it gave the
   * catalog item. Given: only those agreements, and the catalog item's addition only where the sync added it,
   * are the integration's; an agreement of that name that was there before stays. Absent (an order synced
   * before the sync recorded them): every such agreement is taken as the integration's.
   */
  createdAgreements?: string[];
  createdAdditions?: string[];
}

export interface CwObjectRef {
  kind: 'addition' | 'agreement' | 'catalog-item' | 'company';
  id: number;
  /** Parent agreement of an addition. */
  agreementId?: number;
  /** Company identifier of an agreement or a company. */
  company?: string;
  label: string;
  path: string;
}

const IN_CHUNK = 50;
const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Newest first in the order they must go: additions, agreements, the catalog item, companies. */
export async function inventoryBilling(client: CwClient, input: CwBillingInventoryInput): Promise<CwObjectRef[]> {
  const companies = new Map<string, { id: number; identifier: string }>();
  for (const part of chunks(input.customers, IN_CHUNK)) {
    const list = await client.listAll<{ id: number; identifier: string }>('/company/companies', {
      conditions: `identifier in (${part.map(cwString).join(',')})`,
      fields: 'id,identifier',
    });
    for (const c of list) companies.set(c.identifier.toLowerCase(), c);
  }
  const out: CwObjectRef[] = [];
  /** The integration's agreements (deleted), and those whose catalog-item addition is ours (looked into). */
  const agreements: CwObjectRef[] = [];
  const withOurAddition: CwObjectRef[] = [];
  const lower = (xs?: string[]) => xs && new Set(xs.map((x) => x.toLowerCase()));
  const ownAgreements = lower(input.createdAgreements);
  const ownAdditions = lower(input.createdAdditions) ?? new Set<string>();
  const ids = [...companies.values()].map((c) => c.id);
  for (const part of chunks(ids, IN_CHUNK)) {
    const list = await client.listAll<{ id: number; name: string; company?: { identifier?: string } }>(
      '/finance/agreements',
      {
        conditions: `company/id in (${part.join(',')}) AND name=${cwString(input.agreementName)}`,
        fields: 'id,name,company',
      }
    );
    for (const a of list) {
      const company = (a.company?.identifier ?? '').toLowerCase();
      const ours = !ownAgreements || ownAgreements.has(company);
      if (!ours && !ownAdditions.has(company)) continue;
      const ref: CwObjectRef = {
        kind: 'agreement',
        id: a.id,
        ...(a.company?.identifier ? { company: a.company.identifier } : {}),
        label: `agreement "${a.name}" (${a.id}) of ${a.company?.identifier ?? 'its company'}`,
        path: `/finance/agreements/${a.id}`,
      };
      withOurAddition.push(ref);
      if (ours) agreements.push(ref);
    }
  }
  for (const a of withOurAddition) {
    const additions = await client.listAll<{ id: number; product?: { identifier?: string } }>(
      `/finance/agreements/${a.id}/additions`,
      { conditions: `product/identifier=${cwString(input.catalogItem)}` }
    );
    for (const ad of additions)
      out.push({
        kind: 'addition',
        id: ad.id,
        agreementId: a.id,
        label: `addition ${input.catalogItem} (${ad.id}) on agreement ${a.id}`,
        path: `/finance/agreements/${a.id}/additions/${ad.id}`,
      });
    heartbeat({ agreements: a.id });
  }
  // An agreement that was there before keeps itself: only the addition the sync put on it goes.
  out.push(...agreements);
  if (input.catalogItemCreated) {
    const [item] = await client.call<{ id: number; identifier: string }[]>('GET', '/procurement/catalog', {
      query: { conditions: `identifier=${cwString(input.catalogItem)}`, pageSize: 1 },
    });
    if (item)
      out.push({
        kind: 'catalog-item',
        id: item.id,
        label: `catalog item ${item.identifier} (${item.id})`,
        path: `/procurement/catalog/${item.id}`,
      });
  }
  const created = new Set(input.createdCompanies.map((c) => c.toLowerCase()));
  for (const [key, c] of companies)
    if (created.has(key))
      out.push({
        kind: 'company',
        id: c.id,
        company: c.identifier,
        label: `company ${c.identifier} (${c.id})`,
        path: `/company/companies/${c.id}`,
      });
  return out;
}

export type DeleteOutcome = 'removed' | 'already-gone' | 'forbidden';

/**
 * DELETE one object. A 403 (the API member's role has no Delete level there: the seed's role grants none)
 * is not an error here but `forbidden`: the workflow asks the operator to delete it in the UI instead.
 */
export async function deleteObject(client: CwClient, ref: CwObjectRef): Promise<DeleteOutcome> {
  try {
    await client.call('DELETE', ref.path);
    return 'removed';
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === FailureType.ConnectWisePermissionDenied) return 'forbidden';
    if (err instanceof ApplicationFailure && err.nonRetryable) {
      // 404 and the like: gone if a lookup no longer finds it (a lost earlier attempt deleted it).
      if (!(await exists(client, ref))) return 'already-gone';
    }
    throw err;
  }
}

async function exists(client: CwClient, ref: CwObjectRef): Promise<boolean> {
  const [collection] = ref.path.split(/\/(?=\d+$)/);
  const list = await client.call<{ id: number }[]>('GET', collection!, {
    query: { conditions: `id=${ref.id}`, pageSize: 1 },
  });
  return list.length > 0;
}

/** Drift: per synced company, whether it, its agreement and the agreement's addition are still there. */
export interface CwBillingState {
  catalogItem: boolean;
  companies: { identifier: string; company: boolean; agreement: boolean; addition: boolean }[];
}

/** Read-only: the state of what the sync set up for billing, company by company (drift checks). */
export async function billingState(
  client: CwClient,
  input: Pick<CwBillingInventoryInput, 'customers' | 'agreementName' | 'catalogItem'>
): Promise<CwBillingState> {
  const refs = await inventoryBilling(client, {
    ...input,
    createdCompanies: input.customers,
    catalogItemCreated: true,
  });
  const companies = new Set(refs.filter((r) => r.kind === 'company').map((r) => r.company?.toLowerCase()));
  const withAddition = new Set(refs.filter((r) => r.kind === 'addition').map((r) => r.agreementId));
  const agreementsOf = new Map<string, number[]>();
  for (const r of refs.filter((x) => x.kind === 'agreement')) {
    const of = r.company?.toLowerCase() ?? '';
    agreementsOf.set(of, [...(agreementsOf.get(of) ?? []), r.id]);
  }
  return {
    catalogItem: refs.some((r) => r.kind === 'catalog-item'),
    companies: input.customers.map((identifier) => {
      const key = identifier.toLowerCase();
      const agreements = agreementsOf.get(key) ?? [];
      return {
        identifier,
        company: companies.has(key),
        agreement: agreements.length > 0,
        addition: agreements.some((id) => withAddition.has(id)),
      };
    }),
  };
}
