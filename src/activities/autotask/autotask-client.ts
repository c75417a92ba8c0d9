import type { ReceiverKeyring } from '../../secrets/rotation-state';
import { request } from 'undici';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import type { LimiterStore } from '../limits/limiter-store';
import { AutotaskLimiter, LimitReachedError, type LimiterOptions } from './autotask-limiter';
import { FailureType } from '../../contract/failure-types';

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
  /**
   * The receiver's signing keyring (src/secrets/rotation-state.ts: files or the secret store); needed by the
   * signing-secret rotation. `receiverKeyringDir` is the file keyring's shorthand.
   */
  keyring?: ReceiverKeyring;
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
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly endpoint: string,
    readonly retryAfterMs?: number
  ) {
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
    throw permanent(
      `Autotask zone discovery returned "${url}", which is not a URL; refusing to send credentials`,
      FailureType.AutotaskZoneUntrusted
    );
  }
  const trusted =
    (u.protocol === 'https:' && AUTOTASK_ZONE_HOST.test(u.hostname) && !u.port) || allowed.includes(u.host);
  if (!trusted) {
    throw permanent(
      `Autotask zone discovery pointed to ${u.protocol}//${u.host}, which is not an Autotask zone (https://webservicesN.autotask.net); refusing to send credentials there`,
      FailureType.AutotaskZoneUntrusted
    );
  }
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

function errorList(body: unknown): string[] {
  const errs = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errs)) return [];
  return errs.map((e) => (typeof e === 'string' ? e : JSON.stringify((e as { message?: unknown }).message ?? e)));
}

/** Endpoint as Autotask's thread limit sees it: the entity, plus the child collection for child URLs. */
export function endpointOf(path: string): string {
  const [entity, second, child] = path.split('?')[0]!.split('/');
  return child && second && /^\d+$/.test(second) ? `${entity}/${child}` : entity!;
}

export class AutotaskClient {
  readonly limiter: AutotaskLimiter;
  constructor(readonly settings: AutotaskSettings) {
    this.limiter =
      settings.limiter instanceof AutotaskLimiter
        ? settings.limiter
        : new AutotaskLimiter(settings.limiter, settings.limiterStore);
  }

