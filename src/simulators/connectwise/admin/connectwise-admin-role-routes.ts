import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { ALL_AREAS, type AreaLevels, type ConnectwiseState } from '../connectwise-state';

const LEVELS = ['All', 'My', 'None'] as const;
const areaLevels = z.object({
  add: z.enum(LEVELS).optional(),
  edit: z.enum(LEVELS).optional(),
  inquire: z.enum(LEVELS).optional(),
  delete: z.enum(LEVELS).optional(),
});
const settings = z
  .record(z.string(), areaLevels)
  .describe(`Levels per "Module/Area": one of ${ALL_AREAS.join(', ')}. Areas left out are None.`);

const roleIn = z.object({ name: z.string().min(1).max(30), settings });

export const roleView = z.object({
  id: z.number().int(),
  name: z.string(),
  settings: z.record(
    z.string(),
    z.object({ add: z.string(), edit: z.string(), inquire: z.string(), delete: z.string() })
  ),
});

/**
 * Admin API: security roles with their levels per module and area (System > Security Roles, seed 002 step 9).
 */
export function registerConnectwiseAdminRoleRoutes(api: AdminApi, state: ConnectwiseState): void {
  const roleOut = (id: number) => {
    const r = state.roles.get(id)!;
    return { id: r.id, name: r.name, settings: Object.fromEntries(r.settings) as Record<string, AreaLevels> };
  };
  /** Store a role's levels (only areas ConnectWise has) and show it. */
  const saveRole = (id: number, role: z.infer<typeof roleIn>) => {
    const bad = Object.keys(role.settings).filter((a) => !(ALL_AREAS as readonly string[]).includes(a));
    if (bad.length) throw new AdminError(400, `unknown area(s) ${bad.join(', ')}: one of ${ALL_AREAS.join(', ')}`);
    state.setRole(id, role.name, role.settings);
    return roleOut(id);
  };

  api.operation(
    {
      method: 'POST',
      path: '/security-roles',
      operationId: 'createSecurityRole',
      summary: 'Create a security role with its permission levels',
      description:
        'System > Security Roles > + (seed 002 step 9): per module and area, Add / Edit / Delete / Inquire level. The seed asks for Companies > Company Maintenance inquire All; Finance > Agreements, Procurement > Product Catalog, System > Table Setup and Service Desk > Service Tickets add/edit/inquire All; System > Member Maintenance and API Reports inquire All.',
      body: roleIn,
      response: roleView,
      status: 201,
      errors: { 400: 'An unknown area.' },
    },
    async ({ body }) => {
      const existing = [...state.roles.values()].find((r) => r.name.toLowerCase() === body.name.toLowerCase());
      return saveRole(existing?.id ?? Math.max(0, ...state.roles.keys()) + 1, body);
    }
  );

  api.operation(
    {
      method: 'PUT',
      path: '/security-roles/{id}',
      operationId: 'putSecurityRole',
      summary: "Replace a security role's permission levels",
      description:
        'System > Security Roles > (the role): the administrator fixes levels the integration reported missing.',
      body: roleIn,
      response: roleView,
      errors: { 400: 'An unknown area or id.' },
    },
    async ({ params, body }) => {
      const id = Number(params.id);
      if (!Number.isInteger(id) || id < 1) throw new AdminError(400, `role id ${params.id} is not a positive number`);
      return saveRole(id, body);
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/security-roles',
      operationId: 'listSecurityRoles',
      summary: 'The security roles',
      description: 'System > Security Roles.',
      response: z.array(roleView),
    },
    async () => [...state.roles.keys()].map(roleOut)
  );
}
