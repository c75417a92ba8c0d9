import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AdminRoleInputV1, ProvisioningLedger } from './google-admin-roles-messages';
import type { ConnectwiseConnectionV1 } from './connectwise-sync-messages';

/**
 * The customer offboarding's messages: its input (version 1, frozen), its status and report, its signal
 * and query. Zod-free: the door validates with src/domain/offboarding-schema.ts, whose compile-time check
 * keeps the live schema and `OffboardingInputV1` mutually assignable.
 */

export const OFFBOARDING_INTEGRATIONS = ['googleAdminRoles', 'googleDelegation', 'autotask', 'connectwise'] as const;
export type OffboardingIntegration = (typeof OFFBOARDING_INTEGRATIONS)[number];

/** The Autotask webhook entities an onboarding subscribes (frozen with V1). */
export type WebhookEntityV1 = 'Company' | 'Contact' | 'ConfigurationItem' | 'Ticket' | 'TicketNote';

/** An Autotask API user as the onboarding accepted it (secret by reference only). */
export interface AutotaskCredentialsV1 {
  username: string;
  secretRef: string;
}

/**
 * The offboarding's input, version 1: what the order's onboarding learnt, validated at the door and never
 * re-validated by the workflow (src/workflows/input.ts). A change to the live schema needs a new version.
 */
export interface OffboardingInputV1 {
  orderId: string;
  customer: { id: string; name: string };
  /** plan: list what would be removed, write nothing; apply: remove it. */
  mode: 'plan' | 'apply';
  googleAdminRoles?: { request: AdminRoleInputV1; ledger: ProvisioningLedger };
  googleDelegation?: {
    domain: string;
    adminEmail: string;
    serviceAccount: { clientId: string; email: string; keyRef: string };
    scopes: string[];
  };
  autotask?: {
    tenant: string;
    /** The vendor profile the API user is bound to (its tracking identifier, by reference). */
    vendorProfile: string;
    /** Absent when the onboarding never received (valid) credentials: then nothing was created. */
    credentials?: AutotaskCredentialsV1;
    webhooks: { entity: WebhookEntityV1; name: string }[];
  };
  connectwise?: {
    /** Absent when the onboarding never had a complete connection: then nothing was created. */
    connection?: ConnectwiseConnectionV1 & { privateKeyRef: string };
    customers: string[];
    agreementName: string;
    catalogItem: string;
    /** The slug a ConnectWise key rotation records the customer's key under. */
    rotationKey?: string;
    created: { companies: string[]; catalogItem: boolean; agreements?: string[]; additions?: string[] };
  };
  timing: { recheckSeconds: number; operatorDeadlineHours: number };
  /**
   * The customer's stored credentials and rotation state (secret store): forgotten when the offboarding has
   * removed everything; with `retainDays`, kept that many days first (the request asked for a retention).
   */
  credentials?: { retainDays?: number };
}

/**
 * One removal, as the plan lists it and the report records it. `operator` steps are the ones a vendor
 * allows only in its UI: Onramp asks, waits for the signal (or re-checks periodically), then verifies.
 */
export interface OffboardingStep {
  integration: OffboardingIntegration;
  action: string;
  /** Who removes it: Onramp through the vendor API, or the operator/admin in the vendor's UI. */
  by: 'onramp' | 'operator';
  state: 'planned' | 'running' | 'removed' | 'already-gone' | 'waiting-for-operator' | 'verified' | 'failed';
  detail?: string;
}

export interface OffboardingStatus {
  orderId: string;
  customer: string;
  mode: 'plan' | 'apply';
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  steps: OffboardingStep[];
  /** What the operator must do now (one entry per integration waiting). */
  instructions: { integration: OffboardingIntegration; text: string }[];
  notes: string[];
}

export type OffboardingReport = OffboardingStatus;

export const offboardingStatusQuery = defineQuery<OffboardingStatus>('status');
/** The operator did the step the vendor allows only in its UI (for this integration): verify now. */
export const offboardingOperatorDoneSignal = defineSignal<[OffboardingIntegration]>('operatorDone');

/** The workflow's signature, for clients that start it by name (`client.workflow.start<CustomerOffboardingWorkflow>`). */
export type CustomerOffboardingWorkflow = (input: OffboardingInputV1) => Promise<OffboardingReport>;