  private async http(method: string, url: string, headers: Record<string, string>, body?: unknown) {
    const timeout = this.settings.timeoutMs ?? 30_000;
    const res = await request(url, {
      method: method as 'GET',
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const ra = res.headers['retry-after'];
    return { status: res.statusCode, body: parsed, retryAfter: Array.isArray(ra) ? ra[0] : ra };
  }

  /** Zone discovery: unauthenticated and exempt from the thread limit. Returns the trusted REST base. */
  async discoverZone(username: string): Promise<{ zoneUrl: string; zoneName?: string }> {
    const base = (this.settings.discoveryUrl ?? 'https://webservices.autotask.net').replace(/\/$/, '');
    const url = `${base}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(username)}`;
    let res;
    try {
      res = await this.http('GET', url, { accept: 'application/json' });
    } catch (err) {
      if (isNetworkError(err))
        throw retryable(
          `Autotask zone discovery unreachable (${(err as { code?: string }).code ?? 'network'}); retrying`,
          FailureType.AutotaskUnreachable
        );
      throw err;
    }
    if (res.status === 500) {
      throw permanent(
        `Autotask does not know the API user "${username}" (zone discovery answered 500). Fix: copy the API user's Username (key) exactly from Admin > Resources/Users, and check the user was saved.`,
        FailureType.AutotaskUnknownUser
      );
    }
    if (res.status !== 200) {
      if (isRetryableStatus(res.status))
        throw retryable(
          `Autotask zone discovery answered ${res.status}; retrying`,
          FailureType.AutotaskUnavailable,
          parseRetryAfter(res.retryAfter)
        );
      throw permanent(`Autotask zone discovery answered HTTP ${res.status}`, FailureType.AutotaskZoneDiscoveryFailed);
    }
    const b = res.body as { url?: string; zoneName?: string } | undefined;
    if (!b?.url)
      throw permanent('Autotask zone discovery answered without a zone URL', FailureType.AutotaskZoneDiscoveryFailed);
    return { zoneUrl: checkZoneUrl(b.url, this.settings.allowedZoneHosts), zoneName: b.zoneName };
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
      Secret: s.secret,
    };
    let res;
    try {
      res = await this.limiter.run(s.tenant, `${s.integrationCode}|${endpoint}`, () =>
        this.http(method, url, headers, body)
      );
    } catch (err) {
      if (err instanceof LimitReachedError)
        throw retryable(err.message, FailureType.AutotaskRateLimited, err.retryAfterMs);
      if (isNetworkError(err))
        throw retryable(
          `Autotask unreachable on ${endpoint} (${(err as { code?: string }).code ?? 'network'}); retrying`,
          FailureType.AutotaskUnreachable
        );
      throw err;
    }
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const retryAfterMs = parseRetryAfter(res.retryAfter);
    if (res.status === 429) this.limiter.pause(s.tenant, retryAfterMs ?? 5_000);
    throw new AutotaskApiError(res.status, errorList(res.body), `${method} ${endpoint}`, retryAfterMs);
  }

  async refreshThreshold(s: AutotaskSession): Promise<{ used: number; limit: number }> {
    const t = await this.call<{ externalRequestThreshold: number; currentTimeframeRequestCount: number }>(
      s,
      'GET',
      'ThresholdInformation'
    );
    this.limiter.noteThreshold(s.tenant, t.currentTimeframeRequestCount, t.externalRequestThreshold);
    return { used: t.currentTimeframeRequestCount, limit: t.externalRequestThreshold };
  }
}

/**
 * Autotask's codes mislead (500 for an unknown user, a bad integration code or a missing permission), so
 * map them to what to fix. A 401 is never retried: repeated bad secrets lock the API user.
 */
export function toFailure(err: unknown, username: string, doing: string): Error {
  if (!(err instanceof AutotaskApiError)) return err as Error;
  const said = err.errors.join('; ');
  if (err.status === 401) {
    return permanent(
      `Autotask rejected the credentials of API user ${username} while ${doing} (HTTP 401): the secret is wrong, or the user is inactive or locked. Onramp does not retry, because repeated bad secrets lock the API user. Fix: check Active is checked and Locked unchecked on the API user, or generate a new secret and update the secret reference.`,
      FailureType.AutotaskCredentialsRejected
    );
  }
  if (err.status === 500 && /integrationcode/i.test(said)) {
    return permanent(
      `Autotask rejected the API tracking identifier while ${doing} (HTTP 500 "${said}"). Fix: use the ApiIntegrationCode of the Integration Vendor selected on API user ${username}.`,
      FailureType.AutotaskIntegrationCodeRejected
    );
  }
  if (err.status === 500 && /user name|api user/i.test(said)) {
    return permanent(
      `Autotask does not know API user ${username} (HTTP 500 "${said}"). Fix: copy the Username (key) exactly from the API user.`,
      FailureType.AutotaskUnknownUser
    );
  }
  if (/maximum number of webhooks/i.test(said)) {
    return permanent(
      `The webhook limit of API user ${username}'s security level is reached while ${doing} ("${said}"). Fix: raise the maximum webhook count under Security Levels > Other > Webhooks (it counts every webhook the user ever created), or delete unused webhooks.`,
      FailureType.AutotaskWebhookLimitReached
    );
  }
  if ((err.status === 500 || err.status === 403) && /adequate permissions/i.test(said)) {
    const webhook = /Webhooks/.test(err.endpoint);
    return permanent(
      webhook
        ? `Webhooks are not enabled for API user ${username}'s security level (${doing}: "${said}"). Fix: Admin > Security Levels > (the API user's level) > Other > Webhooks: enable it and set a maximum webhook count.`
        : `API user ${username} lacks a permission while ${doing} ("${said}"). Fix the API user's security level.`,
      webhook ? FailureType.AutotaskWebhooksDisabled : FailureType.AutotaskPermissionDenied
    );
  }
  if (isRetryableStatus(err.status))
    return retryable(`${err.message}; retrying`, FailureType.AutotaskUnavailable, err.retryAfterMs);
  return permanent(`${err.message} (while ${doing})`, FailureType.AutotaskRequestRejected);
}
