import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OrderMailV1 } from './mail-messages';

/**
 * The messages of the Google domain-wide delegation workflows (seed 000): googleDelegationOnboarding and
 * googleDelegationReverify. Zod-free and frozen: src/domain/google-delegation-schema.ts checks at compile
 * time that its live schema still gives exactly these shapes, so a schema change needs a new version here.
 */

/** The validated input, version 1: what the door's schema gives (normalised, defaults filled). */
export interface DelegationInputV1 {
  customer: {
    domain: string;
    /** Other domains of the same Workspace (Admin console > Account > Domains), where the admin may live. */
    secondaryDomains?: string[];
    name?: string;
  };
  /** The super admin who grants delegation in the Admin console, and the user Onramp impersonates to verify it. */
  adminEmail: string;
  vendor: { name: string; supportEmail: string };
  serviceAccount: { clientId: string; email: string; keyRef: string };
  scopes: string[];
  polling: DelegationPollingV1;
  /** E-mail to the admin and the operator while the grant waits: the reminder schedule. */
  mail?: OrderMailV1;
}

export interface DelegationPollingV1 {
  /** First wait between checks; doubles up to the cap. */
  initialIntervalSeconds: number;
  maxIntervalSeconds: number;
  /** How long to wait for the grant before giving up and asking a human. */
  deadlineHours: number;
  /** Check rounds per run before continuing as new; only tests and operators debugging a long wait set it. */
  roundsPerRun?: number;
}

/**
 * What a caller may send, version 1: the input with its defaulted fields left out. The workflows fill the
 * defaults (src/rules/google-delegation-rules.ts) for a run started around the door.
 */
export type DelegationRequestV1 = Omit<DelegationInputV1, 'scopes' | 'polling'> & {
  scopes?: string[];
  polling?: Partial<DelegationPollingV1>;
};

/** State carried across continue-as-new, so a 24-hour wait never grows one history without bound. */
export interface DelegationCarry {
  startedAt: number;
  checks: number;
  nextDelayMs: number;
  scopes: ScopeStatus[];
}

export type ScopeState = 'granted' | 'missing' | 'unchecked';

export interface ScopeStatus {
  scope: string;
  state: ScopeState;
  lastCheckedAt?: string;
  detail?: string;
}

export type DelegationStep = 'validating' | 'awaiting-grant' | 'notifying-vendor' | 'done';

/** The admin's instruction, ready to paste (seed 000 steps 1-6). */
export interface DelegationInstructions {
  consolePath: string;
  clientId: string;
  scopesCsv: string;
  text: string;
}

export interface DelegationStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: DelegationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  scopes: ScopeStatus[];
  checks: number;
  nextCheckAt?: string;
  deadlineAt: string;
  instructions: DelegationInstructions;
  notifiedAt?: string;
  error?: string;
  /** E-mails to this onboarding's humans that were not sent (a refused address, a server away past the retries). */
  mailWarnings?: string[];
}

export interface DelegationResult {
  customer: string;
  adminEmail: string;
  scopes: string[];
  checks: number;
  verifiedAt: string;
  notified: boolean;
}

/** googleDelegationReverify's OnrampStep: verifying, then verified or scopes-missing. */
export type ReverifyStep = 'verifying' | 'verified' | 'scopes-missing';

export interface ReverifyResult {
  customer: string;
  clientId: string;
  verified: boolean;
  missing: string[];
  checkedAt: string;
}

export const delegationStatusQuery = defineQuery<DelegationStatus>('status');
/** The operator's "granted, check now": cuts the current wait short. */
export const checkNowSignal = defineSignal('checkNow');
