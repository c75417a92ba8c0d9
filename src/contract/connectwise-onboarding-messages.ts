import type { OrderMailV1 } from './mail-messages';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CompanyAddressV1,
  ConnectwiseConnectionV1,
  ConnectwiseSiteInfo,
  SyncBillingV1,
  SyncCustomerV1,
  SyncMode,
  SyncSummary,
} from './connectwise-sync-messages';

/**
 * The ConnectWise onboarding (seed 002): its frozen input, its status and result, and its signal, query and
 * Update. Zod-free: the door validates with src/domain/connectwise-schema.ts, whose compile-time check keeps
 * the live schema and these V1 shapes the same.
 */

// ---- Input, version 1 ----

/** The customer sync's options an onboarding input carries (`sync`). */
export interface SyncCompanyOptions {
  /**
   * Off (default): companies are matched by identifier and the unmatched ones reported, never created (the
   * seed's role reads companies only). On: missing ones are created, which needs Company Maintenance Add.
   */
  createMissingCompanies: boolean;
  /**
   * The address every company the sync creates carries: ConnectWise refuses a company without one (OpenAPI
   * Company: at least one of addressLine1, addressLine2, city, state, zip). Required by the door when
   * `createMissingCompanies` is on.
   */
  companyAddress?: CompanyAddressV1;
}

/** The workflow's input, version 1: validated (and defaulted) at the door, never re-validated by the workflow. */
export interface ConnectwiseOnboardingInputV1 {
  /** The MSP whose ConnectWise is being connected. */
  customer: { name: string };
  vendor: { name: string };
  /** The ConnectWise admin who creates the API member and its keys: e-mailed the checklist (issue 22); unset, only the operator is. */
  adminEmail?: string;
  /** E-mail while the admin's step waits: the reminder schedule (`mail.remindAfter`, default ["24h", "72h"]). */
  mail?: OrderMailV1;
  /** Known details; the rest (typically the private key) arrive through the provideConnection Update. */
  connection?: Partial<ConnectwiseConnectionV1>;
  keyWait: {
    reminderIntervalSeconds: number;
    /** After this, the key shown once is presumed lost: the operator must generate a new pair. */
    deadlineHours: number;
  };
  permissionWait: {
    recheckIntervalSeconds: number;
    deadlineHours: number;
    /**
     * Rights Onramp cannot verify (Add/Edit, when the role cannot be read): `block` (absent = block) holds the
     * onboarding until they are verified; `accept` goes on and says so in the status.
     */
    unverified?: UnverifiedPolicy;
  };
  customers: SyncCustomerV1[];
  billing: SyncBillingV1;
  syncMode: SyncMode;
  sync: SyncCompanyOptions;
}

/** What a start may carry: version 1 with the door's defaults left out (the workflow fills them in). */
export interface ConnectwiseOnboardingRequestV1 {
  customer: { name: string };
  vendor?: Partial<ConnectwiseOnboardingInputV1['vendor']>;
  adminEmail?: string;
  mail?: OrderMailV1;
  connection?: Partial<ConnectwiseConnectionV1>;
  keyWait?: Partial<ConnectwiseOnboardingInputV1['keyWait']>;
  permissionWait?: Partial<ConnectwiseOnboardingInputV1['permissionWait']>;
  customers?: SyncCustomerV1[];
  billing?: { agreement?: Partial<SyncBillingV1['agreement']>; product?: Partial<SyncBillingV1['product']> };
  syncMode?: SyncMode;
  sync?: Partial<SyncCompanyOptions>;
}

/** What the provideConnection Update may carry: any subset; later values replace earlier ones. */
export type ConnectwiseConnectionPatchV1 = Partial<ConnectwiseConnectionV1>;

// ---- Security role (seed 002 step 9) ----

/** What unverified rights do to the onboarding (order field `permissionWait.unverified`; absent = `block`). */
export type UnverifiedPolicy = 'block' | 'accept';

/**
 * Why rights stay unverified: the role was probed with reads, which prove Inquire only, because no API member
 * was named (`no-api-member`) or ConnectWise refused to show the role (`role-read-refused`: the role lacks
 * System › Security Roles Inquire, which seed 002's role does not grant).
 */
export type UnverifiedReason = 'no-api-member' | 'role-read-refused';

/** The rights a probe could not prove, why, and how to let Onramp verify them (the status's `unverified`). */
export interface UnverifiedPermissions {
  reason: UnverifiedReason;
  /** e.g. "Finance › Agreements Add Level". */
  rights: string[];
  /** What to do in ConnectWise (console path) or in the order so Onramp can verify them. */
  howToVerify: string;
  /** true: the onboarding waits for them (permissionWait.unverified = block, the default). */
  blocking: boolean;
}

export type PermissionAction = 'add' | 'edit' | 'inquire';
export type PermissionLevel = 'All' | 'My' | 'None';

export interface PermissionRow {
  module: string;
  area: string;
  action: PermissionAction;
  required: PermissionLevel;
  /**
   * `readable`: a read succeeded (All or My, a probe cannot tell); `unknown`: could only have been proved by
   * writing, which Onramp does not do to check a permission.
   */
  found: PermissionLevel | 'readable' | 'unknown';
  ok: boolean | 'unverified';
  /** Where to fix it, in ConnectWise's menus. */
  menuPath: string;
}

// ---- Status and result ----

export type ConnectwiseStep =
  | 'awaiting-connection'
  | 'verifying-connection'
  | 'checking-permissions'
  | 'awaiting-permissions'
  | 'syncing-customers'
  | 'done';

export interface ConnectwiseStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: ConnectwiseStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  checklist: string[];
  connection: {
    site?: string;
    companyId?: string;
    publicKey?: string;
    clientId?: string;
    privateKey: 'missing' | 'supplied' | 'verified';
  };
  /** Why the last key or connection was refused (never contains the key). */
  lastRejection?: string;
  reminders: number;
  keyDeadlineAt?: string;
  site?: ConnectwiseSiteInfo;
  permissionSource?: 'security-role' | 'probe';
  permissions?: PermissionRow[];
  /** Present when the role could not be read: which rights stay unverified and how to let Onramp read the role. */
  unverified?: UnverifiedPermissions;
  sync?: SyncSummary;
  error?: string;
  /** E-mails to this onboarding's humans that were not sent (a refused address, a server away past the retries). */
  mailWarnings?: string[];
}

export interface ConnectwiseOnboardingResult {
  companyName: string;
  apiBaseUrl: string;
  permissions: PermissionRow[];
  sync?: SyncSummary;
}

export interface ProvideConnectionResult {
  verified: boolean;
  /** Fields still needed before the connection can be verified. */
  waitingFor: string[];
  companyName?: string;
}

// ---- Signal, query, Update ----

export const connectwiseStatusQuery = defineQuery<ConnectwiseStatus>('status');

/** The operator fixed the security role: check again now instead of at the next interval. */
export const recheckPermissionsSignal = defineSignal('recheckPermissions');

/**
 * Connection details, most importantly the private key *reference*. The validator refuses malformed
 * values at once (nothing enters history); the handler proves the keys against ConnectWise through an
 * activity and fails the Update (not the workflow) when they do not work.
 */
export const provideConnectionUpdate = defineUpdate<ProvideConnectionResult, [ConnectwiseConnectionPatchV1]>(
  'provideConnection'
);
