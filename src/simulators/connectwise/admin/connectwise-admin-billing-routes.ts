import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import type { ConnectwiseState } from '../connectwise-state';

/**
 * Admin API: the billing objects a human changes in the Manage UI (agreements, their additions, catalog items,
 * companies), as the API's deletes and additions do (routes/connectwise-agreement-routes.ts).
 */
export function registerConnectwiseAdminBillingRoutes(api: AdminApi, state: ConnectwiseState): void {
  const removeBy = <T extends { id: number }>(list: T[], id: number, what: string): T => {
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) throw new AdminError(404, `no ${what} ${id}`);
    return list.splice(i, 1)[0]!;
  };
  const removed = z.object({ removed: z.string() });
  api.operation(
    {
      method: 'DELETE',
      path: '/agreements/{id}',
      operationId: 'deleteAgreement',
      summary: 'Delete an agreement (with its additions)',
      description:
        'Finance > Agreements > (the agreement) > Delete: what `DELETE /finance/agreements/{id}` does (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes"; that its additions go with it is the same guess as the API route). What offboarding asks the operator to do when the API member may not delete.',
      response: removed,
      errors: { 404: 'No such agreement.' },
    },
    async ({ params }) => {
      const a = removeBy(state.agreements, Number(params.id), 'agreement');
      for (let i = state.additions.length - 1; i >= 0; i--)
        if (state.additions[i]!.agreementId === a.id) state.additions.splice(i, 1);
      return { removed: `agreement "${a.name}" (${a.id}) of ${a.company.identifier}` };
    }
  );
  api.operation(
    {
      method: 'DELETE',
      path: '/agreements/{id}/additions/{additionId}',
      operationId: 'deleteAgreementAddition',
      summary: 'Delete an addition of an agreement (a change made by hand)',
      description:
        'Finance > Agreements > (the agreement) > Additions > (the addition) > Delete: what `DELETE /finance/agreements/{parentId}/additions/{id}` does (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes").',
      response: removed,
      errors: { 404: 'No such agreement addition.' },
    },
    async ({ params }) => {
      const i = state.additions.findIndex(
        (x) => x.id === Number(params.additionId) && x.agreementId === Number(params.id)
      );
      if (i < 0) throw new AdminError(404, `no addition ${params.additionId} on agreement ${params.id}`);
      const [x] = state.additions.splice(i, 1);
      return { removed: `addition ${x!.product.identifier} (${x!.id}) on agreement ${x!.agreementId}` };
    }
  );
  api.operation(
    {
      method: 'POST',
      path: '/agreements/{id}/additions',
      operationId: 'addAgreementAddition',
      summary: 'Add a catalog item to an agreement (puts back an addition deleted by hand)',
      description:
        'Finance > Agreements > (the agreement) > Additions > +: what `POST /finance/agreements/{id}/additions` does (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes"): the product by its catalog identifier, a quantity, Billable/DoNotBill/NoCharge.',
      body: z.object({
        product: z.string().min(1).describe('The catalog item identifier.'),
        quantity: z.number().positive().default(1),
        billCustomer: z.enum(['Billable', 'DoNotBill', 'NoCharge']).default('Billable'),
      }),
      response: z.object({ id: z.number().int() }),
      status: 201,
      errors: { 404: 'No such agreement or catalog item.' },
    },
    async ({ params, body }) => {
      const a = state.agreements.find((x) => x.id === Number(params.id));
      if (!a) throw new AdminError(404, `no agreement ${params.id}`);
      const item = state.catalog.find((c) => c.identifier.toLowerCase() === body.product.toLowerCase());
      if (!item) throw new AdminError(404, `no catalog item ${body.product}`);
      const id = state.id();
      state.additions.push({
        id,
        agreementId: a.id,
        product: { id: item.id, identifier: item.identifier },
        quantity: body.quantity,
        billCustomer: body.billCustomer,
      });
      return { id };
    }
  );
  api.operation(
    {
      method: 'DELETE',
      path: '/catalog-items/{id}',
      operationId: 'deleteCatalogItem',
      summary: 'Delete a product catalog item',
      description:
        'Procurement > Product Catalog > (the item) > Delete: what `DELETE /procurement/catalog/{id}` does (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes").',
      response: removed,
      errors: { 404: 'No such catalog item.' },
    },
    async ({ params }) => {
      const c = removeBy(state.catalog, Number(params.id), 'catalog item');
      return { removed: `catalog item ${c.identifier} (${c.id})` };
    }
  );
  api.operation(
    {
      method: 'DELETE',
      path: '/companies/{id}',
      operationId: 'deleteCompany',
      summary: 'Delete a client company',
      description:
        'Companies > (the company) > Delete: what `DELETE /company/companies/{id}` does (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes").',
      response: removed,
      errors: { 404: 'No such company.' },
    },
    async ({ params }) => {
      const c = removeBy(state.companies, Number(params.id), 'company');
      return { removed: `company ${c.identifier} (${c.id})` };
    }
  );
}
