import { HEARTBEAT } from './activity-timeouts';
import { startedWith } from './identity';
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget } from '../activities/connectwise';
import type { SyncBilling, SyncCounts, SyncCustomer, SyncMode, SyncSummary } from '../domain/connectwise-schema';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

export interface ConnectwiseSyncInput {
  /** The MSP, for search attributes and summaries. */
  customer: string;
  vendor: string;
  target: CwTarget;
  customers: SyncCustomer[];
  billing: SyncBilling;
  mode: SyncMode;
  /** Customers per activity: a retried batch repeats only its own lookups. */
  batchSize?: number;
  /**
   * false: match companies only, report the unmatched; true: create the missing ones. Absent in syncs started
   * before the option existed (those create and rename, as they were started to).
   */
  createMissingCompanies?: boolean;
}

export interface SyncProgress {
  mode: SyncMode;
  customers: number;
  processed: number;
  batches: number;
  summary?: SyncSummary;
  error?: string;
}

export const connectwiseSyncStatusQuery = defineQuery<SyncProgress>('status');

const SYNC_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT,
  // 429s carry their own delay (nextRetryDelay from Retry-After); 5xx and network errors back off.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
};

const { ensureConnectwiseCatalogItem, syncConnectwiseCustomerBatch } = proxyActivities<OnrampActivities>(SYNC_OPTIONS);

const add = (a: SyncCounts, b: SyncCounts): SyncCounts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
});

/** Vendor customers → ConnectWise companies, agreements and the billing catalog item; idempotent; plan mode writes nothing. */
export async function connectwiseCustomerSync(input: ConnectwiseSyncInput): Promise<SyncSummary> {
  const batchSize = Math.min(Math.max(input.batchSize ?? 100, 1), 500);
  const progress: SyncProgress = { mode: input.mode, customers: input.customers.length, processed: 0, batches: 0 };
  setHandler(connectwiseSyncStatusQuery, () => progress);
  const stage = (step: string, state: 'running' | 'completed' | 'failed', details: string) => {
    upsertSearchAttributes([
      { key: OnrampStep, value: step },
      { key: OnrampState, value: state },
    ]);
    setCurrentDetails(details);
  };
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer) },
    { key: OnrampVendor, value: input.vendor },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseCustomerSync },
  ]);
  const verb = input.mode === 'plan' ? 'Plan' : 'Sync';

  try {
    stage('catalog-item', 'running', `${verb}: catalog item ${input.billing.product.identifier}`);
    const item = await ensureConnectwiseCatalogItem.executeWithOptions(
      { ...SYNC_OPTIONS, summary: `${verb} catalog item ${input.billing.product.identifier}` },
      [{ ...input.target, product: input.billing.product, mode: input.mode }]
    );
    const summary: SyncSummary = {
      mode: input.mode,
      customers: input.customers.length,
      companies: { created: 0, updated: 0, unchanged: 0 },
      agreements: { created: 0, updated: 0, unchanged: 0 },
      catalogItem: item.action,
      additions: { created: 0, updated: 0, unchanged: 0 },
      createdCompanies: [],
      createdAgreements: [],
      createdAdditions: [],
      ...(input.createMissingCompanies === undefined ? {} : { unmatchedCompanies: [] }),
      plannedChanges:
        input.mode === 'plan' && item.action !== 'unchanged'
          ? [`${item.action === 'created' ? 'create' : 'update'} catalog item ${input.billing.product.identifier}`]
          : [],
    };
    for (let i = 0; i < input.customers.length; i += batchSize) {
      const batch = input.customers.slice(i, i + batchSize);
      stage('customers', 'running', `${verb}: customers ${i + 1}-${i + batch.length} of ${input.customers.length}`);
      const r = await syncConnectwiseCustomerBatch.executeWithOptions(
        { ...SYNC_OPTIONS, summary: `${verb} customers ${i + 1}-${i + batch.length} of ${input.customers.length}` },
        [
          {
            ...input.target,
            customers: batch,
            agreement: input.billing.agreement,
            mode: input.mode,
            product: {
              id: item.id,
              identifier: input.billing.product.identifier,
              description: input.billing.product.description,
            },
            ...(input.createMissingCompanies === undefined
              ? {}
              : { createMissingCompanies: input.createMissingCompanies }),
          },
        ]
      );
      summary.companies = add(summary.companies, r.companies);
      summary.agreements = add(summary.agreements, r.agreements);
      if (r.additions) summary.additions = add(summary.additions!, r.additions);
      summary.createdCompanies!.push(...(r.createdCompanies ?? []));
      summary.createdAgreements!.push(...(r.createdAgreements ?? []));
      summary.createdAdditions!.push(...(r.createdAdditions ?? []));
      if (r.unmatchedCompanies) (summary.unmatchedCompanies ??= []).push(...r.unmatchedCompanies);
      summary.plannedChanges.push(...r.plannedChanges.slice(0, Math.max(0, 200 - summary.plannedChanges.length)));
      progress.processed += batch.length;
      progress.batches++;
    }
    progress.summary = summary;
    const c = summary.companies;
    const unmatched = summary.unmatchedCompanies ?? [];
    stage(
      'done',
      'completed',
      `${verb} done: companies ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged` +
        (unmatched.length
          ? `; **${unmatched.length} not in ConnectWise, not created** (match-only): ${unmatched.slice(0, 20).join(', ')}${unmatched.length > 20 ? ', …' : ''}`
          : '')
    );
    return summary;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err; // cancellation and the like are not ours to reword
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    progress.error = cause?.message ?? err.message;
    stage('failed', 'failed', `**Failed:** ${progress.error}`);
    throw ApplicationFailure.nonRetryable(progress.error, cause?.type ?? FailureType.ConnectWiseSyncFailed);
  }
}
