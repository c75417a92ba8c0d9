import type { SyncMode } from '../domain/connectwise-schema';
import { mapped, object, value } from './fill-defaults';
import { SECRET_REF_PATTERN } from './secret-ref-pattern';

/** ConnectWise API keys are 16 alphanumeric characters (public and private alike). */
export const CW_KEY_PATTERN = /^[A-Za-z0-9]{16}$/;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- Security role (seed 002 step 9) ----

export type PermissionAction = 'add' | 'edit' | 'inquire';
export type PermissionLevel = 'All' | 'My' | 'None';

export interface PermissionRequirement {
  module: string;
  area: string;
  actions: PermissionAction[];
}

/**
 * Exactly the seed's list, in its order. Its Company Maintenance is Inquire only: with it the sync can match
 * the vendor's customers to existing companies but not create one (ConnectWise answers 403).
 */
export const REQUIRED_PERMISSIONS: readonly PermissionRequirement[] = [
  { module: 'Companies', area: 'Company Maintenance', actions: ['inquire'] },
  { module: 'Finance', area: 'Agreements', actions: ['add', 'edit', 'inquire'] },
  { module: 'Procurement', area: 'Product Catalog', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Table Setup', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Member Maintenance', actions: ['inquire'] },
  { module: 'Service Desk', area: 'Service Tickets', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'API Reports', actions: ['inquire'] },
];

/** Options of the customer sync an onboarding input carries (`sync`). */
export interface SyncCompanyOptions {
  /**
   * Off (default): companies are matched by identifier and the unmatched ones reported, never created (the
   * seed's role reads companies only). On: missing ones are created, which needs Company Maintenance Add.
   */
  createMissingCompanies: boolean;
}

/**
 * The permission table for a sync with these options: the seed's list, plus Company Maintenance Add = All
 * when the sync may create companies. "All", as everywhere else in the seed: the levels a role setting can
 * hold are None/My/All (OpenAPI SecurityRoleSetting.addLevel).
 */
export function requiredPermissions(opts?: Partial<SyncCompanyOptions>): readonly PermissionRequirement[] {
  if (!opts?.createMissingCompanies) return REQUIRED_PERMISSIONS;
  return REQUIRED_PERMISSIONS.map((p) =>
    p.module === 'Companies' && p.area === 'Company Maintenance' ? { ...p, actions: ['add', 'inquire'] } : p
  );
}

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

