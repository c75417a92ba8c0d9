import { z } from 'zod';
import type { Mutual } from './type-equality';
import type { OffboardingInputV1 } from '../contract/offboarding-messages';
import { autotaskCredentialsSchema, vendorProfile, WEBHOOK_ENTITIES, webhookName } from './autotask-schema';
import { catalogItemIdentifier, connectionSchema, customerSchema, plainName } from './connectwise-schema';
import { customerIdSchema, orderIdSchema } from './customer-onboarding-schema';
import { adminRoleInputSchema, ledgerSchema } from './google-admin-roles-schema';
import { googleScope } from './google-delegation-schema';
import { domainName, emailAddress, parseOrThrow, secretRef } from './field-validators';
export * from '../rules/offboarding-rules';

/**
 * Offboarding of one order: what its onboarding set up, removed in reverse order (seed steps undone).
 * The input is what the onboarding learnt (built client-side from the order and its child workflows, see
 * src/services/offboarding.ts); every removal step looks the object up first, so an object that does not exist
 * (a partial onboarding, a second offboarding) is skipped. Carries only secret references.
 */
const customerIdentifier = customerSchema.shape.identifier;

export const offboardingInputSchema = z.strictObject({
  orderId: orderIdSchema,
  customer: z.strictObject({ id: customerIdSchema, name: z.string().trim().min(1, 'name the customer').max(200) }),
  /** plan: list what would be removed, write nothing; apply: remove it. */
  mode: z.enum(['plan', 'apply'], { error: 'must be plan (list only) or apply (remove)' }).default('apply'),
  googleAdminRoles: z
    .strictObject({
      /** The provisioning input the onboarding ran with (its undo mode reuses it). */
      request: adminRoleInputSchema,
      /** What the provisioning created (its result or, when it stopped part-way, its status query). */
      ledger: ledgerSchema,
    })
    .optional(),
  googleDelegation: z
    .strictObject({
      domain: domainName,
      adminEmail: emailAddress,
      serviceAccount: z.strictObject({
        clientId: z.string().regex(/^\d{15,25}$/, "must be the service account's numeric client ID"),
        email: emailAddress,
        keyRef: secretRef('googleDelegation.serviceAccount.keyRef'),
      }),
      scopes: z.array(googleScope).min(1, 'list the scopes the onboarding granted'),
    })
    .optional(),
  autotask: z
    .strictObject({
      tenant: customerIdSchema,
      vendorProfile,
      /** Absent when the onboarding never received (valid) credentials: then nothing was created. */
      credentials: autotaskCredentialsSchema.optional(),
      /** The names Onramp gives its webhooks; looked up by name, so one created by a lost attempt is found too. */
      webhooks: z
        .array(z.strictObject({ entity: z.enum(WEBHOOK_ENTITIES), name: webhookName }))
        .max(WEBHOOK_ENTITIES.length, `at most one per entity (${WEBHOOK_ENTITIES.join(', ')})`)
        .default([]),
    })
    .optional(),
  connectwise: z
    .strictObject({
      /** Absent when the onboarding never had a complete connection: then nothing was created. */
      connection: connectionSchema.required({ privateKeyRef: true }).optional(),
      /** Synced company identifiers: their agreements named `agreementName` are the integration's billing. */
      customers: z.array(customerIdentifier).max(5000).default([]),
      agreementName: plainName('agreement', 50),
      catalogItem: catalogItemIdentifier,
      /**
       * The slug a ConnectWise key rotation records the customer's key under (cwCustomerSlug of
       * integrations.connectwise.customer.name): after a rotation the order's key was deleted, so the
       * offboarding works with the key the rotation switched to.
       */
      rotationKey: z
        .string()
        .regex(/^[a-z0-9-]{1,200}$/, 'lowercase letters, digits and dashes (cwCustomerSlug of the customer name)')
        .optional(),
      /** Only objects the sync says it created are deleted (a company that existed before stays). */
      created: z
        .strictObject({
          companies: z.array(customerIdentifier).max(5000).default([]),
          catalogItem: z.boolean().default(false),
          /**
           * Companies whose agreement / catalog-item addition the sync created. Absent (an order synced before
           * the sync recorded them): every agreement named `agreementName` on the synced companies is taken as
           * the integration's, as before.
           */
          agreements: z.array(customerIdentifier).max(5000).optional(),
          additions: z.array(customerIdentifier).max(5000).optional(),
        })
        .default({ companies: [], catalogItem: false }),
    })
    .optional(),
  timing: z
    .strictObject({
      /** Re-verify an operator step this often even without the operator's signal. */
      recheckSeconds: z.number().min(0.2).max(86_400).default(300),
      operatorDeadlineHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(7 * 24),
    })
    .default({ recheckSeconds: 300, operatorDeadlineHours: 7 * 24 }),
  /** Keep the stored credentials and rotation state this many days after the offboarding, then forget them. */
  credentials: z
    .strictObject({
      retainDays: z
        .number()
        .int('whole days')
        .min(1, 'at least 1 day (leave it out to forget them at once)')
        .max(3650, 'at most 3650 days')
        .optional(),
    })
    .optional(),
});

export type OffboardingRequest = z.input<typeof offboardingInputSchema>;
export type OffboardingInput = z.output<typeof offboardingInputSchema>;
/**
 * Compile-time check: the live schema's output and the frozen OffboardingInputV1 (src/contract) are mutually
 * assignable. A schema change that breaks it needs a new frozen input version, not an edit of V1.
 */
export const offboardingInputV1MatchesSchema: Mutual<z.infer<typeof offboardingInputSchema>, OffboardingInputV1> = true;

export function parseOffboardingInput(value: unknown): OffboardingInput {
  return parseOrThrow(offboardingInputSchema, value, 'offboarding input');
}
