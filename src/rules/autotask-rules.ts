import type { AutotaskAccess, AutotaskAction, WebhookEntity } from '../contract/autotask-onboarding-messages';
import { SECRET_REF_PATTERN } from './secret-ref-pattern';
import { object, value } from './fill-defaults';
import type { Covers, NamesEvery } from './list-covers';
import { fieldsOf } from './update-guard';

/**
 * Autotask PSA onboarding and webhook rotation (seeds 001 Office Protect, 004 Sophos Central).
 * Pure: shared by entry points and workflows. Credentials are always secret *references*.
 */

/** Entities Autotask can call out for (vendor-apis.md B6); the webhook endpoint is `${entity}Webhooks`. */
export const WEBHOOK_ENTITIES = [
  'Company',
  'Contact',
  'ConfigurationItem',
  'Ticket',
  'TicketNote',
] as const satisfies readonly WebhookEntity[];
/** Compile-time: the list names every entity of the contract's WebhookEntity, no more, no fewer. */
export type WebhookEntitiesCoverContract = Covers<NamesEvery<WebhookEntity, typeof WEBHOOK_ENTITIES>>;

/** REST entity (plural) behind each webhook entity, for permission checks and field lookups. */
export const ENTITY_ENDPOINT: Record<WebhookEntity, string> = {
  Company: 'Companies',
  Contact: 'Contacts',
  ConfigurationItem: 'ConfigurationItems',
  Ticket: 'Tickets',
  TicketNote: 'TicketNotes',
};

/**
 * The API user's own access to an action on an entity, from `entityInformation`'s
 * `userAccessForCreate/Query/Update/Delete`: 0 None, 1 All, 2 Restricted (Autotask developer help, "The
 * entityInformation REST API call", section "Autotask security"). Not `canCreate/canQuery/...`: those say
 * whether the API supports the action on the entity at all.
 */
export function accessFromCode(code: unknown): AutotaskAccess | undefined {
  if (code === 1) return 'all';
  if (code === 2) return 'restricted';
  if (code === 0) return 'none';
  return undefined;
}

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

/** The schemas' defaults, for a workflow started around the door: see fill-defaults.ts. */
export const fillAutotaskOnboardingDefaults = object({
  webhook: fillWebhookDefaults,
  maxWebhooks: value(5),
  timing: fillTimingDefaults,
});
export const fillAutotaskRotationDefaults = object({ webhook: fillWebhookDefaults, timing: fillTimingDefaults });
/** autotaskSecretRotationInputSchema's defaults. */
export const fillAutotaskSecretRotationDefaults = object({ overlapMinutes: value(10) });

/** A vendor profile's name in the deployment's profile file (ONRAMP_VENDOR_PROFILES). */
export const VENDOR_PROFILE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const VENDOR_PROFILE_MESSAGE =
  'must name a vendor profile of this deployment (ONRAMP_VENDOR_PROFILES), a lower-case slug like "sophos-central"; the vendor\'s tracking identifier lives there, never in an order';
const CREDENTIAL_FIELDS = ['username', 'secretRef'] as const;

/**
 * The supplyCredentials Update's validator, without zod: the door (src/services/orders.ts) parses the credentials
 * with autotaskCredentialsSchema first; this is the workflow's own guard for an Update sent around it.
 * Above all the secret must be a reference, so a pasted secret never enters history.
 */
export function credentialProblems(value: unknown): string[] {
  const { fields: c, problems } = fieldsOf(value, CREDENTIAL_FIELDS, 'an object with username and secretRef');
  if (!c) return problems;
  for (const key of CREDENTIAL_FIELDS) if (typeof c[key] !== 'string') problems.push(`${key}: is required (a string)`);
  if (typeof c.username === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.username.trim()))
    problems.push('username: must be an email address like admin@example.com');
  if (typeof c.secretRef === 'string' && !SECRET_REF_PATTERN.test(c.secretRef))
    problems.push(
      'secretRef: must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself'
    );
  return problems;
}

/** Credentials as the schema normalises them (username trimmed and lower-cased). */
export function normaliseCredentials<T extends { username: string }>(c: T): T {
  return { ...c, username: c.username.trim().toLowerCase() };
}
