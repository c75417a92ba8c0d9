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
import { request } from 'undici';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import type { LimiterStore } from '../limits/limiter-store';
import { AutotaskLimiter, LimitReachedError, type LimiterOptions } from './limiter';
export interface AutotaskSettings {
  /** Where zone discovery starts; production: https://webservices.autotask.net */
  discoveryUrl?: string;
  /**
   * Zone hosts (host[:port]) trusted besides https://webservicesN.autotask.net. Empty by default: only the
   * sandbox and tests list the simulator's loopback address, so credentials never go anywhere else.
   */
  allowedZoneHosts?: string[];
  timeoutMs?: number;
  /** One limiter per worker process, shared by every Autotask activity. */
  limiter?: AutotaskLimiter | LimiterOptions;
  /** Where the limiter keeps its counts (shared by all workers with PostgreSQL); default: this process. */
  limiterStore?: LimiterStore;
  /** The receiver's signing keyring (src/webhooks/signing-keyring.ts); needed by the signing-secret rotation. */
  receiverKeyringDir?: string;
}
export interface AutotaskSession {
  /** Onramp's id of the Autotask database: the unit of the hourly limit. */
  tenant: string;
  /** REST base returned by zone discovery, ending in "/". */
  zoneUrl: string;
  username: string;
  integrationCode: string;
  secret: string;
}

/** An Autotask answer that was not a success, with its `errors[]` (vendor-apis.md B5). */
export class AutotaskApiError extends Error {
  constructor(readonly status: number, readonly errors: string[], readonly endpoint: string, readonly retryAfterMs?: number) {
    super(`Autotask answered HTTP ${status} on ${endpoint}${errors.length ? `: ${errors.join('; ')}` : ''}`);
    this.name = 'AutotaskApiError';
  }
}
const AUTOTASK_ZONE_HOST = /^webservices\d*\.autotask\.net$/i;
export function checkZoneUrl(url: string, allowed: readonly string[] = []): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw permanent(`Autotask zone discovery returned "${url}", which is not a URL; refusing to send credentials`, 'AutotaskZoneUntrusted');
  }
  const trusted = u.protocol === 'https:' && AUTOTASK_ZONE_HOST.test(u.hostname) && !u.port || allowed.includes(u.host);
  if (!trusted) {
    throw permanent(`Autotask zone discovery pointed to ${u.protocol}//${u.host}, which is not an Autotask zone (https://webservicesN.autotask.net); refusing to send credentials there`, 'AutotaskZoneUntrusted');
  }
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}
function errorList(body: unknown): string[] {
  const errs = (body as {
    errors?: unknown;
  } | undefined)?.errors;
  if (!Array.isArray(errs)) return [];
  return errs.map(e => typeof e === 'string' ? e : JSON.stringify((e as {
    message?: unknown;
  }).message ?? e));
}

