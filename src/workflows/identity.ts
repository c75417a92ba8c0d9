import { workflowInfo } from '@temporalio/workflow';
import type { OnrampCustomer } from '../contract/search-attributes';

type KeywordKey = typeof OnrampCustomer;

/**
 * The value a workflow was *started* with for an identity search attribute (OnrampCustomer,
 * OnrampIntegration, OnrampVendor), else its own. An order's children are started with the order's
 * customer ID and integration name, and must keep them, so one filter (`OnrampCustomer = "acme"`) finds
 * every workflow of an order; a workflow started on its own (CLI, schedule) names itself.
 */
export function startedWith(key: KeywordKey, own: string): string {
  const given = workflowInfo().typedSearchAttributes.get(key);
  return typeof given === 'string' && given ? given : own;
}
