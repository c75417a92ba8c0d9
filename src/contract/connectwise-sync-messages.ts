import { defineQuery } from '@temporalio/workflow';

/**
 * The ConnectWise customer sync (vendor customers → companies, agreements, the billing catalog item): its
 * input, its progress and result, and its query. The connection and site shapes live here because the sync's
 * input carries them (its target); the onboarding and the key rotation import them from here.
 */

// ---- Frozen input shapes, version 1 (a copy of the door's validated shape: src/domain/connectwise-schema.ts) ----

/** A ConnectWise connection as the door validated it (site lower-cased, no scheme; the private key by reference only). */
export interface ConnectwiseConnectionV1 {
  site: string;
  companyId: string;
  publicKey: string;
  privateKeyRef?: string;
  clientId: string;
  /** Identifier of the API member; lets Onramp read its security role instead of probing. */
  apiMember?: string;
}

export interface SyncCustomerV1 {
  identifier: string;
  name: string;
}

export interface SyncBillingV1 {
  agreement: { name: string; type: string };
  product: { identifier: string; description: string; price: number };
}

export type SyncMode = 'apply' | 'plan';

/**
 * The address a company Onramp creates carries: ConnectWise's Company schema requires at least one address
 * field on create (OpenAPI `Company.addressLine1`…`zip`: "At least one address field is required"). Each
 * field trimmed and within the schema's max length; at least one present (the door checks).
 */
export interface CompanyAddressV1 {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  zip?: string;
}

// ---- Site and target ----

export interface ConnectwiseSiteInfo {
  apiBaseUrl: string;
  codebase: string;
  isCloud: boolean;
  companyName: string;
  version?: string;
}

/** A verified connection and the site it answered from: what every ConnectWise activity after verification takes. */
export interface ConnectwiseTargetV1 {
  connection: ConnectwiseConnectionV1;
  site: ConnectwiseSiteInfo;
}

export interface ConnectwiseSyncInputV1 {
  /** The MSP, for search attributes and summaries. */
  customer: string;
  vendor: string;
  target: ConnectwiseTargetV1;
  customers: SyncCustomerV1[];
  billing: SyncBillingV1;
  mode: SyncMode;
  /** Customers per activity: a retried batch repeats only its own lookups. */
  batchSize?: number;
  /** false: match companies only, report the unmatched; true: create the missing ones (never rename). */
  createMissingCompanies: boolean;
  /** The address each created company carries (required by ConnectWise when companies are created). */
  companyAddress?: CompanyAddressV1;
}

// ---- Result ----

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** What one batch of customers did (the activity's answer); the sync's summary adds them up. */
export interface SyncBatchResult {
  companies: SyncCounts;
  agreements: SyncCounts;
  /** The catalog item as an addition on each agreement (absent when no catalog item was given). */
  additions?: SyncCounts;
  /** Identifiers of companies the sync created (offboarding deletes only these). */
  createdCompanies?: string[];
  /**
   * Identifiers of the companies whose agreement the sync created, and of those whose agreement it gave the
   * catalog item: offboarding deletes only these, never an agreement or addition that was there before.
   */
  createdAgreements?: string[];
  createdAdditions?: string[];
  /**
   * Customers with no ConnectWise company of their identifier, left uncreated because the sync is match-only
   * (the default). No agreement or addition is made for them.
   */
  unmatchedCompanies?: string[];
  /** Plan mode: what would change (capped). */
  plannedChanges: string[];
}

export interface SyncSummary extends SyncBatchResult {
  mode: SyncMode;
  customers: number;
  catalogItem: 'created' | 'updated' | 'unchanged';
}

// ---- Status ----

export interface SyncProgress {
  mode: SyncMode;
  customers: number;
  processed: number;
  batches: number;
  summary?: SyncSummary;
  error?: string;
}

export const connectwiseSyncStatusQuery = defineQuery<SyncProgress>('status');
