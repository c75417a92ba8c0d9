import { orderMailSchema } from './mail-schema';
import { z } from 'zod';
import type { Assert, Same } from './type-equality';
import { emailAddress, isLoopbackUrl, parseOrThrow, secretRef } from './field-validators';
export * from '../rules/autotask-rules';
export * from '../rules/autotask-instructions';
import { VENDOR_PROFILE_MESSAGE, VENDOR_PROFILE_PATTERN, WEBHOOK_ENTITIES } from '../rules/autotask-rules';
import type {
  AutotaskCredentialsV1,
  AutotaskOnboardingInputV1,
  AutotaskOnboardingRequestV1,
} from '../contract/autotask-onboarding-messages';
import type {
  AutotaskRotationInputV1,
  AutotaskRotationRequestV1,
  AutotaskSecretRotationInputV1,
  AutotaskSecretRotationRequestV1,
} from '../contract/autotask-rotation-messages';

/**
 * The vendor profile of this deployment the integration follows (ONRAMP_VENDOR_PROFILES). Its tracking
 * identifier stays with the vendor's deployment: no order carries it (Autotask help "The API tracking identifier").
 */
export const vendorProfile = z
  .string({ error: `is required: ${VENDOR_PROFILE_MESSAGE}` })
  .trim()
  .regex(VENDOR_PROFILE_PATTERN, VENDOR_PROFILE_MESSAGE);

export const autotaskCredentialsSchema = z.strictObject({
  /** The API user's "Username (key)": Autotask shows it as an email-like key. */
  username: emailAddress,
  secretRef: secretRef('secretRef'),
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
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        message: 'must be an absolute URL such as https://onramp.example.com/webhooks/autotask/acme',
      });
      return;
    }
    // Autotask posts the payload (and its signature) to this URL: plain http would expose both in transit.
    // Loopback is the one exception: only the local simulator can reach it, never Autotask itself.
    if (p.protocol !== 'https:' && !(p.protocol === 'http:' && isLoopbackUrl(p)))
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
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
  }),
  /** The vendor profile (Integration Vendor, tracking identifier by reference, webhooks, rights, lines of business). */
  vendorProfile,
  /** Slug of this integration for the customer, e.g. "office-protect": the business key of the workflow. */
  integrationId: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "office-protect"'),
  /** The Autotask admin who creates the API user: e-mailed the checklist; unset, only the operator is. */
  adminEmail: emailAddress.optional(),
  /** E-mail while the admin's step waits: the reminder schedule (`mail.remindAfter`, default ["24h", "72h"]). */
  mail: orderMailSchema.optional(),
  /** Supplied now, or later by the operator through the `supplyCredentials` update. */
  credentials: autotaskCredentialsSchema.optional(),
  webhook: webhookConfigSchema,
  /** The webhook limit the operator is asked to set on the security level. */
  maxWebhooks: z.number().int().min(1).max(100).default(5),
  timing: operatorTiming,
});
export type AutotaskOnboardingRequest = z.input<typeof autotaskOnboardingInputSchema>;
export type AutotaskOnboardingInput = z.output<typeof autotaskOnboardingInputSchema>;

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
    vendorProfile,
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

export function parseAutotaskRotationInput(value: unknown): AutotaskRotationInput {
  return parseOrThrow(autotaskRotationInputSchema, value, 'Autotask webhook rotation input');
}

export function autotaskRotationWorkflowId(
  input: Pick<AutotaskRotationInput, 'customer' | 'integrationId' | 'newUser'>
): string {
  return `autotask-rotation:${input.customer.id}:${input.integrationId}:${input.newUser.username}`;
}

/**
 * Rotation of the webhook signing secret (the webhooks' `secretKey`), same API user, same webhooks: a new
 * master key → the receiver accepts old and new → each webhook's secretKey PATCHed → overlap → the old key
 * revoked. The current key is read from the receiver's keyring at each run (not from this input), so a
 * scheduled run always rotates away from the key in use.
 */
export const autotaskSecretRotationInputSchema = z.strictObject({
  customer,
  vendor: z.strictObject({ name: z.string().trim().min(1).max(100) }),
  vendorProfile,
  /** The API user that owns the webhooks (only it may PATCH them). */
  credentials: autotaskCredentialsSchema,
  /** Every webhook that calls this tenant's receiver path, by the name Onramp gave it. */
  webhooks: z
    .array(z.strictObject({ entity: z.enum(WEBHOOK_ENTITIES), name: z.string().trim().min(1).max(50) }))
    .min(1, 'list the webhook(s) to re-sign by entity and name, e.g. [{"entity":"Ticket","name":"sophos-v1-Ticket"}]'),
  /** The master key the webhooks were created with (the order's webhook.signingKeyRef), used while the tenant has no keyring entry. */
  signingKeyRef: secretRef('signingKeyRef'),
  /** How long the receiver accepts both secrets after the switch: Autotask retries a failed callout for ~2 min. */
  overlapMinutes: z
    .number()
    .min(3, 'must be at least 3: Autotask retries a callout for about 2 minutes, signed with the secret it had')
    .max(7 * 24 * 60)
    .default(10),
});
export type AutotaskSecretRotationRequest = z.input<typeof autotaskSecretRotationInputSchema>;
export type AutotaskSecretRotationInput = z.output<typeof autotaskSecretRotationInputSchema>;

export function parseAutotaskSecretRotationInput(value: unknown): AutotaskSecretRotationInput {
  return parseOrThrow(autotaskSecretRotationInputSchema, value, 'Autotask signing-secret rotation input');
}

/** One per tenant: the tenant's keyring has one writer. */
export function autotaskSecretRotationWorkflowId(input: Pick<AutotaskSecretRotationInput, 'customer'>): string {
  return `autotask-secret-rotation:${input.customer.id}`;
}

/**
 * Compile-time check that the live schemas still give (and accept) exactly the frozen messages of
 * src/contract: a schema change that running workflows could not take fails typecheck here, and needs a new
 * input version there instead.
 */
export type AutotaskSchemasMatchContractV1 = [
  Assert<Same<AutotaskCredentials, AutotaskCredentialsV1>>,
  Assert<Same<AutotaskOnboardingInput, AutotaskOnboardingInputV1>>,
  Assert<Same<AutotaskOnboardingRequest, AutotaskOnboardingRequestV1>>,
  Assert<Same<AutotaskRotationInput, AutotaskRotationInputV1>>,
  Assert<Same<AutotaskRotationRequest, AutotaskRotationRequestV1>>,
  Assert<Same<AutotaskSecretRotationInput, AutotaskSecretRotationInputV1>>,
  Assert<Same<AutotaskSecretRotationRequest, AutotaskSecretRotationRequestV1>>,
];
