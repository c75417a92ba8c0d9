/**
 * Client-side operations on sales deals (salesDeal workflows), shared by the intake's receivers and the CLI:
 * hand a verified event to its deal's workflow (one per deal, whoever comes first), read a deal's status,
 * supply the fields it waits for.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { OnrampConfig } from '../config';
import {
  salesDealStatusQuery,
  salesEventSignal,
  supplySalesFieldsUpdate,
  type SalesDealStatusV1,
  type SalesDealWorkflow,
} from '../contract/sales-deal-messages';
import type { SalesEventV1, SalesSystem } from '../contract/sales-messages';
import { ONRAMP_INTEGRATION, OnrampIntegration, OnrampState, OnrampVendor } from '../contract/search-attributes';
import { isWonStage, salesDealWorkflowId, type SalesMappingV1 } from '../rules/sales-mapping-rules';

export type SalesDelivery = 'started-or-signalled' | 'signalled' | 'ignored-not-won' | 'already-handled';

/**
 * One event → its deal's workflow. An event reporting a stage that is not won only reaches a deal already
 * being handled (a deal leaving won); any other event starts the deal's workflow or signals the running one
 * (signalWithStart: 20 concurrent redeliveries meet one workflow, which drops repeated event IDs). A deal whose
 * workflow has ended (its order completed) is not started again: "already-handled".
 */
export async function deliverSalesEvent(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  mapping: Pick<SalesMappingV1, 'won'>,
  event: SalesEventV1
): Promise<{ workflowId: string; delivery: SalesDelivery }> {
  const workflowId = salesDealWorkflowId(event.system, event.account, event.dealId);
  const input = { system: event.system, account: event.account, dealId: event.dealId };
  if (event.stage !== undefined && !isWonStage(mapping, event.system, event.stage)) {
    try {
      await client.workflow.getHandle(workflowId).signal(salesEventSignal, event);
      return { workflowId, delivery: 'signalled' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { workflowId, delivery: 'ignored-not-won' };
      throw err;
    }
  }
  try {
    await client.workflow.signalWithStart<SalesDealWorkflow, [SalesEventV1]>('salesDeal', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      signal: salesEventSignal,
      signalArgs: [event],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: OnrampIntegration, value: ONRAMP_INTEGRATION.salesDeal },
        { key: OnrampVendor, value: event.system },
        { key: OnrampState, value: 'running' },
      ],
      staticSummary: `${event.system} deal ${event.dealId} (account ${event.account})`,
    });
    return { workflowId, delivery: 'started-or-signalled' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, delivery: 'already-handled' };
    throw err;
  }
}

export async function salesDealStatus(
  client: Client,
  system: SalesSystem,
  account: string,
  dealId: string
): Promise<SalesDealStatusV1> {
  return client.workflow.getHandle(salesDealWorkflowId(system, account, dealId)).query(salesDealStatusQuery);
}

/** The operator supplies fields the deal waits for; answers once the deal was mapped again with them. */
export async function supplySalesFields(
  client: Client,
  system: SalesSystem,
  account: string,
  dealId: string,
  fields: Record<string, string>
): Promise<SalesDealStatusV1> {
  return client.workflow
    .getHandle(salesDealWorkflowId(system, account, dealId))
    .executeUpdate(supplySalesFieldsUpdate, { args: [{ fields }] });
}
