import type { FastifyInstance } from 'fastify';
import { count, cwError, info, list, listed } from '../connectwise-api-helpers';
import { ALL_AREAS, moduleOf, type ConnectwiseState, type SimMember } from '../connectwise-state';

/**
 * The System module of the ConnectWise API (info, members and their tokens, security roles and their
 * settings, reports) and the small lists the onboarding reads (company types, service tickets).
 */
export function registerConnectwiseSystemRoutes(scope: FastifyInstance, state: ConnectwiseState): void {
  scope.get('/system/info', async () => ({
    version: state.versionNumber,
    isCloud: state.isCloud,
    serverTimeZone: 'Eastern Standard Time',
    licenseBits: [],
    ...(state.isCloud ? { cloudRegion: 'NA' } : {}),
  }));

  const memberJson = (m: SimMember) => ({
    id: m.id,
    identifier: m.identifier,
    firstName: m.identifier,
    lastName: 'API',
    licenseClass: 'A' as const,
    inactiveFlag: false,
    securityRole: { id: m.roleId, name: state.roles.get(m.roleId)?.name ?? '', _info: {} },
    _info: info(m.createdAt),
  });
  listed(scope, '/system/members', () => [...state.members.values()].map(memberJson));
  // OpenAPI: GET /system/apiMembers answers ApiMember (not Member): `name`, not first/last name and licence class.
  const apiMemberJson = (m: SimMember) => ({
    id: m.id,
    identifier: m.identifier,
    name: `${m.identifier} API`,
    inactiveFlag: false,
    securityRole: { id: m.roleId, name: state.roles.get(m.roleId)?.name ?? '', _info: {} },
    _info: info(m.createdAt),
  });
  listed(scope, '/system/apimembers', () => [...state.members.values()].map(apiMemberJson));
  scope.get('/system/apimembers/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const m = [...state.members.values()].find((x) => String(x.id) === id);
    if (!m) return cwError(reply, 404, 'NotFound', `API member ${id} not found`);
    return apiMemberJson(m);
  });
  scope.get('/system/members/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const m = [...state.members.values()].find((x) => String(x.id) === id || x.identifier.toLowerCase() === id);
    if (!m) return cwError(reply, 404, 'NotFound', `Member ${id} not found`);
    return memberJson(m);
  });
  // OpenAPI: POST /system/members/{memberIdentifier}/tokens → Token {publicKey, privateKey, expiration}.
  scope.post('/system/members/:memberIdentifier/tokens', async (req, reply) => {
    const identifier = (req.params as { memberIdentifier: string }).memberIdentifier;
    if (!state.members.has(identifier.toLowerCase()))
      return cwError(reply, 404, 'NotFound', `Member ${identifier} not found`);
    const keys = state.createApiKey(identifier, 'Created through /system/members/{memberIdentifier}/tokens');
    return reply.code(200).send({ publicKey: keys.publicKey, privateKey: keys.privateKey });
  });

  const roleJson = (r: { id: number; name: string }) => ({
    id: r.id,
    name: r.name,
    adminFlag: false,
    inactiveFlag: false,
    _info: info(state.startedAt),
  });
  listed(scope, '/system/securityroles', () => [...state.roles.values()].map(roleJson));
  scope.get('/system/securityroles/:id', async (req, reply) => {
    const role = state.roles.get(Number((req.params as { id: string }).id));
    if (!role) return cwError(reply, 404, 'NotFound', 'Security role not found');
    return roleJson(role);
  });
  const settingsOf = (roleId: number) => {
    const role = state.roles.get(roleId);
    if (!role) return undefined;
    return ALL_AREAS.map((area, i) => {
      const mod = moduleOf(area);
      const l = role.settings.get(area) ?? { add: 'None', edit: 'None', inquire: 'None', delete: 'None' };
      return {
        id: i + 1,
        addLevel: l.add,
        editLevel: l.edit,
        deleteLevel: l.delete,
        inquireLevel: l.inquire,
        moduleFunctionName: mod.functionName,
        moduleFunctionDescription: mod.functionDescription,
        myAllFlag: true,
        moduleFunctionIdentifier: mod.functionIdentifier,
        reportFlag: false,
        restrictFlag: false,
        customFlag: false,
        moduleDescription: mod.moduleName,
        moduleIdentifier: mod.moduleIdentifier,
        moduleName: mod.moduleName,
        sortOrder: i + 1,
        _info: {},
      };
    });
  };
  // OpenAPI spells it /system/securityRoles/{parentId}/settings (routes are lower-cased before routing).
  scope.get('/system/securityroles/:id/settings', async (req, reply) => {
    const s = settingsOf(Number((req.params as { id: string }).id));
    if (!s) return cwError(reply, 404, 'NotFound', 'Security role not found');
    return list(req, reply, s);
  });
  scope.get('/system/securityroles/:id/settings/count', async (req, reply) => {
    const s = settingsOf(Number((req.params as { id: string }).id));
    if (!s) return cwError(reply, 404, 'NotFound', 'Security role not found');
    return count(req, reply, s);
  });

  listed(scope, '/company/companies/types', () => [{ id: 1, name: 'Client', defaultFlag: true, vendorFlag: false }]);
  listed(scope, '/service/tickets', () => []);
  scope.get('/system/reports', async () => [{ name: 'Company' }, { name: 'Agreement' }, { name: 'Member' }]);
}
