import { heartbeating } from './activity-timeouts';
import { startedWith } from './identity';
import { Progress } from './progress';
import { ActivityFailure, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import {
  connectwiseSyncStatusQuery,
  type ConnectwiseSyncInputV1,
  type SyncBatchResult,
  type SyncCounts,
  type SyncProgress,
  type SyncSummary,
} from '../contract/connectwise-sync-messages';
import { syncText } from '../rules/connectwise-instructions';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

const SYNC_OPTIONS = heartbeating({
  startToCloseTimeout: '10 minutes',
  // 429s carry their own delay (nextRetryDelay from Retry-After); 5xx and network errors back off.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
});

const { ensureConnectwiseCatalogItem, syncConnectwiseCustomerBatch } = proxyActivities<OnrampActivities>(SYNC_OPTIONS);

type SyncStep = 'catalog-item' | 'customers' | 'done';

interface SyncRun {
  input: ConnectwiseSyncInputV1;
  progress: Progress<SyncStep>;
  status: SyncProgress;
  /** 'Plan' or 'Sync', for the details and the activity summaries. */
  verb: string;
}

const add = (a: SyncCounts, b: SyncCounts): SyncCounts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
});

/** Vendor customers → ConnectWise companies, agreements and the billing catalog item; idempotent; plan mode writes nothing. */
export async function connectwiseCustomerSync(input: ConnectwiseSyncInputV1): Promise<SyncSummary> {
  const run = begin(input);
  try {
    // 1. The catalog item the agreements bill with.
    const item = await ensureCatalogItem(run);
    const summary = emptySummary(input, item);
    // 2. The customers, batch by batch: company (matched, or created when opted in), agreement, addition.
    await syncCustomers(run, item, summary);
    run.status.summary = summary;
    run.progress.enter('done', 'completed', syncText.done(run.verb, summary));
    return summary;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err; // cancellation and the like are not ours to reword
    return run.progress.failFrom(err, FailureType.ConnectWiseSyncFailed);
  }
}

function begin(input: ConnectwiseSyncInputV1): SyncRun {
  const progress = new Progress<SyncStep>('catalog-item');
  const status: SyncProgress = { mode: input.mode, customers: input.customers.length, processed: 0, batches: 0 };
  setHandler(connectwiseSyncStatusQuery, () => (progress.error ? { ...status, error: progress.error } : status));
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer) },
    { key: OnrampVendor, value: input.vendor },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseCustomerSync },
  ]);
  return { input, progress, status, verb: syncText.verb(input.mode) };
}

type CatalogItem = { id?: number; action: SyncSummary['catalogItem'] };

/** Step 1: found by identifier, created or corrected (plan mode: only looked up). */
async function ensureCatalogItem({ input, progress, verb }: SyncRun): Promise<CatalogItem> {
  const { identifier } = input.billing.product;
  progress.enter('catalog-item', 'running', syncText.catalogItem(verb, identifier));
  return ensureConnectwiseCatalogItem.executeWithOptions(
    { ...SYNC_OPTIONS, summary: syncText.catalogItemActivity(verb, identifier) },
    [{ ...input.target, product: input.billing.product, mode: input.mode }]
  );
}

function emptySummary(input: ConnectwiseSyncInputV1, item: CatalogItem): SyncSummary {
  const none = (): SyncCounts => ({ created: 0, updated: 0, unchanged: 0 });
  return {
    mode: input.mode,
    customers: input.customers.length,
    companies: none(),
    agreements: none(),
    catalogItem: item.action,
    additions: none(),
    createdCompanies: [],
    createdAgreements: [],
    createdAdditions: [],
    unmatchedCompanies: [],
    plannedChanges:
      input.mode === 'plan' && item.action !== 'unchanged'
        ? [syncText.plannedCatalogItem(item.action, input.billing.product.identifier)]
        : [],
  };
}

/** Step 2: the customers in batches (a retried batch repeats only its own lookups), added up into `summary`. */
async function syncCustomers({ input, progress, status, verb }: SyncRun, item: CatalogItem, summary: SyncSummary) {
  const batchSize = Math.min(Math.max(input.batchSize ?? 100, 1), 500);
  const of = input.customers.length;
  for (let i = 0; i < of; i += batchSize) {
    const batch = input.customers.slice(i, i + batchSize);
    progress.enter('customers', 'running', syncText.batch(verb, i + 1, i + batch.length, of));
    const r = await syncConnectwiseCustomerBatch.executeWithOptions(
      { ...SYNC_OPTIONS, summary: syncText.batchActivity(verb, i + 1, i + batch.length, of) },
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
          createMissingCompanies: input.createMissingCompanies,
          ...(input.companyAddress ? { companyAddress: input.companyAddress } : {}),
        },
      ]
    );
    addBatch(summary, r);
    status.processed += batch.length;
    status.batches++;
  }
}

function addBatch(summary: SyncSummary, r: SyncBatchResult): void {
  summary.companies = add(summary.companies, r.companies);
  summary.agreements = add(summary.agreements, r.agreements);
  if (r.additions) summary.additions = add(summary.additions!, r.additions);
  summary.createdCompanies!.push(...(r.createdCompanies ?? []));
  summary.createdAgreements!.push(...(r.createdAgreements ?? []));
  summary.createdAdditions!.push(...(r.createdAdditions ?? []));
  if (r.unmatchedCompanies) (summary.unmatchedCompanies ??= []).push(...r.unmatchedCompanies);
  summary.plannedChanges.push(...r.plannedChanges.slice(0, Math.max(0, 200 - summary.plannedChanges.length)));
}
