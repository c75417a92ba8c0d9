/**
 * What a failed Google call means, as pure functions over the errors gaxios and google-auth-library raise: retry
 * (with Google's Retry-After) or stop, the failure type an operator searches for, and the fix the message names.
 * No I/O here: the activities (admin-client.ts, delegation.ts, groups.ts, admin-roles.ts) make the calls and throw
 * what these return.
 */
import type { GaxiosError } from 'gaxios';
import type { ApplicationFailure } from '@temporalio/common';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import { FailureType } from '../../contract/failure-types';
import type { MemberProgress, MemberRole } from '../../contract/google-admin-roles-messages';

/** What a Google API error says, from either shape (Directory's `errors[].reason`, Cloud Identity's `status`). */
export interface GoogleApiErrorInfo {
  status?: number;
  reason?: string;
  apiStatus?: string;
  message: string;
  retryAfter?: string | null;
  scopeInsufficient: boolean;
  /**
   * A Google API disabled in the calling service account's project: 403 with an ErrorInfo of reason
   * SERVICE_DISABLED (google/api/error_reason.proto) naming `metadata.consumer` ("projects/<number>") and
   * `metadata.service`.
   */
  serviceDisabled?: { project: string; service: string; title?: string; activationUrl?: string };
}

interface ErrorInfoDetail {
  '@type'?: string;
  reason?: string;
  metadata?: Record<string, string | undefined>;
}

function serviceDisabledOf(details: ErrorInfoDetail[] | undefined): GoogleApiErrorInfo['serviceDisabled'] {
  const d = details?.find((x) => x.reason === 'SERVICE_DISABLED');
  if (!d) return undefined;
  const project = (d.metadata?.consumer ?? '').replace(/^projects\//, '') || d.metadata?.containerInfo || '?';
  return {
    project,
    service: d.metadata?.service ?? 'the API',
    ...(d.metadata?.serviceTitle ? { title: d.metadata.serviceTitle } : {}),
    ...(d.metadata?.activationUrl ? { activationUrl: d.metadata.activationUrl } : {}),
  };
}

export function googleApiErrorInfo(err: unknown): GoogleApiErrorInfo {
  const e = err as GaxiosError<{
    error?: {
      code?: number;
      message?: string;
      status?: string;
      errors?: { reason?: string }[];
      details?: ErrorInfoDetail[];
    };
  }>;
  const body = e.response?.data?.error;
  const reason = body?.errors?.[0]?.reason;
  const serviceDisabled = serviceDisabledOf(body?.details);
  return {
    status: e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined),
    reason,
    apiStatus: body?.status,
    message: body?.message ?? (err as Error).message ?? String(err),
    retryAfter: e.response?.headers?.get?.('retry-after') ?? null,
    scopeInsufficient:
      reason === 'insufficientPermissions' ||
      !!body?.details?.some((d) => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'),
    ...(serviceDisabled ? { serviceDisabled } : {}),
  };
}

/**
 * The failure for an API disabled in the service account's project: enabling it is the vendor's one-time fix in
 * Google Cloud console, so retrying without it cannot help.
 */
export function apiDisabled(what: string, d: NonNullable<GoogleApiErrorInfo['serviceDisabled']>) {
  const title = d.title ?? (d.service === 'cloudidentity.googleapis.com' ? 'Cloud Identity API' : d.service);
  const url = `https://console.cloud.google.com/apis/library/${d.service}?project=${d.project}`;
  return permanent(
    `${what}: the ${title} is disabled in the service account's Google Cloud project ${d.project}. Enable the ${title} (${d.service}) in project ${d.project}: ${url} (Google Cloud console > APIs & Services > Library > ${title} > Enable), wait a few minutes, then start this onboarding again.`,
    FailureType.GoogleApiDisabled
  );
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'quotaExceeded', 'rateLimitExceeded']);
const TRANSIENT_REASONS = new Set([
  'backendError',
  'internalError',
  'transientError',
  'systemError',
  'serviceNotAvailable',
]);

export function isRateLimited(info: GoogleApiErrorInfo): boolean {
  return info.status === 429 || (info.status === 403 && RATE_LIMIT_REASONS.has(info.reason ?? ''));
}

export function isTransient(err: unknown, info = googleApiErrorInfo(err)): boolean {
  if (info.status === undefined) return isNetworkError(err) || !(err as { response?: unknown }).response;
  return (
    isRateLimited(info) ||
    info.status === 401 ||
    info.status === 408 ||
    info.status >= 500 ||
    TRANSIENT_REASONS.has(info.reason ?? '')
  );
}

/**
 * Turn a Google API error into the Temporal failure that says whether to retry and what to fix.
 * `what` names the call ("create role Education Admin"), `scope` the delegated scope it needs.
 */
