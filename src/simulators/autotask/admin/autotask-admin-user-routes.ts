import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { SYSTEM_API_LEVEL, type AutotaskDatabase } from '../autotask-state';
import type { AutotaskAdminDeps } from './autotask-admin-common';

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

const vendorOf = (code: string) => Object.entries(INTEGRATION_VENDORS).find(([, c]) => c === code)?.[0];

/**
 * Admin API: API users (Admin > Resources/Users > New API User; seed 001 §2, seed 004) and the Integration Vendor
 * list of their form.
 */
export function registerAutotaskAdminUserRoutes(api: AdminApi, deps: AutotaskAdminDeps): void {
  const { db } = deps;
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
}
