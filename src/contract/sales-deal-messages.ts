import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IntegrationName, OrderRequestV1 } from './customer-onboarding-messages';
import type { SalesEventV1, SalesSystem } from './sales-messages';

/**
 * The messages of the salesDeal workflow: one deal of one sales system (HubSpot, Salesforce, ConnectWise
 * Manage) becoming one order. Zod-free and frozen like every contract.
 */

/** What starts a salesDeal workflow: the deal, named as every event of it names it. */
export interface SalesDealInputV1 {
  system: SalesSystem;
  account: string;
  dealId: string;
}

/** A field the order needs and the deal did not give (or gave in a form the order refuses). */
export interface SalesFieldNeedV1 {
  /** The order's path, e.g. `integrations.googleDelegation.adminEmail`. */
  field: string;
  /** Where the mapping reads it, e.g. `contact with role "Technical admin", field email`. */
  from: string;
  /** Why it is needed now: absent from the deal, or what the order's validation says about the value given. */
  problem: string;
}

/** What the deal would start, now: the plan mode's answer and each step of the workflow. */
export interface SalesDealPlanV1 {
  system: SalesSystem;
  account: string;
  dealId: string;
  dealName: string;
  stage: string;
  /** Is `stage` one of the mapping's won stages of this system? */
  won: boolean;
  /** The order ID derived from system, account and deal ID. */
  orderId: string;
  /** The integrations its line items select (the mapping's products). */
  integrations: IntegrationName[];
  /** The order as mapped, supplied fields included; absent fields left out. */
  request: OrderRequestV1;
  /** Empty: the order can start as it is. */
  needs: SalesFieldNeedV1[];
}

export type SalesDealState =
  | 'reading'
  | 'not-won'
  | 'waiting-for-operator'
  | 'order-started'
  | 'order-completed'
  | 'order-failed'
  | 'cancelled'
  | 'left-won-after-writes';

export interface SalesDealStatusV1 {
  system: SalesSystem;
  account: string;
  dealId: string;
  orderId: string;
  state: SalesDealState;
  /** While waiting for the operator: exactly which fields, from where, and why. */
  needs: SalesFieldNeedV1[];
  /** The order's workflow, once started. */
  orderWorkflowId?: string;
  /** Every distinct event received (redeliveries counted once). */
  events: number;
  /** The fields the operator supplied (names only: the values are in the order). */
  supplied: string[];
  /** What happened last, in a sentence for the operator. */
  note?: string;
  /** E-mails to the operator that were not sent (refused address, server away past the retries), with the reason. */
  mailWarnings?: string[];
}

export interface SalesDealResultV1 {
  orderId: string;
  state: SalesDealState;
}

/** A verified event of this deal (the receiver's signalWithStart); redeliveries carry the same eventId. */
export const salesEventSignal = defineSignal<[SalesEventV1]>('salesEvent');
export const salesDealStatusQuery = defineQuery<SalesDealStatusV1>('status');

/** The operator supplies fields the deal lacks: `{ "integrations.googleDelegation.adminEmail": "admin@x.example" }`. */
export interface SupplySalesFieldsV1 {
  fields: Record<string, string>;
}
/** Answers once the deal was mapped again with the supplied fields: started, or still waiting for `needs`. */
export const supplySalesFieldsUpdate = defineUpdate<SalesDealStatusV1, [SupplySalesFieldsV1]>('supplySalesFields');

/** The workflow's signature, for clients that start it by type name. */
export type SalesDealWorkflow = (input: SalesDealInputV1) => Promise<SalesDealResultV1>;
