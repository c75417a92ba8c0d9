import { defineQuery, defineSignal } from '@temporalio/workflow';

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
  integrationCode: string;
}

/** A ConnectWise connection with its private key by reference (the site without scheme or path). */
export interface ConnectwiseConnectionV1 {
  site: string;
  companyId: string;
  publicKey: string;
  privateKeyRef: string;
  clientId: string;
  apiMember?: string;
}

/** What a Google admin-role provisioning created (and only that), so its undo removes nothing else. */
export interface ProvisioningLedgerV1 {
  groupName?: string;
  groupCreated: boolean;
  membersAdded: string[];
  roleId?: string;
  roleCreated: boolean;
  assignmentIds: string[];
}

/** The Google admin-role provisioning's input as the onboarding ran it (its undo reuses it). */
export interface AdminRoleRequestV1 {
  mode: 'apply' | 'plan' | 'undo';
  customer: { domain: string; customerId: string };
  adminEmail: string;
  vendor: { name: string };
  serviceAccount: { email: string; keyRef: string };
  group: {
    email: string;
    displayName: string;
    description: string;
    initialGroupConfig: 'EMPTY' | 'WITH_INITIAL_OWNER';
  };
  members: { email: string; role: 'MEMBER' | 'MANAGER' | 'OWNER'; type: 'USER' | 'GROUP' }[];
  role: { name: string; description: string; privileges: string[] };
  assignee: { type: 'group' } | { type: 'user'; email: string };
  scope: { type: 'ORG_UNIT'; orgUnitPaths: string[] } | { type: 'CUSTOMER' };
  membership: { propagationTimeoutMinutes: number; pollSeconds: number; batchSize: number };
  undo?: { ledger: ProvisioningLedgerV1 };
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
  googleAdminRoles?: { request: AdminRoleRequestV1; ledger: ProvisioningLedgerV1 };
  googleDelegation?: {
    domain: string;
    adminEmail: string;
    serviceAccount: { clientId: string; email: string; keyRef: string };
    scopes: string[];
  };
  autotask?: {
    tenant: string;
    /** Absent when the onboarding never received (valid) credentials: then nothing was created. */
    credentials?: AutotaskCredentialsV1;
    webhooks: { entity: WebhookEntityV1; name: string }[];
  };
  connectwise?: {
    /** Absent when the onboarding never had a complete connection: then nothing was created. */
    connection?: ConnectwiseConnectionV1;
    customers: string[];
    agreementName: string;
    catalogItem: string;
    /** The slug a ConnectWise key rotation records the customer's key under. */
    rotationKey?: string;
    created: { companies: string[]; catalogItem: boolean; agreements?: string[]; additions?: string[] };
  };
  timing: { recheckSeconds: number; operatorDeadlineHours: number };
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
