import type { ReceiverKeyring } from '../../secrets/rotation-state';
import { request } from 'undici';
import { parseRetryAfter, permanent } from '../failures';
import type { LimiterStore } from '../limits/limiter-store';
import {
  AutotaskApiError,
  callFailure,
  errorList,
  zoneDiscoveryFailure,
  zoneDiscoveryUnreachable,
} from './autotask-error-classifier';
import { AutotaskLimiter, type LimiterOptions } from './autotask-limiter';
import { FailureType } from '../../contract/failure-types';
import type { VendorProfilesFile } from '../../domain/vendor-profile-schema';

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
  /** The deployment's vendor profiles (ONRAMP_VENDOR_PROFILES): each vendor's tracking identifier, by reference. */
  vendorProfiles?: VendorProfilesFile;
}

export interface AutotaskSession {
  /** Onramp's id of the Autotask database: the unit of the hourly limit. */
  tenant: string;
  /** REST base returned by zone discovery, ending in "/". */
  zoneUrl: string;
  username: string;
  /** The vendor's tracking identifier (ApiIntegrationCode header), resolved from its profile's reference. */
  integrationCode: string;
  secret: string;
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
      throw zoneDiscoveryUnreachable(err);
    }
    if (res.status !== 200) throw zoneDiscoveryFailure(res.status, username, res.retryAfter);
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
      throw callFailure(err, endpoint);
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
