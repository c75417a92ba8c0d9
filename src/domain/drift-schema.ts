import { z } from 'zod';
import type { Mutual } from './type-equality';
import type { DriftCheckInputV1 } from '../contract/drift-messages';
import { autotaskCredentialsSchema, vendorProfile, WEBHOOK_ENTITIES } from './autotask-schema';
import { catalogItemIdentifier, connectionSchema, customerSchema, plainName } from './connectwise-schema';
import { googleScope } from './google-delegation-schema';
import { adminRoleInputSchema } from './google-admin-roles-schema';
import { orderIdSchema } from './customer-onboarding-schema';
import { emailAddress, parseOrThrow, secretRef } from './field-validators';
export * from '../rules/drift-rules';

/**
 * What a periodic drift check verifies for one onboarded customer: that what the onboarding set up is
 * still true (delegation scopes granted, PSA credentials and permissions valid, webhooks active).
 * Carries only secret references.
 */
export const driftCheckInputSchema = z
  .strictObject({
    customer: z.strictObject({
      id: z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug'),
      name: z.string().trim().min(1).max(200),
    }),
    /**
     * The order whose drift this is: each run first reads what the order's onboarding has learnt so far
     * (credentials supplied later, webhooks named, what the sync created, the Google roles) and checks
     * that, so the schedule created with the order never goes stale. The other fields are then unused.
     */
    orderId: orderIdSchema.optional(),
    googleDelegation: z
      .strictObject({
        adminEmail: emailAddress,
        serviceAccount: z.strictObject({
          clientId: z.string().regex(/^\d{15,25}$/, "must be the service account's numeric client ID"),
          email: emailAddress,
          keyRef: secretRef('googleDelegation.serviceAccount.keyRef'),
        }),
        scopes: z.array(googleScope).min(1),
      })
      .optional(),
    autotask: z
      .strictObject({
        tenant: z
          .string()
          .trim()
          .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be the Autotask tenant slug of the onboarding'),
        vendorProfile,
        credentials: autotaskCredentialsSchema,
        webhooks: z
          .array(z.strictObject({ entity: z.enum(WEBHOOK_ENTITIES), id: z.number().int().positive() }))
          .default([]),
        /** The webhooks the onboarding names (found by name, so their IDs need not be known in advance). */
        webhookNames: z
          .array(
            z.strictObject({
              entity: z.enum(WEBHOOK_ENTITIES),
              name: z.string().trim().min(1).max(50),
              /** The subscribed fields it should carry (default: the onboarding's defaults for the entity). */
              fields: z.array(z.string().min(1)).min(1).optional(),
            })
          )
          .max(WEBHOOK_ENTITIES.length, `at most one per entity (${WEBHOOK_ENTITIES.join(', ')})`)
          .optional(),
      })
      .optional(),
    connectwise: z
      .strictObject({
        connection: connectionSchema.required({ privateKeyRef: true }),
        /** The order's sync may create companies: the role must keep Companies › Company Maintenance Add as well. */
        createMissingCompanies: z.boolean().optional(),
        /** What the sync created for billing: each synced company's agreement and its catalog-item addition. */
        billing: z
          .strictObject({
            customers: z.array(customerSchema.shape.identifier).min(1).max(5000),
            agreementName: plainName('agreement', 50),
            catalogItem: catalogItemIdentifier,
          })
          .optional(),
      })
      .optional(),
    /** The group, role and role assignments the provisioning set up (re-inspected read-only). */
    googleAdminRoles: z.strictObject({ request: adminRoleInputSchema }).optional(),
  })
  .refine((v) => v.orderId || v.googleDelegation || v.googleAdminRoles || v.autotask || v.connectwise, {
    message: 'give orderId, or at least one of googleDelegation, googleAdminRoles, autotask, connectwise to check',
  });

export type DriftCheckRequest = z.input<typeof driftCheckInputSchema>;
export type DriftCheckInput = z.output<typeof driftCheckInputSchema>;
/**
 * Compile-time check: the live schema's output and the frozen DriftCheckInputV1 (src/contract) are mutually
 * assignable. A schema change that breaks it needs a new frozen input version, not an edit of V1.
 */
export const driftCheckInputV1MatchesSchema: Mutual<z.infer<typeof driftCheckInputSchema>, DriftCheckInputV1> = true;

export function parseDriftCheckInput(value: unknown): DriftCheckInput {
  return parseOrThrow(driftCheckInputSchema, value, 'drift check input');
}