export function classifyGoogleApiError(err: unknown, what: string, scope: string): never {
  const info = googleApiErrorInfo(err);
  const said = `HTTP ${info.status ?? '?'}${info.reason ? ` ${info.reason}` : info.apiStatus ? ` ${info.apiStatus}` : ''}: ${info.message}`;
  if (info.serviceDisabled) throw apiDisabled(what, info.serviceDisabled);
  if (isRateLimited(info)) {
    throw retryable(
      `${what}: Google rate limit (${said}); retrying with backoff`,
      FailureType.GoogleRateLimited,
      parseRetryAfter(info.retryAfter)
    );
  }
  if (isTransient(err, info)) {
    throw retryable(
      `${what}: transient Google error (${info.status === undefined ? 'network' : said}); retrying`,
      FailureType.GoogleTransientError,
      parseRetryAfter(info.retryAfter)
    );
  }
  if (info.scopeInsufficient) throw missingScope(what, [scope]);
  throw permanent(`${what} failed (${said})`, failureTypeOfReason(info.reason));
}

/**
 * The registry's type for a Google error reason (the `errors[].reason` of the Directory API); a reason
 * Onramp has no type for is GoogleApiError, and the message still quotes it.
 */
const REASON_TYPES: Record<string, FailureType> = {
  notFound: FailureType.GoogleNotFound,
  duplicate: FailureType.GoogleDuplicate,
  invalid: FailureType.GoogleInvalid,
  required: FailureType.GoogleRequired,
  forbidden: FailureType.GoogleForbidden,
  badRequest: FailureType.GoogleBadRequest,
  conditionNotMet: FailureType.GoogleConditionNotMet,
};

export function failureTypeOfReason(reason: string | undefined): FailureType {
  return (reason && REASON_TYPES[reason]) || FailureType.GoogleApiError;
}

export function missingScope(what: string, scopes: string[]) {
  return permanent(
    `${what}: the service account is not authorised for ${scopes.join(', ')}. Grant the scope(s) by running the domain-wide delegation onboarding (googleDelegationOnboarding) with them, then start this onboarding again.`,
    FailureType.GoogleScopeMissing
  );
}

/**
 * A role assignment Google refused (`what` names it): the customer's assignment limit, or an assignee that is
 * not a security group; anything else as classifyGoogleApiError says.
 */
export function classifyRoleAssignmentError(
  err: unknown,
  what: string,
  scope: string,
  info = googleApiErrorInfo(err)
): never {
  if (info.reason === 'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT') {
    throw permanent(
      `${what}: the customer has reached Google's role-assignment limit (${info.message}). Google allows 1,000 role assignments per org unit (the whole account counts as one unit) and 250 role assignments to groups per unit. Remove unused assignments in Admin console > Account > Admin roles (or assign the role once to a security group holding the users), then start this onboarding again.`,
      FailureType.GoogleRoleAssignmentLimit
    );
  }
  if (info.status === 400 && /security group/i.test(info.message)) {
    throw permanent(
      `${what}: the assignee is not a security group (${info.message}): only security groups can hold admin roles.`,
      FailureType.GoogleAssigneeNotSecurityGroup
    );
  }
  return classifyGoogleApiError(err, what, scope);
}

/** A custom role Google refused to create (`what` names it): the customer's 750-role limit; else classifyGoogleApiError. */
export function classifyRoleInsertError(
  err: unknown,
  what: string,
  scope: string,
  info = googleApiErrorInfo(err)
): never {
  if (info.status === 400 && (info.reason === 'limitExceeded' || /custom roles/i.test(info.message))) {
    throw permanent(
      `${what}: the customer has reached Google's limit of 750 custom admin roles (${info.message}). Delete unused custom roles in Admin console > Account > Admin roles, or set role.name to an existing role with the same privileges, then start this onboarding again.`,
      FailureType.GoogleCustomRoleLimit
    );
  }
  return classifyGoogleApiError(err, what, scope);
}

/** What adding one member to a group came to: its progress, a reason to retry the rest later, or a failure. */
export type MemberAddOutcome =
  { progress: MemberProgress } | { transient: { message: string; retryAfterMs?: number } } | { fatal: Error };

/** classifyGoogleApiError's failure for adding members to `groupKey`, returned instead of thrown. */
export function memberAddFailure(err: unknown, groupKey: string, scope: string): Error {
  try {
    return classifyGoogleApiError(err, `add members to ${groupKey}`, scope);
  } catch (failure) {
    return failure as Error;
  }
}

/**
 * A member insert Google refused, other than "already a member" (that one takes a look at the member): a cycle
 * or a missing scope fails the activity, a group not visible yet or a transient error waits for the next
 * attempt, and anything else fails that member only.
 */
export function memberInsertOutcome(
  err: unknown,
  groupKey: string,
  m: { email: string; role: MemberRole },
  scope: string,
  info = googleApiErrorInfo(err)
): MemberAddOutcome {
  if (info.reason === 'conditionNotMet' || /cyclic/i.test(info.message)) {
    return {
      fatal: permanent(
        `cannot add ${m.email} to ${groupKey}: Cyclic memberships not allowed (${m.email} already contains ${groupKey}, directly or through nested groups). Remove it from members.`,
        FailureType.GoogleCyclicMembership
      ),
    };
  }
  if (info.status === 404 && /groupKey/i.test(info.message)) {
    return { transient: { message: `group ${groupKey} not visible yet to the Directory API (just created)` } };
  }
  if (isTransient(err, info))
    return { transient: { message: info.message, retryAfterMs: parseRetryAfter(info.retryAfter) } };
  if (info.scopeInsufficient || info.serviceDisabled) return { fatal: memberAddFailure(err, groupKey, scope) };
  const reason =
    info.status === 404
      ? 'no such user or group in the domain: check the email'
      : `${info.reason ?? info.status}: ${info.message}`;
  return { progress: { email: m.email, role: m.role, outcome: 'failed', reason } };
}

