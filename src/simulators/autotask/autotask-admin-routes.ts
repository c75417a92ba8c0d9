import type { FastifyInstance } from 'fastify';
import { AdminApi, persistState } from '../admin-api';
import type { AutotaskAdminDeps } from './admin/autotask-admin-common';
import { registerAutotaskAdminLevelRoutes } from './admin/autotask-admin-level-routes';
import { registerAutotaskAdminSnapshot } from './admin/autotask-admin-snapshot';
import { registerAutotaskAdminUserRoutes } from './admin/autotask-admin-user-routes';
import { registerAutotaskAdminWebhookRoutes } from './admin/autotask-admin-webhook-routes';
import type { AutotaskSnapshot } from './autotask-state';

export type { AutotaskAdminDeps } from './admin/autotask-admin-common';
export { INTEGRATION_VENDOR_NAMES, vendorTrackingIdentifier } from './admin/autotask-admin-user-routes';

/**
 * The Autotask simulator's admin API: what an Autotask administrator does in the web UI, which Autotask's
 * REST API cannot do (API users are created in the UI only, vendor-apis.md B1): security levels (seed 001
 * §1, seed 004 "Webhooks einschalten"), new API users with their generated key and secret and the Integration
 * Vendor (seed 001 §2, seed 004), deactivating a user, and a technician changing a ticket (fires webhooks).
 * OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-autotask.json.
 */
export function registerAutotaskAdminRoutes(app: FastifyInstance, deps: AutotaskAdminDeps): void {
  const { db } = deps;
  const api = new AdminApi(app, {
    vendor: 'Autotask',
    title: 'Onramp Autotask PSA simulator: admin API',
    description:
      "Plays the Autotask administrator of the Autotask guides (seeds 001 and 004) against the simulator: what is done in Autotask's web UI because the REST API cannot do it. Not part of Autotask's API.",
  });
  registerAutotaskAdminUserRoutes(api, deps);
  registerAutotaskAdminLevelRoutes(api, deps);
  registerAutotaskAdminWebhookRoutes(api, deps);
  registerAutotaskAdminSnapshot(api, deps);

  persistState(
    app,
    deps.stateFile,
    () => db.snapshot(),
    (s) => db.restore(s as AutotaskSnapshot)
  );
}
