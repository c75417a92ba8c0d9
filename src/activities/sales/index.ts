/**
 * The sales activities: read a deal through its system's reader (one registry entry per system), map it with
 * the deployment's mapping, check the order as the intake does, and tell whether an order has written to a
 * vendor yet. Add a system by adding its reader to SALES_DEAL_READERS (one line).
 */
import { connectwiseDealReaderFactory } from './connectwise-deal-reader';
import { salesforceDealReaderFactory } from './salesforce-deal-reader';
import type { Client } from '@temporalio/client';
import { customerOnboardingStatusQuery } from '../../contract/customer-onboarding-messages';
import { FailureType } from '../../contract/failure-types';
import type { SalesDealPlanV1, SalesFieldNeedV1 } from '../../contract/sales-deal-messages';
import type { SalesDealV1, SalesEventV1, SalesSystem } from '../../contract/sales-messages';
import { salesMappingV1, type SalesMappingFile } from '../../domain/sales-mapping-schema';
import { customerOnboardingWorkflowId } from '../../rules/customer-onboarding-rules';
import {
  describeSource,
  mapSalesDeal,
  type SalesFieldSourceV1,
  type SalesMappingV1,
} from '../../rules/sales-mapping-rules';
import { orderWritten } from '../../rules/sales-deal-rules';
import { resolveSecretRef } from '../../secrets/secret-ref';
import { permanent } from '../failures';
import { hubspotDealReader } from './hubspot-deal-reader';
import type { SalesDealReader, SalesDealReaderFactory } from './sales-deal-reader';

/** One reader per system; `undefined`: not supported by this build. Each takes its `systems.<system>` block. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SALES_DEAL_READERS: Record<SalesSystem, SalesDealReaderFactory<any> | undefined> = {
  hubspot: hubspotDealReader,
  salesforce: salesforceDealReaderFactory,
  connectwise: connectwiseDealReaderFactory,
};

export interface SalesActivitySettings {
  /** The deployment's mapping (ONRAMP_SALES_MAPPING), read at the worker's start. */
  mapping?: SalesMappingFile;
  /**
   * The intake's own order check (src/services/orders.ts acceptOrder, injected by the worker): the problems of
   * an order request, one `path: message` line each; empty when the intake would accept it.
   */
  validateOrder: (request: unknown) => string[];
  /** The worker's Temporal client: reads an order's progress (what has been written to a vendor). */
  client?: () => Promise<Client>;
  /** Tests inject readers (else built from the mapping's `systems:` blocks). */
  readers?: Partial<Record<SalesSystem, SalesDealReader>>;
}

/** The property names the mapping reads, per object: the readers ask for exactly these. */
function mappedProperties(mapping: SalesMappingV1): { deal: string[]; company: string[]; contact: string[] } {
  const out = { deal: new Set<string>(), company: new Set<string>(), contact: new Set<string>() };
  const sources: SalesFieldSourceV1[] = [
    ...Object.values(mapping.order).filter((s): s is SalesFieldSourceV1 => !!s),
    ...Object.values(mapping.integrations).flatMap((f) => Object.values(f ?? {})),
  ];
  for (const s of sources) {
    if ('deal' in s) out.deal.add(s.deal);
    else if ('company' in s) out.company.add(s.company);
    else if ('contact' in s) out.contact.add(s.contact.field);
  }
  return { deal: [...out.deal], company: [...out.company], contact: [...out.contact] };
}

/** `path: message` lines of the order check → needs, each with where the mapping reads it. */
function needsOf(problems: string[], mapping: SalesMappingV1): SalesFieldNeedV1[] {
  return problems.map((line) => {
    const i = line.indexOf(': ');
    const field = i > 0 ? line.slice(0, i) : '(order)';
    const problem = i > 0 ? line.slice(i + 2) : line;
    const [head, name, ...rest] = field.split('.');
    const source =
      head === 'integrations' && name
        ? mapping.integrations[name as keyof SalesMappingV1['integrations']]?.[rest.join('.')]
        : mapping.order[field as keyof SalesMappingV1['order']];
    return {
      field,
      from: source ? describeSource(source) : 'the order (not mapped: a constant or a product of the mapping)',
      problem,
    };
  });
}

export function createSalesActivities(settings: SalesActivitySettings) {
  const mapping = settings.mapping ? salesMappingV1(settings.mapping) : undefined;
  const readers = new Map<SalesSystem, SalesDealReader>(
    Object.entries(settings.readers ?? {}) as [SalesSystem, SalesDealReader][]
  );
  const readerOf = (system: SalesSystem): SalesDealReader => {
    const known = readers.get(system);
    if (known) return known;
    const block = settings.mapping?.systems[system];
    const factory = SALES_DEAL_READERS[system];
    if (!block || !factory || !mapping)
      throw permanent(
        `this worker cannot read ${system} deals: ${!mapping ? 'it has no sales mapping (set ONRAMP_SALES_MAPPING)' : !factory ? `this build has no ${system} reader` : `the sales mapping has no systems.${system} block`}`,
        FailureType.SalesSystemNotConfigured
      );
    const reader = factory({
      settings: { ...block, properties: mappedProperties(mapping) },
      resolveSecret: (ref: string) => resolveSecretRef(ref),
    });
    readers.set(system, reader);
    return reader;
  };

  const readSalesDeal = (event: Pick<SalesEventV1, 'system' | 'account' | 'dealId'>): Promise<SalesDealV1> =>
    readerOf(event.system).read(event);

  return {
    readSalesDeal,

    /**
     * What the deal would start now: read, mapped (the operator's supplied fields win), and checked as the intake
     * checks an order. Read-only; the plan mode (`onramp sales plan`) shows exactly this.
     */
    async planSalesDeal(input: {
      system: SalesSystem;
      account: string;
      dealId: string;
      supplied?: Record<string, string>;
    }): Promise<SalesDealPlanV1> {
      if (!mapping)
        throw permanent(
          'this worker has no sales mapping: set ONRAMP_SALES_MAPPING',
          FailureType.SalesSystemNotConfigured
        );
      const deal = await readSalesDeal(input);
      const mapped = mapSalesDeal(deal, mapping, input.supplied ?? {});
      // Only a complete order is checked: an absent field is already named, once.
      const needs = mapped.needs.length ? mapped.needs : needsOf(settings.validateOrder(mapped.request), mapping);
      return {
        system: deal.system,
        account: deal.account,
        dealId: deal.dealId,
        dealName: deal.name,
        stage: deal.stage,
        won: mapped.won,
        orderId: mapped.orderId,
        integrations: mapped.integrations,
        request: mapped.request,
        needs,
      };
    },

    /**
     * Has the order written anything to a vendor? Written = an integration that creates or changes something at
     * a vendor (src/rules/sales-deal-rules.ts WRITING_INTEGRATIONS) has left pending/blocked. No order: false.
     */
    async salesOrderWritten(input: { orderId: string }): Promise<boolean> {
      if (!settings.client)
        throw permanent('this worker has no Temporal client for reading order state', FailureType.NoTemporalClient);
      const client = await settings.client();
      try {
        const status = await client.workflow
          .getHandle(customerOnboardingWorkflowId(input.orderId))
          .query(customerOnboardingStatusQuery);
        return orderWritten(status.integrations);
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return false;
        throw err;
      }
    },
  };
}

export type SalesActivities = ReturnType<typeof createSalesActivities>;