/** Endpoint as Autotask's thread limit sees it: the entity, plus the child collection for child URLs. */
export function endpointOf(path: string): string {
  const [entity, second, child] = path.split('?')[0]!.split('/');
  return child && second && /^\d+$/.test(second) ? `${entity}/${child}` : entity!;
}
export class AutotaskClient {
  readonly limiter: AutotaskLimiter;
  constructor(readonly settings: AutotaskSettings) {
    this.limiter = settings.limiter instanceof AutotaskLimiter ? settings.limiter : new AutotaskLimiter(settings.limiter, settings.limiterStore);
  }
  private async http(method: string, url: string, headers: Record<string, string>, body?: unknown) {
    const timeout = this.settings.timeoutMs ?? 30_000;
    const res = await request(url, {
      method: method as 'GET',
      headers: body === undefined ? headers : {
        ...headers,
        'content-type': 'application/json'
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeout,
      bodyTimeout: timeout
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const ra = res.headers['retry-after'];
    return {
      status: res.statusCode,
      body: parsed,
      retryAfter: Array.isArray(ra) ? ra[0] : ra
    };
  }

  /** Zone discovery: unauthenticated and exempt from the thread limit. Returns the trusted REST base. */
  async discoverZone(username: string): Promise<{
    zoneUrl: string;
    zoneName?: string;
  }> {
    const base = (this.settings.discoveryUrl ?? 'https://webservices.autotask.net').replace(/\/$/, '');
    const url = `${base}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(username)}`;
    let res;
    try {
      res = await this.http('GET', url, {
        accept: 'application/json'
      });
    } catch (err) {
      if (isNetworkError(err)) throw retryable(`Autotask zone discovery unreachable (${(err as {
        code?: string;
      }).code ?? 'network'}); retrying`, 'AutotaskUnreachable');
      throw err;
    }
    if (res.status === 500) {
      throw permanent(`Autotask does not know the API user "${username}" (zone discovery answered 500). Fix: copy the API user's Username (key) exactly from Admin > Resources/Users, and check the user was saved.`, 'AutotaskUnknownUser');
    }
    if (res.status !== 200) {
      if (isRetryableStatus(res.status)) throw retryable(`Autotask zone discovery answered ${res.status}; retrying`, 'AutotaskUnavailable', parseRetryAfter(res.retryAfter));
      throw permanent(`Autotask zone discovery answered HTTP ${res.status}`, 'AutotaskZoneDiscoveryFailed');
    }
    const b = res.body as {
      url?: string;
      zoneName?: string;
    } | undefined;
    if (!b?.url) throw permanent('Autotask zone discovery answered without a zone URL', 'AutotaskZoneDiscoveryFailed');
    return {
      zoneUrl: checkZoneUrl(b.url, this.settings.allowedZoneHosts),
      zoneName: b.zoneName
    };
  }

  /**
   * One authenticated call through the limiter. Throws AutotaskApiError for any non-2xx answer, and a
   * retryable failure when the limiter or a network error says "later".
   */
  async call<T>(s: AutotaskSession, method: string, path: string, body?: unknown): Promise<T> {
    if (path !== 'ThresholdInformation' && this.limiter.thresholdDue(s.tenant)) await this.refreshThreshold(s);
    const endpoint = endpointOf(path);
    const url = `${checkZoneUrl(s.zoneUrl, this.settings.allowedZoneHosts)}V1.0/${path}`;
    const headers = {
      accept: 'application/json',
      ApiIntegrationCode: s.integrationCode,
      UserName: s.username,
      Secret: s.secret
    };
    let res;
    try {
      res = await this.limiter.run(s.tenant, `${s.integrationCode}|${endpoint}`, () => this.http(method, url, headers, body));
    } catch (err) {
      if (err instanceof LimitReachedError) throw retryable(err.message, 'AutotaskRateLimited', err.retryAfterMs);
      if (isNetworkError(err)) throw retryable(`Autotask unreachable on ${endpoint} (${(err as {
        code?: string;
      }).code ?? 'network'}); retrying`, 'AutotaskUnreachable');
      throw err;
    }
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const retryAfterMs = parseRetryAfter(res.retryAfter);
    if (res.status === 429) this.limiter.pause(s.tenant, retryAfterMs ?? 5_000);
    throw new AutotaskApiError(res.status, errorList(res.body), `${method} ${endpoint}`, retryAfterMs);
  }
  async refreshThreshold(s: AutotaskSession): Promise<{
    used: number;
    limit: number;
  }> {
    const t = await this.call<{
      externalRequestThreshold: number;
      currentTimeframeRequestCount: number;
    }>(s, 'GET', 'ThresholdInformation');
    this.limiter.noteThreshold(s.tenant, t.currentTimeframeRequestCount, t.externalRequestThreshold);
    return {
      used: t.currentTimeframeRequestCount,
      limit: t.externalRequestThreshold
    };
  }
}

/**
 * Autotask's codes mislead (500 for an unknown user, a bad integration code or a missing permission), so
 * map them to what to fix. A 401 is never retried: repeated bad secrets lock the API user.
 */
export function toFailure(err: unknown, username: string, doing: string): Error {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    if (stryMutAct_9fa48("3") ? false : stryMutAct_9fa48("2") ? true : stryMutAct_9fa48("1") ? err instanceof AutotaskApiError : (stryCov_9fa48("1", "2", "3"), !(err instanceof AutotaskApiError))) return err as Error;
    const said = err.errors.join(stryMutAct_9fa48("4") ? "" : (stryCov_9fa48("4"), '; '));
    if (stryMutAct_9fa48("7") ? err.status !== 401 : stryMutAct_9fa48("6") ? false : stryMutAct_9fa48("5") ? true : (stryCov_9fa48("5", "6", "7"), err.status === 401)) {
      if (stryMutAct_9fa48("8")) {
        {}
      } else {
        stryCov_9fa48("8");
        return permanent(stryMutAct_9fa48("9") ? `` : (stryCov_9fa48("9"), `Autotask rejected the credentials of API user ${username} while ${doing} (HTTP 401): the secret is wrong, or the user is inactive or locked. Onramp does not retry, because repeated bad secrets lock the API user. Fix: check Active is checked and Locked unchecked on the API user, or generate a new secret and update the secret reference.`), stryMutAct_9fa48("10") ? "" : (stryCov_9fa48("10"), 'AutotaskCredentialsRejected'));
      }
    }
    if (stryMutAct_9fa48("13") ? err.status === 500 || /integrationcode/i.test(said) : stryMutAct_9fa48("12") ? false : stryMutAct_9fa48("11") ? true : (stryCov_9fa48("11", "12", "13"), (stryMutAct_9fa48("15") ? err.status !== 500 : stryMutAct_9fa48("14") ? true : (stryCov_9fa48("14", "15"), err.status === 500)) && /integrationcode/i.test(said))) {
      if (stryMutAct_9fa48("16")) {
        {}
      } else {
        stryCov_9fa48("16");
        return permanent(stryMutAct_9fa48("17") ? `` : (stryCov_9fa48("17"), `Autotask rejected the API tracking identifier while ${doing} (HTTP 500 "${said}"). Fix: use the ApiIntegrationCode of the Integration Vendor selected on API user ${username}.`), stryMutAct_9fa48("18") ? "" : (stryCov_9fa48("18"), 'AutotaskIntegrationCodeRejected'));
      }
    }
    if (stryMutAct_9fa48("21") ? err.status === 500 || /user name|api user/i.test(said) : stryMutAct_9fa48("20") ? false : stryMutAct_9fa48("19") ? true : (stryCov_9fa48("19", "20", "21"), (stryMutAct_9fa48("23") ? err.status !== 500 : stryMutAct_9fa48("22") ? true : (stryCov_9fa48("22", "23"), err.status === 500)) && /user name|api user/i.test(said))) {
      if (stryMutAct_9fa48("24")) {
        {}
      } else {
        stryCov_9fa48("24");
        return permanent(stryMutAct_9fa48("25") ? `` : (stryCov_9fa48("25"), `Autotask does not know API user ${username} (HTTP 500 "${said}"). Fix: copy the Username (key) exactly from the API user.`), stryMutAct_9fa48("26") ? "" : (stryCov_9fa48("26"), 'AutotaskUnknownUser'));
      }
    }
    if (stryMutAct_9fa48("28") ? false : stryMutAct_9fa48("27") ? true : (stryCov_9fa48("27", "28"), /maximum number of webhooks/i.test(said))) {
      if (stryMutAct_9fa48("29")) {
        {}
      } else {
        stryCov_9fa48("29");
        return permanent(stryMutAct_9fa48("30") ? `` : (stryCov_9fa48("30"), `The webhook limit of API user ${username}'s security level is reached while ${doing} ("${said}"). Fix: raise the maximum webhook count under Security Levels > Other > Webhooks (it counts every webhook the user ever created), or delete unused webhooks.`), stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), 'AutotaskWebhookLimitReached'));
      }
    }
    if (stryMutAct_9fa48("34") ? err.status === 500 || err.status === 403 || /adequate permissions/i.test(said) : stryMutAct_9fa48("33") ? false : stryMutAct_9fa48("32") ? true : (stryCov_9fa48("32", "33", "34"), (stryMutAct_9fa48("36") ? err.status === 500 && err.status === 403 : stryMutAct_9fa48("35") ? true : (stryCov_9fa48("35", "36"), (stryMutAct_9fa48("38") ? err.status !== 500 : stryMutAct_9fa48("37") ? false : (stryCov_9fa48("37", "38"), err.status === 500)) || (stryMutAct_9fa48("40") ? err.status !== 403 : stryMutAct_9fa48("39") ? false : (stryCov_9fa48("39", "40"), err.status === 403)))) && /adequate permissions/i.test(said))) {
      if (stryMutAct_9fa48("41")) {
        {}
      } else {
        stryCov_9fa48("41");
        const webhook = /Webhooks/.test(err.endpoint);
        return permanent(webhook ? stryMutAct_9fa48("42") ? `` : (stryCov_9fa48("42"), `Webhooks are not enabled for API user ${username}'s security level (${doing}: "${said}"). Fix: Admin > Security Levels > (the API user's level) > Other > Webhooks: enable it and set a maximum webhook count.`) : stryMutAct_9fa48("43") ? `` : (stryCov_9fa48("43"), `API user ${username} lacks a permission while ${doing} ("${said}"). Fix the API user's security level.`), webhook ? stryMutAct_9fa48("44") ? "" : (stryCov_9fa48("44"), 'AutotaskWebhooksDisabled') : stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'AutotaskPermissionDenied'));
      }
    }
    if (stryMutAct_9fa48("47") ? false : stryMutAct_9fa48("46") ? true : (stryCov_9fa48("46", "47"), isRetryableStatus(err.status))) return retryable(stryMutAct_9fa48("48") ? `` : (stryCov_9fa48("48"), `${err.message}; retrying`), stryMutAct_9fa48("49") ? "" : (stryCov_9fa48("49"), 'AutotaskUnavailable'), err.retryAfterMs);
    return permanent(stryMutAct_9fa48("50") ? `` : (stryCov_9fa48("50"), `${err.message} (while ${doing})`), stryMutAct_9fa48("51") ? "" : (stryCov_9fa48("51"), 'AutotaskRequestRejected'));
  }
}