import { z } from 'zod';
import type { AdminApi } from '../../admin-api';
import type { ConnectwiseState } from '../connectwise-state';

/**
 * Admin API: the site's Company ID and name (login page, System > Company), and the partner's client companies.
 */
export function registerConnectwiseAdminCompanyRoutes(api: AdminApi, state: ConnectwiseState): void {
  api.operation(
    {
      method: 'GET',
      path: '/company',
      operationId: 'getCompany',
      summary: 'The Company ID typed on the login page, and the company name',
      description: 'What the operator reads on the ConnectWise login page ("Company") and in System > Company.',
      response: z.object({
        companyId: z.string(),
        companyName: z.string(),
        codebase: z.string(),
        isCloud: z.boolean(),
      }),
    },
    async () => ({
      companyId: state.companyId,
      companyName: state.companyName,
      codebase: state.codebase,
      isCloud: state.isCloud,
    })
  );

  api.operation(
    {
      method: 'POST',
      path: '/companies',
      operationId: 'createCompany',
      summary: "Create one of the partner's client companies",
      description:
        "Companies > Company > +: the MSP's existing clients, which an integration maps its customers to (seed 002 grants the integration only Inquire on Company Maintenance). Idempotent on the identifier.",
      body: z.object({
        identifier: z.string().regex(/^[A-Za-z0-9_.-]{1,25}$/, 'must be 1-25 letters, digits, . _ -'),
        name: z.string().min(1).max(50),
      }),
      response: z.object({ id: z.number().int(), identifier: z.string(), name: z.string() }),
      status: 201,
    },
    async ({ body }) => {
      const c =
        state.companies.find((x) => x.identifier.toLowerCase() === body.identifier.toLowerCase()) ??
        state.addCompany(body.identifier, body.name);
      return { id: c.id, identifier: c.identifier, name: c.name };
    }
  );
}
