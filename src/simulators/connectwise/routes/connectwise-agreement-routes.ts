import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectwiseState, SimAddition } from '../connectwise-state';

/**
 * Agreement additions and the deletes offboarding uses, registered inside the authenticated
 * `/apis/3.0` scope (so the security role's Add/Edit/Inquire/Delete levels apply through the
 * `/finance/agreements`, `/procurement/catalog` and `/company/companies` areas).
 *
 * Sources (docs/vendor-contracts.md, "ConnectWise agreement additions and deletes"):
 * - `GET|POST /finance/agreements/{id}/additions`, `DELETE /finance/agreements/{parentId}/additions/{id}`:
 *   the Finance module of the ConnectWise Manage OpenAPI, as generated into
 *   https://github.com/spinen/connectwise-finance-php-client (docs/Api/AgreementAdditionsApi.md,
 *   docs/Model/Addition.md): `product` (an IvItemReference `{id, identifier}`) and `billCustomer`
 *   ("Billable" | "DoNotBill" | "NoCharge") are the required fields; `quantity`, `agreementId` optional.
 * - `DELETE /finance/agreements/{id}`, `DELETE /procurement/catalog/{id}`, `DELETE /company/companies/{id}`:
 *   the same OpenAPI (AgreementsApi, CatalogItemsApi in the procurement client, CompaniesApi in the
 *   company client), each answering 204.
 * Guesses (marked so): duplicate additions of one product are allowed by ConnectWise (the simulator
 * allows them too: idempotency is the caller's job); deleting an agreement also removes its additions;
 * an unknown product id on an addition is a 400 InvalidObject.
 */
export interface AgreementRouteHelpers {
  state: ConnectwiseState;
  /** The server's generic list (conditions, paging, Link header, fields). */
  list<T extends { id: number }>(req: FastifyRequest, reply: FastifyReply, records: readonly T[]): unknown;
  error(reply: FastifyReply, status: number, code: string, message: string, errors?: unknown[] | null): unknown;
}

const BILL = ['Billable', 'DoNotBill', 'NoCharge'] as const;

export function registerAgreementRoutes(scope: FastifyInstance, h: AgreementRouteHelpers): void {
  const { state } = h;
  const agreementOf = (req: FastifyRequest) =>
    state.agreements.find((a) => a.id === Number((req.params as { id: string }).id));

  scope.get('/finance/agreements/:id/additions', async (req, reply) => {
    const a = agreementOf(req);
    if (!a) return h.error(reply, 404, 'NotFound', 'Agreement not found');
    return h.list(
      req,
      reply,
      state.additions.filter((x) => x.agreementId === a.id)
    );
  });

  scope.post('/finance/agreements/:id/additions', async (req, reply) => {
    const a = agreementOf(req);
    if (!a) return h.error(reply, 404, 'NotFound', 'Agreement not found');
    const b = (req.body ?? {}) as {
      product?: { id?: number; identifier?: string };
      quantity?: number;
      billCustomer?: string;
      description?: string;
      effectiveDate?: string;
    };
    const item = state.catalog.find(
      (c) =>
        (b.product?.id !== undefined && c.id === b.product.id) ||
        (b.product?.identifier !== undefined && c.identifier.toLowerCase() === b.product.identifier.toLowerCase())
    );
    const problems = [
      ...(!item
        ? [{ code: 'InvalidObject', message: 'product must be an existing catalog item', field: 'product' }]
        : []),
      ...(!BILL.includes(b.billCustomer as (typeof BILL)[number])
        ? [{ code: 'NullValue', message: 'billCustomer may not be null.', field: 'billCustomer' }]
        : []),
    ];
    if (problems.length)
      return h.error(
        reply,
        400,
        'InvalidObject',
        'addition object is invalid',
        problems.map((p) => ({ ...p, resource: 'addition' }))
      );
    const addition: SimAddition = {
      id: state.id(),
      agreementId: a.id,
      product: { id: item!.id, identifier: item!.identifier },
      quantity: b.quantity ?? 1,
      billCustomer: b.billCustomer as SimAddition['billCustomer'],
      ...(b.description ? { description: b.description } : {}),
      ...(b.effectiveDate ? { effectiveDate: b.effectiveDate } : {}),
    };
    state.additions.push(addition);
    return reply.code(201).send(addition);
  });

  // ConnectWise names it /finance/agreements/{parentId}/additions/{id}; one param name per position here.
  scope.delete('/finance/agreements/:id/additions/:additionId', async (req, reply) => {
    const { id, additionId } = req.params as { id: string; additionId: string };
    const i = state.additions.findIndex((x) => x.id === Number(additionId) && x.agreementId === Number(id));
    if (i < 0) return h.error(reply, 404, 'NotFound', 'Addition not found');
    state.additions.splice(i, 1);
    return reply.code(204).send();
  });

  const remove = <T extends { id: number }>(
    path: string,
    records: () => T[],
    what: string,
    after?: (removed: T) => void
  ) =>
    scope.delete(path, async (req, reply) => {
      const list = records();
      const i = list.findIndex((x) => x.id === Number((req.params as { id: string }).id));
      if (i < 0) return h.error(reply, 404, 'NotFound', `${what} not found`);
      const [removed] = list.splice(i, 1);
      after?.(removed!);
      return reply.code(204).send();
    });
  remove(
    '/finance/agreements/:id',
    () => state.agreements,
    'Agreement',
    (a) => {
      // Guess: the agreement's additions go with it.
      for (let i = state.additions.length - 1; i >= 0; i--)
        if (state.additions[i]!.agreementId === a.id) state.additions.splice(i, 1);
    }
  );
  remove('/procurement/catalog/:id', () => state.catalog, 'Catalog item');
  remove('/company/companies/:id', () => state.companies, 'Company');
}
