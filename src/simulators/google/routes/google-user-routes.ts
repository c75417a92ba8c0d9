import type { admin_directory_v1 as dir } from 'googleapis';
import { DIRECTORY as D, S, directoryError, type DirectoryRouteContext } from '../directory-context';

/**
 * Users of the Google simulator (Directory v1 users: get, list).
 */
export function registerGoogleUserRoutes({
  app,
  state,
  guard,
  tenant,
  customerOk,
  callerCustomer,
  users,
  userByKey,
}: DirectoryRouteContext): void {
  const userJson = (email: string) => {
    const [local, domain] = email.split('@') as [string, string];
    return {
      kind: 'admin#directory#user',
      id: state.userId(email),
      etag: `"${state.userId(email)}"`,
      primaryEmail: email,
      name: { givenName: local, familyName: domain.split('.')[0] ?? domain, fullName: `${local} ${domain}` },
      isAdmin: tenant.userRole(email) === 'superAdmin',
      isDelegatedAdmin: tenant.userRole(email) === 'delegatedAdmin',
      lastLoginTime: '1970-01-01T00:00:00.000Z',
      creationTime: '2024-01-01T00:00:00.000Z',
      agreedToTerms: true,
      suspended: false,
      archived: false,
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: email, primary: true }],
      customerId: tenant.customerOfUser(email),
      orgUnitPath: tenant.orgUnitOfUser(email),
      isMailboxSetup: true,
      isEnrolledIn2Sv: false,
      isEnforcedIn2Sv: false,
      includeInGlobalAddressList: true,
    } satisfies dir.Schema$User;
  };

  app.get(`${D}/users/:userKey`, async (req, reply) => {
    if (!guard(req, reply, S.usersRead, 'directory')) return reply;
    const key = (req.params as { userKey: string }).userKey.toLowerCase();
    if (state.groupByKey(key, true)) return directoryError(reply, 400, 'invalid', 'Type not supported: userKey');
    const email = userByKey(key);
    // Another customer's user is not found from this one (each Workspace sees only its own directory).
    if (!email || tenant.customerOfUser(email) !== callerCustomer(req))
      return directoryError(reply, 404, 'notFound', 'Resource Not Found: userKey');
    return userJson(email);
  });

  // users.list: `customer` or `domain` is required; maxResults 1–500 (default 100); pageToken; orderBy email.
  app.get(`${D}/users`, async (req, reply) => {
    if (!guard(req, reply, S.usersRead, 'directory')) return reply;
    const q = req.query as Record<string, string | undefined>;
    if (!q.customer && !q.domain) return directoryError(reply, 400, 'badRequest', 'Bad Request');
    if (q.customer && !customerOk(q.customer, reply, req)) return reply;
    const max = Math.min(Math.max(Number(q.maxResults ?? 100) || 100, 1), 500);
    const start = Number(q.pageToken ?? 0) || 0;
    // Only the caller's customer's users: `my_customer` is the customer of the admin the token acts as.
    const mine = callerCustomer(req);
    let all = users().filter(
      (u) => tenant.customerOfUser(u) === mine && (!q.domain || u.endsWith(`@${q.domain.toLowerCase()}`))
    );
    // The `query` language (developers.google.com/workspace/admin/directory/v1/guides/search-users): only
    // `email:` prefix and exact match are simulated.
    const email = /(?:^|\s)email:'?([^'\s]+)'?/i.exec(q.query ?? '')?.[1]?.toLowerCase();
    if (email) all = all.filter((u) => (email.endsWith('*') ? u.startsWith(email.slice(0, -1)) : u === email));
    // `orgUnitPath='/Teachers'` (operator =): the users of that org unit and of every unit below it, as Google
    // matches "all org unit chains under the target" (docs/vendor-contracts.md).
    const ou = /(?:^|\s)orgUnitPath\s*=\s*(?:'((?:[^'\\]|\\.)*)'|"([^"]*)"|(\S+))/i.exec(q.query ?? '');
    if (ou) {
      const path = (ou[1] ?? ou[2] ?? ou[3] ?? '/').replace(/\\(.)/g, '$1').toLowerCase().replace(/\/$/, '');
      all = all.filter((u) => {
        const p = tenant.orgUnitOfUser(u).toLowerCase();
        return path === '' || p === path || p.startsWith(`${path}/`);
      });
    }
    if (q.sortOrder === 'DESCENDING') all = all.reverse();
    return {
      kind: 'admin#directory#users',
      etag: `"users-${all.length}"`,
      users: all.slice(start, start + max).map(userJson),
      ...(start + max < all.length ? { nextPageToken: String(start + max) } : {}),
    } satisfies dir.Schema$Users;
  });
}
