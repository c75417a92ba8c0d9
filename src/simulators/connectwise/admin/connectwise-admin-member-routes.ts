import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import type { ConnectwiseState } from '../connectwise-state';

const memberView = z.object({
  id: z.number().int(),
  identifier: z.string(),
  roleId: z.number().int(),
  roleName: z.string().optional(),
  publicKeys: z.array(z.object({ publicKey: z.string(), description: z.string() })),
});

/**
 * Admin API: API members and their key pairs (System > Members > API Members, seed 002 steps 1-8).
 */
export function registerConnectwiseAdminMemberRoutes(api: AdminApi, state: ConnectwiseState): void {
  const memberOut = (identifier: string) => {
    const m = state.members.get(identifier.toLowerCase())!;
    return {
      id: m.id,
      identifier: m.identifier,
      roleId: m.roleId,
      roleName: state.roles.get(m.roleId)?.name,
      publicKeys: m.keys.map((k) => ({ publicKey: k.publicKey, description: k.description })),
    };
  };
  api.operation(
    {
      method: 'POST',
      path: '/api-members',
      operationId: 'createApiMember',
      summary: 'Create an API member on a security role',
      description:
        'System > Members > API Members tab > + (seed 002 steps 1-3): member ID, name, the security role for this integration. Save.',
      body: z.object({
        identifier: z.string().regex(/^[A-Za-z0-9_.-]{1,30}$/, 'must be 1-30 letters, digits, . _ -'),
        roleId: z.number().int().positive(),
      }),
      response: memberView,
      status: 201,
      errors: { 404: 'No such security role.', 409: 'The member ID is taken.' },
    },
    async ({ body }) => {
      if (!state.roles.has(body.roleId)) throw new AdminError(404, `no security role ${body.roleId}`);
      if (state.members.has(body.identifier.toLowerCase()))
        throw new AdminError(409, `an API member ${body.identifier} exists already`);
      state.addMember(body.identifier, body.roleId);
      return memberOut(body.identifier);
    }
  );

  api.operation(
    {
      method: 'GET',
      path: '/api-members',
      operationId: 'listApiMembers',
      summary: 'The API members and their public keys (private keys cannot be shown again)',
      description: 'System > Members > API Members.',
      response: z.array(memberView),
    },
    async () => [...state.members.values()].map((m) => memberOut(m.identifier))
  );

  api.operation(
    {
      method: 'POST',
      path: '/api-members/{identifier}/api-keys',
      operationId: 'createApiKey',
      summary: 'Generate an API key pair: the private key is in this answer only',
      description:
        'System > Members > API Members > (the member) > API Keys > + (seed 002 steps 4-8): a description, Save (not Save and Close). ConnectWise shows the public and the private key; the private key is never shown again (the simulator keeps only its hash).',
      body: z.object({ description: z.string().max(100).default('') }),
      response: z.object({
        publicKey: z.string(),
        privateKey: z.string().describe('Shown once.'),
        description: z.string(),
      }),
      status: 201,
      errors: { 404: 'No such API member.' },
    },
    async ({ params, body }) => {
      if (!state.members.has(String(params.identifier).toLowerCase()))
        throw new AdminError(404, `no API member ${params.identifier}`);
      return { ...state.createApiKey(params.identifier!, body.description), description: body.description };
    }
  );

  api.operation(
    {
      method: 'DELETE',
      path: '/api-members/{identifier}/api-keys/{publicKey}',
      operationId: 'deleteApiKey',
      summary: 'Delete an API key pair: requests signed with it are refused from then on',
      description:
        'System > Members > API Members > (the member) > API Keys > (the key) > Delete (seed 002: keys are managed in that UI). What offboarding and key rotation ask the operator to do; Onramp then verifies the key is refused.',
      response: z.object({ removed: z.number().int().describe('1 when the key existed, 0 when it was already gone.') }),
      errors: { 404: 'No such API member.' },
    },
    async ({ params }) => {
      const m = state.members.get(String(params.identifier).toLowerCase());
      if (!m) throw new AdminError(404, `no API member ${params.identifier}`);
      const before = m.keys.length;
      // The simulator lower-cases request paths (ConnectWise routes ignore case), so the key is compared so too.
      const publicKey = String(params.publicKey).toLowerCase();
      m.keys = m.keys.filter((k) => k.publicKey.toLowerCase() !== publicKey);
      return { removed: before - m.keys.length };
    }
  );
}
