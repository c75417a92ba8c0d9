import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import type { GoogleAdminDeps } from './google-admin-common';

const scopeUrl = z.string().regex(/^https:\/\/\S+$/, 'must be an OAuth scope URL such as https://mail.google.com/');

const grantView = z.object({
  clientId: z.string(),
  domain: z.string().optional(),
  scopes: z.array(z.string()),
  visibleAt: z.string().optional().describe('When token requests start to honour this grant (propagation).'),
});

/**
 * Admin API: domain-wide delegation (Admin console > Security > API controls), seed 000 steps 2-6.
 */
export function registerGoogleAdminDelegationRoutes(api: AdminApi, { state }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'PUT',
      path: '/domain-wide-delegation/{clientId}',
      operationId: 'authorizeClient',
      summary: 'Authorize a client ID for domain-wide delegation (replace its scopes)',
      description:
        "The customer's super admin, seed 000 steps 2-6: Security > Access and data control > API controls > Manage domain-wide delegation > Add new (or edit), Client ID, OAuth scopes (comma-delimited), Authorize. Replaces the client's scope list for the tenant of `domain`; token requests see it after the propagation delay (Google: minutes, up to 24 h). An empty list revokes.",
      body: z.object({
        domain: z.string().min(3).describe("The customer's primary domain: each tenant has its own delegation list."),
        signedInAs: z
          .string()
          .optional()
          .describe(
            'The admin signed in to the Admin console (seed 000 step 1). Only a super admin may manage domain-wide delegation: a delegated admin or plain user is refused (403).'
          ),
        scopes: z.array(scopeUrl),
        propagationDelayMs: z.number().int().min(0).optional().describe('Override the simulated propagation delay.'),
      }),
      response: grantView,
    },
    async ({ params, body }) => {
      if (body.signedInAs !== undefined) {
        const who = body.signedInAs.toLowerCase();
        if (!state.hasUser(who)) throw new AdminError(404, `no user ${who}`);
        if (state.userRole(who) !== 'superAdmin') {
          throw new AdminError(
            403,
            `${who} is a ${state.userRole(who) === 'delegatedAdmin' ? 'delegated admin' : 'user without admin roles'}: only a super admin can authorize domain-wide delegation. Sign in as a super admin (seed 000 step 1).`
          );
        }
      }
      state.setGrant(params.clientId!, body.scopes, body.propagationDelayMs, body.domain);
      return {
        clientId: params.clientId!,
        domain: body.domain,
        ...state.configuredGrant(params.clientId!, body.domain),
      };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/domain-wide-delegation/{clientId}',
      operationId: 'getClientAuthorization',
      summary: 'The scopes authorized for a client ID, as the Admin console lists them',
      description: 'Security > API controls > Manage domain-wide delegation: the row of this client ID.',
      query: z.object({ domain: z.string().optional() }),
      response: grantView,
    },
    async ({ params, query }) => ({
      clientId: params.clientId!,
      domain: query.domain,
      ...state.configuredGrant(params.clientId!, query.domain),
    })
  );
}
