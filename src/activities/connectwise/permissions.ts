import { ApplicationFailure } from '@temporalio/common';
import type {
  PermissionAction,
  PermissionLevel,
  PermissionRow,
  SyncCompanyOptions,
  UnverifiedReason,
} from '../../contract/connectwise-onboarding-messages';
import { permissionMenuPath, requiredPermissions, type PermissionRequirement } from '../../rules/connectwise-rules';
import { cwString, type CwClient } from './connectwise-client';
import { FailureType } from '../../contract/failure-types';

/**
 * ConnectWise's SecurityRoleSetting (OpenAPI `components.schemas.SecurityRoleSetting`), the fields Onramp
 * reads: the area is `moduleFunctionName` within `moduleName` (both as the Security Roles screen labels
 * them); every level is optional and nullable in the schema, and a missing level means None.
 */
export interface CwRoleSetting {
  moduleName?: string;
  moduleDescription?: string;
  moduleFunctionName?: string;
  addLevel?: PermissionLevel | null;
  editLevel?: PermissionLevel | null;
  deleteLevel?: PermissionLevel | null;
  inquireLevel?: PermissionLevel | null;
}

interface CwMember {
  id: number;
  identifier: string;
  /** SecurityRoleReference: both fields optional in the schema, id nullable. */
  securityRole?: { id?: number | null; name?: string };
}

/** Reads that change nothing, one per area: enough to prove Inquire, never Add/Edit. */
export const PERMISSION_PROBES: Record<string, string> = {
  'Company Maintenance': '/company/companies',
  Agreements: '/finance/agreements',
  'Product Catalog': '/procurement/catalog',
  'Table Setup': '/company/companies/types',
  'Member Maintenance': '/system/members',
  'Service Tickets': '/service/tickets',
  'API Reports': '/system/reports',
};

export interface PermissionReport {
  source: 'security-role' | 'probe';
  roleName?: string;
  rows: PermissionRow[];
  missing: number;
  /**
   * Why the role was probed instead of read (absent when it was read): no API member was given, or
   * ConnectWise refused the read (the role lacks System › Security Roles Inquire, which seed 002 does not grant).
   */
  unverifiedReason?: UnverifiedReason;
}

const isDenied = (err: unknown) =>
  err instanceof ApplicationFailure && err.type === FailureType.ConnectWisePermissionDenied;

function rowsFromSettings(
  roleName: string,
  settings: CwRoleSetting[],
  required: readonly PermissionRequirement[]
): PermissionRow[] {
  const levelOf = (req: PermissionRequirement, action: PermissionAction): PermissionLevel => {
    const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
    const s = settings.find(
      (x) =>
        same(x.moduleFunctionName, req.area) &&
        (same(x.moduleName, req.module) || (!x.moduleName && same(x.moduleDescription, req.module)))
    );
    if (!s) return 'None';
    return (action === 'add' ? s.addLevel : action === 'edit' ? s.editLevel : s.inquireLevel) ?? 'None';
  };
  return required.flatMap((req) =>
    req.actions.map((action) => {
      const found = levelOf(req, action);
      return {
        module: req.module,
        area: req.area,
        action,
        required: 'All' as const,
        found,
        ok: found === 'All',
        menuPath: permissionMenuPath(roleName, req.module, req.area, action),
      };
    })
  );
}

/** The role's own settings, when the member may read them; undefined when it may not. */
async function readRoleSettings(
  client: CwClient,
  apiMember: string
): Promise<{ roleName: string; settings: CwRoleSetting[] } | undefined> {
  try {
    const [member] = await client.call<CwMember[]>('GET', '/system/members', {
      query: { conditions: `identifier=${cwString(apiMember)}`, fields: 'id,identifier,securityRole', pageSize: 1 },
    });
    const roleId = member?.securityRole?.id;
    if (roleId === undefined || roleId === null) return undefined;
    // The path as the OpenAPI document spells it (ConnectWise routes ignore case).
    const settings = await client.listAll<CwRoleSetting>(`/system/securityRoles/${roleId}/settings`);
    return { roleName: member!.securityRole!.name ?? `role ${roleId}`, settings };
  } catch (err) {
    if (isDenied(err)) return undefined;
    throw err;
  }
}

async function probe(client: CwClient, required: readonly PermissionRequirement[]): Promise<PermissionRow[]> {
  const rows: PermissionRow[] = [];
  for (const req of required) {
    let readable = true;
    try {
      await client.call('GET', PERMISSION_PROBES[req.area]!, { query: { pageSize: 1, fields: 'id' } });
    } catch (err) {
      if (!isDenied(err)) throw err;
      readable = false;
    }
    for (const action of req.actions) {
      const menuPath = permissionMenuPath(undefined, req.module, req.area, action);
      if (action === 'inquire')
        rows.push({
          module: req.module,
          area: req.area,
          action,
          required: 'All',
          found: readable ? 'readable' : 'None',
          ok: readable,
          menuPath,
        });
      // Proving Add/Edit would mean writing: reported as unverified, for the operator to check.
      else
        rows.push({
          module: req.module,
          area: req.area,
          action,
          required: 'All',
          found: 'unknown',
          ok: 'unverified',
          menuPath,
        });
    }
  }
  return rows;
}

/** The role against the seed's table (plus Company Maintenance Add when the sync may create companies). */
export async function checkPermissions(
  client: CwClient,
  apiMember: string | undefined,
  opts?: Partial<SyncCompanyOptions>
): Promise<PermissionReport> {
  const required = requiredPermissions(opts);
  const role = apiMember ? await readRoleSettings(client, apiMember) : undefined;
  const rows = role ? rowsFromSettings(role.roleName, role.settings, required) : await probe(client, required);
  return {
    source: role ? 'security-role' : 'probe',
    roleName: role?.roleName,
    rows,
    missing: rows.filter((r) => r.ok === false).length,
    ...(role ? {} : { unverifiedReason: apiMember ? 'role-read-refused' : 'no-api-member' }),
  };
}
