import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenBook } from './access-tokens';
import type { DirectoryState, SimGroup } from './directory-state';

/**
 * What every Cloud Identity Groups and Directory route of the Google simulator shares: the scopes each
 * resource needs, Google's two error shapes (Directory's classic `{error:{code,message,errors:[{domain,reason}]}}`
 * and Cloud Identity's `{error:{code,message,status}}`), and the guard that checks the token, its scopes and
 * (for Directory) the per-user quota.
 */
export const DIRECTORY = '/admin/directory/v1';

const AUTH = 'https://www.googleapis.com/auth/';
/** The OAuth scopes each resource accepts (any one of the list). */
export const S = {
  ciWrite: [`${AUTH}cloud-identity.groups`, `${AUTH}cloud-identity`, `${AUTH}cloud-platform`],
  ciRead: [
    `${AUTH}cloud-identity.groups`,
    `${AUTH}cloud-identity.groups.readonly`,
    `${AUTH}cloud-identity`,
    `${AUTH}cloud-platform`,
  ],
  membersWrite: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.member`],
  membersRead: [
    `${AUTH}admin.directory.group`,
    `${AUTH}admin.directory.group.member`,
    `${AUTH}admin.directory.group.readonly`,
    `${AUTH}admin.directory.group.member.readonly`,
  ],
  groupsRead: [`${AUTH}admin.directory.group`, `${AUTH}admin.directory.group.readonly`],
  rolesWrite: [`${AUTH}admin.directory.rolemanagement`],
  rolesRead: [`${AUTH}admin.directory.rolemanagement`, `${AUTH}admin.directory.rolemanagement.readonly`],
  orgUnitsRead: [`${AUTH}admin.directory.orgunit`, `${AUTH}admin.directory.orgunit.readonly`],
  usersRead: [`${AUTH}admin.directory.user`, `${AUTH}admin.directory.user.readonly`],
};

/** google.rpc.Code names per HTTP status (Google's JSON error format, AIP-193). */
const CI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
};

/** Directory's error body: `{error:{code, message, errors:[{message, domain, reason}], status}}`. */
export function directoryError(reply: FastifyReply, code: number, reason: string, message: string, domain = 'global') {
  return reply
    .code(code)
    .send({ error: { code, message, errors: [{ message, domain, reason }], status: CI_STATUS[code] ?? 'UNKNOWN' } });
}

export function ciError(reply: FastifyReply, code: number, message: string, status = CI_STATUS[code] ?? 'UNKNOWN') {
  return reply.code(code).send({ error: { code, message, status } });
}

export interface DirectoryRouteDeps {
  state: DirectoryState;
  tokens: AccessTokenBook;
  isUser(email: string): boolean;
  /** Every user's primary email. */
  users(): string[];
}

/** What a route module of the Directory simulator works with. */
export interface DirectoryRouteContext {
  app: FastifyInstance;
  state: DirectoryState;
  isUser(email: string): boolean;
  /** Every user's primary email. */
  users(): string[];
  /** Auth, scope and (for Directory) per-user quota; undefined when an error was already sent. */
  guard(req: FastifyRequest, reply: FastifyReply, anyOf: string[], api: 'ci' | 'directory'): string | undefined;
  /** Is `customer` this tenant's customer ID (or my_customer)? Answers 400 when not. */
  customerOk(customer: string, reply: FastifyReply): boolean;
  /** A group by email, alias or ID; answers 404 when there is none. */
  groupOr404(key: string, reply: FastifyReply): SimGroup | undefined;
  /** A user by primary email or unique ID. */
  userByKey(key: string): string | undefined;
}

export function directoryContext(
  app: FastifyInstance,
  { state, tokens, isUser, users }: DirectoryRouteDeps
): DirectoryRouteContext {
  /** Auth, scope and (for Directory) per-user quota; undefined when an error was already sent. */
  const guard = (
    req: FastifyRequest,
    reply: FastifyReply,
    anyOf: string[],
    api: 'ci' | 'directory'
  ): string | undefined => {
    const token = tokens.fromHeader(req.headers.authorization);
    if (!token) {
      const msg =
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
      if (api === 'ci') void ciError(reply, 401, msg);
      else void directoryError(reply, 401, 'authError', msg);
      return undefined;
    }
    if (!anyOf.some((s) => token.scopes.has(s))) {
      void reply.code(403).send({
        error: {
          code: 403,
          message: 'Request had insufficient authentication scopes.',
          errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
          status: 'PERMISSION_DENIED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
              metadata: { method: req.url },
            },
          ],
        },
      });
      return undefined;
    }
    if (api === 'directory' && !state.takeQuota(token.subject)) {
      void directoryError(
        reply,
        403,
        'userRateLimitExceeded',
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'",
        'usageLimits'
      );
      return undefined;
    }
    return token.subject;
  };

  const customerOk = (customer: string, reply: FastifyReply): boolean => {
    if (state.isCustomer(customer)) return true;
    void directoryError(reply, 400, 'badRequest', 'Bad Request');
    return false;
  };
  const groupOr404 = (key: string, reply: FastifyReply): SimGroup | undefined => {
    const g = state.groupByKey(key);
    if (!g) void directoryError(reply, 404, 'notFound', 'Resource Not Found: groupKey');
    return g;
  };
  /** A user by primary email or unique ID. */
  const userByKey = (key: string): string | undefined => {
    const k = key.toLowerCase();
    if (isUser(k)) return k;
    return users().find((u) => state.userId(u) === key);
  };
  return { app, state, isUser, users, guard, customerOk, groupOr404, userByKey };
}
