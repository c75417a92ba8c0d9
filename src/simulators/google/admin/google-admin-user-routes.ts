import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { email, type GoogleAdminDeps } from './google-admin-common';

/**
 * Admin API: the vendor's service account (Google Cloud console) and the tenant's users (Admin console >
 * Directory > Users).
 */
export function registerGoogleAdminUserRoutes(api: AdminApi, { state, directory }: GoogleAdminDeps): void {
  api.operation(
    {
      method: 'POST',
      path: '/service-accounts',
      operationId: 'registerServiceAccount',
      summary: "Register a vendor's service account (its public key)",
      description:
        'The vendor, once, in Google Cloud console > IAM & Admin > Service accounts > Keys > Add key. Google keeps the public half; the vendor keeps the private key file. `npm start` registers the sandbox vendor itself.',
      body: z.object({
        clientId: z.string().regex(/^\d{10,30}$/),
        email,
        publicKeyPem: z.string().includes('PUBLIC KEY'),
      }),
      response: z.object({ clientId: z.string(), email: z.string() }),
      status: 201,
    },
    async ({ body }) => {
      state.addServiceAccount(body);
      return { clientId: body.clientId, email: body.email };
    }
  );

  api.operation(
    {
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create a user of the Workspace tenant',
      description:
        'The customer admin, Admin console > Directory > Users > Add new user. Seed 000 step 1 needs a super admin to sign in as; seed 003 adds users to the security group. Idempotent.',
      body: z.object({ email }),
      response: z.object({ email: z.string(), id: z.string() }),
      status: 201,
    },
    async ({ body }) => {
      state.addUser(body.email);
      return { email: body.email, id: directory.userId(body.email) };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/users/{email}',
      operationId: 'getUser',
      summary: 'Does this user exist?',
      description: 'Admin console > Directory > Users, search by email.',
      response: z.object({ email: z.string(), id: z.string() }),
      errors: { 404: 'No such user.' },
    },
    async ({ params }) => {
      const e = String(params.email).toLowerCase();
      if (!state.hasUser(e)) throw new AdminError(404, `no user ${e}`);
      return { email: e, id: directory.userId(e) };
    }
  );
}
