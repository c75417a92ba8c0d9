import type { AutotaskOnboardingInput } from '../domain/autotask-schema';
import { SECRET_REF_PATTERN } from './secret-ref-pattern';
import { object, value } from './fill-defaults';

/**
 * Autotask PSA onboarding and webhook rotation (seeds 001 Office Protect, 004 Sophos Central).
 * Pure: shared by entry points and workflows. Credentials are always secret *references*.
 */

/** Entities Autotask can call out for (vendor-apis.md B6); the webhook endpoint is `${entity}Webhooks`. */
export const WEBHOOK_ENTITIES = ['Company', 'Contact', 'ConfigurationItem', 'Ticket', 'TicketNote'] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];

/** REST entity (plural) behind each webhook entity, for permission checks and field lookups. */
export const ENTITY_ENDPOINT: Record<WebhookEntity, string> = {
  Company: 'Companies',
  Contact: 'Contacts',
  ConfigurationItem: 'ConfigurationItems',
  Ticket: 'Tickets',
  TicketNote: 'TicketNotes',
};

export type AutotaskAction = 'query' | 'create' | 'update' | 'delete';

/**
 * The API user's own access to an action on an entity, as `entityInformation` reports it in
 * `userAccessForCreate/Query/Update/Delete`: 0 None, 1 All, 2 Restricted (Autotask developer help, "The
 * entityInformation REST API call", section "Autotask security"). Not `canCreate/canQuery/...`: those say
 * whether the API supports the action on the entity at all.
 */
export type AutotaskAccess = 'all' | 'restricted' | 'none';

export function accessFromCode(code: unknown): AutotaskAccess | undefined {
  if (code === 1) return 'all';
  if (code === 2) return 'restricted';
  if (code === 0) return 'none';
  return undefined;
}

/**
 * Where an administrator changes a security level. Autotask renamed the second level over the releases
 * ("Account Settings & Users" in seed 001, "Company Settings & Users" in seed 004, "Organization Settings &
 * Users" in the current help page "Managing security levels").
 */
export const SECURITY_LEVELS_PATH =
  'Admin > Organization Settings & Users (older releases: Account/Company Settings & Users) > Resources/Users (HR) > Security > Security Levels';

export interface PermissionRequirement {
  entity: string;
  actions: AutotaskAction[];
  /** Where the operator grants it, as the seed words it. */
  grantedBy: string;
}

/** What seed 001 requires: CRM › Account & Contact Access (read), Service Desk › Tickets view/add/edit. */
export const REQUIRED_PERMISSIONS: PermissionRequirement[] = [
  { entity: 'Companies', actions: ['query'], grantedBy: 'CRM > Account & Contact Access (All)' },
  { entity: 'Contacts', actions: ['query'], grantedBy: 'CRM > Account & Contact Access (All)' },
  { entity: 'Tickets', actions: ['query', 'create', 'update'], grantedBy: 'Service Desk > Tickets (View, Add, Edit)' },
];

export const DEFAULT_WEBHOOK_FIELDS: Record<WebhookEntity, string[]> = {
  Ticket: ['status', 'priority', 'title'],
  TicketNote: ['description'],
  Company: ['companyName'],
  Contact: ['emailAddress'],
  ConfigurationItem: ['serialNumber'],
};

/** The name Onramp gives a webhook; the receiver derives its secret from the same name. */
export function webhookNameFor(prefix: string, entity: WebhookEntity): string {
  return `${prefix}-${entity}`.slice(0, 50);
}

/** The operator's checklist for the UI-only steps (seeds 001 and 004). */
export function autotaskChecklist(input: Pick<AutotaskOnboardingInput, 'vendor' | 'maxWebhooks'>): string[] {
  return [
    `${SECURITY_LEVELS_PATH}: copy "API User (system) (API-only)" (or its "Can't Read Costs" variant) and keep "Active" checked.`,
    ...REQUIRED_PERMISSIONS.map(
      (p) => `On that security level grant ${p.grantedBy} (${p.entity}: ${p.actions.join(', ')}).`
    ),
    `Under "Other" enable Webhooks and set the maximum webhook count to at least ${input.maxWebhooks}.`,
    'Resources/Users > New > New API User: "Active" checked, "Locked" unchecked, the security level above.',
    'Generate the key (username) and the secret; copy the secret now: Autotask never shows it again.',
    `API Tracking Identifier: Integration Vendor "${input.vendor.integrationVendor}" (cannot be changed after saving).`,
    "Store the secret in the worker's secret store and send Onramp its reference (env:NAME or file:/path), never the secret itself.",
  ];
}

export interface PermissionCheck {
  entity: string;
  action: AutotaskAction;
  /** False only for None (0), or when the API does not support the action on the entity at all. */
  allowed: boolean;
  /**
   * The API user's access from `userAccessFor*`. Absent in results recorded before Onramp read it (those
   * only carried `allowed`, taken from `canX`).
   */
  access?: AutotaskAccess;
  /** `canX` of entityInformation: whether the API can do this on the entity for anyone. */
  apiSupports?: boolean;
  grantedBy: string;
}

