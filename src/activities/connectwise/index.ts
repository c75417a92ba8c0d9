import { ApplicationFailure } from '@temporalio/common';
import type {
  CompanyAddressV1,
  ConnectwiseSiteInfo,
  SyncBatchResult,
  SyncMode,
} from '../../contract/connectwise-sync-messages';
import {
  CW_KEY_PATTERN,
  type ConnectwiseConnection,
  type SyncBilling,
  type SyncCustomer,
} from '../../domain/connectwise-schema';
import { CurrentCredentials } from '../../secrets/current-credentials';
import type { CurrentCredentialRecords } from '../../secrets/rotation-state';
import { resolveSecretRef, SecretRefError } from '../../secrets/secret-ref';
import { scrubSecrets } from '../../secrets/scrub';
import { permanent } from '../failures';
import { createCwClient, type CwClient } from './connectwise-client';
import type { LimiterStore } from '../limits/limiter-store';
import { connectwiseLimitKey, TenantLimiters } from './connectwise-limiter';
import { checkPermissions, type PermissionReport } from './permissions';
import { discoverSite, type SiteSettings } from './site';
import {
  billingState,
  deleteObject,
  inventoryBilling,
  type CwBillingInventoryInput,
  type CwObjectRef,
} from './cleanup';
import { ensureCatalogItem, syncCustomerBatch, type AdditionProduct } from './sync';
import { FailureType } from '../../contract/failure-types';

export interface ConnectwiseSettings extends SiteSettings {
  /** Per-tenant pace, below ConnectWise's ~1,000 requests/min throttle. Default 930 (93 % of it). */
  requestsPerMinute?: number;
  /** Where the pace is kept (shared by all workers with PostgreSQL); default: this process. */
  limiterStore?: LimiterStore;
  timeoutMs?: number;
  /** Page size for list calls (ConnectWise caps it at 1,000). Default 1,000. */
  pageSize?: number;
  /**
   * Where rotations record the key in use now (src/secrets/rotation-state.ts: files or the secret store);
   * `currentCredentialsDir` is the file record's shorthand; neither: not recorded.
   */
  currentCredentials?: CurrentCredentialRecords;
  currentCredentialsDir?: string;
}

/** Everything an activity needs to reach one tenant; the private key is a reference only. */
export interface CwTarget {
  connection: ConnectwiseConnection;
  site: ConnectwiseSiteInfo;
}

export type VerifyConnectionResult =
  | { ok: true; site: ConnectwiseSiteInfo }
  | { ok: false; field: 'site' | 'companyId' | 'privateKeyRef' | 'keys' | 'clientId'; message: string };

/** Failures that mean "the operator gave a wrong value": reported back to them, not retried. */
const FIELD_OF_FAILURE: Record<string, Exclude<VerifyConnectionResult, { ok: true }>['field']> = {
  ConnectWiseSiteNotAllowed: 'site',
  ConnectWiseCompanyUnknown: 'companyId',
  ConnectWiseAuthRejected: 'keys',
  ConnectWiseClientIdRejected: 'clientId',
};

/** The key a rotation recorded as in use for `customer` (references only), from the current-credentials record. */
export async function readCurrentConnectwiseKey(
  current: CurrentCredentialRecords | undefined,
  customer: string
): Promise<{ publicKey: string; privateKeyRef: string } | null> {
  const r = await current?.read<{ publicKey: string; privateKeyRef: string }>('connectwise-key', customer);
  return r?.publicKey && r.privateKeyRef ? { publicKey: r.publicKey, privateKeyRef: r.privateKeyRef } : null;
}

