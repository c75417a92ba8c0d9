import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  AutotaskCredentialsV1,
  AutotaskCustomerV1,
  OperatorTimingV1,
  WebhookConfigRequestV1,
  WebhookConfigV1,
  WebhookEntity,
  WebhookSummary,
} from './autotask-onboarding-messages';

/**
 * The messages of the two Autotask rotations: autotaskWebhookRotation (seed 004: a new API user, new
 * webhooks, the old ones deleted) and autotaskSecretRotation (same user and webhooks, a new signing secret).
 * Zod-free and frozen: src/domain/autotask-schema.ts checks at compile time that its live schemas still give
 * exactly these shapes.
 */

// ---- webhook rotation (a new API user) ----

/** The validated input, version 1: what the door's schema gives (normalised, defaults filled). */
export interface AutotaskRotationInputV1 {
  customer: AutotaskCustomerV1;
  vendor: { name: string };
  /** The vendor profile both API users are bound to (its tracking identifier, by reference). */
  vendorProfile: string;
  integrationId: string;
  oldUser: AutotaskCredentialsV1;
  newUser: AutotaskCredentialsV1;
  /** The webhook(s) owned by the old user, to delete once the new ones are ready. */
  oldWebhooks: { entity: WebhookEntity; id: number }[];
  /** The new webhook(s): name must differ from the old ones (Autotask collapses identical callouts). */
  webhook: WebhookConfigV1;
  timing: OperatorTimingV1;
}

/** What a caller may send, version 1: the input with its defaulted fields left out. */
export interface AutotaskRotationRequestV1 extends Omit<AutotaskRotationInputV1, 'webhook' | 'timing'> {
  webhook: WebhookConfigRequestV1;
  timing?: Partial<OperatorTimingV1>;
}

export type RotationStep =
  | 'verifying-new-user'
  | 'creating-new-webhooks'
  | 'awaiting-new-webhook-ready'
  | 'deleting-old-webhooks'
  | 'awaiting-operator'
  | 'verifying-old-webhooks-gone'
  | 'done';

export type OldWebhookState = 'present' | 'deleted' | 'gone' | 'inactive';

export interface OldWebhookStatus {
  entity: WebhookEntity;
  id: number;
  state: OldWebhookState;
}

export interface AutotaskRotationStatus {
  workflowId: string;
  customer: string;
  step: RotationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  newWebhooks: WebhookSummary[];
  oldWebhooks: OldWebhookStatus[];
  instructions?: string;
  reminders: number;
  error?: string;
}

export interface AutotaskRotationResult {
  newWebhooks: WebhookSummary[];
  oldWebhooks: OldWebhookStatus[];
  reminders: number;
}

export const autotaskRotationStatusQuery = defineQuery<AutotaskRotationStatus>('status');
/** The operator reactivated the old API user: Onramp deletes the old webhook(s) with its credentials. */
export const oldUserReactivatedSignal = defineSignal('oldUserReactivated');
/** The operator deleted the old webhook(s) by hand: Onramp verifies they are gone. */
export const oldWebhooksDeletedSignal = defineSignal('oldWebhooksDeleted');

// ---- signing-secret rotation (same API user, same webhooks) ----

/** The validated input, version 1. */
export interface AutotaskSecretRotationInputV1 {
  customer: AutotaskCustomerV1;
  vendor: { name: string };
  /** The vendor profile the API user is bound to (its tracking identifier, by reference). */
  vendorProfile: string;
  /** The API user that owns the webhooks (only it may PATCH them). */
  credentials: AutotaskCredentialsV1;
  /** Every webhook that calls this tenant's receiver path, by the name Onramp gave it. */
  webhooks: { entity: WebhookEntity; name: string }[];
  /** The master key the webhooks were created with, used while the tenant has no keyring entry. */
  signingKeyRef: string;
  /** How long the receiver accepts both secrets after the switch. */
  overlapMinutes: number;
}

/** What a caller may send, version 1: the input with its defaulted fields left out. */
export interface AutotaskSecretRotationRequestV1 extends Omit<AutotaskSecretRotationInputV1, 'overlapMinutes'> {
  overlapMinutes?: number;
}

export type SecretRotationStep =
  'verifying-credentials' | 'opening-overlap' | 'switching' | 'overlap' | 'revoking' | 'done';

export interface AutotaskSecretRotationStatus {
  workflowId: string;
  customer: string;
  step: SecretRotationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  /** References (never the keys) the receiver accepts right now, as this rotation set them. */
  acceptedKeyRefs: string[];
  switched: WebhookSummary[];
  error?: string;
}

export interface AutotaskSecretRotationResult {
  acceptedKeyRefs: string[];
  revokedKeyRefs: string[];
  switched: WebhookSummary[];
}

export const autotaskSecretRotationStatusQuery = defineQuery<AutotaskSecretRotationStatus>('status');
/** End the overlap now (the operator knows no delivery signed with the old secret is still on its way). */
export const endSigningOverlapSignal = defineSignal('endSigningOverlap');