/** None (0), or an action the API cannot do: the onboarding cannot go on. */
export function describeMissingPermissions(checks: PermissionCheck[]): string[] {
  return checks
    .filter((c) => !c.allowed)
    .map((c) =>
      c.apiSupports === false
        ? `${c.entity}: Autotask's API cannot ${c.action} this entity for any user (entityInformation can${c.action[0]!.toUpperCase()}${c.action.slice(1)} is false); no security level can fix this`
        : `${c.entity}: cannot ${c.action}, access None (grant ${c.grantedBy} on the API user's security level: ${SECURITY_LEVELS_PATH} > the API user's level)`
    );
}

/**
 * Restricted (2): the user may act only under conditions of the security level (e.g. "Mine" or a line of
 * business), and Autotask then answers with fewer records instead of an error. A warning, not a failure.
 */
export function describeRestrictedPermissions(checks: PermissionCheck[]): string[] {
  return checks
    .filter((c) => c.allowed && c.access === 'restricted')
    .map(
      (c) =>
        `${c.entity}: ${c.action} is Restricted, not All: open ${SECURITY_LEVELS_PATH} > the API user's level > ${c.grantedBy} and set it to All, or records outside the restriction stay invisible to the integration`
    );
}

export type OnboardingStep =
  | 'awaiting-credentials'
  | 'verifying-credentials'
  | 'checking-permissions'
  | 'creating-webhooks'
  | 'awaiting-webhook-ready'
  | 'done';

export interface WebhookSummary {
  entity: WebhookEntity;
  id: number;
  name: string;
  isActive: boolean;
  isReady: boolean;
  ownerResourceId?: number;
}

export interface AutotaskOnboardingStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: OnboardingStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  checklist: string[];
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
}

export type RotationStep =
  | 'verifying-new-user'
  | 'creating-new-webhooks'
  | 'awaiting-new-webhook-ready'
  | 'deleting-old-webhooks'
  | 'awaiting-operator'
  | 'verifying-old-webhooks-gone'
  | 'done';

export interface AutotaskRotationStatus {
  workflowId: string;
  customer: string;
  step: RotationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  newWebhooks: WebhookSummary[];
  oldWebhooks: { entity: WebhookEntity; id: number; state: 'present' | 'deleted' | 'gone' | 'inactive' }[];
  instructions?: string;
  reminders: number;
  error?: string;
}

const fillWebhookDefaults = object({
  name: value('onramp'),
  entities: value(['Ticket']),
  fields: value({}),
  events: object({ create: value(true), update: value(true), delete: value(false) }, 'fill'),
});
const fillTimingDefaults = object(
  {
    readyPollSeconds: value(2),
    readyDeadlineMinutes: value(30),
    operatorDeadlineHours: value(72),
    reminderMinutes: value(60),
  },
  'fill'
);

/** The schemas' defaults, for a workflow started around the door: see core/defaults.ts. */
export const fillAutotaskOnboardingDefaults = object({
  webhook: fillWebhookDefaults,
  maxWebhooks: value(5),
  timing: fillTimingDefaults,
});
export const fillAutotaskRotationDefaults = object({ webhook: fillWebhookDefaults, timing: fillTimingDefaults });
/** autotaskSecretRotationInputSchema's defaults. */
export const fillAutotaskSecretRotationDefaults = object({ overlapMinutes: value(10) });

export const INTEGRATION_CODE_PATTERN = /^[A-Za-z0-9]{10,40}$/;
export const INTEGRATION_CODE_MESSAGE =
  'must be the API tracking identifier (ApiIntegrationCode) of the integration vendor: 10-40 letters and digits, as shown on the API user';
const CREDENTIAL_FIELDS = ['username', 'secretRef', 'integrationCode'] as const;

/**
 * The supplyCredentials Update's validator, without zod: the door (src/services/orders.ts) parses the credentials
 * with autotaskCredentialsSchema first; this is the workflow's own guard for an Update sent around it.
 * Above all the secret must be a reference, so a pasted secret never enters history.
 */
export function credentialProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['(input): expected an object with username, secretRef and integrationCode'];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(c))
    if (!(CREDENTIAL_FIELDS as readonly string[]).includes(key))
      problems.push(`${key}: unknown field: remove it (accepted here: ${CREDENTIAL_FIELDS.join(', ')})`);
  for (const key of CREDENTIAL_FIELDS) if (typeof c[key] !== 'string') problems.push(`${key}: is required (a string)`);
  if (typeof c.username === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.username.trim()))
    problems.push('username: must be an email address like admin@example.com');
  if (typeof c.secretRef === 'string' && !SECRET_REF_PATTERN.test(c.secretRef))
    problems.push(
      'secretRef: must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself'
    );
  if (typeof c.integrationCode === 'string' && !INTEGRATION_CODE_PATTERN.test(c.integrationCode.trim()))
    problems.push(`integrationCode: ${INTEGRATION_CODE_MESSAGE}`);
  return problems;
}

/** Credentials as the schema normalises them (username trimmed and lower-cased, the code trimmed). */
export function normaliseCredentials<T extends { username: string; integrationCode: string }>(c: T): T {
  return { ...c, username: c.username.trim().toLowerCase(), integrationCode: c.integrationCode.trim() };
}
