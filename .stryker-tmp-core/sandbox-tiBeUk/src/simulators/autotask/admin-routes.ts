// @ts-nocheck
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdminApi, AdminError, persistState } from '../admin-api';
import { SYSTEM_API_LEVEL, type AutotaskDatabase, type AutotaskSnapshot } from './state';

/**
 * The Autotask simulator's admin API: what an Autotask administrator does in the web UI, which Autotask's
 * REST API cannot do (API users are created in the UI only, vendor-apis.md B1): security levels (seed 001
 * §1, seed 004 "Webhooks einschalten"), new API users with their generated key and secret and the Integration
 * Vendor (seed 001 §2, seed 004), deactivating a user, and a technician changing a ticket (fires webhooks).
 * OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-autotask.json.
 */

/**
 * The Integration Vendor list of the API user form ("API Tracking Identifier"): each listed vendor has a
 * fixed tracking identifier, sent as the ApiIntegrationCode header. The codes are simulator values (a guess:
 * Autotask does not publish other vendors' codes).
 */
export const INTEGRATION_VENDORS: Record<string, string> = {
  'Office Protect - Alert Integration': 'OFFICEPROTECTALERT0000001',
  'Sophos Central - Security': 'SOPHOSCENTRALSECURITY0001',
  'Atera - PSA Integration': 'ATERAPSAINTEGRATION000001',
};

const ACTIONS = ['query', 'create', 'update', 'delete'] as const;
const permissions = z
  .record(z.string(), z.array(z.enum(ACTIONS)))
  .describe('Allowed actions per REST entity, e.g. {"Tickets": ["query","create","update"]}.');

const levelView = z.object({
  name: z.string(),
  permissions,
  restricted: permissions.optional(),
  webhooks: z.object({ enabled: z.boolean(), max: z.number().int() }),
});

const userView = z.object({
  username: z.string(),
  resourceId: z.number().int(),
  securityLevel: z.string(),
  integrationCode: z.string(),
  integrationVendor: z.string().optional(),
  active: z.boolean(),
  locked: z.boolean(),
  webhooksCreated: z.number().int(),
});

export interface AutotaskAdminDeps {
  db: AutotaskDatabase;
  setUserActive(username: string, active: boolean): Promise<void>;
  changeTicket(id: number | undefined, fields: Record<string, unknown>): number;
  /** Keep the database (levels, users, records, webhooks) in this JSON file across restarts. */
  stateFile?: string;
}

const vendorOf = (code: string) => Object.entries(INTEGRATION_VENDORS).find(([, c]) => c === code)?.[0];

