import { z } from 'zod';
import { describeIssues, parseOrThrow, SECRET_REF_PATTERN } from './validation';

/**
 * ConnectWise PSA (Manage) onboarding, seed 002 (Sophos Central ↔ ConnectWise): shapes shared by the
 * entry points, the workflows and the activities. Pure: workflows import it.
 */

/** ConnectWise API keys are 16 alphanumeric characters (public and private alike). */
export const CW_KEY_PATTERN = /^[A-Za-z0-9]{16}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A site as typed by the operator: `na.myconnectwise.net`, `https://na.myconnectwise.net/`, or host:port. */
export const connectwiseSite = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^https?:\/\//, '').replace(/\/+$/, ''))
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
        code: 'custom',
        message:
          'this looks like the private key itself: never paste it here. Store it (e.g. in a file readable by the worker) and give its reference, file:/path/to/key or env:VARIABLE_NAME',
      });
    } else if (!SECRET_REF_PATTERN.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a secret reference, file:/path/to/key or env:VARIABLE_NAME' });
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
export type ConnectwiseConnectionPatch = z.input<typeof connectionPatchSchema>;

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
          code: 'custom',
          path: [i, 'identifier'],
          message: `duplicate of customers.${first} ("${c.identifier}"): identifiers are unique in ConnectWise`,
        });
      } else seen.set(key, i);
    });
  });

export const syncModeSchema = z.enum(['apply', 'plan']);
export type SyncMode = z.output<typeof syncModeSchema>;

export const onboardingInputSchema = z.strictObject({
  /** The MSP whose ConnectWise is being connected. */
  customer: z.strictObject({ name: plainName('customer', 100) }),
  vendor: z
    .strictObject({ name: z.string().trim().min(1).max(100).default('Sophos Central') })
    .default({ name: 'Sophos Central' }),
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
    })
    .default({ recheckIntervalSeconds: 900, deadlineHours: 72 }),
  customers: customerListSchema.default([]),
  billing: billingSchema.default({
    agreement: { name: 'Sophos Central', type: 'Security Services' },
    product: { identifier: 'SOPHOS-CENTRAL', description: 'Sophos Central endpoint protection', price: 0 },
  }),
  syncMode: syncModeSchema.default('apply'),
});
export type ConnectwiseOnboardingRequest = z.input<typeof onboardingInputSchema>;
export type ConnectwiseOnboardingInput = z.output<typeof onboardingInputSchema>;
/** The workflow's input, version 1: validated at the door, never re-validated by the workflow (see src/workflows/input.ts). */
export type ConnectwiseOnboardingInputV1 = ConnectwiseOnboardingInput;

export function parseConnectwiseOnboardingInput(value: unknown): ConnectwiseOnboardingInput {
  return parseOrThrow(onboardingInputSchema, value, 'ConnectWise onboarding input');
}

/** Validator-friendly: problems as lines, empty when the patch is well-formed. */
export function connectionPatchProblems(value: unknown): string[] {
  const parsed = connectionPatchSchema.safeParse(value);
  return parsed.success ? [] : describeIssues(parsed.error);
}

export function connectwiseWorkflowId(customerName: string, companyId: string | undefined): string {
  const slug = customerName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `connectwise-onboarding:${slug}${companyId ? `:${companyId.toLowerCase()}` : ''}`;
}

// ---- Security role (seed 002 step 9) ----

export type PermissionAction = 'add' | 'edit' | 'inquire';
export type PermissionLevel = 'All' | 'My' | 'None';

export interface PermissionRequirement {
  module: string;
  area: string;
  actions: PermissionAction[];
}

/** Exactly the seed's list, in its order. */
export const REQUIRED_PERMISSIONS: readonly PermissionRequirement[] = [
  { module: 'Companies', area: 'Company Maintenance', actions: ['inquire'] },
  { module: 'Finance', area: 'Agreements', actions: ['add', 'edit', 'inquire'] },
  { module: 'Procurement', area: 'Product Catalog', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Table Setup', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Member Maintenance', actions: ['inquire'] },
  { module: 'Service Desk', area: 'Service Tickets', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'API Reports', actions: ['inquire'] },
];

