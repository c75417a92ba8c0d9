import type { PermissionAction, SyncCompanyOptions } from '../contract/connectwise-onboarding-messages';
import { mapped, object, value } from './fill-defaults';
import { SECRET_REF_PATTERN } from './secret-ref-pattern';
import { fieldsOf } from './update-guard';

/** ConnectWise API keys are 16 alphanumeric characters (public and private alike). */
export const CW_KEY_PATTERN = /^[A-Za-z0-9]{16}$/;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- Security role (seed 002 step 9) ----

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

/** How ConnectWise labels each level of a security role setting. */
export const ACTION_LABEL: Record<PermissionAction, string> = {
  add: 'Add Level',
  edit: 'Edit Level',
  inquire: 'Inquire Level',
};

export function permissionMenuPath(
  roleName: string | undefined,
  module: string,
  area: string,
  action: PermissionAction
): string {
  return `System > Security Roles > ${roleName ?? '(the API member’s role)'} > ${module} > ${area}: set ${ACTION_LABEL[action]} = All`;
}

// ---- For the workflow (no zod in the workflow bundle) ----

/** `https://na.myconnectwise.net/` → `na.myconnectwise.net` (after trim and lower-casing). */
export function stripSiteUrl(site: string): string {
  return site.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** The door's words for a company address (sync.companyAddress). */
export const COMPANY_ADDRESS_NEEDED =
  'give at least one of addressLine1, addressLine2, city, state, zip: ConnectWise refuses a company without an address';
export const COMPANY_ADDRESS_MISSING =
  'required when createMissingCompanies is true: ConnectWise refuses a company without an address. Give the address the created companies carry, e.g. {"city": "Milan", "zip": "20121"} (at least one of addressLine1, addressLine2, city, state, zip)';

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
  const { fields: patch, problems } = fieldsOf(
    value,
    CONNECTION_FIELDS,
    'an object with some of site, companyId, publicKey, privateKeyRef, clientId, apiMember'
  );
  if (!patch) return problems;
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

/** The schema's defaults, for a workflow started around the door: see src/rules/fill-defaults.ts. */
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