export function registerAutotaskAdminRoutes(app: FastifyInstance, deps: AutotaskAdminDeps): void {
  const { db } = deps;
  const api = new AdminApi(app, {
    vendor: 'Autotask',
    title: 'Onramp Autotask PSA simulator: admin API',
    description:
      "Plays the Autotask administrator of the Autotask guides (seeds 001 and 004) against the simulator: what is done in Autotask's web UI because the REST API cannot do it. Not part of Autotask's API.",
  });
  const view = (u: ReturnType<AutotaskDatabase['addUser']>) => ({
    username: u.username,
    resourceId: u.resourceId,
    securityLevel: u.securityLevel,
    integrationCode: u.integrationCode,
    integrationVendor: vendorOf(u.integrationCode),
    active: u.active,
    locked: u.locked,
    webhooksCreated: u.webhooksCreated,
  });

  api.operation(
    {
      method: 'GET',
      path: '/integration-vendors',
      operationId: 'listIntegrationVendors',
      summary: 'The Integration Vendor list of the API user form',
      description:
        'New API User > API Tracking Identifier > Integration Vendor. Each vendor has a fixed tracking identifier (the ApiIntegrationCode header); it cannot be changed after the user is saved.',
      response: z.array(z.object({ name: z.string(), integrationCode: z.string() })),
    },
    async () => Object.entries(INTEGRATION_VENDORS).map(([name, integrationCode]) => ({ name, integrationCode }))
  );

  api.operation(
    {
      method: 'PUT',
      path: '/security-levels/{name}',
      operationId: 'putSecurityLevel',
      summary: 'Create or change a security level',
      description:
        'Admin > Account Settings & Users > Resources/Users (HR) > Security > Security Levels. Seed 001 §1: copy "API User (system) (API-only)", adjust permissions, keep Active. Seed 004: under Other, enable Webhooks and set the maximum number of webhooks the API user may create over its lifetime.',
      body: z.object({
        copyOf: z.string().default(SYSTEM_API_LEVEL.name).describe('The level to copy (default the system API level).'),
        permissions: permissions.optional().describe('Access All: entities listed here replace the copied actions.'),
        restricted: permissions
          .optional()
          .describe(
            'Access Restricted (e.g. Mine, or one line of business): wins over `permissions` for the same action.'
          ),
        webhooks: z.object({ enabled: z.boolean(), max: z.number().int().min(0).max(1000) }).optional(),
      }),
      response: levelView,
      errors: { 404: 'copyOf names no security level.' },
    },
    async ({ params, body }) => {
      const base = db.levels.get(body.copyOf);
      if (!base) throw new AdminError(404, `no security level "${body.copyOf}" to copy`);
      const level = {
        name: params.name!,
        permissions: { ...base.permissions, ...body.permissions },
        restricted: body.restricted ?? base.restricted,
        webhooks: body.webhooks ?? base.webhooks,
      };
      db.setLevel(level);
      return level;
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/security-levels',
      operationId: 'listSecurityLevels',
      summary: 'The security levels',
      description: 'Admin > Resources/Users (HR) > Security > Security Levels.',
      response: z.array(levelView),
    },
    async () => [...db.levels.values()]
  );

  api.operation(
    {
      method: 'POST',
      path: '/api-users',
      operationId: 'createApiUser',
      summary: 'New API User: generate the key (username) and secret, pick the security level and Integration Vendor',
      description:
        'Admin > Resources/Users > New > New API User (seed 001 §2, seed 004): Active checked, Locked unchecked, security level, Generate Key, Generate Secret, API Tracking Identifier. The secret appears in this answer only; Autotask never shows it again.',
      body: z
        .object({
          username: z.email().optional().describe('The key; generated when absent ("Generate Key").'),
          securityLevel: z.string().default(SYSTEM_API_LEVEL.name),
          integrationVendor: z.string().optional().describe('A name from GET /_admin/integration-vendors.'),
          integrationCode: z
            .string()
            .regex(/^[A-Za-z0-9]{10,40}$/)
            .optional()
            .describe('A custom tracking identifier ("Custom (Internal Integration)") instead of a listed vendor.'),
          active: z.boolean().default(true),
          locked: z.boolean().default(false),
        })
        .refine((b) => !!b.integrationVendor !== !!b.integrationCode, {
          message: 'give exactly one of integrationVendor (from the list) or integrationCode (custom)',
        }),
      response: userView.extend({ secret: z.string().describe('Shown once.') }),
      status: 201,
      errors: { 404: 'Unknown security level or integration vendor.', 409: 'The username is taken.' },
    },
    async ({ body }) => {
      if (!db.levels.has(body.securityLevel))
        throw new AdminError(
          404,
          `no security level "${body.securityLevel}": create it with PUT /_admin/security-levels/{name}`
        );
      const integrationCode = body.integrationCode ?? INTEGRATION_VENDORS[body.integrationVendor!];
      if (!integrationCode)
        throw new AdminError(
          404,
          `"${body.integrationVendor}" is not in the Integration Vendor list: one of ${Object.keys(INTEGRATION_VENDORS).join(', ')}`
        );
      const username = body.username ?? `${randomBytes(6).toString('hex')}@autotask-sandbox.example`;
      if (db.user(username)) throw new AdminError(409, `an API user ${username} exists already`);
      const secret = randomBytes(18).toString('base64url');
      const user = db.addUser({
        username,
        secret,
        integrationCode,
        securityLevel: body.securityLevel,
        active: body.active,
        locked: body.locked,
      });
      return { ...view(user), secret };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/api-users',
      operationId: 'listApiUsers',
      summary: 'The API users (secrets are never shown)',
      description: 'Admin > Resources/Users, filtered to API users.',
      response: z.array(userView),
    },
    async () => [...db.users.values()].map(view)
  );

  api.operation(
    {
      method: 'PATCH',
      path: '/api-users/{username}',
      operationId: 'updateApiUser',
      summary: 'Deactivate, reactivate, lock, unlock an API user, or change its security level',
      description:
        "Admin > Resources/Users > (the user) > Edit. Deactivating a resource deactivates the webhooks it created and calls their deactivation URLs (seed 004: the old user's webhook stops).",
      body: z.object({
        active: z.boolean().optional(),
        locked: z.boolean().optional(),
        securityLevel: z.string().optional(),
      }),
      response: userView,
      errors: { 404: 'No such API user or security level.' },
    },
    async ({ params, body }) => {
      const user = db.user(params.username);
      if (!user) throw new AdminError(404, `no API user ${params.username}`);
      if (body.securityLevel !== undefined) {
        if (!db.levels.has(body.securityLevel)) throw new AdminError(404, `no security level "${body.securityLevel}"`);
        user.securityLevel = body.securityLevel;
      }
      if (body.locked !== undefined) user.locked = body.locked;
      if (body.active !== undefined) await deps.setUserActive(user.username, body.active);
      return view(user);
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/webhooks',
      operationId: 'listWebhooks',
      summary: 'Every webhook of the database, with its owner, fields and excluded resources',
      description:
        'What an administrator can see of the webhooks API users created (secret keys are write-only and never shown).',
      response: z.array(
        z.object({
          id: z.number().int(),
          entity: z.string(),
          name: z.string(),
          owner: z.string().optional(),
          isActive: z.boolean(),
          isReady: z.boolean(),
          webhookUrl: z.string(),
          fields: z.array(z.number().int()),
          excludedResources: z.array(z.number().int()),
        })
      ),
    },
    async () =>
      [...db.webhooks.values()].map((h) => ({
        id: h.id,
        entity: h.entity,
        name: h.name,
        owner: db.ownerOf(h)?.username,
        isActive: h.isActive,
        isReady: db.isReady(h),
        webhookUrl: h.webhookUrl,
        fields: h.fields.map((f) => f.fieldID),
        excludedResources: h.excludedResources.map((e) => e.resourceID),
      }))
  );

  api.operation(
    {
      method: 'POST',
      path: '/tickets',
      operationId: 'changeTicket',
      summary: 'A technician creates or changes a ticket in the UI (webhooks fire)',
      description:
        'A human (not an API user) edits a ticket: active, ready Ticket webhooks subscribed to the event and to a changed field call out, signed with their secret key. Give `id` to change an existing ticket.',
      body: z.object({ id: z.number().int().positive().optional(), fields: z.record(z.string(), z.unknown()) }),
      response: z.object({ id: z.number().int() }),
      status: 201,
    },
    async ({ body }) => ({ id: deps.changeTicket(body.id, body.fields) })
  );

  persistState(
    app,
    deps.stateFile,
    () => db.snapshot(),
    (s) => db.restore(s as AutotaskSnapshot)
  );
}
