// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { GaxiosError } from 'gaxios';
import { JWT } from 'google-auth-library';
import { google, type admin_directory_v1, type cloudidentity_v1 } from 'googleapis';
import { SecretRefError } from '../../secrets/secret-ref';
import { isNetworkError, parseRetryAfter, permanent, retryable } from '../failures';
import type { LimiterStore } from '../limits/limiter-store';
import { SlidingWindowLimiter } from './rate-limiter';
import { createGoogleTransporter, loadServiceAccountKey, ServiceAccountKeyError, tokenErrorInfo, type GoogleAuthSettings } from './token';
export interface GoogleAdminSettings extends GoogleAuthSettings {
  /** googleapis root URL (the simulator in sandbox/tests); unset means Google's own hosts. */
  apiRootUrl?: string;
  /** Directory API quota to stay under (Google's default: 2,400 queries per minute per user). */
  directoryQuota?: {
    limit: number;
    windowMs: number;
    guardMs?: number;
  };
  /** Members inserted in parallel within one activity. */
  memberConcurrency?: number;
  /** Where the quota window is kept (shared by all workers with PostgreSQL); default: this process. */
  limiterStore?: LimiterStore;
}

/** Who Onramp acts as: the customer's admin, through the vendor's service account (domain-wide delegation). */
export interface GoogleAdminCaller {
  customerId: string;
  adminEmail: string;
  serviceAccount: {
    email: string;
    keyRef: string;
  };
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
  if (stryMutAct_9fa48("238")) {
    {}
  } else {
    stryCov_9fa48("238");
    const e = err as GaxiosError<{
      error?: {
        code?: number;
        message?: string;
        status?: string;
        errors?: {
          reason?: string;
        }[];
        details?: {
          reason?: string;
        }[];
      };
    }>;
    const body = stryMutAct_9fa48("240") ? e.response.data?.error : stryMutAct_9fa48("239") ? e.response?.data.error : (stryCov_9fa48("239", "240"), e.response?.data?.error);
    const reason = stryMutAct_9fa48("243") ? body.errors?.[0]?.reason : stryMutAct_9fa48("242") ? body?.errors[0]?.reason : stryMutAct_9fa48("241") ? body?.errors?.[0].reason : (stryCov_9fa48("241", "242", "243"), body?.errors?.[0]?.reason);
    return stryMutAct_9fa48("244") ? {} : (stryCov_9fa48("244"), {
      status: stryMutAct_9fa48("245") ? e.response?.status && (typeof e.status === 'number' ? e.status : undefined) : (stryCov_9fa48("245"), (stryMutAct_9fa48("246") ? e.response.status : (stryCov_9fa48("246"), e.response?.status)) ?? ((stryMutAct_9fa48("249") ? typeof e.status !== 'number' : stryMutAct_9fa48("248") ? false : stryMutAct_9fa48("247") ? true : (stryCov_9fa48("247", "248", "249"), typeof e.status === (stryMutAct_9fa48("250") ? "" : (stryCov_9fa48("250"), 'number')))) ? e.status : undefined)),
      reason,
      apiStatus: stryMutAct_9fa48("251") ? body.status : (stryCov_9fa48("251"), body?.status),
      message: stryMutAct_9fa48("252") ? (body?.message ?? (err as Error).message) && String(err) : (stryCov_9fa48("252"), (stryMutAct_9fa48("253") ? body?.message && (err as Error).message : (stryCov_9fa48("253"), (stryMutAct_9fa48("254") ? body.message : (stryCov_9fa48("254"), body?.message)) ?? (err as Error).message)) ?? String(err)),
      retryAfter: stryMutAct_9fa48("255") ? e.response?.headers?.get?.('retry-after') && null : (stryCov_9fa48("255"), (stryMutAct_9fa48("258") ? e.response.headers?.get?.('retry-after') : stryMutAct_9fa48("257") ? e.response?.headers.get?.('retry-after') : stryMutAct_9fa48("256") ? e.response?.headers?.get('retry-after') : (stryCov_9fa48("256", "257", "258"), e.response?.headers?.get?.(stryMutAct_9fa48("259") ? "" : (stryCov_9fa48("259"), 'retry-after')))) ?? null),
      scopeInsufficient: stryMutAct_9fa48("262") ? reason === 'insufficientPermissions' && !!body?.details?.some(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : stryMutAct_9fa48("261") ? false : stryMutAct_9fa48("260") ? true : (stryCov_9fa48("260", "261", "262"), (stryMutAct_9fa48("264") ? reason !== 'insufficientPermissions' : stryMutAct_9fa48("263") ? false : (stryCov_9fa48("263", "264"), reason === (stryMutAct_9fa48("265") ? "" : (stryCov_9fa48("265"), 'insufficientPermissions')))) || (stryMutAct_9fa48("266") ? !body?.details?.some(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : (stryCov_9fa48("266"), !(stryMutAct_9fa48("267") ? body?.details?.some(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : (stryCov_9fa48("267"), !(stryMutAct_9fa48("270") ? body.details?.some(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : stryMutAct_9fa48("269") ? body?.details.some(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : stryMutAct_9fa48("268") ? body?.details?.every(d => d.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') : (stryCov_9fa48("268", "269", "270"), body?.details?.some(stryMutAct_9fa48("271") ? () => undefined : (stryCov_9fa48("271"), d => stryMutAct_9fa48("274") ? d.reason !== 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' : stryMutAct_9fa48("273") ? false : stryMutAct_9fa48("272") ? true : (stryCov_9fa48("272", "273", "274"), d.reason === (stryMutAct_9fa48("275") ? "" : (stryCov_9fa48("275"), 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'))))))))))))
    });
  }
}
const RATE_LIMIT_REASONS = new Set(stryMutAct_9fa48("276") ? [] : (stryCov_9fa48("276"), [stryMutAct_9fa48("277") ? "" : (stryCov_9fa48("277"), 'userRateLimitExceeded'), stryMutAct_9fa48("278") ? "" : (stryCov_9fa48("278"), 'quotaExceeded'), stryMutAct_9fa48("279") ? "" : (stryCov_9fa48("279"), 'rateLimitExceeded')]));
const TRANSIENT_REASONS = new Set(stryMutAct_9fa48("280") ? [] : (stryCov_9fa48("280"), [stryMutAct_9fa48("281") ? "" : (stryCov_9fa48("281"), 'backendError'), stryMutAct_9fa48("282") ? "" : (stryCov_9fa48("282"), 'internalError'), stryMutAct_9fa48("283") ? "" : (stryCov_9fa48("283"), 'transientError'), stryMutAct_9fa48("284") ? "" : (stryCov_9fa48("284"), 'systemError'), stryMutAct_9fa48("285") ? "" : (stryCov_9fa48("285"), 'serviceNotAvailable')]));
export function isRateLimited(info: GoogleApiErrorInfo): boolean {
  if (stryMutAct_9fa48("286")) {
    {}
  } else {
    stryCov_9fa48("286");
    return stryMutAct_9fa48("289") ? info.status === 429 && info.status === 403 && RATE_LIMIT_REASONS.has(info.reason ?? '') : stryMutAct_9fa48("288") ? false : stryMutAct_9fa48("287") ? true : (stryCov_9fa48("287", "288", "289"), (stryMutAct_9fa48("291") ? info.status !== 429 : stryMutAct_9fa48("290") ? false : (stryCov_9fa48("290", "291"), info.status === 429)) || (stryMutAct_9fa48("293") ? info.status === 403 || RATE_LIMIT_REASONS.has(info.reason ?? '') : stryMutAct_9fa48("292") ? false : (stryCov_9fa48("292", "293"), (stryMutAct_9fa48("295") ? info.status !== 403 : stryMutAct_9fa48("294") ? true : (stryCov_9fa48("294", "295"), info.status === 403)) && RATE_LIMIT_REASONS.has(stryMutAct_9fa48("296") ? info.reason && '' : (stryCov_9fa48("296"), info.reason ?? (stryMutAct_9fa48("297") ? "Stryker was here!" : (stryCov_9fa48("297"), '')))))));
  }
}
export function isTransient(err: unknown, info = googleApiErrorInfo(err)): boolean {
  if (stryMutAct_9fa48("298")) {
    {}
  } else {
    stryCov_9fa48("298");
    if (stryMutAct_9fa48("301") ? info.status !== undefined : stryMutAct_9fa48("300") ? false : stryMutAct_9fa48("299") ? true : (stryCov_9fa48("299", "300", "301"), info.status === undefined)) return stryMutAct_9fa48("304") ? isNetworkError(err) && !(err as {
      response?: unknown;
    }).response : stryMutAct_9fa48("303") ? false : stryMutAct_9fa48("302") ? true : (stryCov_9fa48("302", "303", "304"), isNetworkError(err) || (stryMutAct_9fa48("305") ? (err as {
      response?: unknown;
    }).response : (stryCov_9fa48("305"), !(err as {
      response?: unknown;
    }).response)));
    return stryMutAct_9fa48("308") ? (isRateLimited(info) || info.status === 401 || info.status === 408 || info.status >= 500) && TRANSIENT_REASONS.has(info.reason ?? '') : stryMutAct_9fa48("307") ? false : stryMutAct_9fa48("306") ? true : (stryCov_9fa48("306", "307", "308"), (stryMutAct_9fa48("310") ? (isRateLimited(info) || info.status === 401 || info.status === 408) && info.status >= 500 : stryMutAct_9fa48("309") ? false : (stryCov_9fa48("309", "310"), (stryMutAct_9fa48("312") ? (isRateLimited(info) || info.status === 401) && info.status === 408 : stryMutAct_9fa48("311") ? false : (stryCov_9fa48("311", "312"), (stryMutAct_9fa48("314") ? isRateLimited(info) && info.status === 401 : stryMutAct_9fa48("313") ? false : (stryCov_9fa48("313", "314"), isRateLimited(info) || (stryMutAct_9fa48("316") ? info.status !== 401 : stryMutAct_9fa48("315") ? false : (stryCov_9fa48("315", "316"), info.status === 401)))) || (stryMutAct_9fa48("318") ? info.status !== 408 : stryMutAct_9fa48("317") ? false : (stryCov_9fa48("317", "318"), info.status === 408)))) || (stryMutAct_9fa48("321") ? info.status < 500 : stryMutAct_9fa48("320") ? info.status > 500 : stryMutAct_9fa48("319") ? false : (stryCov_9fa48("319", "320", "321"), info.status >= 500)))) || TRANSIENT_REASONS.has(stryMutAct_9fa48("322") ? info.reason && '' : (stryCov_9fa48("322"), info.reason ?? (stryMutAct_9fa48("323") ? "Stryker was here!" : (stryCov_9fa48("323"), '')))));
  }
}

/**
 * Turn a Google API error into the Temporal failure that says whether to retry and what to fix.
 * `what` names the call ("create role Education Admin"), `scope` the delegated scope it needs.
 */
export function classifyGoogleApiError(err: unknown, what: string, scope: string): never {
  if (stryMutAct_9fa48("324")) {
    {}
  } else {
    stryCov_9fa48("324");
    const info = googleApiErrorInfo(err);
    const said = stryMutAct_9fa48("325") ? `` : (stryCov_9fa48("325"), `HTTP ${stryMutAct_9fa48("326") ? info.status && '?' : (stryCov_9fa48("326"), info.status ?? (stryMutAct_9fa48("327") ? "" : (stryCov_9fa48("327"), '?')))}${info.reason ? stryMutAct_9fa48("328") ? `` : (stryCov_9fa48("328"), ` ${info.reason}`) : info.apiStatus ? stryMutAct_9fa48("329") ? `` : (stryCov_9fa48("329"), ` ${info.apiStatus}`) : stryMutAct_9fa48("330") ? "Stryker was here!" : (stryCov_9fa48("330"), '')}: ${info.message}`);
    if (stryMutAct_9fa48("332") ? false : stryMutAct_9fa48("331") ? true : (stryCov_9fa48("331", "332"), isRateLimited(info))) {
      if (stryMutAct_9fa48("333")) {
        {}
      } else {
        stryCov_9fa48("333");
        throw retryable(stryMutAct_9fa48("334") ? `` : (stryCov_9fa48("334"), `${what}: Google rate limit (${said}); retrying with backoff`), stryMutAct_9fa48("335") ? "" : (stryCov_9fa48("335"), 'GoogleRateLimited'), parseRetryAfter(info.retryAfter));
      }
    }
    if (stryMutAct_9fa48("337") ? false : stryMutAct_9fa48("336") ? true : (stryCov_9fa48("336", "337"), isTransient(err, info))) {
      if (stryMutAct_9fa48("338")) {
        {}
      } else {
        stryCov_9fa48("338");
        throw retryable(stryMutAct_9fa48("339") ? `` : (stryCov_9fa48("339"), `${what}: transient Google error (${(stryMutAct_9fa48("342") ? info.status !== undefined : stryMutAct_9fa48("341") ? false : stryMutAct_9fa48("340") ? true : (stryCov_9fa48("340", "341", "342"), info.status === undefined)) ? stryMutAct_9fa48("343") ? "" : (stryCov_9fa48("343"), 'network') : said}); retrying`), stryMutAct_9fa48("344") ? "" : (stryCov_9fa48("344"), 'GoogleTransientError'), parseRetryAfter(info.retryAfter));
      }
    }
    if (stryMutAct_9fa48("346") ? false : stryMutAct_9fa48("345") ? true : (stryCov_9fa48("345", "346"), info.scopeInsufficient)) throw missingScope(what, stryMutAct_9fa48("347") ? [] : (stryCov_9fa48("347"), [scope]));
    throw permanent(stryMutAct_9fa48("348") ? `` : (stryCov_9fa48("348"), `${what} failed (${said})`), stryMutAct_9fa48("349") ? `` : (stryCov_9fa48("349"), `Google${info.reason ? stryMutAct_9fa48("350") ? info.reason[0]!.toUpperCase() - info.reason.slice(1) : (stryCov_9fa48("350"), (stryMutAct_9fa48("351") ? info.reason[0]!.toLowerCase() : (stryCov_9fa48("351"), info.reason[0]!.toUpperCase())) + (stryMutAct_9fa48("352") ? info.reason : (stryCov_9fa48("352"), info.reason.slice(1)))) : stryMutAct_9fa48("353") ? "" : (stryCov_9fa48("353"), 'ApiError')}`));
  }
}
export function missingScope(what: string, scopes: string[]) {
  if (stryMutAct_9fa48("354")) {
    {}
  } else {
    stryCov_9fa48("354");
    return permanent(stryMutAct_9fa48("355") ? `` : (stryCov_9fa48("355"), `${what}: the service account is not authorised for ${scopes.join(stryMutAct_9fa48("356") ? "" : (stryCov_9fa48("356"), ', '))}. Grant the scope(s) by running the domain-wide delegation onboarding (googleDelegationOnboarding) with them, then start this onboarding again.`), stryMutAct_9fa48("357") ? "" : (stryCov_9fa48("357"), 'GoogleScopeMissing'));
  }
}

/**
 * Authenticated googleapis clients for one caller and scope set, cached per worker so the access token
 * is reused; every Directory call waits for the shared quota limiter first.
 */
export function createAdminClientFactory(settings: GoogleAdminSettings) {
  const q = settings.directoryQuota ?? {
    limit: 2400,
    windowMs: 60_000
  };
  const limiter = new SlidingWindowLimiter(q.limit, q.windowMs, q.guardMs ?? 1000, settings.limiterStore);
  const cache = new Map<string, {
    jwt: JWT;
    clients: AdminClients;
  }>();
  async function clientsFor(caller: GoogleAdminCaller, scopes: string[], what: string): Promise<AdminClients> {
    const cacheKey = `${caller.serviceAccount.keyRef}|${caller.adminEmail}|${[...scopes].sort().join(' ')}`;
    let entry = cache.get(cacheKey);
    if (!entry) {
      let key;
      try {
        key = await loadServiceAccountKey(caller.serviceAccount.keyRef);
      } catch (err) {
        if (err instanceof SecretRefError || err instanceof ServiceAccountKeyError) throw permanent(`serviceAccount.keyRef: ${err.message}`, 'ServiceAccountKeyUnavailable');
        throw err;
      }
      // Directory calls wait for the shared quota first; their timeout starts once they may be sent.
      const transporter = createGoogleTransporter(settings, async config => {
        if (config.url.toString().includes('/admin/directory/')) await limiter.take();
      });
      const jwt = new JWT({
        email: key.client_email,
        key: key.private_key,
        keyId: key.private_key_id,
        scopes,
        subject: caller.adminEmail,
        transporter
      });
      const common = {
        auth: jwt,
        retry: false,
        ...(settings.apiRootUrl ? {
          rootUrl: settings.apiRootUrl.replace(/\/?$/, '/')
        } : {})
      };
      entry = {
        jwt,
        clients: {
          directory: google.admin({
            version: 'directory_v1',
            ...common
          }),
          cloudIdentity: google.cloudidentity({
            version: 'v1',
            ...common
          })
        }
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
        throw permanent(`${what}: Google rejected the token request as ${caller.adminEmail} (${info.error}: ${info.description ?? ''}). Check adminEmail (an existing super admin) and the key referenced by serviceAccount.keyRef.`, 'GoogleTokenRejected');
      }
      if (info.status !== undefined && info.status < 500 && info.status !== 429) {
        throw permanent(`${what}: the token endpoint refused the request (HTTP ${info.status} ${info.error ?? ''})`, 'GoogleTokenRequestRejected');
      }
      throw retryable(`${what}: token endpoint unavailable (${info.error ?? info.code ?? info.status ?? 'network'}); retrying`, 'GoogleTokenEndpointUnavailable', parseRetryAfter(info.retryAfter));
    }
    return entry.clients;
  }
  return {
    clientsFor,
    limiter
  };
}