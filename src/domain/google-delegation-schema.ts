import { orderMailSchema } from './mail-schema';
import { z } from 'zod';
import type { Mutual } from './type-equality';
import { domainName, emailAddress, emailDomain, isWithinDomain, parseOrThrow, secretRef } from './field-validators';
export * from '../rules/google-delegation-rules';
import { DEFAULT_DELEGATION_SCOPES } from '../rules/google-delegation-rules';
import type { DelegationInputV1, DelegationRequestV1 } from '../contract/google-delegation-messages';

/** Aggregates that look plausible but do not exist; the Admin console rejects them with an unclear error. */
const NON_EXISTENT_SCOPES: Record<string, string> = {
  'https://www.googleapis.com/auth/admin.directory': 'use a specific scope such as .../auth/admin.directory.user',
  'https://www.googleapis.com/auth/gmail': 'use https://mail.google.com/ for full Gmail access',
};

const GOOGLE_SCOPE =
  /^https:\/\/(?:www\.googleapis\.com\/auth\/[a-z0-9._-]+|mail\.google\.com\/|www\.google\.com\/[a-z0-9._/-]+)$/;

export const googleScope = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    if (!GOOGLE_SCOPE.test(s)) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        message: `"${s}" is not a Google OAuth scope URL: write it in full, e.g. https://www.googleapis.com/auth/admin.directory.user.readonly`,
      });
    } else if (NON_EXISTENT_SCOPES[s]) {
      ctx.addIssue({ code: 'custom', message: `"${s}" does not exist: ${NON_EXISTENT_SCOPES[s]}` });
    }
  });

const scopeList = z
  .array(googleScope)
  .min(1, 'list at least one scope, or leave the field out for the default 16 scopes of the guide')
  .max(100, 'at most 100 scopes')
  .superRefine((scopes, ctx) => {
    const seen = new Map<string, number>();
    scopes.forEach((s, i) => {
      const first = seen.get(s);
      if (first !== undefined) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: [i],
          message: `duplicate of scopes.${first} ("${s}"): remove it, the Admin console refuses duplicate scopes`,
        });
      } else seen.set(s, i);
    });
  });

export const delegationInputSchema = z
  .strictObject({
    customer: z.strictObject({
      domain: domainName,
      /** Other domains of the same Workspace (Admin console > Account > Domains), where the admin may live. */
      secondaryDomains: z.array(domainName).max(100, 'at most 100 secondary domains').optional(),
      name: z.string().trim().min(1).max(200).optional(),
    }),
    /** The super admin who grants delegation in the Admin console, and the user Onramp impersonates to verify it. */
    adminEmail: emailAddress,
    vendor: z.strictObject({
      name: z.string().trim().min(1, 'name the vendor, e.g. "Atera"').max(100),
      supportEmail: emailAddress,
    }),
    serviceAccount: z.strictObject({
      clientId: z
        .string()
        .trim()
        .regex(
          /^\d{15,25}$/,
          "must be the service account's numeric OAuth client ID (15-25 digits, its uniqueId), not its email"
        ),
      email: emailAddress,
      keyRef: secretRef('serviceAccount.keyRef'),
    }),
    scopes: scopeList.default([...DEFAULT_DELEGATION_SCOPES]),
    polling: z
      .strictObject({
        /** First wait between checks; doubles up to the cap. */
        initialIntervalSeconds: z.number().int().min(1).max(3600).default(30),
        maxIntervalSeconds: z
          .number()
          .int()
          .min(1)
          .max(24 * 3600)
          .default(15 * 60),
        /** How long to wait for the grant before giving up and asking a human. */
        deadlineHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(24),
        /**
         * Check rounds per run before continuing as new (history stays small over a 24-hour wait). Only
         * tests and operators debugging a long wait set it; each round is ~6 events.
         */
        roundsPerRun: z.number().int().min(1).max(1000).optional(),
      })
      .default({ initialIntervalSeconds: 30, maxIntervalSeconds: 900, deadlineHours: 24 })
      .refine((p) => p.maxIntervalSeconds >= p.initialIntervalSeconds, {
        message: 'maxIntervalSeconds must be at least initialIntervalSeconds',
        path: ['maxIntervalSeconds'],
      }),
    /** E-mail while the grant waits: `mail.remindAfter`, e.g. ["24h", "72h"] (the default). */
    mail: orderMailSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const domains = [v.customer.domain, ...(v.customer.secondaryDomains ?? [])];
    if (v.adminEmail.includes('@') && !domains.some((d) => isWithinDomain(emailDomain(v.adminEmail), d))) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['adminEmail'],
        message: `must be a super admin of the customer's Workspace (an address at ${domains.join(' or ')}); an admin of another domain cannot grant delegation for ${v.customer.domain}. If the admin lives on another domain of the same Workspace, list it in customer.secondaryDomains`,
      });
    }
  });

/** What callers send (defaults optional). */
export type DelegationRequest = z.input<typeof delegationInputSchema>;
/** What the workflow receives: validated, normalised, defaults filled. */
export type DelegationInput = z.output<typeof delegationInputSchema>;

/**
 * The live schema must still give the frozen version 1 (src/contract/google-delegation-messages.ts), both
 * ways: a schema change that alters the shape fails typecheck here, and needs a new input version.
 */
export const delegationInputIsV1: Mutual<DelegationInput, DelegationInputV1> = true;
export const delegationRequestIsV1: Mutual<DelegationRequest, DelegationRequestV1> = true;

export function parseDelegationInput(value: unknown): DelegationInput {
  return parseOrThrow(delegationInputSchema, value, 'Google delegation onboarding input');
}
