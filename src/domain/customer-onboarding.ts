import { z } from 'zod';
import { onboardingInputSchema as connectwiseInputSchema } from './connectwise';
import { autotaskOnboardingInputSchema } from './autotask';
import { ADMIN_ROLE_SCOPES, adminRoleInputSchema } from './google-admin-roles';
import { delegationInputSchema } from './google-delegation';
import { parseOrThrow } from './validation';

/**
 * A sales order: one customer and the integrations a closed deal bought, each with the input of its vendor
 * workflow. Validated whole before anything starts, so an order is never half-started.
 */
export const INTEGRATIONS = ['googleDelegation', 'googleAdminRoles', 'autotask', 'connectwise'] as const;
export type IntegrationName = (typeof INTEGRATIONS)[number];

/** Which integration must have completed before another may start. */
export const DEPENDS_ON: Partial<Record<IntegrationName, IntegrationName>> = {
  // Role provisioning impersonates the admin through domain-wide delegation: it must be verified first.
  googleAdminRoles: 'googleDelegation',
};

/** The workflow type each integration runs as a child. */
export const INTEGRATION_WORKFLOW: Record<IntegrationName, string> = {
  googleDelegation: 'googleDelegationOnboarding',
  googleAdminRoles: 'googleAdminRoleProvisioning',
  autotask: 'autotaskOnboarding',
  connectwise: 'connectwiseOnboarding',
};

export const orderIdSchema = z
  .string({ error: "orderId is required: the sales system's order ID is the idempotency key" })
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be the order ID from the sales system (1-128 letters, digits, . _ : -)'
  );

export const orderSchema = z
  .object({
    orderId: orderIdSchema,
    customer: z.object({
      id: z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug like "acme-corp" (letters, digits, dashes)'),
      name: z.string().trim().min(1, 'name the customer').max(200),
    }),
    integrations: z
      .object({
        googleDelegation: delegationInputSchema.optional(),
        googleAdminRoles: adminRoleInputSchema.optional(),
        autotask: autotaskOnboardingInputSchema.optional(),
        connectwise: connectwiseInputSchema.optional(),
      })
      .strict(),
    /** Periodic checks Onramp keeps for this customer once the order is accepted (Temporal Schedules). */
    schedules: z
      .object({
        /** Verify every N hours that what was set up is still true (scopes, credentials, permissions). */
        driftCheckEveryHours: z
          .number()
          .positive()
          .max(24 * 30)
          .optional(),
      })
      .optional(),
  })
  .superRefine((order, ctx) => {
    const i = order.integrations;
    if (!INTEGRATIONS.some((name) => i[name])) {
      ctx.addIssue({
        code: 'custom',
        path: ['integrations'],
        message: `list at least one of ${INTEGRATIONS.join(', ')}`,
      });
    }
    if (i.googleAdminRoles && !i.googleDelegation) {
      ctx.addIssue({
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
          code: 'custom',
          path: ['integrations', 'googleDelegation', 'scopes'],
          message: `must include the scopes role provisioning uses; add ${missing.join(', ')}`,
        });
      }
      if (i.googleAdminRoles.adminEmail !== i.googleDelegation.adminEmail) {
        ctx.addIssue({
          code: 'custom',
          path: ['integrations', 'googleAdminRoles', 'adminEmail'],
          message: `must be the admin the delegation is verified for (${i.googleDelegation.adminEmail})`,
        });
      }
    }
  });

export type OrderRequest = z.input<typeof orderSchema>;
export type Order = z.output<typeof orderSchema>;

export function parseOrder(value: unknown): Order {
  return parseOrThrow(orderSchema, value, 'onboarding order');
}

export function customerOnboardingWorkflowId(orderId: string): string {
  return `customer-onboarding:${orderId}`;
}

/** Child IDs derive from the order, so a retried integration is findable and never collides with another order's. */
export function integrationWorkflowId(orderId: string, name: IntegrationName, attempt = 1): string {
  return `${customerOnboardingWorkflowId(orderId)}:${name}${attempt > 1 ? `:retry-${attempt}` : ''}`;
}

export type IntegrationState = 'pending' | 'blocked' | 'running' | 'completed' | 'failed' | 'abandoned';

export interface IntegrationStatus {
  name: IntegrationName;
  state: IntegrationState;
  /** The current (or last) child workflow. */
  workflowId?: string;
  attempts: number;
  error?: string;
  dependsOn?: IntegrationName;
  completedAt?: string;
}

export interface CustomerOnboardingStatus {
  orderId: string;
  customer: { id: string; name: string };
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  integrations: IntegrationStatus[];
}
