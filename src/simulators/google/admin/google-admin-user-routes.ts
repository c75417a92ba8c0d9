import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import { email, type GoogleAdminDeps } from './google-admin-common';
import { GOOGLE_SERVICES } from '../google-state';

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
        projectNumber: z
          .string()
          .regex(/^\d{6,20}$/)
          .optional(),
      }),
      response: z.object({ clientId: z.string(), email: z.string(), projectNumber: z.string() }),
      status: 201,
    },
    async ({ body }) => {
      state.addServiceAccount(body);
      return { clientId: body.clientId, email: body.email, projectNumber: state.projectNumberOf(body) };
    }
  );

  api.operation(
    {
      method: 'PUT',
      path: '/projects/{projectNumber}/services/{service}',
      operationId: 'setServiceEnabled',
      summary: "Enable or disable a Google API in a service account's project",
      description:
        "The vendor, Google Cloud console > APIs & Services > Enabled APIs & services (Enable / Disable API). A call through a service account of a project where the API is disabled answers 403 PERMISSION_DENIED with ErrorInfo reason SERVICE_DISABLED. Services: cloudidentity.googleapis.com, admin.googleapis.com. The project number is in registerServiceAccount's answer.",
      body: z.object({ enabled: z.boolean() }),
      response: z.object({ projectNumber: z.string(), service: z.string(), enabled: z.boolean() }),
    },
    async ({ params, body }) => {
      const service = String(params.service);
      if (!(service in GOOGLE_SERVICES))
        throw new AdminError(400, `unknown service ${service}: one of ${Object.keys(GOOGLE_SERVICES).join(', ')}`);
      state.setServiceEnabled(String(params.projectNumber), service, body.enabled);
      return { projectNumber: String(params.projectNumber), service, enabled: body.enabled };
    }
  );

  api.operation(
    {
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create a user of the Workspace tenant',
      description:
        "The customer admin, Admin console > Directory > Users > Add new user (and Admin roles for `role`). Seed 000 step 1 needs a super admin to sign in as; seed 003 adds users to the security group. Without `role`, an existing user keeps theirs and a new one is a super admin when its address starts with `admin@`, else a plain user. The user's domain is a Workspace customer of its own (customer ID in the answer). Idempotent.",
      body: z.object({
        email,
        role: z.enum(['superAdmin', 'delegatedAdmin', 'user']).optional(),
        /** Admin console > Directory > Users > Change organizational unit (default: the root, "/"). */
        orgUnitPath: z
          .string()
          .regex(/^\/([^/].*[^/]|[^/])?$/)
          .optional(),
      }),
      response: z.object({ email: z.string(), id: z.string(), role: z.string(), customerId: z.string() }),
      status: 201,
    },
    async ({ body }) => {
      state.addUser(body.email, body.role, body.orgUnitPath);
      return {
        email: body.email,
        id: directory.userId(body.email),
        role: state.userRole(body.email),
        customerId: state.customerOfUser(body.email),
      };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/users/{email}',
      operationId: 'getUser',
      summary: 'Does this user exist?',
      description: 'Admin console > Directory > Users, search by email.',
      response: z.object({ email: z.string(), id: z.string(), role: z.string(), customerId: z.string() }),
      errors: { 404: 'No such user.' },
    },
    async ({ params }) => {
      const e = String(params.email).toLowerCase();
      if (!state.hasUser(e)) throw new AdminError(404, `no user ${e}`);
      return { email: e, id: directory.userId(e), role: state.userRole(e), customerId: state.customerOfUser(e) };
    }
  );
}
