import type { GaxiosError } from 'gaxios';
import { JWT } from 'google-auth-library';
// The two APIs Onramp calls, from the pinned googleapis package's own modules: `import { google } from
// 'googleapis'` loads all ~300 Google APIs, 54 MB of V8 heap and ~90 MB of RSS in every worker for two of
// them (measured; docs/benchmark.md). The per-API packages (@googleapis/admin 37) pull another
// googleapis-common major than googleapis 176 does, so the same version's modules are used instead.
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1';
import { cloudidentity_v1 } from 'googleapis/build/src/apis/cloudidentity/v1';
import { SecretRefError } from '../../secrets/secret-ref';
import { isNetworkError, parseRetryAfter, permanent, retryable } from '../failures';
import type { LimiterStore } from '../limits/limiter-store';
import { SlidingWindowLimiter } from './rate-limiter';
import {
  createGoogleTransporter,
  loadServiceAccountKey,
  ServiceAccountKeyError,
  tokenErrorInfo,
  type GoogleAuthSettings,
} from './token';
import { FailureType } from '../../contract/failure-types';

export interface GoogleAdminSettings extends GoogleAuthSettings {
  /** googleapis root URL (the simulator in sandbox/tests); unset means Google's own hosts. */
  apiRootUrl?: string;
  /** Directory API quota to stay under (Google's default: 2,400 queries per minute per user). */
  directoryQuota?: { limit: number; windowMs: number; guardMs?: number };
  /** Members inserted in parallel within one activity. */
  memberConcurrency?: number;
  /** Where the quota window is kept (shared by all workers with PostgreSQL); default: this process. */
  limiterStore?: LimiterStore;
}

/** Who Onramp acts as: the customer's admin, through the vendor's service account (domain-wide delegation). */
export interface GoogleAdminCaller {
  customerId: string;
  adminEmail: string;
  serviceAccount: { email: string; keyRef: string };
}

export interface AdminClients {
  directory: admin_directory_v1.Admin;
  cloudIdentity: cloudidentity_v1.Cloudidentity;
}

/** What a Google API error says, from either shape (Directory's `errors[].reason`, Cloud Identity's `status`). */
export interface GoogleApiErrorInfo {
  status?: number;
  reason?: string;
  apiStatus?: string;
  message: string;
  retryAfter?: string | null;
  scopeInsufficient: boolean;
}

export function googleApiErrorInfo(err: unknown): GoogleApiErrorInfo {
  const e = err as GaxiosError<{
    error?: {
      code?: number;
      message?: string;
      status?: string;
      errors?: { reason?: string }[];
      details?: { reason?: string }[];
    };
  }>;
  const body = e.response?.data?.error;
  const reason = body?.errors?.[0]?.reason;
  return {
    status: e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined),
    reason,
    apiStatus: body?.status,
    message: body?.message ?? (err as Error).message ?? String(err),
    retryAfter: e.response?.headers?.get?.('retry-after') ?? null,
    scopeInsufficient:
      reason === 'insufficientPermissions' ||
      !!body?.details?.some((d) => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'),
  };
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
      'GoogleTransientError',
      parseRetryAfter(info.retryAfter)
    );
  }
  if (info.scopeInsufficient) throw missingScope(what, [scope]);
  throw permanent(
    `${what} failed (${said})`,
    `Google${info.reason ? info.reason[0]!.toUpperCase() + info.reason.slice(1) : 'ApiError'}`
  );
}

export function missingScope(what: string, scopes: string[]) {
  return permanent(
    `${what}: the service account is not authorised for ${scopes.join(', ')}. Grant the scope(s) by running the domain-wide delegation onboarding (googleDelegationOnboarding) with them, then start this onboarding again.`,
    FailureType.GoogleScopeMissing
  );
}

/**
 * Authenticated googleapis clients for one caller and scope set, cached per worker so the access token
 * is reused; every Directory call waits for the shared quota limiter first.
 */
export function createAdminClientFactory(settings: GoogleAdminSettings) {
  const q = settings.directoryQuota ?? { limit: 2400, windowMs: 60_000 };
  const limiter = new SlidingWindowLimiter(q.limit, q.windowMs, q.guardMs ?? 1000, settings.limiterStore);
  const cache = new Map<string, { jwt: JWT; clients: AdminClients }>();

  async function clientsFor(caller: GoogleAdminCaller, scopes: string[], what: string): Promise<AdminClients> {
    const cacheKey = `${caller.serviceAccount.keyRef}|${caller.adminEmail}|${[...scopes].sort().join(' ')}`;
    let entry = cache.get(cacheKey);
    if (!entry) {
      let key;
      try {
        key = await loadServiceAccountKey(caller.serviceAccount.keyRef);
      } catch (err) {
        if (err instanceof SecretRefError || err instanceof ServiceAccountKeyError)
          throw permanent(`serviceAccount.keyRef: ${err.message}`, FailureType.ServiceAccountKeyUnavailable);
        throw err;
      }
      // Directory calls wait for the shared quota first; their timeout starts once they may be sent, and
      // each stays counted in the window until its answer is in (Google counts it on arrival).
      const transporter = createGoogleTransporter(settings, async (config) =>
        config.url.toString().includes('/admin/directory/') ? limiter.take() : undefined
      );
      const jwt = new JWT({
        email: key.client_email,
        key: key.private_key,
        keyId: key.private_key_id,
        scopes,
        subject: caller.adminEmail,
        transporter,
      });
      const common = {
        auth: jwt,
        retry: false,
        ...(settings.apiRootUrl ? { rootUrl: settings.apiRootUrl.replace(/\/?$/, '/') } : {}),
      };
      entry = {
        jwt,
        clients: {
          directory: new admin_directory_v1.Admin(common),
          cloudIdentity: new cloudidentity_v1.Cloudidentity(common),
        },
      };
      cache.set(cacheKey, entry);
    }
    try {
      await entry.jwt.getAccessToken();
    } catch (err) {
      cache.delete(cacheKey);
      const info = tokenErrorInfo(err);
      if (info.error === 'unauthorized_client' || info.error === 'access_denied') throw missingScope(what, scopes);
      if (info.error === 'invalid_grant' || info.error === 'invalid_client') {
        throw permanent(
          `${what}: Google rejected the token request as ${caller.adminEmail} (${info.error}: ${info.description ?? ''}). Check adminEmail (an existing super admin) and the key referenced by serviceAccount.keyRef.`,
          FailureType.GoogleTokenRejected
        );
      }
      if (info.status !== undefined && info.status < 500 && info.status !== 429) {
        throw permanent(
          `${what}: the token endpoint refused the request (HTTP ${info.status} ${info.error ?? ''})`,
          FailureType.GoogleTokenRequestRejected
        );
      }
      throw retryable(
        `${what}: token endpoint unavailable (${info.error ?? info.code ?? info.status ?? 'network'}); retrying`,
        FailureType.GoogleTokenEndpointUnavailable,
        parseRetryAfter(info.retryAfter)
      );
    }
    return entry.clients;
  }

  return { clientsFor, limiter };
}
