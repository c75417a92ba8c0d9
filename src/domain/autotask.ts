import { z } from 'zod';
import { emailAddress, isLoopbackUrl, parseOrThrow, secretRef } from './validation';

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

/** Autotask's tracking identifier (ApiIntegrationCode): not a secret, but a fixed-format token. */
const integrationCode = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9]{10,40}$/,
    'must be the API tracking identifier (ApiIntegrationCode) of the integration vendor: 10-40 letters and digits, as shown on the API user'
  );

export const autotaskCredentialsSchema = z.strictObject({
  /** The API user's "Username (key)": Autotask shows it as an email-like key. */
  username: emailAddress,
  secretRef: secretRef('secretRef'),
  integrationCode,
});
export type AutotaskCredentials = z.output<typeof autotaskCredentialsSchema>;

export const webhookName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/,
    'must be 1-50 letters, digits, dots, dashes or underscores (Autotask limit: 50)'
  );

const httpsUrl = z
  .string()
  .trim()
  .max(400, 'at most 400 characters: Onramp appends the webhook name and Autotask stores at most 500')
  .superRefine((u, ctx) => {
    let p: URL;
    try {
      p = new URL(u);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an absolute URL such as https://onramp.example.com/webhooks/autotask/acme',
      });
      return;
    }
    // Autotask posts the payload (and its signature) to this URL: plain http would expose both in transit.
    // Loopback is the one exception: only the local simulator can reach it, never Autotask itself.
    if (p.protocol !== 'https:' && !(p.protocol === 'http:' && isLoopbackUrl(p)))
      ctx.addIssue({
        code: 'custom',
        message: `must use https:// (got ${p.protocol}//): Autotask sends ticket data and a signature to it; e.g. https://${p.host || 'onramp.example.com'}${p.pathname}`,
      });
  });

export const webhookConfigSchema = z
  .strictObject({
    /** Prefix of the webhook names; Onramp appends `-<entity>`. Rotation needs a different name than the old one. */
    name: webhookName.default('onramp'),
    entities: z
      .array(z.enum(WEBHOOK_ENTITIES, { error: `must be one of ${WEBHOOK_ENTITIES.join(', ')}` }))
      .min(1, 'list at least one entity, e.g. ["Ticket"]')
      .default(['Ticket']),
    webhookUrl: httpsUrl,
    deactivationUrl: httpsUrl,
    /**
     * Master key the per-webhook secretKey is derived from (HMAC of the webhook name): the receiver derives the
     * same value, so the generated secret never travels through workflow history.
     */
    signingKeyRef: secretRef('webhook.signingKeyRef'),
    /** Subscribed fields per entity; defaults suit ticket sync. Added one at a time (3-thread limit). */
    fields: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    events: z
      .strictObject({
        create: z.boolean().default(true),
        update: z.boolean().default(true),
        delete: z.boolean().default(false),
      })
      .default({ create: true, update: true, delete: false }),
    notificationEmail: emailAddress.optional(),
  })
  .refine((w) => w.webhookUrl !== w.deactivationUrl, {
    message: 'must differ from webhookUrl so a deactivation is not mistaken for an event',
    path: ['deactivationUrl'],
  });

export const DEFAULT_WEBHOOK_FIELDS: Record<WebhookEntity, string[]> = {
  Ticket: ['status', 'priority', 'title'],
  TicketNote: ['description'],
  Company: ['companyName'],
  Contact: ['emailAddress'],
  ConfigurationItem: ['serialNumber'],
};

const customer = z.strictObject({
  /** Onramp's name for the Autotask database (one tenant): the rate limiter is keyed on it. */
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "acme-msp" (letters, digits, dashes)'),
  name: z.string().trim().min(1).max(200).optional(),
});

