import type { FastifyInstance } from 'fastify';
import { AdminApi } from '../admin-api';
import type { GoogleAdminDeps } from './admin/google-admin-common';
import { registerGoogleAdminDelegationRoutes } from './admin/google-admin-delegation-routes';
import { registerGoogleAdminGroupRoutes } from './admin/google-admin-group-routes';
import { registerGoogleAdminOrgUnitRoutes } from './admin/google-admin-org-unit-routes';
import { registerGoogleAdminRoleAssignmentRoutes } from './admin/google-admin-role-assignment-routes';
import { registerGoogleAdminSnapshot } from './admin/google-admin-snapshot';
import { registerGoogleAdminUserRoutes } from './admin/google-admin-user-routes';

/**
 * The Google simulator's admin API: what the customer's Workspace super admin does in the Admin console
 * (seed 000: Security > API controls > Domain-wide delegation > Add new > Authorize; users; org units), and
 * what the vendor does once in Google Cloud (create the service account whose public key Google keeps).
 * OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-google.json.
 */
export function registerGoogleAdminRoutes(app: FastifyInstance, deps: GoogleAdminDeps): void {
  const api = new AdminApi(app, {
    vendor: 'Google',
    title: 'Onramp Google Workspace simulator: admin API',
    description:
      "Plays the humans of the Google guides (seeds 000 and 003) against the simulator: the customer's super admin in the Admin console, and the vendor registering its service account. Not part of Google's APIs.",
  });
  registerGoogleAdminUserRoutes(api, deps);
  registerGoogleAdminDelegationRoutes(api, deps);
  registerGoogleAdminOrgUnitRoutes(api, deps);
  registerGoogleAdminRoleAssignmentRoutes(api, deps);
  registerGoogleAdminSnapshot(api, deps);
  registerGoogleAdminGroupRoutes(api, deps);

  // What the admin changes is kept like what the API changes (DirectoryState's own file, if it has one).
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET' && req.url.startsWith('/_admin/')) deps.directory.save();
  });
}
