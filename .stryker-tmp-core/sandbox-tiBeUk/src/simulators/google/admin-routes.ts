// @ts-nocheck
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdminApi, AdminError } from '../admin-api';
import { DISCUSSION_LABEL, SECURITY_LABEL, type DirectoryState } from './directory-state';
import type { GoogleTenantState } from './state';

/**
 * The Google simulator's admin API: what the customer's Workspace super admin does in the Admin console
 * (seed 000: Security > API controls > Domain-wide delegation > Add new > Authorize; users; org units), and
 * what the vendor does once in Google Cloud (create the service account whose public key Google keeps).
 * OpenAPI: GET /_admin/openapi.json, docs/simulator-admin-openapi-google.json.
 */
const email = z.email().transform((s) => s.toLowerCase());
const scopeUrl = z.string().regex(/^https:\/\/\S+$/, 'must be an OAuth scope URL such as https://mail.google.com/');

const grantView = z.object({
  clientId: z.string(),
  domain: z.string().optional(),
  scopes: z.array(z.string()),
  visibleAt: z.string().optional().describe('When token requests start to honour this grant (propagation).'),
});

export interface GoogleAdminDeps {
  state: GoogleTenantState;
  directory: DirectoryState;
}

export function registerGoogleAdminRoutes(app: FastifyInstance, { state, directory }: GoogleAdminDeps): void {
  const api = new AdminApi(app, {
    vendor: 'Google',
    title: 'Onramp Google Workspace simulator: admin API',
    description:
      "Plays the humans of the Google guides (seeds 000 and 003) against the simulator: the customer's super admin in the Admin console, and the vendor registering its service account. Not part of Google's APIs.",
  });

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
        scopes: z.array(scopeUrl),
        propagationDelayMs: z.number().int().min(0).optional().describe('Override the simulated propagation delay.'),
      }),
      response: grantView,
    },
    async ({ params, body }) => {
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

  api.operation(
    {
      method: 'GET',
      path: '/customer',
      operationId: 'getCustomer',
      summary: 'The Workspace customer ID and its organizational units',
      description:
        'Admin console > Account > Account settings > Customer ID (seed 003: "Find your customer ID"), and Directory > Organizational units.',
      response: z.object({
        customerId: z.string(),
        orgUnits: z.array(z.object({ orgUnitPath: z.string(), orgUnitId: z.string() })),
      }),
    },
    async () => ({
      customerId: directory.customerId,
      orgUnits: [...directory.orgUnits].map(([orgUnitPath, id]) => ({ orgUnitPath, orgUnitId: `id:${id}` })),
    })
  );

  api.operation(
    {
      method: 'POST',
      path: '/org-units',
      operationId: 'createOrgUnit',
      summary: 'Create an organizational unit',
      description: 'Admin console > Directory > Organizational units > Create organizational unit. Idempotent.',
      body: z.object({ orgUnitPath: z.string().regex(/^\/[^/].*$/, 'must be a path such as /Students') }),
      response: z.object({ orgUnitPath: z.string(), orgUnitId: z.string() }),
      status: 201,
    },
    async ({ body }) => ({
      orgUnitPath: body.orgUnitPath,
      orgUnitId: `id:${directory.orgUnits.get(body.orgUnitPath) ?? directory.addOrgUnit(body.orgUnitPath)}`,
    })
  );

  api.operation(
    {
      method: 'GET',
      path: '/role-assignments',
      operationId: 'listRoleAssignments',
      summary: 'Custom admin roles and their assignments, as Admin console > Account > Admin roles shows them',
      description: 'What the customer admin sees after seed 003 ran: each role, who holds it, in which org unit.',
      response: z.array(
        z.object({
          roleName: z.string(),
          assignedTo: z.string(),
          assigneeType: z.string(),
          scopeType: z.string(),
          orgUnitPath: z.string().optional(),
        })
      ),
    },
    async () => {
      const paths = new Map([...directory.orgUnits].map(([p, id]) => [id, p]));
      const groups = new Map([...directory.groups.values()].map((g) => [g.id, g.email]));
      return [...directory.assignments.values()].map((a) => ({
        roleName: directory.roles.get(a.roleId)?.roleName ?? a.roleId,
        assignedTo: groups.get(a.assignedTo) ?? a.assignedTo,
        assigneeType: a.assigneeType,
        scopeType: a.scopeType,
        orgUnitPath: a.orgUnitId ? paths.get(a.orgUnitId.replace(/^id:/, '')) : undefined,
      }));
    }
  );

  api.operation(
    {
      method: 'POST',
      path: '/groups',
      operationId: 'createGroup',
      summary: 'Create a security group with members (users or nested groups)',
      description:
        'The customer admin, Admin console > Directory > Groups > Create group (access type: security), then Add members. Seed 003 assumes groups may already exist and nest: a nested group is added as a member of type GROUP. Idempotent on the email; members are added when missing. Refuses a member that would close a membership cycle, as Google does.',
      body: z.object({
        email,
        displayName: z.string().min(1).optional(),
        members: z.array(z.object({ email, type: z.enum(['USER', 'GROUP']).default('USER') })).default([]),
      }),
      response: z.object({ email: z.string(), id: z.string(), members: z.array(z.string()) }),
      status: 201,
      errors: { 404: 'A member that is neither a user nor a group.', 412: 'Cyclic memberships not allowed.' },
    },
    async ({ body }) => {
      const g =
        directory.groupByKey(body.email, true) ??
        directory.createGroup(
          body.email,
          body.displayName ?? body.email,
          '',
          {
            [SECURITY_LABEL]: '',
            [DISCUSSION_LABEL]: '',
          },
          false
        );
      for (const m of body.members) {
        if (directory.members.get(g.id)!.has(m.email)) continue;
        if (m.type === 'GROUP') {
          const child = directory.groupByKey(m.email, true);
          if (!child) throw new AdminError(404, `no group ${m.email}: create it first`);
          if (directory.wouldCycle(g.id, child.id)) throw new AdminError(412, 'Cyclic memberships not allowed');
          directory.addMember(g.id, m.email, 'MEMBER', 'GROUP', child.id, false);
        } else {
          if (!state.hasUser(m.email)) throw new AdminError(404, `no user ${m.email}: create it first`);
          directory.addMember(g.id, m.email, 'MEMBER', 'USER', directory.userId(m.email), false);
        }
      }
      return { email: g.email, id: g.id, members: [...directory.members.get(g.id)!.keys()] };
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/directory-writes',
      operationId: 'getDirectoryWrites',
      summary: 'Writes the Directory and Cloud Identity APIs performed, by kind',
      description:
        "Like Admin console > Reporting > Audit and investigation > Admin log events, counted: every change an API caller made (group.create, member.insert, role.insert, assignment.insert, and their deletes). The admin API's own changes are not counted. Lets a test prove that nothing was written.",
      response: z.record(z.string(), z.number()),
    },
    async () => Object.fromEntries(directory.writes)
  );

  // What the admin changes is kept like what the API changes (DirectoryState's own file, if it has one).
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET' && req.url.startsWith('/_admin/')) directory.save();
  });
}