const operatorTiming = z
  .strictObject({
    /** Checks of isReady: first wait, doubling to the cap. */
    readyPollSeconds: z.number().min(0.2).max(600).default(2),
    readyDeadlineMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(30),
    /** How long the operator has to act (credentials, manual webhook deletion). */
    operatorDeadlineHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(72),
    reminderMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(60),
  })
  .default({ readyPollSeconds: 2, readyDeadlineMinutes: 30, operatorDeadlineHours: 72, reminderMinutes: 60 });

export const autotaskOnboardingInputSchema = z.strictObject({
  customer,
  vendor: z.strictObject({
    name: z.string().trim().min(1, 'name the vendor, e.g. "Office Protect"').max(100),
    /** The Integration Vendor the operator must select on the API user (cannot be changed later). */
    integrationVendor: z.string().trim().min(1).max(100),
  }),
  /** Slug of this integration for the customer, e.g. "office-protect": the business key of the workflow. */
  integrationId: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "office-protect"'),
  /** Supplied now, or later by the operator through the `supplyCredentials` update. */
  credentials: autotaskCredentialsSchema.optional(),
  webhook: webhookConfigSchema,
  /** The webhook limit the operator is asked to set on the security level. */
  maxWebhooks: z.number().int().min(1).max(100).default(5),
  timing: operatorTiming,
});
export type AutotaskOnboardingRequest = z.input<typeof autotaskOnboardingInputSchema>;
export type AutotaskOnboardingInput = z.output<typeof autotaskOnboardingInputSchema>;
/** The workflow's input, version 1: validated at the door, never re-validated by the workflow (see src/workflows/input.ts). */
export type AutotaskOnboardingInputV1 = AutotaskOnboardingInput;

export function parseAutotaskOnboardingInput(value: unknown): AutotaskOnboardingInput {
  return parseOrThrow(autotaskOnboardingInputSchema, value, 'Autotask onboarding input');
}

export function autotaskOnboardingWorkflowId(
  input: Pick<AutotaskOnboardingInput, 'customer' | 'integrationId'>
): string {
  return `autotask-onboarding:${input.customer.id}:${input.integrationId}`;
}

export const autotaskRotationInputSchema = z
  .strictObject({
    customer,
    vendor: z.strictObject({ name: z.string().trim().min(1).max(100) }),
    integrationId: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "sophos-central"'),
    oldUser: autotaskCredentialsSchema,
    newUser: autotaskCredentialsSchema,
    /** The webhook(s) owned by the old user, to delete once the new ones are ready. */
    oldWebhooks: z
      .array(z.strictObject({ entity: z.enum(WEBHOOK_ENTITIES), id: z.number().int().positive() }))
      .min(1, 'list the old webhook(s) by entity and id, e.g. [{"entity":"Ticket","id":123}]'),
    /** The new webhook(s): name must differ from the old ones (Autotask collapses identical callouts). */
    webhook: webhookConfigSchema,
    timing: operatorTiming,
  })
  .refine((r) => r.oldUser.username !== r.newUser.username, {
    message: 'must be a different API user than oldUser.username: rotation replaces one user by another',
    path: ['newUser', 'username'],
  });
export type AutotaskRotationRequest = z.input<typeof autotaskRotationInputSchema>;
export type AutotaskRotationInput = z.output<typeof autotaskRotationInputSchema>;
/** The workflow's input, version 1: validated at the door, never re-validated by the workflow (see src/workflows/input.ts). */
export type AutotaskRotationInputV1 = AutotaskRotationInput;

export function parseAutotaskRotationInput(value: unknown): AutotaskRotationInput {
  return parseOrThrow(autotaskRotationInputSchema, value, 'Autotask webhook rotation input');
}

export function autotaskRotationWorkflowId(
  input: Pick<AutotaskRotationInput, 'customer' | 'integrationId' | 'newUser'>
): string {
  return `autotask-rotation:${input.customer.id}:${input.integrationId}:${input.newUser.username}`;
}

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

/** Credentials as the operator sends them through the `supplyCredentials` update. */
export type SupplyCredentialsRequest = z.input<typeof autotaskCredentialsSchema>;
