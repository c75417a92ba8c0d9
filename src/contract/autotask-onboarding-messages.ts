import type { OrderMailV1 } from './mail-messages';
import { defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * The messages of the Autotask PSA onboarding workflow (seed 001): autotaskOnboarding. Zod-free and frozen:
 * src/domain/autotask-schema.ts checks at compile time that its live schema still gives exactly these
 * shapes, so a schema change needs a new version here. The types every Autotask workflow shares live here too.
 */

/** Entities Autotask can call out for (vendor-apis.md B6); the webhook endpoint is `${entity}Webhooks`. */
export type WebhookEntity = 'Company' | 'Contact' | 'ConfigurationItem' | 'Ticket' | 'TicketNote';

/**
 * An API user's credentials: the secret is always a *reference* (file:/path or env:NAME). The tracking
 * identifier is not among them: only the vendor holds it (its profile, src/contract/vendor-profile-messages.ts).
 */
export interface AutotaskCredentialsV1 {
  /** The API user's "Username (key)": Autotask shows it as an email-like key (trimmed, lower-cased). */
  username: string;
  secretRef: string;
}

export interface WebhookEventsV1 {
  create: boolean;
  update: boolean;
  delete: boolean;
}

export interface WebhookConfigV1 {
  /** Prefix of the webhook names; Onramp appends `-<entity>`. */
  name: string;
  entities: WebhookEntity[];
  webhookUrl: string;
  deactivationUrl: string;
  /** Master key the per-webhook secretKey is derived from (HMAC of the webhook name). */
  signingKeyRef: string;
  /** Subscribed fields per entity; an entity left out gets the defaults. */
  fields: Record<string, string[]>;
  events: WebhookEventsV1;
  notificationEmail?: string;
}

export interface OperatorTimingV1 {
  /** Checks of isReady: first wait, doubling to the cap. */
  readyPollSeconds: number;
  readyDeadlineMinutes: number;
  /** How long the operator has to act (credentials, manual webhook deletion). */
  operatorDeadlineHours: number;
  reminderMinutes: number;
}

/** Onramp's name for the Autotask database (one tenant): the rate limiter is keyed on it. */
export interface AutotaskCustomerV1 {
  id: string;
  name?: string;
}

/** The validated input, version 1: what the door's schema gives (normalised, defaults filled). */
export interface AutotaskOnboardingInputV1 {
  customer: AutotaskCustomerV1;
  vendor: { name: string };
  /**
   * The vendor profile of this deployment (ONRAMP_VENDOR_PROFILES) the integration follows: the Integration
   * Vendor the admin selects, the tracking identifier (by reference), webhooks yes/no, rights, lines of business.
   */
  vendorProfile: string;
  /** Slug of this integration for the customer: the business key of the workflow. */
  integrationId: string;
  /** The Autotask admin who creates the API user: e-mailed the checklist (issue 22); unset, only the operator is. */
  adminEmail?: string;
  /** E-mail while the admin's step waits: the reminder schedule (`mail.remindAfter`, default ["24h", "72h"]). */
  mail?: OrderMailV1;
  /** Supplied now, or later by the operator through the `supplyCredentials` update. */
  credentials?: AutotaskCredentialsV1;
  webhook: WebhookConfigV1;
  /** The webhook limit the operator is asked to set on the security level. */
  maxWebhooks: number;
  timing: OperatorTimingV1;
}

/** The webhook configuration as a caller may send it: the defaulted fields left out. */
export interface WebhookConfigRequestV1 extends Omit<WebhookConfigV1, 'name' | 'entities' | 'fields' | 'events'> {
  name?: string;
  entities?: WebhookEntity[];
  fields?: Record<string, string[]>;
  events?: Partial<WebhookEventsV1>;
}

/**
 * What a caller may send, version 1: the input with its defaulted fields left out. The workflow fills the
 * defaults (src/rules/autotask-rules.ts) for a run started around the door.
 */
export interface AutotaskOnboardingRequestV1 extends Omit<
  AutotaskOnboardingInputV1,
  'webhook' | 'maxWebhooks' | 'timing'
> {
  webhook: WebhookConfigRequestV1;
  maxWebhooks?: number;
  timing?: Partial<OperatorTimingV1>;
}

/** Credentials as the operator sends them through the `supplyCredentials` update. */
export type SupplyCredentialsRequestV1 = AutotaskCredentialsV1;

export type AutotaskAction = 'query' | 'create' | 'update' | 'delete';

/**
 * The API user's own access to an action on an entity, as `entityInformation` reports it in
 * `userAccessForCreate/Query/Update/Delete`: 0 None, 1 All, 2 Restricted.
 */
export type AutotaskAccess = 'all' | 'restricted' | 'none';

export interface PermissionCheck {
  entity: string;
  action: AutotaskAction;
  /** False only for None (0), or when the API does not support the action on the entity at all. */
  allowed: boolean;
  /** The API user's access from `userAccessFor*`. */
  access: AutotaskAccess;
  /** `canX` of entityInformation: whether the API can do this on the entity for anyone. */
  apiSupports?: boolean;
  grantedBy: string;
}

export interface WebhookSummary {
  entity: WebhookEntity;
  id: number;
  name: string;
  isActive: boolean;
  isReady: boolean;
  ownerResourceId?: number;
}

/**
 * A step of the vendor's guide the API cannot change: `verified` (read through the API), `missing` (read, and
 * not as the guide says), `ask-the-admin` (no API reads it: the checklist asks the administrator explicitly).
 */
export interface GuideStepCheck {
  step: 'api-only-licence' | 'security-level-active' | 'lines-of-business' | 'integration-vendor';
  state: 'verified' | 'missing' | 'ask-the-admin';
  /** What the state means and, unless verified, how to fix or confirm it. */
  detail: string;
}

export type OnboardingStep =
  | 'awaiting-credentials'
  | 'verifying-credentials'
  | 'checking-permissions'
  | 'creating-webhooks'
  | 'awaiting-webhook-ready'
  | 'done';

export interface AutotaskOnboardingStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: OnboardingStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  checklist: string[];
  /** The vendor profile's Integration Vendor and whether the guide has a webhook step. */
  integrationVendor?: string;
  webhooksInGuide?: boolean;
  /** The guide's steps the API cannot change, checked where it can read them, else asked of the admin. */
  guideSteps: GuideStepCheck[];
  username?: string;
  zoneUrl?: string;
  resourceId?: number;
  permissions: PermissionCheck[];
  missing: string[];
  /** Restricted (2) permissions: the onboarding goes on, but the operator should look. */
  warnings: string[];
  webhooks: WebhookSummary[];
  credentialAttempts: number;
  lastCredentialError?: string;
  error?: string;
  /** E-mails to this onboarding's humans that were not sent (a refused address, a server away past the retries). */
  mailWarnings?: string[];
}

export interface AutotaskOnboardingResult {
  customer: string;
  username: string;
  zoneUrl: string;
  webhooks: WebhookSummary[];
}

export const autotaskOnboardingStatusQuery = defineQuery<AutotaskOnboardingStatus>('status');
/**
 * The operator supplies the API user's credentials (the secret as a reference). Validated by format, then by
 * Autotask itself, before it is accepted: a rejected update leaves the workflow waiting.
 */
export const supplyAutotaskCredentialsUpdate = defineUpdate<
  { zoneUrl: string; resourceId?: number },
  [SupplyCredentialsRequestV1]
>('supplyCredentials');
