import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdminApi, AdminError, persistState } from '../admin-api';
import { ALL_AREAS, type AreaLevels, type ConnectwiseSnapshot, type ConnectwiseState } from './state';

/**
 * The ConnectWise simulator's admin API: what the partner's ConnectWise administrator does in the Manage
 * UI (seed 002): a security role with the seed's permissions (System > Security Roles), an API member
 * (System > Members > API Members > +), and its API key pair (API Keys > +), whose private key is shown in
 * that one answer only. OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-connectwise.json.
 */
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

const roleView = z.object({
  id: z.number().int(),
  name: z.string(),
  settings: z.record(
    z.string(),
    z.object({ add: z.string(), edit: z.string(), inquire: z.string(), delete: z.string() })
  ),
});
const memberView = z.object({
  id: z.number().int(),
  identifier: z.string(),
  roleId: z.number().int(),
  roleName: z.string().optional(),
  publicKeys: z.array(z.object({ publicKey: z.string(), description: z.string() })),
});

export interface ConnectwiseAdminDeps {
  state: ConnectwiseState;
  /** Keep roles, API members (private key hashes only) and the API's records in this JSON file. */
  stateFile?: string;
}

export function registerConnectwiseAdminRoutes(app: FastifyInstance, { state, stateFile }: ConnectwiseAdminDeps): void {
  const api = new AdminApi(app, {
    vendor: 'ConnectWise',
    title: 'Onramp ConnectWise PSA simulator: admin API',
    description:
      "Plays the partner's ConnectWise administrator of seed 002 against the simulator: security role, API member, API key pair. Not part of ConnectWise's API.",
  });
  const roleOut = (id: number) => {
    const r = state.roles.get(id)!;
    return { id: r.id, name: r.name, settings: Object.fromEntries(r.settings) as Record<string, AreaLevels> };
  };
  const memberOut = (identifier: string) => {
    const m = state.members.get(identifier.toLowerCase())!;
    return {
      id: m.id,
      identifier: m.identifier,
      roleId: m.roleId,
      roleName: state.roles.get(m.roleId)?.name,
      publicKeys: m.keys.map((k) => ({ publicKey: k.publicKey, description: k.description })),
    };
  };
  const unknownAreas = (s: Record<string, unknown>) =>
    Object.keys(s).filter((a) => !(ALL_AREAS as readonly string[]).includes(a));

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

  api.operation(
    {
      method: 'POST',
      path: '/security-roles',
      operationId: 'createSecurityRole',
      summary: 'Create a security role with its permission levels',
      description:
        'System > Security Roles > + (seed 002 step 9): per module and area, Add / Edit / Delete / Inquire level. The seed asks for Companies > Company Maintenance inquire All; Finance > Agreements, Procurement > Product Catalog, System > Table Setup and Service Desk > Service Tickets add/edit/inquire All; System > Member Maintenance and API Reports inquire All.',
      body: z.object({ name: z.string().min(1).max(30), settings }),
      response: roleView,
      status: 201,
      errors: { 400: 'An unknown area.' },
    },
    async ({ body }) => {
      const bad = unknownAreas(body.settings);
      if (bad.length) throw new AdminError(400, `unknown area(s) ${bad.join(', ')}: one of ${ALL_AREAS.join(', ')}`);
      const ids = [...state.roles.keys()];
      const existing = [...state.roles.values()].find((r) => r.name.toLowerCase() === body.name.toLowerCase());
      const id = existing?.id ?? Math.max(0, ...ids) + 1;
      state.setRole(id, body.name, body.settings);
      return roleOut(id);
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
      body: z.object({ name: z.string().min(1).max(30), settings }),
      response: roleView,
      errors: { 400: 'An unknown area or id.' },
    },
    async ({ params, body }) => {
      const id = Number(params.id);
      if (!Number.isInteger(id) || id < 1) throw new AdminError(400, `role id ${params.id} is not a positive number`);
      const bad = unknownAreas(body.settings);
      if (bad.length) throw new AdminError(400, `unknown area(s) ${bad.join(', ')}: one of ${ALL_AREAS.join(', ')}`);
      state.setRole(id, body.name, body.settings);
      return roleOut(id);
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

  api.operation(
    {
      method: 'POST',
      path: '/api-members',
      operationId: 'createApiMember',
      summary: 'Create an API member on a security role',
      description:
        'System > Members > API Members tab > + (seed 002 steps 1-3): member ID, name, the security role for this integration. Save.',
      body: z.object({
        identifier: z.string().regex(/^[A-Za-z0-9_.-]{1,30}$/, 'must be 1-30 letters, digits, . _ -'),
        roleId: z.number().int().positive(),
      }),
      response: memberView,
      status: 201,
      errors: { 404: 'No such security role.', 409: 'The member ID is taken.' },
    },
    async ({ body }) => {
      if (!state.roles.has(body.roleId)) throw new AdminError(404, `no security role ${body.roleId}`);
      if (state.members.has(body.identifier.toLowerCase()))
        throw new AdminError(409, `an API member ${body.identifier} exists already`);
      state.addMember(body.identifier, body.roleId);
      return memberOut(body.identifier);
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/api-members',
      operationId: 'listApiMembers',
      summary: 'The API members and their public keys (private keys cannot be shown again)',
      description: 'System > Members > API Members.',
      response: z.array(memberView),
    },
    async () => [...state.members.values()].map((m) => memberOut(m.identifier))
  );

  api.operation(
    {
      method: 'POST',
      path: '/api-members/{identifier}/api-keys',
      operationId: 'createApiKey',
      summary: 'Generate an API key pair: the private key is in this answer only',
      description:
        'System > Members > API Members > (the member) > API Keys > + (seed 002 steps 4-8): a description, Save (not Save and Close). ConnectWise shows the public and the private key; the private key is never shown again (the simulator keeps only its hash).',
      body: z.object({ description: z.string().max(100).default('') }),
      response: z.object({
        publicKey: z.string(),
        privateKey: z.string().describe('Shown once.'),
        description: z.string(),
      }),
      status: 201,
      errors: { 404: 'No such API member.' },
    },
    async ({ params, body }) => {
      if (!state.members.has(String(params.identifier).toLowerCase()))
        throw new AdminError(404, `no API member ${params.identifier}`);
      return { ...state.createApiKey(params.identifier!, body.description), description: body.description };
    }
  );

  api.operation(
    {
      method: 'DELETE',
      path: '/api-members/{identifier}/api-keys/{publicKey}',
      operationId: 'deleteApiKey',
      summary: 'Delete an API key pair: requests signed with it are refused from then on',
      description:
        'System > Members > API Members > (the member) > API Keys > (the key) > Delete (seed 002: keys are managed in that UI). What offboarding and key rotation ask the operator to do; Onramp then verifies the key is refused.',
      response: z.object({ removed: z.number().int().describe('1 when the key existed, 0 when it was already gone.') }),
      errors: { 404: 'No such API member.' },
    },
    async ({ params }) => {
      const m = state.members.get(String(params.identifier).toLowerCase());
      if (!m) throw new AdminError(404, `no API member ${params.identifier}`);
      const before = m.keys.length;
      // The simulator lower-cases request paths (ConnectWise routes ignore case), so the key is compared so too.
      const publicKey = String(params.publicKey).toLowerCase();
      m.keys = m.keys.filter((k) => k.publicKey.toLowerCase() !== publicKey);
      return { removed: before - m.keys.length };
    }
  );

  /** The billing objects a human deletes in the Manage UI, as the API's deletes do (agreement-routes.ts). */
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

  api.operation(
    {
      method: 'GET',
      path: '/snapshot',
      operationId: 'getSnapshot',
      summary: 'The whole site as its administrator sees it, without secrets or audit records',
      description:
        "Onramp's sandbox (not ConnectWise): security roles with their levels per area, API members with their public keys (private keys are never kept), companies, agreements with their additions, catalog items, keyed by what a human reads. Leaves out audit records (`_info` last-updated stamps, generated-ID counters) so that two snapshots compare equal when the site is configured the same: `onramp sandbox snapshot` and `onramp sandbox compare`.",
      response: z.object({
        securityRoles: z.record(z.string(), roleView.shape.settings),
        apiMembers: z.record(
          z.string(),
          z.object({ role: z.string(), keys: z.record(z.string(), z.string()).describe('public key → description') })
        ),
        companies: z.record(
          z.string(),
          z.object({ id: z.number().int(), identifier: z.string(), name: z.string(), status: z.string() })
        ),
        agreements: z.record(
          z.string(),
          z.object({
            id: z.number().int(),
            company: z.string(),
            name: z.string(),
            type: z.string(),
            cancelled: z.boolean(),
            additions: z.record(
              z.string(),
              z.object({ id: z.number().int(), product: z.string(), quantity: z.number(), billCustomer: z.string() })
            ),
          })
        ),
        catalogItems: z.record(
          z.string(),
          z.object({
            id: z.number().int(),
            identifier: z.string(),
            description: z.string(),
            price: z.number(),
            inactive: z.boolean(),
          })
        ),
      }),
    },
    async () => {
      const sorted = <T>(entries: [string, T][]) => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
      return {
        securityRoles: sorted(
          [...state.roles.values()].map((r) => [
            `${r.name} (${r.id})`,
            sorted([...r.settings].map(([area, l]) => [area, { ...l }])),
          ])
        ),
        apiMembers: sorted(
          [...state.members.values()].map((m) => [
            m.identifier,
            {
              role: `${state.roles.get(m.roleId)?.name ?? '?'} (${m.roleId})`,
              keys: sorted(m.keys.map((k) => [k.publicKey, k.description])),
            },
          ])
        ),
        companies: sorted(
          state.companies.map((c) => [
            `${c.identifier} (${c.id})`,
            { id: c.id, identifier: c.identifier, name: c.name, status: c.status.name },
          ])
        ),
        agreements: sorted(
          state.agreements.map((a) => [
            `${a.company.identifier} "${a.name}" (${a.id})`,
            {
              id: a.id,
              company: a.company.identifier,
              name: a.name,
              type: a.type.name,
              cancelled: a.cancelledFlag,
              additions: sorted(
                state.additions
                  .filter((x) => x.agreementId === a.id)
                  .map((x) => [
                    `${x.product.identifier} (${x.id})`,
                    { id: x.id, product: x.product.identifier, quantity: x.quantity, billCustomer: x.billCustomer },
                  ])
              ),
            },
          ])
        ),
        catalogItems: sorted(
          state.catalog.map((c) => [
            `${c.identifier} (${c.id})`,
            {
              id: c.id,
              identifier: c.identifier,
              description: c.description,
              price: c.price,
              inactive: c.inactiveFlag,
            },
          ])
        ),
      };
    }
  );

  persistState(
    app,
    stateFile,
    () => state.snapshot(),
    (s) => state.restore(s as ConnectwiseSnapshot)
  );
}
