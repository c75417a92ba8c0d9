import { z } from 'zod';
import type { AdminApi } from '../../admin-api';
import type { GoogleAdminDeps } from './google-admin-common';

/**
 * Admin API: the customer ID and the organizational units (Admin console > Account settings, Directory >
 * Organizational units).
 */
export function registerGoogleAdminOrgUnitRoutes(api: AdminApi, { state, directory }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'GET',
      path: '/customer',
      operationId: 'getCustomer',
      summary: 'The Workspace customer ID and its organizational units',
      description:
        'Admin console > Account > Account settings > Customer ID (seed 003: "Find your customer ID"), and Directory > Organizational units. Each Workspace domain is its own customer: `domain` picks it (default: the first domain the simulator met).',
      query: z.object({ domain: z.string().optional() }),
      response: z.object({
        customerId: z.string(),
        orgUnits: z.array(z.object({ orgUnitPath: z.string(), orgUnitId: z.string() })),
      }),
    },
    async ({ query }) => ({
      customerId: query.domain ? state.customerOfDomain(query.domain) : directory.customerId,
      orgUnits: [...directory.orgUnits].map(([orgUnitPath, id]) => ({ orgUnitPath, orgUnitId: `id:${id}` })),
    })
  );

  api.operation(
    {
      method: 'POST',
      path: '/org-units',
      operationId: 'createOrgUnit',
      summary: 'Create an organizational unit',
      description: 'Admin console > Directory > Organizational units > Create organizational unit. Idempotent.',
      body: z.object({ orgUnitPath: z.string().regex(/^\/[^/].*$/, 'must be a path such as /Students') }),
      response: z.object({ orgUnitPath: z.string(), orgUnitId: z.string() }),
      status: 201,
    },
    async ({ body }) => ({
      orgUnitPath: body.orgUnitPath,
      orgUnitId: `id:${directory.orgUnits.get(body.orgUnitPath) ?? directory.addOrgUnit(body.orgUnitPath)}`,
    })
  );
}
