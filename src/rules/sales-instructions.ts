/** The operator's words for a sales deal (Web UI details, `onramp sales status`, the operator's e-mail). */
import type { SalesDealStatusV1, SalesFieldNeedV1 } from '../contract/sales-deal-messages';

const SYSTEM_NAME = { hubspot: 'HubSpot', salesforce: 'Salesforce', connectwise: 'ConnectWise Manage' } as const;

export function dealName(s: Pick<SalesDealStatusV1, 'system' | 'account' | 'dealId'>): string {
  return `${SYSTEM_NAME[s.system]} deal ${s.dealId} (account ${s.account})`;
}

/** What the operator must supply, one line per field, and how. */
/** Where each system's deal takes a product line, as its own UI names it. */
const LINE_ITEMS_WHERE: Record<SalesDealStatusV1['system'], string> = {
  hubspot: 'the deal record > Line items > Add',
  salesforce: 'the opportunity > Products > Add Products',
  connectwise: 'the opportunity > Forecast > +',
};

export function salesNeedsText(
  s: Pick<SalesDealStatusV1, 'system' | 'account' | 'dealId' | 'orderId'>,
  needs: readonly SalesFieldNeedV1[]
): string {
  const lines = needs.map((n) => `  - ${n.field} (from ${n.from}): ${n.problem}`);
  const fields = needs.filter((n) => n.field !== 'integrations');
  return [
    `${dealName(s)} is won, but order ${s.orderId} cannot start yet. It needs:`,
    ...lines,
    '',
    fields.length
      ? `Fix the deal in ${SYSTEM_NAME[s.system]} (a new stage change re-reads it), or supply the value: onramp sales supply ${s.system} ${s.account} ${s.dealId} ${fields.map((n) => `--field ${n.field}=<value>`).join(' ')}`
      : `Add a line item with one of the mapping's SKUs to the deal in ${SYSTEM_NAME[s.system]} (${LINE_ITEMS_WHERE[s.system]}); the next stage change re-reads it.`,
  ].join('\n');
}

export function salesWaitingDetails(s: SalesDealStatusV1): string {
  if (s.state === 'waiting-for-operator') return `**Waiting for the operator**\n\n${salesNeedsText(s, s.needs)}`;
  return `**${dealName(s)}**: ${s.state}${s.orderWorkflowId ? ` (order workflow ${s.orderWorkflowId})` : ''}${s.note ? `\n\n${s.note}` : ''}`;
}

export function salesCancelledNote(orderId: string, started: boolean): string {
  return started
    ? `The deal left its won stage before anything was written to a vendor: order ${orderId} was cancelled.`
    : `The deal left its won stage before order ${orderId} started: nothing was started.`;
}

export function salesLeftWonAfterWritesNote(orderId: string): string {
  return `The deal left its won stage, but order ${orderId} has already written to a vendor (an integration that creates or changes something there has started). Onramp does not undo it by itself: decide, then \`onramp cancel ${orderId}\` or \`onramp offboard ${orderId}\` if the customer is really gone.`;
}
