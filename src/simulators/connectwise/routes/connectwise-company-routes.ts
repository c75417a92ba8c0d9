import type { FastifyInstance } from 'fastify';
import { applyPatch, cwError, listed } from '../connectwise-api-helpers';
import type { ConnectwiseState } from '../connectwise-state';

/**
 * Companies of the ConnectWise API: list, get, create (with the race fault), patch.
 */
export function registerConnectwiseCompanyRoutes(
  scope: FastifyInstance,
  state: ConnectwiseState,
  race: { times: number; fired: number }
): void {
  listed(scope, '/company/companies', () => state.companies, ['site', 'types', 'deletedFlag', 'parentCompany']);
  scope.get('/company/companies/:id', async (req, reply) => {
    const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
    return c ?? cwError(reply, 404, 'NotFound', 'Company not found');
  });
  scope.post('/company/companies', async (req, reply) => {
    const b = (req.body ?? {}) as { identifier?: string; name?: string; site?: { name: string } };
    const missing = (['identifier', 'name'] as const).filter((f) => !b[f]);
    if (missing.length) {
      return cwError(
        reply,
        400,
        'InvalidObject',
        'company object is invalid',
        missing.map((f) => ({ code: 'NullValue', message: `${f} may not be null.`, resource: 'company', field: f }))
      );
    }
    if (
      race.fired < race.times &&
      !state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())
    ) {
      race.fired++;
      state.addCompany(b.identifier!, b.name!, b.site);
    }
    if (state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
      return cwError(reply, 400, 'InvalidObject', 'company object is invalid', [
        { code: 'ObjectExists', message: 'Company ID already in use.', resource: 'company', field: 'identifier' },
      ]);
    }
    return reply.code(201).send(state.addCompany(b.identifier!, b.name!, b.site));
  });
  scope.patch('/company/companies/:id', async (req, reply) => {
    const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
    if (!c) return cwError(reply, 404, 'NotFound', 'Company not found');
    return applyPatch(reply, c as unknown as Record<string, unknown>, req.body, ['name']);
  });
}