const ACTION_LABEL: Record<PermissionAction, string> = {
  add: 'Add Level',
  edit: 'Edit Level',
  inquire: 'Inquire Level',
};

export interface PermissionRow {
  module: string;
  area: string;
  action: PermissionAction;
  required: PermissionLevel;
  /**
   * `readable`: a read succeeded (All or My, a probe cannot tell); `unknown`: could only have been proved by
   * writing, which Onramp does not do to check a permission.
   */
  found: PermissionLevel | 'readable' | 'unknown';
  ok: boolean | 'unverified';
  /** Where to fix it, in ConnectWise's menus. */
  menuPath: string;
}

export function permissionMenuPath(
  roleName: string | undefined,
  module: string,
  area: string,
  action: PermissionAction
): string {
  return `System > Security Roles > ${roleName ?? '(the API member’s role)'} > ${module} > ${area}: set ${ACTION_LABEL[action]} = All`;
}

/** The table as text, for the operator (details pane, failure message). */
export function formatPermissionTable(rows: readonly PermissionRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.ok === true ? 'OK ' : r.ok === false ? 'FIX' : '?  '} ${r.module} › ${r.area} ${ACTION_LABEL[r.action]}: required ${r.required}, found ${r.found}${r.ok === true ? '' : ` → ${r.menuPath}`}`
    )
    .join('\n');
}

/** The seed's checklist, as the operator step publishes it. */
export function connectwiseChecklist(vendorName: string): string[] {
  return [
    'The Integrator Login account exists in ConnectWise (recreate it first if it was removed).',
    'System > Members > API Members tab > + : add an API member with an administrator’s details and save it.',
    `Open the member > API Keys tab > + : Description "${vendorName} integration" > Save (not Save and Close).`,
    'Copy the Public Key and the Private Key now: the Private Key is shown only once. Store the private key where the Onramp worker can read it and give its reference (file:/path or env:NAME), never the key itself.',
    'System > Security Roles > the member’s role: Security Permission = Member, and ' +
      REQUIRED_PERMISSIONS.map(
        (p) =>
          `${p.module} › ${p.area} (${p.actions.map((a) => ACTION_LABEL[a].replace(' Level', '')).join('/')} = All)`
      ).join('; ') +
      '.',
    'Give Onramp the site (e.g. na.myconnectwise.net), the Company ID, the Public Key, the private key reference and the integration clientId.',
  ];
}

// ---- Status ----

export type ConnectwiseStep =
  | 'awaiting-connection'
  | 'verifying-connection'
  | 'checking-permissions'
  | 'awaiting-permissions'
  | 'syncing-customers'
  | 'done';

export interface ConnectwiseSiteInfo {
  apiBaseUrl: string;
  codebase: string;
  isCloud: boolean;
  companyName: string;
  version?: string;
}

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface SyncSummary {
  mode: SyncMode;
  customers: number;
  companies: SyncCounts;
  agreements: SyncCounts;
  catalogItem: 'created' | 'updated' | 'unchanged';
  /** The catalog item as an addition on each agreement (absent in runs recorded before additions). */
  additions?: SyncCounts;
  /** Companies the sync created (offboarding removes only these). */
  createdCompanies?: string[];
  /** Plan mode: what would change (capped). */
  plannedChanges: string[];
}

export interface ConnectwiseStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: ConnectwiseStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  checklist: string[];
  connection: {
    site?: string;
    companyId?: string;
    publicKey?: string;
    clientId?: string;
    privateKey: 'missing' | 'supplied' | 'verified';
  };
  /** Why the last key or connection was refused (never contains the key). */
  lastRejection?: string;
  reminders: number;
  keyDeadlineAt?: string;
  site?: ConnectwiseSiteInfo;
  permissionSource?: 'security-role' | 'probe';
  permissions?: PermissionRow[];
  sync?: SyncSummary;
  error?: string;
}