/** The seed's checklist, as the operator step publishes it (with Company Maintenance Add when the sync creates companies). */
export function connectwiseChecklist(vendorName: string, opts?: Partial<SyncCompanyOptions>): string[] {
  return [
    'The Integrator Login account exists in ConnectWise (recreate it first if it was removed).',
    'System > Members > API Members tab > + : add an API member with an administrator’s details and save it.',
    `Open the member > API Keys tab > + : Description "${vendorName} integration" > Save (not Save and Close).`,
    'Copy the Public Key and the Private Key now: the Private Key is shown only once. Store the private key where the Onramp worker can read it and give its reference (file:/path or env:NAME), never the key itself.',
    'System > Security Roles > the member’s role: Security Permission = Member, and ' +
      requiredPermissions(opts)
        .map(
          (p) =>
            `${p.module} › ${p.area} (${p.actions.map((a) => ACTION_LABEL[a].replace(' Level', '')).join('/')} = All)`
        )
        .join('; ') +
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
  /** Companies whose agreement / catalog-item addition the sync created (absent in runs recorded before). */
  createdAgreements?: string[];
  createdAdditions?: string[];
  /**
   * Customers with no ConnectWise company of their identifier, left uncreated because the sync is match-only
   * (the default; absent in runs recorded before it). No agreement or addition is made for them.
   */
  unmatchedCompanies?: string[];
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

// ---- For the workflow (no zod in the workflow bundle) ----

/** `https://na.myconnectwise.net/` → `na.myconnectwise.net` (after trim and lower-casing). */
export function stripSiteUrl(site: string): string {
  return site.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export const PRIVATE_KEY_PASTED =
  'this looks like the private key itself: never paste it here. Store it (e.g. in a file readable by the worker) and give its reference, file:/path/to/key or env:VARIABLE_NAME';
export const PRIVATE_KEY_NOT_A_REF = 'must be a secret reference, file:/path/to/key or env:VARIABLE_NAME';

const CONNECTION_FIELDS = ['site', 'companyId', 'publicKey', 'privateKeyRef', 'clientId', 'apiMember'] as const;

/**
 * The provideConnection Update's validator, without zod: the door (src/services/orders.ts) parses the patch with
 * connectionPatchSchema first; this is the workflow's own guard for an Update sent around it (e.g. the
 * Temporal CLI). Above all it refuses a pasted private key, so the key never enters history.
 */
export function connectionPatchProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['(input): expected an object with some of site, companyId, publicKey, privateKeyRef, clientId, apiMember'];
  const patch = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(patch))
    if (!(CONNECTION_FIELDS as readonly string[]).includes(key))
      problems.push(`${key}: unknown field: remove it (accepted here: ${CONNECTION_FIELDS.join(', ')})`);
  for (const key of CONNECTION_FIELDS) {
    const v = patch[key];
    if (v !== undefined && typeof v !== 'string') problems.push(`${key}: must be a string`);
  }
  const ref = patch.privateKeyRef;
  if (typeof ref === 'string') {
    if (CW_KEY_PATTERN.test(ref.trim())) problems.push(`privateKeyRef: ${PRIVATE_KEY_PASTED}`);
    else if (!SECRET_REF_PATTERN.test(ref.trim())) problems.push(`privateKeyRef: ${PRIVATE_KEY_NOT_A_REF}`);
  }
  if (typeof patch.publicKey === 'string' && !CW_KEY_PATTERN.test(patch.publicKey.trim()))
    problems.push(
      'publicKey: must be the 16-character Public Key shown under System > Members > API Members > API Keys'
    );
  if (typeof patch.clientId === 'string' && !GUID.test(patch.clientId.trim()))
    problems.push('clientId: must be the integration clientId GUID registered at developer.connectwise.com');
  if (!problems.length && CONNECTION_FIELDS.every((k) => patch[k] === undefined))
    problems.push('(input): give at least one of site, companyId, publicKey, privateKeyRef, clientId, apiMember');
  return problems;
}

/** A patch as the schema normalises it (trimmed; the site lower-cased, without scheme or trailing slash). */
export function normaliseConnectionPatch<T extends Record<string, unknown>>(patch: T): T {
  const out: Record<string, unknown> = { ...patch };
  for (const key of CONNECTION_FIELDS) {
    const v = out[key];
    if (typeof v === 'string') out[key] = v.trim();
  }
  if (typeof out.site === 'string') out.site = stripSiteUrl(out.site.toLowerCase());
  return out as T;
}

/** The schema's defaults, for a workflow started around the door: see core/defaults.ts. */
export const fillConnectwiseOnboardingDefaults = object({
  vendor: object({ name: value('Sophos Central') }, 'fill'),
  connection: object({ site: mapped((s) => stripSiteUrl(s.trim().toLowerCase())) }),
  keyWait: object({ reminderIntervalSeconds: value(3600), deadlineHours: value(72) }, 'fill'),
  permissionWait: object({ recheckIntervalSeconds: value(900), deadlineHours: value(72) }, 'fill'),
  customers: value([]),
  billing: object(
    {
      agreement: object({ name: value('Sophos Central'), type: value('Security Services') }, 'fill'),
      product: object(
        {
          identifier: value('SOPHOS-CENTRAL'),
          description: value('Sophos Central endpoint protection'),
          price: value(0),
        },
        'fill'
      ),
    },
    'fill'
  ),
  syncMode: value('apply'),
  sync: object({ createMissingCompanies: value(false) }, 'fill'),
});
