import type { FastifyInstance } from 'fastify';
import { AdminApi, persistState } from '../admin-api';
import { registerConnectwiseAdminBillingRoutes } from './admin/connectwise-admin-billing-routes';
import { registerConnectwiseAdminCompanyRoutes } from './admin/connectwise-admin-company-routes';
import { registerConnectwiseAdminMemberRoutes } from './admin/connectwise-admin-member-routes';
import { registerConnectwiseAdminRoleRoutes } from './admin/connectwise-admin-role-routes';
import { registerConnectwiseAdminSnapshot } from './admin/connectwise-admin-snapshot';
import type { ConnectwiseSnapshot, ConnectwiseState } from './connectwise-state';

/**
 * The ConnectWise simulator's admin API: what the partner's ConnectWise administrator does in the Manage
 * UI (seed 002): a security role with the seed's permissions (System > Security Roles), an API member
 * (System > Members > API Members > +), and its API key pair (API Keys > +), whose private key is shown in
 * that one answer only. OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-connectwise.json.
 */
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
  registerConnectwiseAdminCompanyRoutes(api, state);
  registerConnectwiseAdminRoleRoutes(api, state);
  registerConnectwiseAdminMemberRoutes(api, state);
  registerConnectwiseAdminBillingRoutes(api, state);
  registerConnectwiseAdminSnapshot(api, state);

  persistState(
    app,
    stateFile,
    () => state.snapshot(),
    (s) => state.restore(s as ConnectwiseSnapshot)
  );
}
