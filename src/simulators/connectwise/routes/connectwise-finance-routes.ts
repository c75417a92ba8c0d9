import type { FastifyInstance } from 'fastify';
import { applyPatch, cwError, listed, refuseWrongTypes } from '../connectwise-api-helpers';
import type { ConnectwiseState } from '../connectwise-state';

/**
 * Agreements (Finance) and the product catalog (Procurement) of the ConnectWise API: list, create, patch.
 * Additions and deletes: connectwise-agreement-routes.ts.
 */
export function registerConnectwiseFinanceRoutes(scope: FastifyInstance, state: ConnectwiseState): void {
  listed(scope, '/finance/agreements', () => state.agreements, ['startDate', 'endDate', 'parentAgreement']);
  scope.post('/finance/agreements', async (req, reply) => {
    const types = { name: 'string', type: 'object', company: 'object', startDate: 'string' } as const;
    if (refuseWrongTypes(reply, req.body, 'agreement', types)) return reply;
    const b = (req.body ?? {}) as {
      name?: string;
      type?: { name?: string };
      company?: { id?: number };
      startDate?: string;
    };
    const company = state.companies.find((c) => c.id === b.company?.id);
    if (!b.name || !b.type?.name || !company) {
      return cwError(reply, 400, 'InvalidObject', 'agreement object is invalid', [
        { code: 'InvalidObject', message: 'name, type and an existing company are required', resource: 'agreement' },
      ]);
    }
    return reply.code(201).send(state.addAgreement(b.name, b.type.name, company, b.startDate));
  });
  scope.patch('/finance/agreements/:id', async (req, reply) => {
    const a = state.agreements.find((x) => x.id === Number((req.params as { id: string }).id));
    if (!a) return cwError(reply, 404, 'NotFound', 'Agreement not found');
    const r = applyPatch(reply, a as unknown as Record<string, unknown>, req.body, ['type', 'name']);
    a.type = { id: state.agreementTypeId(a.type.name), name: a.type.name };
    return r;
  });

  listed(scope, '/procurement/catalog', () => state.catalog);
  scope.post('/procurement/catalog', async (req, reply) => {
    const types = { identifier: 'string', description: 'string', price: 'number', subcategory: 'object' } as const;
    if (refuseWrongTypes(reply, req.body, 'catalogItem', types)) return reply;
    const b = (req.body ?? {}) as { identifier?: string; description?: string; price?: number };
    if (!b.identifier || !b.description)
      return cwError(reply, 400, 'InvalidObject', 'catalogItem object is invalid', [
        { code: 'NullValue', message: 'identifier and description are required', resource: 'catalogItem' },
      ]);
    if (state.catalog.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
      return cwError(reply, 400, 'InvalidObject', 'catalogItem object is invalid', [
        { code: 'ObjectExists', message: 'Identifier already in use.', resource: 'catalogItem', field: 'identifier' },
      ]);
    }
    return reply.code(201).send(state.addCatalogItem(b.identifier, b.description, b.price ?? 0));
  });
  scope.patch('/procurement/catalog/:id', async (req, reply) => {
    const item = state.catalog.find((x) => x.id === Number((req.params as { id: string }).id));
    if (!item) return cwError(reply, 404, 'NotFound', 'Catalog item not found');
    return applyPatch(reply, item as unknown as Record<string, unknown>, req.body, ['description', 'price']);
  });
}
