import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { SYSTEM_API_LEVEL, type AutotaskDatabase } from '../autotask-state';
import type { AutotaskAdminDeps } from './autotask-admin-common';

/**
 * The Integration Vendor list of the API user form ("API Tracking Identifier"): each listed vendor has a
 * fixed tracking identifier, sent as the ApiIntegrationCode header. "Only the vendor has the ID, and they pass
 * it with all API calls" (Autotask help, "The API tracking identifier"): the admin API never shows these codes;
 * the vendor's deployment (the sandbox process, a test playing the vendor's software) reads them here, in
 * process, through `vendorTrackingIdentifier`. The codes are simulator values (Autotask does not publish them).
 */
const INTEGRATION_VENDORS: Record<string, string> = {
  'Office Protect - Alert Integration': 'OFFICEPROTECTALERT0000001',
  'Sophos Central - Security': 'SOPHOSCENTRALSECURITY0001',
  'Atera - PSA Integration': 'ATERAPSAINTEGRATION000001',
};

/** What the vendor's own software holds: its tracking identifier (never served over HTTP). */
export function vendorTrackingIdentifier(integrationVendor: string): string | undefined {
  return INTEGRATION_VENDORS[integrationVendor];
}

/** The Integration Vendor list, by name: what the admin picks from. */
export const INTEGRATION_VENDOR_NAMES = Object.keys(INTEGRATION_VENDORS);

const CUSTOM = 'Custom (Internal Integration)';

const userView = z.object({
  username: z.string(),
  resourceId: z.number().int(),
  securityLevel: z.string(),
  integrationVendor: z.string().describe(`The Integration Vendor selected when the user was created, or "${CUSTOM}".`),
  integrationCode: z
    .string()
    .optional()
    .describe(
      "Custom (Internal Integration) only: the tracking identifier Autotask generated and displays. A listed vendor's code is never shown."
    ),
  active: z.boolean(),
  locked: z.boolean(),
  webhooksCreated: z.number().int(),
});

const vendorOf = (code: string) => Object.entries(INTEGRATION_VENDORS).find(([, c]) => c === code)?.[0];

/** How the admin sees a user's API Tracking Identifier section: the vendor's name, or the custom code. */
export function trackingView(code: string): { integrationVendor: string; integrationCode?: string } {
  const vendor = vendorOf(code);
  return vendor ? { integrationVendor: vendor } : { integrationVendor: CUSTOM, integrationCode: code };
}

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
    ...trackingView(u.integrationCode),
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
        'New API User > API Tracking Identifier > Integration Vendor. Each vendor has a fixed tracking identifier (the ApiIntegrationCode header) that only the vendor holds and sends: the list shows names only. The choice cannot be changed after the user is saved.',
      response: z.array(z.object({ name: z.string() })),
    },
    async () => INTEGRATION_VENDOR_NAMES.map((name) => ({ name }))
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
          integrationVendor: z
            .string()
            .optional()
            .describe(
              `A name from GET /_admin/integration-vendors, or "${CUSTOM}": Autotask then generates a tracking identifier and displays it.`
            ),
          active: z.boolean().default(true),
          locked: z.boolean().default(false),
        })
        .refine((b) => !!b.integrationVendor, {
          message: `select the API Tracking Identifier: integrationVendor, a name from GET /_admin/integration-vendors or "${CUSTOM}"`,
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
      const integrationCode =
        body.integrationVendor === CUSTOM
          ? randomBytes(15)
              .toString('base64url')
              .replace(/[^A-Za-z0-9]/g, 'X')
              .toUpperCase()
          : INTEGRATION_VENDORS[body.integrationVendor!];
      if (!integrationCode)
        throw new AdminError(
          404,
          `"${body.integrationVendor}" is not in the Integration Vendor list: one of ${[...INTEGRATION_VENDOR_NAMES, CUSTOM].join(', ')}`
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
