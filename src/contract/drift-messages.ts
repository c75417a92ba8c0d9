import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AdminRoleInputV1 } from './google-admin-roles-messages';
import type { ConnectwiseConnectionV1 } from './connectwise-sync-messages';
import type { AutotaskCredentialsV1, WebhookEntityV1 } from './offboarding-messages';

/**
 * The drift check's and the drift finding's messages: the check's input (version 1, frozen), its report,
 * the finding's input and status, their signals and query. Zod-free: the door validates with
 * src/domain/drift-schema.ts, whose compile-time check keeps the live schema and `DriftCheckInputV1`
 * mutually assignable.
 */

export type DriftIntegration = 'googleDelegation' | 'googleAdminRoles' | 'autotask' | 'connectwise';

export interface DriftFinding {
  integration: DriftIntegration;
  /**
   * Names the problem, stable from check to check (`autotask:webhook:Ticket:acme-tickets`): one open
   * finding per key. Runs recorded before keys existed have none.
   */
  key?: string;
  problem: string;
  fix: string;
}

/**
 * The drift check's input, version 1: validated at the door, never re-validated by the workflow
 * (src/workflows/input.ts). A change to the live schema needs a new version.
 */
export interface DriftCheckInputV1 {
  customer: { id: string; name: string };
  /** The order whose drift this is: each run first reads what the order's onboarding has learnt so far. */
  orderId?: string;
  googleDelegation?: {
    adminEmail: string;
    serviceAccount: { clientId: string; email: string; keyRef: string };
    scopes: string[];
  };
  autotask?: {
    tenant: string;
    /** The vendor profile the API user is bound to (its tracking identifier, by reference). */
    vendorProfile: string;
    credentials: AutotaskCredentialsV1;
    webhooks: { entity: WebhookEntityV1; id: number }[];
    /** The webhooks the onboarding names (found by name), with the fields each should carry. */
    webhookNames?: { entity: WebhookEntityV1; name: string; fields?: string[] }[];
  };
  connectwise?: {
    connection: ConnectwiseConnectionV1 & { privateKeyRef: string };
    createMissingCompanies?: boolean;
    billing?: { customers: string[]; agreementName: string; catalogItem: string };
  };
  googleAdminRoles?: { request: AdminRoleInputV1 };
}

export interface DriftReport {
  customer: string;
  checkedAt: string;
  drifted: boolean;
  findings: DriftFinding[];
}

export interface DriftCheckReport extends DriftReport {
  /** Problem keys whose finding this check opened (a problem already open is not opened again). */
  opened?: string[];
  /** Problem keys whose open finding this check closed (the problem is gone). */
  closed?: string[];
  /** An order's check before its onboarding has anything checkable. */
  note?: string;
}

/** The input of one open finding (started by the drift check that first saw the problem). */
export interface DriftFindingInputV1 {
  customer: { id: string; name: string };
  key?: string;
  findings: DriftFinding[];
}

export interface DriftFindingStatus {
  /** The problem key (per-problem findings); absent on the one-per-customer findings of older runs. */
  key?: string;
  findings: DriftFinding[];
  openedAt: string;
  resolved: boolean;
}

export const driftFindingStatusQuery = defineQuery<DriftFindingStatus>('status');
/** Operator: "I have fixed it" (or accept it); closes the finding. */
export const resolveFindingSignal = defineSignal<[string?]>('resolveFinding');
/** Sent by the next drift check that finds this problem gone. */
export const driftClearedSignal = defineSignal('driftCleared');

/** The workflows' signatures, for clients that start them by name (`client.workflow.start<DriftCheckWorkflow>`). */
export type DriftCheckWorkflow = (input: DriftCheckInputV1) => Promise<DriftCheckReport>;
export type DriftFindingWorkflow = (input: DriftFindingInputV1) => Promise<{ resolvedBy: string }>;
