// @ts-nocheck
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

  persistState(
    app,
    stateFile,
    () => state.snapshot(),
    (s) => state.restore(s as ConnectwiseSnapshot)
  );
}
