import { z } from 'zod';
import { domainName, emailAddress, emailDomain, isWithinDomain, parseOrThrow, secretRef } from './validation';

/** The 16 scopes of seed 000 (Atera IT Autopilot), the default grant. */
export const DEFAULT_DELEGATION_SCOPES = [
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.send',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.settings.basic',
  'https://www.googleapis.com/auth/admin.reports.usage.readonly',
  'https://www.googleapis.com/auth/admin.directory.group',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.member',
  'https://www.googleapis.com/auth/admin.directory.group.member.readonly',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.settings.readonly',
] as const;

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
  })
  .superRefine((v, ctx) => {
    const domains = [v.customer.domain, ...(v.customer.secondaryDomains ?? [])];
    if (v.adminEmail.includes('@') && !domains.some((d) => isWithinDomain(emailDomain(v.adminEmail), d))) {
      ctx.addIssue({
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
/** The workflow's input, version 1: validated at the door, never re-validated by the workflow (see src/workflows/input.ts). */
export type DelegationInputV1 = DelegationInput;

export function parseDelegationInput(value: unknown): DelegationInput {
  return parseOrThrow(delegationInputSchema, value, 'Google delegation onboarding input');
}

/** Business key: one delegation onboarding per customer domain and vendor client ID. */
export function delegationWorkflowId(input: Pick<DelegationInput, 'customer' | 'serviceAccount'>): string {
  return `google-delegation:${input.customer.domain}:${input.serviceAccount.clientId}`;
}

/** "24 h", "90 min", "2 s": for messages a human reads. */
export function formatDuration(ms: number): string {
  if (ms >= 3600_000 && ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

export type ScopeState = 'granted' | 'missing' | 'unchecked';

export interface ScopeStatus {
  scope: string;
  state: ScopeState;
  lastCheckedAt?: string;
  detail?: string;
}

export type DelegationStep = 'validating' | 'awaiting-grant' | 'verifying' | 'notifying-vendor' | 'done';

export interface DelegationStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: DelegationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  scopes: ScopeStatus[];
  checks: number;
  nextCheckAt?: string;
  deadlineAt: string;
  instructions: DelegationInstructions;
  notifiedAt?: string;
  error?: string;
}

export interface DelegationInstructions {
  consolePath: string;
  clientId: string;
  scopesCsv: string;
  text: string;
}

/** The admin's instruction, ready to paste (seed 000 steps 1-6). */
export function delegationInstructions(input: DelegationInput): DelegationInstructions {
  const scopesCsv = input.scopes.join(',');
  const consolePath =
    'Admin console (admin.google.com) > Security > Access and data control > API controls > Manage Domain Wide Delegation > Add new';
  const text = [
    `Sign in to the Google Admin console of ${input.customer.domain} as a super admin (${input.adminEmail}).`,
    `Go to ${consolePath}.`,
    `Client ID: ${input.serviceAccount.clientId}`,
    `OAuth scopes (comma-delimited): ${scopesCsv}`,
    'Click Authorize. Onramp checks every scope until the grant has propagated (minutes, up to 24 hours), then tells ' +
      `${input.vendor.name} support (${input.vendor.supportEmail}) the admin email.`,
  ].join('\n');
  return { consolePath, clientId: input.serviceAccount.clientId, scopesCsv, text };
}
