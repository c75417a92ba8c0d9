import { z } from 'zod';
import type { Assert, Mutual, Same } from './type-equality';
import { onboardingInputSchema as connectwiseInputSchema } from './connectwise-schema';
import { autotaskOnboardingInputSchema } from './autotask-schema';
import { ADMIN_ROLE_SCOPES, adminRoleInputSchema } from './google-admin-roles-schema';
import { delegationInputSchema } from './google-delegation-schema';
import { parseOrThrow } from './field-validators';
export * from '../rules/customer-onboarding-rules';
import { INTEGRATIONS } from '../rules/customer-onboarding-rules';
import type { OrderRequestV1, OrderV1 } from '../contract/customer-onboarding-messages';

/**
 * Longest order ID: every name built from it must stay within what carries it. The longest is a retried or
 * planned child's workflow ID (`customer-onboarding:<id>:googleAdminRoles:plan:<ms>`, well under Temporal's
 * 1,000), and the status URL's path segment (the intake accepts 200 characters per segment).
 */
export const ORDER_ID_MAX = 64;

/**
 * No `:` (it separates the parts of child workflow IDs: an order `X:googleDelegation` would take the child ID
 * of order X), no `/`, `?`, `#` or `%` (URL path segment), no spaces: letters, digits, `.`, `_` and `-`.
 */
export const orderIdSchema = z
  .string({ error: "orderId is required: the sales system's order ID is the idempotency key" })
  .trim()
  .min(1, "give the sales system's order ID")
  .max(ORDER_ID_MAX, `must be at most ${ORDER_ID_MAX} characters: shorten the order ID (or send its hash)`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be the order ID from the sales system: letters, digits, . _ - (starting with a letter or digit; no ":" or "/", which would collide with the workflow IDs and URLs Onramp derives from it)'
  );

/** Slug of Onramp's customer: the OnrampCustomer search attribute of every workflow of its orders. */
export const customerIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "acme-corp" (letters, digits, dashes)');

/** Drift checks more often than hourly would only burn the vendors' quotas; monthly is the longest useful. */
export const DRIFT_CHECK_HOURS = { min: 1, max: 24 * 30 } as const;

export const driftCheckEveryHoursSchema = z
  .number({ error: 'must be a number of hours, e.g. 24' })
  .min(
    DRIFT_CHECK_HOURS.min,
    `must be at least ${DRIFT_CHECK_HOURS.min} hour: a drift check every few minutes would only use up vendor quotas; use e.g. 24`
  )
  .max(DRIFT_CHECK_HOURS.max, `must be at most ${DRIFT_CHECK_HOURS.max} hours (30 days); use e.g. 24`);

/** Rotations: at least daily would only churn credentials, at most yearly. */
export const rotateEveryDaysSchema = z
  .number({ error: 'must be a number of days, e.g. 90' })
  .int('must be a whole number of days, e.g. 90')
  .min(1, 'must be at least 1 day; use e.g. 90')
  .max(365, 'must be at most 365 days; use e.g. 90');

export const orderSchema = z
  .strictObject({
    orderId: orderIdSchema,
    customer: z.strictObject({
      id: customerIdSchema,
      name: z.string().trim().min(1, 'name the customer').max(200),
    }),
    integrations: z
      .strictObject({
        googleDelegation: delegationInputSchema.optional(),
        googleAdminRoles: adminRoleInputSchema.optional(),
        autotask: autotaskOnboardingInputSchema.optional(),
        connectwise: connectwiseInputSchema.optional(),
      })
      .strict(),
    /** Periodic checks Onramp keeps for this customer once the order is accepted (Temporal Schedules). */
    schedules: z
      .strictObject({
        /** Verify every N hours that what was set up is still true (scopes, credentials, permissions). */
        driftCheckEveryHours: driftCheckEveryHoursSchema.optional(),
        /** Rotate each integration's credential every N days (Autotask: webhook signing secret; ConnectWise: API key). */
        rotateEveryDays: z
          .strictObject({ autotask: rotateEveryDaysSchema.optional(), connectwise: rotateEveryDaysSchema.optional() })
          .optional(),
      })
      .optional(),
  })
  .superRefine((order, ctx) => {
    const i = order.integrations;
    if (!INTEGRATIONS.some((name) => i[name])) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['integrations'],
        message: `list at least one of ${INTEGRATIONS.join(', ')}`,
      });
    }
    if (i.googleAdminRoles && !i.googleDelegation) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['integrations', 'googleAdminRoles'],
        message:
          'needs integrations.googleDelegation in the same order: role provisioning acts through domain-wide delegation, which must be verified first',
      });
    }
    if (i.googleAdminRoles && i.googleDelegation) {
      const granted = new Set(i.googleDelegation.scopes);
      const missing = Object.values(ADMIN_ROLE_SCOPES).filter((s) => !granted.has(s));
      if (missing.length) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: ['integrations', 'googleDelegation', 'scopes'],
          message: `must include the scopes role provisioning uses; add ${missing.join(', ')}`,
        });
      }
      if (i.googleAdminRoles.adminEmail !== i.googleDelegation.adminEmail) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: ['integrations', 'googleAdminRoles', 'adminEmail'],
          message: `must be the admin the delegation is verified for (${i.googleDelegation.adminEmail})`,
        });
      }
      const delegated = [i.googleDelegation.customer.domain, ...(i.googleDelegation.customer.secondaryDomains ?? [])];
      if (!delegated.includes(i.googleAdminRoles.customer.domain)) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: ['integrations', 'googleAdminRoles', 'customer', 'domain'],
          message: `must be the Workspace the delegation is for (${delegated.join(' or ')})`,
        });
      }
    }
  });

export type OrderRequest = z.input<typeof orderSchema>;
export type Order = z.output<typeof orderSchema>;

export function parseOrder(value: unknown): Order {
  return parseOrThrow(orderSchema, value, 'onboarding order');
}

/** Each integration's request as a separate type: `Same` is exact on each, where the whole request's intersection is not. */
type RequestParts<T extends { integrations: object }> = [
  Omit<T, 'integrations'>,
  ...IntegrationParts<T['integrations']>,
];
type IntegrationParts<I> = {
  [K in keyof I]-?: NonNullable<I[K]>;
} extends infer P
  ? [
      P[keyof P & 'googleDelegation'],
      P[keyof P & 'googleAdminRoles'],
      P[keyof P & 'autotask'],
      P[keyof P & 'connectwise'],
    ]
  : never;

/**
 * Compile-time check that the live order schema still gives (and accepts) exactly the frozen OrderV1 and
 * OrderRequestV1 of src/contract: a changed field anywhere in an order fails typecheck here.
 */
export type OrderSchemaMatchesContractV1 = [
  Assert<Same<Order, OrderV1>>,
  Assert<Same<RequestParts<OrderRequest>[0], RequestParts<OrderRequestV1>[0]>>,
  // The Google requests match their contracts both ways (as google-*-schema.ts check), not to the letter.
  Assert<Mutual<RequestParts<OrderRequest>[1], RequestParts<OrderRequestV1>[1]>>,
  Assert<Mutual<RequestParts<OrderRequest>[2], RequestParts<OrderRequestV1>[2]>>,
  Assert<Same<RequestParts<OrderRequest>[3], RequestParts<OrderRequestV1>[3]>>,
  Assert<Same<RequestParts<OrderRequest>[4], RequestParts<OrderRequestV1>[4]>>,
  Assert<Same<Record<keyof OrderRequest['integrations'], 1>, Record<keyof OrderRequestV1['integrations'], 1>>>,
];
