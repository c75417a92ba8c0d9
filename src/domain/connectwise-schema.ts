import { orderMailSchema } from './mail-schema';
import { z } from 'zod';
import type { Mutual } from './type-equality';
import type {
  ConnectwiseConnectionPatchV1,
  ConnectwiseOnboardingInputV1,
  ConnectwiseOnboardingRequestV1,
} from '../contract/connectwise-onboarding-messages';
import type { SyncMode } from '../contract/connectwise-sync-messages';
import { emailAddress, parseOrThrow, SECRET_REF_PATTERN } from './field-validators';
export * from '../rules/connectwise-rules';
import {
  COMPANY_ADDRESS_MISSING,
  COMPANY_ADDRESS_NEEDED,
  CW_KEY_PATTERN,
  GUID,
  PRIVATE_KEY_NOT_A_REF,
  PRIVATE_KEY_PASTED,
  stripSiteUrl,
} from '../rules/connectwise-rules';

/**
 * ConnectWise PSA (Manage) onboarding, seed 002 (Sophos Central ↔ ConnectWise): shapes shared by the
 * entry points and the activities. The workflows import none of it (no zod in the workflow bundle): they take the
 * frozen shapes of src/contract/connectwise-*-messages.ts, kept equal to these schemas by the checks below.
 */

/** A site as typed by the operator: `na.myconnectwise.net`, `https://na.myconnectwise.net/`, or host:port. */
export const connectwiseSite = z
  .string()
  .trim()
  .toLowerCase()
  .transform(stripSiteUrl)
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}(:\d{1,5})?$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/,
        'must be the ConnectWise site host you sign in to, e.g. na.myconnectwise.net (no path)'
      )
  );

/** What the operator sees on the ConnectWise login page as "Company". */
export const connectwiseCompanyId = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_.-]{1,50}$/,
    'must be the Company ID typed on the ConnectWise login page (letters, digits, . _ -)'
  );

export const publicKey = z
  .string()
  .trim()
  .regex(CW_KEY_PATTERN, 'must be the 16-character Public Key shown under System > Members > API Members > API Keys');

/** The private key travels only as a reference; a pasted key is refused with a message saying why. */
export const privateKeyRef = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    if (CW_KEY_PATTERN.test(s)) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        message: PRIVATE_KEY_PASTED,
      });
    } else if (!SECRET_REF_PATTERN.test(s)) {
      // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
      ctx.addIssue({ code: 'custom', message: PRIVATE_KEY_NOT_A_REF });
    }
  });

export const clientIdSchema = z
  .string()
  .trim()
  .regex(
    GUID,
    'must be the integration clientId GUID registered at developer.connectwise.com, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301'
  );

export const connectionSchema = z.strictObject({
  site: connectwiseSite,
  companyId: connectwiseCompanyId,
  publicKey,
  privateKeyRef: privateKeyRef.optional(),
  clientId: clientIdSchema,
  /** Identifier of the API member; lets Onramp read its security role instead of probing. */
  apiMember: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,30}$/, 'must be the API member identifier (System > Members > API Members)')
    .optional(),
});
export type ConnectwiseConnection = z.output<typeof connectionSchema>;

/** What an Update may carry: any subset; later values replace earlier ones. */
export const connectionPatchSchema = connectionSchema
  .partial()
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'give at least one of site, companyId, publicKey, privateKeyRef, clientId, apiMember',
  });

/** Company identifiers in ConnectWise are at most 25 characters; Onramp only queries by them, so keep them plain. */
export const customerSchema = z.strictObject({
  identifier: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,25}$/, 'must be the ConnectWise company identifier (1-25 letters, digits, . _ -)'),
  name: z.string().trim().min(1, 'name the customer').max(50, 'ConnectWise company names are at most 50 characters'),
});
export type SyncCustomer = z.output<typeof customerSchema>;

