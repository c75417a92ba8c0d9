/**
 * The sales receivers, one per system (`undefined`: not in this build). Add a system with one line; its
 * receiver takes the `systems.<system>` block of the sales mapping (validated by src/domain/sales-<system>-schema.ts).
 */
import type { SalesSystem } from '../../contract/sales-messages';
import type { SalesMappingFile } from '../../domain/sales-mapping-schema';
import { connectwiseReceiver } from './connectwise-receiver';
import { hubspotReceiver } from './hubspot-receiver';
import { salesforceReceiver } from './salesforce-receiver';
import type { SalesReceiver, SalesReceiverFactory } from './sales-receiver';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SALES_RECEIVERS: Record<SalesSystem, SalesReceiverFactory<any> | undefined> = {
  hubspot: hubspotReceiver,
  salesforce: salesforceReceiver,
  connectwise: connectwiseReceiver,
};

/** The receivers of every system the mapping configures (its secrets resolved now: a bad reference stops the start). */
export async function receiversFromMapping(
  mapping: SalesMappingFile,
  resolveSecret: (ref: string) => Promise<string>,
  now: () => Date = () => new Date()
): Promise<Partial<Record<SalesSystem, SalesReceiver>>> {
  const out: Partial<Record<SalesSystem, SalesReceiver>> = {};
  for (const system of Object.keys(SALES_RECEIVERS) as SalesSystem[]) {
    const settings = mapping.systems[system];
    const factory = SALES_RECEIVERS[system];
    if (settings && factory) out[system] = await factory({ settings, resolveSecret, now });
  }
  return out;
}
