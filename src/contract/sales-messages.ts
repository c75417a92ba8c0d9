/**
 * What the sales-system receivers (HubSpot, Salesforce, ConnectWise Manage) hand to the rest of Onramp.
 * A receiver only verifies a signed event and names the deal; the deal itself is read afterwards through
 * the vendor's API (an activity), because every sender leaves out most of what an order needs.
 * Zod-free and frozen like every contract: a change that running workflows cannot take is a new version.
 */

export type SalesSystem = 'hubspot' | 'salesforce' | 'connectwise';

/** One verified event from a sales system: which deal changed. A delivery may carry several. */
export interface SalesEventV1 {
  system: SalesSystem;
  /** The sender's account: HubSpot portal ID, Salesforce organization ID, ConnectWise company (login) ID. */
  account: string;
  /** The deal's ID in that system: HubSpot deal ID, Salesforce Opportunity ID, ConnectWise opportunity ID. */
  dealId: string;
  /** The sender's own ID of this delivery (HubSpot eventId, Salesforce Notification Id, ConnectWise callback
   * message ID or a digest of the body): redeliveries carry the same one. */
  eventId: string;
  /** When the sender says the change happened (ISO 8601), when it says so. */
  occurredAt?: string;
  /** The stage the event itself reports (internal value), when it carries one; the deal read later is authoritative. */
  stage?: string;
}

/** A field value as read from a sales system: text, or absent. Numbers and dates arrive as their text. */
export type SalesFieldValue = string | undefined;

/** A deal as read from the sales system's API after a verified event, before any mapping. */
export interface SalesDealV1 {
  system: SalesSystem;
  account: string;
  dealId: string;
  name: string;
  /** The deal's current stage, internal value (HubSpot `dealstage`, Salesforce `StageName`, ConnectWise stage name). */
  stage: string;
  /** Every deal property read, by the vendor's API name. */
  properties: Record<string, SalesFieldValue>;
  /** The deal's company (HubSpot company, Salesforce Account, ConnectWise company). */
  company?: { id: string; name?: string; properties: Record<string, SalesFieldValue> };
  /** The deal's contacts with their role on the deal (HubSpot association label, Salesforce OpportunityContactRole,
   * ConnectWise opportunity contact role), when the system has one. */
  contacts: Array<{ id: string; email?: string; role?: string; properties: Record<string, SalesFieldValue> }>;
  /** What was sold: HubSpot line items, Salesforce OpportunityLineItems, ConnectWise opportunity forecast/products. */
  lineItems: Array<{ id: string; sku?: string; name?: string; quantity: number }>;
}
