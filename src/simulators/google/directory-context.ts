import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenBook } from './access-tokens';
import type { DirectoryState, SimGroup } from './directory-state';
import { GOOGLE_SERVICES, type GoogleServiceName, type GoogleTenantState } from './google-state';

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
  groupsWrite: [`${AUTH}admin.directory.group`],
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

/**
 * A Google API disabled in the calling service account's project: 403 PERMISSION_DENIED with an ErrorInfo of
 * reason SERVICE_DISABLED (google/api/error_reason.proto), the console's activation URL in its metadata and
 * in a Help link; the Directory shape adds its classic `errors[]` entry (reason `accessNotConfigured`).
 */
export function serviceDisabled(
  reply: FastifyReply,
  project: string,
  service: GoogleServiceName,
  api: 'ci' | 'directory'
) {
  const title = GOOGLE_SERVICES[service];
  const activationUrl = `https://console.developers.google.com/apis/api/${service}/overview?project=${project}`;
  const message = `${title} has not been used in project ${project} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  return reply.code(403).send({
    error: {
      code: 403,
      message,
      ...(api === 'directory'
        ? { errors: [{ message, domain: 'usageLimits', reason: 'accessNotConfigured', extendedHelp: activationUrl }] }
        : {}),
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: {
            consumer: `projects/${project}`,
            service,
            serviceTitle: title,
            activationUrl,
            containerInfo: project,
          },
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Google developers console API activation', url: activationUrl }],
        },
      ],
    },
  });
}

export interface DirectoryRouteDeps {
  state: DirectoryState;
  tokens: AccessTokenBook;
  /** Users, their roles and customers; service accounts and their projects' enabled APIs. */
  tenant: GoogleTenantState;
  isUser(email: string): boolean;
  /** Every user's primary email. */
  users(): string[];
}

/** What a route module of the Directory simulator works with. */
export interface DirectoryRouteContext {
  app: FastifyInstance;
  state: DirectoryState;
  tenant: GoogleTenantState;
  isUser(email: string): boolean;
  /** Every user's primary email. */
  users(): string[];
  /** The customer ID of the user the request's token acts as (what `my_customer` means for it). */
  callerCustomer(req: FastifyRequest): string;
  /** Auth, scope and (for Directory) per-user quota; undefined when an error was already sent. */
  guard(req: FastifyRequest, reply: FastifyReply, anyOf: string[], api: 'ci' | 'directory'): string | undefined;
  /**
   * Is `customer` the caller's customer ID (or my_customer)? Answers 400 badRequest for an ID no customer
   * has, 403 forbidden for another customer's.
   */
  customerOk(customer: string, reply: FastifyReply, req: FastifyRequest): boolean;
  /** A group by email, alias or ID; answers 404 when there is none. */
  groupOr404(key: string, reply: FastifyReply): SimGroup | undefined;
  /** A user by primary email or unique ID. */
  userByKey(key: string): string | undefined;
}

export function directoryContext(
  app: FastifyInstance,
  { state, tokens, tenant, isUser, users }: DirectoryRouteDeps
): DirectoryRouteContext {
  const callers = new WeakMap<FastifyRequest, string>();
  const callerCustomer = (req: FastifyRequest): string => {
    const subject = callers.get(req) ?? tokens.fromHeader(req.headers.authorization)?.subject ?? '';
    return tenant.customerOfUser(subject);
  };
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
    const sa = token.serviceAccount ? tenant.serviceAccount(token.serviceAccount) : undefined;
    const service: GoogleServiceName = api === 'ci' ? 'cloudidentity.googleapis.com' : 'admin.googleapis.com';
    if (sa && !tenant.isServiceEnabled(tenant.projectNumberOf(sa), service)) {
      void serviceDisabled(reply, tenant.projectNumberOf(sa), service, api);
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
    callers.set(req, token.subject);
    return token.subject;
  };

  const customerOk = (customer: string, reply: FastifyReply, req: FastifyRequest): boolean => {
    const mine = callerCustomer(req);
    if (customer === 'my_customer' || customer === mine || `C${customer}` === mine) return true;
    if (tenant.customerList().some((c) => c.customerId === customer || c.customerId === `C${customer}`)) {
      void directoryError(reply, 403, 'forbidden', 'Not Authorized to access this resource/api');
    } else void directoryError(reply, 400, 'badRequest', 'Bad Request');
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
  return { app, state, tenant, isUser, users, callerCustomer, guard, customerOk, groupOr404, userByKey };
}
