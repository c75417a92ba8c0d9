import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { SYSTEM_API_LEVEL } from '../autotask-state';
import type { AutotaskAdminDeps } from './autotask-admin-common';

const ACTIONS = ['query', 'create', 'update', 'delete'] as const;
export const permissions = z
  .record(z.string(), z.array(z.enum(ACTIONS)))
  .describe('Allowed actions per REST entity, e.g. {"Tickets": ["query","create","update"]}.');

export const levelView = z.object({
  name: z.string(),
  permissions,
  restricted: permissions.optional(),
  webhooks: z.object({ enabled: z.boolean(), max: z.number().int() }),
});

/**
 * Admin API: security levels (Admin > Resources/Users (HR) > Security > Security Levels; seed 001 §1, seed 004).
 */
export function registerAutotaskAdminLevelRoutes(api: AdminApi, deps: AutotaskAdminDeps): void {
  const { db } = deps;
  api.operation(
    {
      method: 'PUT',
      path: '/security-levels/{name}',
      operationId: 'putSecurityLevel',
      summary: 'Create or change a security level',
      description:
        'Admin > Account Settings & Users > Resources/Users (HR) > Security > Security Levels. Seed 001 §1: copy "API User (system) (API-only)", adjust permissions, keep Active. Seed 004: under Other, enable Webhooks and set the maximum number of webhooks the API user may create over its lifetime.',
      body: z.object({
        copyOf: z.string().default(SYSTEM_API_LEVEL.name).describe('The level to copy (default the system API level).'),
        permissions: permissions.optional().describe('Access All: entities listed here replace the copied actions.'),
        restricted: permissions
          .optional()
          .describe(
            'Access Restricted (e.g. Mine, or one line of business): wins over `permissions` for the same action.'
          ),
        webhooks: z.object({ enabled: z.boolean(), max: z.number().int().min(0).max(1000) }).optional(),
      }),
      response: levelView,
      errors: { 404: 'copyOf names no security level.' },
    },
    async ({ params, body }) => {
      const base = db.levels.get(body.copyOf);
      if (!base) throw new AdminError(404, `no security level "${body.copyOf}" to copy`);
      const level = {
        name: params.name!,
        permissions: { ...base.permissions, ...body.permissions },
        restricted: body.restricted ?? base.restricted,
        webhooks: body.webhooks ?? base.webhooks,
      };
      db.setLevel(level);
      return level;
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/security-levels',
      operationId: 'listSecurityLevels',
      summary: 'The security levels',
      description: 'Admin > Resources/Users (HR) > Security > Security Levels.',
      response: z.array(levelView),
    },
    async () => [...db.levels.values()]
  );
}