export const plainName = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `name the ${what}`)
    .max(max)
    .regex(/^[^"\\]+$/, `the ${what} must not contain " or \\ (they break ConnectWise conditions)`);

export const catalogItemIdentifier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,25}$/, 'must be a catalog item identifier (1-25 letters, digits, . _ -)');

export const billingSchema = z.strictObject({
  agreement: z
    .strictObject({
      name: plainName('agreement', 50).default('Sophos Central'),
      type: plainName('agreement type', 50).default('Security Services'),
    })
    .default({ name: 'Sophos Central', type: 'Security Services' }),
  product: z
    .strictObject({
      identifier: catalogItemIdentifier.default('SOPHOS-CENTRAL'),
      description: plainName('product description', 60).default('Sophos Central endpoint protection'),
      price: z.number().nonnegative().max(1_000_000, 'at most 1,000,000 (a unit price)').default(0),
    })
    .default({ identifier: 'SOPHOS-CENTRAL', description: 'Sophos Central endpoint protection', price: 0 }),
});
export type SyncBilling = z.output<typeof billingSchema>;

export const customerListSchema = z
  .array(customerSchema)
  .max(5000, 'at most 5,000 customers per sync; split the list')
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      const key = c.identifier.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: [i, 'identifier'],
          message: `duplicate of customers.${first} ("${c.identifier}"): identifiers are unique in ConnectWise`,
        });
      } else seen.set(key, i);
    });
  });

/**
 * What the customer sync may do to companies. The seed's security role grants Company Maintenance Inquire only,
 * so by default the sync matches customers to existing companies and reports the unmatched ones; opting in to
 * `createMissingCompanies` makes the role check require Company Maintenance Add = All and creates them.
 */
const addressField = (max: number) => z.string().trim().min(1, 'leave it out rather than blank').max(max);

/** OpenAPI Company: addressLine1, addressLine2, city, state (max 50) and zip (max 12); at least one of them. */
export const companyAddressSchema = z
  .strictObject({
    addressLine1: addressField(50).optional(),
    addressLine2: addressField(50).optional(),
    city: addressField(50).optional(),
    state: addressField(50).optional(),
    zip: addressField(12).optional(),
  })
  .refine((a) => Object.values(a).some((v) => v !== undefined), {
    message: COMPANY_ADDRESS_NEEDED,
  });

export const syncOptionsSchema = z
  .strictObject({
    createMissingCompanies: z.boolean().default(false),
    companyAddress: companyAddressSchema.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.createMissingCompanies && !o.companyAddress)
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['companyAddress'],
        message: COMPANY_ADDRESS_MISSING,
      });
  })
  .default({ createMissingCompanies: false });

export const syncModeSchema = z.enum(['apply', 'plan']);

export const onboardingInputSchema = z.strictObject({
  /** The MSP whose ConnectWise is being connected. */
  customer: z.strictObject({ name: plainName('customer', 100) }),
  vendor: z
    .strictObject({ name: z.string().trim().min(1).max(100).default('Sophos Central') })
    .default({ name: 'Sophos Central' }),
  /** The ConnectWise admin who creates the API member and its keys: e-mailed the checklist; unset, only the operator. */
  adminEmail: emailAddress.optional(),
  /** E-mail while the admin's step waits: the reminder schedule (`mail.remindAfter`, default ["24h", "72h"]). */
  mail: orderMailSchema.optional(),
  /** Known details; the rest (typically the private key) arrive through the provideConnection Update. */
  connection: connectionSchema.partial().optional(),
  keyWait: z
    .strictObject({
      reminderIntervalSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600)
        .default(3600),
      /** After this, the key shown once is presumed lost: the operator must generate a new pair. */
      deadlineHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(72),
    })
    .default({ reminderIntervalSeconds: 3600, deadlineHours: 72 }),
  permissionWait: z
    .strictObject({
      recheckIntervalSeconds: z
        .number()
        .int()
        .min(1)
        .max(24 * 3600)
        .default(900),
      deadlineHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(72),
      /** Rights a read cannot prove (the role unreadable): block (absent = block) or accept and say so. */
      unverified: z.enum(['block', 'accept']).optional(),
    })
    .default({ recheckIntervalSeconds: 900, deadlineHours: 72 }),
  customers: customerListSchema.default([]),
  billing: billingSchema.default({
    agreement: { name: 'Sophos Central', type: 'Security Services' },
    product: { identifier: 'SOPHOS-CENTRAL', description: 'Sophos Central endpoint protection', price: 0 },
  }),
  syncMode: syncModeSchema.default('apply'),
  sync: syncOptionsSchema,
});
export type ConnectwiseOnboardingRequest = z.input<typeof onboardingInputSchema>;
export type ConnectwiseOnboardingInput = z.output<typeof onboardingInputSchema>;

/**
 * Compile-time: the live schemas and the frozen version-1 shapes the workflows take (src/contract) are the same.
 * A schema change that running workflows could not take fails typecheck here: add a V2 to the contract instead.
 */
const _frozenV1: [
  Mutual<ConnectwiseOnboardingInput, ConnectwiseOnboardingInputV1>,
  Mutual<ConnectwiseOnboardingRequest, ConnectwiseOnboardingRequestV1>,
  Mutual<z.input<typeof connectionPatchSchema>, ConnectwiseConnectionPatchV1>,
  Mutual<z.output<typeof syncModeSchema>, SyncMode>,
] = [true, true, true, true];

export function parseConnectwiseOnboardingInput(value: unknown): ConnectwiseOnboardingInput {
  return parseOrThrow(onboardingInputSchema, value, 'ConnectWise onboarding input');
}

export function connectwiseWorkflowId(customerName: string, companyId: string | undefined): string {
  const slug = customerName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `connectwise-onboarding:${slug}${companyId ? `:${companyId.toLowerCase()}` : ''}`;
}
