import type { admin_directory_v1 as dir } from 'googleapis';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';

/**
 * Organizational units of the Google simulator (Directory v1 orgunits: list, get).
 */
export function registerGoogleOrgUnitRoutes({ app, state, guard, customerOk }: DirectoryRouteContext): void {
  const ouJson = (path: string, id: string) => {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const parentId = parent === '/' ? state.rootOrgUnitId : state.orgUnits.get(parent);
    return {
      kind: 'admin#directory#orgUnit',
      etag: `"${id}"`,
      name: path.split('/').at(-1),
      description: '',
      orgUnitPath: path,
      orgUnitId: `id:${id}`,
      parentOrgUnitPath: parent,
      parentOrgUnitId: `id:${parentId}`,
      blockInheritance: false,
    } satisfies dir.Schema$OrgUnit;
  };
  // orgunits.list: orgUnitPath (default "/") and type children (default) | all | allIncludingParent.
  app.get(`${D}/customer/:customerId/orgunits`, async (req, reply) => {
    if (!guard(req, reply, S.orgUnitsRead, 'directory')) return reply;
    if (!customerOk((req.params as { customerId: string }).customerId, reply, req)) return reply;
    const q = req.query as Record<string, string | undefined>;
    const base = `/${(q.orgUnitPath ?? '/').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
    const type = q.type ?? 'children';
    if (!['all', 'children', 'allIncludingParent'].includes(type))
      return directoryError(reply, 400, 'invalid', 'Invalid value for: type');
    const units = [...state.orgUnits].filter(([path]) => {
      if (type === 'allIncludingParent' && path === base) return true;
      if (!path.startsWith(`${base}/`)) return false;
      return type !== 'children' || !path.slice(base.length + 1).includes('/');
    });
    return {
      kind: 'admin#directory#orgUnits',
      etag: '"orgunits"',
      organizationUnits: units.map(([p, id]) => ouJson(p, id)),
    } satisfies dir.Schema$OrgUnits;
  });

  // orgunits.get: `{+orgUnitPath}` is the full path without its leading slash, or `id:` + the org unit ID.
  app.get(`${D}/customer/:customerId/orgunits/*`, async (req, reply) => {
    if (!guard(req, reply, S.orgUnitsRead, 'directory')) return reply;
    if (!customerOk((req.params as { customerId: string }).customerId, reply, req)) return reply;
    const raw = decodeURIComponent((req.params as { '*': string })['*']);
    const hit = raw.startsWith('id:')
      ? [...state.orgUnits].find(([, id]) => id === raw.slice(3))
      : [...state.orgUnits].find(([path]) => path.toLowerCase() === `/${raw.replace(/^\/+/, '')}`.toLowerCase());
    if (!hit) return directoryError(reply, 404, 'notFound', 'Org unit not found');
    return ouJson(hit[0], hit[1]);
  });
}
