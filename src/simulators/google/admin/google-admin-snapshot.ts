import { z } from 'zod';
import type { AdminApi } from '../../admin-api';
import type { GoogleAdminDeps } from './google-admin-common';

/**
 * Admin API: the whole tenant as one comparable snapshot (`onramp sandbox snapshot` / `compare`).
 */
export function registerGoogleAdminSnapshot(api: AdminApi, { state, directory }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'GET',
      path: '/snapshot',
      operationId: 'getSnapshot',
      summary: 'The whole tenant as the Admin console shows it, without audit records',
      description:
        "Onramp's sandbox (not Google): service accounts, users, domain-wide delegation rows, org units, groups with their members, admin roles with their privileges and assignments, keyed by what a human reads (emails, names, paths) instead of generated IDs. Leaves out audit records (/_admin/directory-writes, creation times, propagation times) so that two snapshots compare equal when the tenant is configured the same: `onramp sandbox snapshot` and `onramp sandbox compare` (before an order, after its offboarding).",
      response: z.object({
        serviceAccounts: z.record(z.string(), z.string()).describe('client ID → email'),
        users: z.array(z.string()),
        delegation: z.record(z.string(), z.array(z.string())).describe('"<domain> client <clientId>" → scopes'),
        orgUnits: z.array(z.string()),
        groups: z.record(
          z.string(),
          z.object({
            displayName: z.string(),
            security: z.boolean(),
            members: z.record(z.string(), z.string()).describe('member email → "<ROLE> <TYPE>"'),
          })
        ),
        roles: z.record(z.string(), z.array(z.string()).describe('privilege names')),
        assignments: z.record(z.string(), z.string()).describe('"<role> → <assignee> @ <org unit|account>" → type'),
      }),
    },
    async () => {
      const paths = new Map([...directory.orgUnits].map(([p, id]) => [id, p]));
      const groupEmail = new Map([...directory.groups.values()].map((g) => [g.id, g.email]));
      const sorted = <T>(entries: [string, T][]) => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
      return {
        serviceAccounts: sorted(state.serviceAccountList().map((sa) => [sa.clientId, sa.email])),
        users: state.listUsers(),
        delegation: sorted(
          state.configuredGrants().map((g) => [`${g.domain ?? '(every tenant)'} client ${g.clientId}`, g.scopes])
        ),
        orgUnits: [...directory.orgUnits.keys()].sort(),
        groups: sorted(
          [...directory.groups.values()].map((g) => [
            g.email,
            {
              displayName: g.displayName,
              security: directory.isSecurityGroup(g),
              members: sorted(
                [...(directory.members.get(g.id)?.values() ?? [])].map((m) => [m.email, `${m.role} ${m.type}`])
              ),
            },
          ])
        ),
        roles: sorted(
          [...directory.roles.values()].map((r) => [r.roleName, r.rolePrivileges.map((p) => p.privilegeName).sort()])
        ),
        assignments: sorted(
          [...directory.assignments.values()].map((a) => [
            `${directory.roles.get(a.roleId)?.roleName ?? a.roleId} → ${groupEmail.get(a.assignedTo) ?? a.assignedTo} @ ${a.orgUnitId ? (paths.get(a.orgUnitId.replace(/^id:/, '')) ?? a.orgUnitId) : 'account'}`,
            a.assigneeType,
          ])
        ),
      };
    }
  );
}