export function createConnectwiseActivities(settings: ConnectwiseSettings = {}) {
  const limiters = new TenantLimiters(settings.requestsPerMinute ?? 930, settings.limiterStore);
  const timeoutMs = settings.timeoutMs ?? 30_000;

  const privateKeyOf = async (connection: ConnectwiseConnection): Promise<string> => {
    if (!connection.privateKeyRef)
      throw permanent(
        'connection.privateKeyRef is missing: supply the private key reference',
        FailureType.ConnectWisePrivateKeyMissing
      );
    let key: string;
    try {
      key = (await resolveSecretRef(connection.privateKeyRef)).trim();
    } catch (err) {
      if (err instanceof SecretRefError)
        throw permanent(`connection.privateKeyRef: ${err.message}`, FailureType.ConnectWisePrivateKeyUnavailable);
      throw err;
    }
    if (!CW_KEY_PATTERN.test(key)) {
      throw permanent(
        `connection.privateKeyRef (${connection.privateKeyRef}) does not hold a ConnectWise private key (16 letters and digits). Store exactly the Private Key shown when the key was generated.`,
        FailureType.ConnectWisePrivateKeyMalformed
      );
    }
    return key;
  };

  const clientFor = async ({ connection, site }: CwTarget): Promise<CwClient> =>
    createCwClient({
      apiBaseUrl: site.apiBaseUrl,
      isCloud: site.isCloud,
      credentials: {
        companyId: connection.companyId,
        publicKey: connection.publicKey,
        privateKey: await privateKeyOf(connection),
        clientId: connection.clientId,
      },
      limiter: limiters.for(connectwiseLimitKey(site, connection)),
      timeoutMs,
      pageSize: settings.pageSize ?? 1000,
    });

  const current =
    settings.currentCredentials ??
    (settings.currentCredentialsDir ? new CurrentCredentials(settings.currentCredentialsDir) : undefined);

  return {
    /** The key a rotation switched to for this customer, if one did (else the caller's arguments hold). Read-only. */
    async readCurrentConnectwiseKey(input: {
      customer: string;
    }): Promise<{ publicKey: string; privateKeyRef: string } | null> {
      return readCurrentConnectwiseKey(current, input.customer);
    },

    /** Record the key now in use (references only). Idempotent; false when the worker keeps no record. */
    async recordCurrentConnectwiseKey(input: {
      customer: string;
      publicKey: string;
      privateKeyRef: string;
    }): Promise<boolean> {
      if (!current) return false;
      await current.write('connectwise-key', input.customer, {
        publicKey: input.publicKey,
        privateKeyRef: input.privateKeyRef,
      });
      return true;
    },

    /**
     * Site check, codebase discovery and an authenticated `/system/info`: the proof that the keys work.
     * A wrong value comes back as `ok: false` naming the field (the workflow keeps waiting for a fix);
     * only transient trouble throws, for the retry policy.
     */
    async verifyConnectwiseConnection(connection: ConnectwiseConnection): Promise<VerifyConnectionResult> {
      try {
        const site = await discoverSite(connection.site, connection.companyId, settings, timeoutMs);
        const client = await clientFor({ connection, site });
        const info = await client.call<{ version?: string; isCloud?: boolean }>('GET', '/system/info');
        return { ok: true, site: { ...site, version: info?.version ?? site.version } };
      } catch (err) {
        if (err instanceof ApplicationFailure && err.nonRetryable) {
          const field =
            FIELD_OF_FAILURE[err.type ?? ''] ??
            (err.type?.startsWith('ConnectWisePrivateKey') ? 'privateKeyRef' : undefined);
          if (field) return { ok: false, field, message: scrubSecrets(err.message) };
        }
        throw err;
      }
    },

    /** `createMissingCompanies`: the sync may create companies, so the role needs Company Maintenance Add too. */
    async checkConnectwisePermissions(
      target: CwTarget & { createMissingCompanies?: boolean }
    ): Promise<PermissionReport> {
      return checkPermissions(await clientFor(target), target.connection.apiMember, {
        createMissingCompanies: target.createMissingCompanies,
      });
    },

    async ensureConnectwiseCatalogItem(input: CwTarget & { product: SyncBilling['product']; mode: SyncMode }) {
      return ensureCatalogItem(await clientFor(input), input.product, input.mode);
    },

    async syncConnectwiseCustomerBatch(
      input: CwTarget & {
        customers: SyncCustomer[];
        agreement: SyncBilling['agreement'];
        mode: SyncMode;
        /** The catalog item each agreement carries as an addition (runs recorded before it had none). */
        product?: AdditionProduct;
        /** false: match only; true: create missing companies (existing ones are never renamed). */
        createMissingCompanies: boolean;
        /** The address created companies carry (ConnectWise requires one). */
        companyAddress?: CompanyAddressV1;
      }
    ): Promise<SyncBatchResult> {
      return syncCustomerBatch(
        await clientFor(input),
        input.customers,
        input.agreement,
        input.mode,
        input.product,
        input.createMissingCompanies,
        input.companyAddress
      );
    },

    /** Offboarding: what the onboarding created for billing and still exists. Read-only. */
    async inventoryConnectwiseBilling(input: CwTarget & CwBillingInventoryInput): Promise<CwObjectRef[]> {
      return inventoryBilling(await clientFor(input), input);
    },

    /** Drift: per synced company, whether it, its agreement and the agreement's addition still exist. Read-only. */
    async connectwiseBillingState(
      input: CwTarget & Pick<CwBillingInventoryInput, 'customers' | 'agreementName' | 'catalogItem'>
    ) {
      return billingState(await clientFor(input), input);
    },

    /** Offboarding: delete one object; `forbidden` when the role has no Delete level there. */
    async deleteConnectwiseObject(input: CwTarget & { ref: CwObjectRef }) {
      return deleteObject(await clientFor(input), input.ref);
    },
  };
}

export type ConnectwiseActivities = ReturnType<typeof createConnectwiseActivities>;
