import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PermissionRow } from './connectwise-onboarding-messages';
import type { ConnectwiseConnectionV1 } from './connectwise-sync-messages';

/**
 * Rotation of a ConnectWise API member's key pair: its frozen input, its status and result, and its signal,
 * query and Update. Zod-free: the door validates with src/domain/connectwise-key-rotation-schema.ts, whose
 * compile-time check keeps the live schema and these V1 shapes the same.
 */

/** The workflow's input, version 1: validated (and defaulted) at the door, never re-validated by the workflow. */
export interface CwKeyRotationInputV1 {
  /** As in the ConnectWise onboarding of this customer. */
  customer: { name: string };
  vendor: { name: string };
  /** The connection in use now (its key is the one rotated away). */
  connection: ConnectwiseConnectionV1 & { privateKeyRef: string };
  /**
   * As the order's integrations.connectwise.sync.createMissingCompanies: the sync creates companies, so the new
   * key's member needs Companies › Company Maintenance Add = All as well. Absent or false: the seed's role.
   */
  createMissingCompanies?: boolean;
  timing: { reminderMinutes: number; recheckSeconds: number; operatorDeadlineHours: number };
}

/** What a start may carry: version 1 with the door's defaults left out (the workflow fills them in). */
export interface CwKeyRotationRequestV1 {
  customer: { name: string };
  vendor?: Partial<CwKeyRotationInputV1['vendor']>;
  connection: CwKeyRotationInputV1['connection'];
  createMissingCompanies?: boolean;
  timing?: Partial<CwKeyRotationInputV1['timing']>;
}

/** The new key pair (System > Members > API Members > API Keys > +): its public key and the private key's reference. */
export interface CwNewKeyV1 {
  publicKey: string;
  privateKeyRef: string;
}

export type CwKeyRotationStep = 'awaiting-new-key' | 'switching' | 'awaiting-old-key-removal' | 'done';

export interface CwKeyRotationStatus {
  workflowId: string;
  customer: string;
  step: CwKeyRotationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  oldPublicKey: string;
  newPublicKey?: string;
  permissions: PermissionRow[];
  lastRejection?: string;
  reminders: number;
}

export interface CwKeyRotationResult {
  customer: string;
  oldPublicKey: string;
  newPublicKey: string;
  newPrivateKeyRef: string;
  permissions: PermissionRow[];
}

export const cwKeyRotationStatusQuery = defineQuery<CwKeyRotationStatus>('status');

/** The operator generated the new key pair: its public key and the private key's reference. */
export const provideNewKeyUpdate = defineUpdate<{ verified: true }, [CwNewKeyV1]>('provideNewKey');

/** The operator deleted the old key: verify now instead of at the next re-check. */
export const oldKeyDeletedSignal = defineSignal('oldKeyDeleted');
