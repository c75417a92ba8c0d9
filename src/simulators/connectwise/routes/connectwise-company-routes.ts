import type { FastifyInstance } from 'fastify';
import { applyPatch, cwError, listed, refuseWrongTypes, type CwJsonType } from '../connectwise-api-helpers';
import { COMPANY_ADDRESS_FIELDS, type CompanyAddress, type ConnectwiseState } from '../connectwise-state';

/** The text of the OpenAPI Company schema's address fields (connectwise-rest `ManageTypes.ts`, model 2022.1). */
export const COMPANY_ADDRESS_REQUIRED =
  'At least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country';

/** The JSON type of each Company field Onramp (or a client) sends on create, as the OpenAPI Company schema has it. */
const COMPANY_FIELD_TYPES: Record<string, CwJsonType> = {
  identifier: 'string',
  name: 'string',
  site: 'object',
  addressLine1: 'string',
  addressLine2: 'string',
  city: 'string',
  state: 'string',
  zip: 'string',
  country: 'object',
  phoneNumber: 'string',
  website: 'string',
  status: 'object',
  types: 'object',
};

type CompanyBody = { identifier?: string; name?: string; site?: { name: string } } & CompanyAddress;

/** The address fields given (non-blank), or undefined when there is none. */
function addressOf(b: CompanyBody): CompanyAddress | undefined {
  const out: CompanyAddress = {};
  for (const f of COMPANY_ADDRESS_FIELDS) {
    const v = b[f];
    if (f === 'country' ? v && typeof v === 'object' && Object.keys(v).length > 0 : typeof v === 'string' && v.trim())
      (out as Record<string, unknown>)[f] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

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
    if (refuseWrongTypes(reply, req.body, 'company', COMPANY_FIELD_TYPES)) return reply;
    const b = (req.body ?? {}) as CompanyBody;
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
    // OpenAPI Company: "At least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country".
    const address = addressOf(b);
    if (!address) {
      return cwError(reply, 400, 'InvalidObject', 'company object is invalid', [
        { code: 'NullValue', message: COMPANY_ADDRESS_REQUIRED, resource: 'company', field: 'addressLine1' },
      ]);
    }
    if (
      race.fired < race.times &&
      !state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())
    ) {
      race.fired++;
      state.addCompany(b.identifier!, b.name!, b.site, address);
    }
    if (state.companies.some((c) => c.identifier.toLowerCase() === b.identifier!.toLowerCase())) {
      return cwError(reply, 400, 'InvalidObject', 'company object is invalid', [
        { code: 'ObjectExists', message: 'Company ID already in use.', resource: 'company', field: 'identifier' },
      ]);
    }
    return reply.code(201).send(state.addCompany(b.identifier!, b.name!, b.site, address));
  });
  scope.patch('/company/companies/:id', async (req, reply) => {
    const c = state.companies.find((x) => x.id === Number((req.params as { id: string }).id));
    if (!c) return cwError(reply, 404, 'NotFound', 'Company not found');
    const patch = req.body;
    // The value of a `name` replace is deserialised like the field itself: a string.
    if (Array.isArray(patch))
      for (const p of patch as { path?: unknown; value?: unknown }[])
        if (typeof p?.path === 'string' && p.path.replace(/^\//, '') === 'name')
          if (refuseWrongTypes(reply, { name: p.value }, 'company', { name: 'string' })) return reply;
    return applyPatch(reply, c as unknown as Record<string, unknown>, patch, ['name']);
  });
}