/** The pieces of a gaxios/gtoken failure that are safe to look at (never its config: it holds the assertion). */
export interface TokenErrorInfo {
  status?: number;
  error?: string;
  description?: string;
  retryAfter?: string | null;
  code?: string;
}

export function tokenErrorInfo(err: unknown): TokenErrorInfo {
  const e = err as GaxiosError<unknown>;
  const data = e.response?.data as { error?: unknown; error_description?: unknown } | undefined;
  // OAuth errors are { error: "code", error_description }; API-style errors nest an object: ignore those.
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    status: e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined),
    error: str(data?.error),
    description: str(data?.error_description),
    retryAfter: e.response?.headers?.get?.('retry-after') ?? null,
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

/**
 * A token request of the Admin API clients failed (acting as `subject` for `scopes`, on the way to `what`): a
 * missing grant, a rejected subject or key, a refused request, or an endpoint to retry.
 */
export function classifyAdminTokenError(
  err: unknown,
  what: string,
  scopes: string[],
  subject: string
): ApplicationFailure {
  const info = tokenErrorInfo(err);
  if (info.error === 'unauthorized_client' || info.error === 'access_denied') return missingScope(what, scopes);
  if (info.error === 'invalid_grant' || info.error === 'invalid_client') {
    return permanent(
      `${what}: Google rejected the token request as ${subject} (${info.error}: ${info.description ?? ''}). Check adminEmail (an existing super admin) and the key referenced by serviceAccount.keyRef.`,
      FailureType.GoogleTokenRejected
    );
  }
  if (info.status !== undefined && info.status < 500 && info.status !== 429) {
    return permanent(
      `${what}: the token endpoint refused the request (HTTP ${info.status} ${info.error ?? ''})`,
      FailureType.GoogleTokenRequestRejected
    );
  }
  return retryable(
    `${what}: token endpoint unavailable (${info.error ?? info.code ?? info.status ?? 'network'}); retrying`,
    FailureType.GoogleTokenEndpointUnavailable,
    parseRetryAfter(info.retryAfter)
  );
}

/** Token-endpoint answers that mean "the grant is not there (yet)": keep waiting, do not fail. */
function isNotGrantedYet(error?: string, description?: string): boolean {
  return error === 'unauthorized_client' || (error === 'access_denied' && /not authorized/i.test(description ?? ''));
}

/**
 * Classify one token-endpoint failure of the delegation check (vendor-apis.md A2): returns a "not granted"
 * detail, or throws the Temporal failure that says whether to retry and what to fix.
 */
export function classifyTokenError(err: unknown, ctx: { subject: string; serviceAccountEmail: string }): string {
  const info = tokenErrorInfo(err);
  if (isNotGrantedYet(info.error, info.description)) {
    return `${info.error}: not granted yet, or the grant has not propagated`;
  }
  const said = info.error
    ? `${info.error}${info.description ? `: ${info.description}` : ''}`
    : `HTTP ${info.status ?? '?'}`;
  if (
    info.error === 'invalid_grant' &&
    /(invalid email|user id|not a valid email|impersonation)/i.test(info.description ?? '')
  ) {
    throw permanent(
      `Google does not accept ${ctx.subject} as the user to impersonate (${said}). Fix adminEmail: it must be an existing super admin of the customer's Workspace domain.`,
      FailureType.GoogleInvalidSubject
    );
  }
  if (info.error === 'invalid_grant' || info.error === 'invalid_client') {
    throw permanent(
      `Google rejected the service account key of ${ctx.serviceAccountEmail} (${said}). Fix: the key referenced by serviceAccount.keyRef was deleted, disabled or belongs to another service account — create a new JSON key and update the reference (a worker clock more than a minute off also causes this).`,
      FailureType.GoogleServiceAccountKeyRejected
    );
  }
  if (info.status !== undefined && isRetryableStatus(info.status)) {
    throw retryable(
      `Google token endpoint answered ${said}; retrying`,
      FailureType.GoogleTokenEndpointUnavailable,
      parseRetryAfter(info.retryAfter)
    );
  }
  if (info.status === undefined && isNetworkError(err)) {
    throw retryable(
      `Google token endpoint unreachable (${info.code ?? 'network error'}); retrying`,
      FailureType.GoogleTokenEndpointUnreachable
    );
  }
  if (info.status !== undefined) {
    throw permanent(
      `Google token endpoint refused the request (${said}). Check the service account and scopes.`,
      FailureType.GoogleTokenRequestRejected
    );
  }
  // Not an HTTP answer and not a known network error: let the retry policy look at it again.
  throw retryable(
    `Google token request failed: ${(err as Error).message ?? String(err)}`,
    FailureType.GoogleTokenRequestFailed
  );
}
