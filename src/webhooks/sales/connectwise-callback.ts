import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, request } from 'undici';
import type { SalesEventV1 } from '../../contract/sales-messages';
import { apiHostFor } from '../../rules/connectwise-site-rules';
import { SalesRefusal, header, type ReplayMemory, type SalesDelivery } from './sales-refusal';

/**
 * ConnectWise Manage (PSA) callback receiver for Opportunity, registered by Onramp through `/system/callbacks`
 * (src/activities/sales/connectwise-callbacks.ts).
 *
 * What ConnectWise sends, and how it is signed (ConnectWise Developer Guide, "Callbacks" / "PSA Callbacks",
 * developer.connectwise.com — read through the public mirror
 * https://gitea.resolutionflow.com/chihlasm/resolutionflow/src/branch/main/docs/connectwise/best-practices/PSA-Callbacks.md
 * and /work/shared/notes/vendor-apis.md C7; field names confirmed by a maintained implementation,
 * NangoHQ/nango packages/server/lib/webhook/connectwise-psa-webhook-routing.ts and types.ts [community]):
 * - a JSON body `{MessageId, FromUrl, CompanyId, MemberId, Action, Type, ID, ProductInstanceId, PartnerId,
 *   Entity (the record as JSON text), Metadata: {key_url}, CallbackObjectRecId}`;
 * - header `x-content-signature`: base64(HMAC-SHA256(key = SHA-256(signing key), message = the raw body));
 * - the signing key is served as `{"signing_key": "..."}` at `Metadata.key_url`, on the PSA site itself
 *   (`https://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=...`).
 *
 * The key URL arrives in the (not yet verified) body, so it is only fetched when its host is the configured
 * site or its `api-` twin, over https (http only for a loopback simulator), without credentials in the URL;
 * keys are cached by URL (one fetch per key, not per event), and refetched once when a cached key no longer
 * matches (ConnectWise rotated it).
 *
 * ConnectWise retries a callback only when answered 404/409/419/429 (twice, +2 s and +4 s) and disables it after
 * three days of failures (vendor-apis.md C7). So: a verified event is answered 2xx once it is durably recorded;
 * when recording fails the route answers 429 (so ConnectWise retries) and calls `replay.forget(eventId)`.
 * Refusals (none of which ConnectWise retries): forged or unsigned 401, stale 401, replay of a MessageId already
 * taken 401, other company 403, not an opportunity 400.
 */

export interface CallbackKeySource {
  /** The signing key at `url` (already checked to be on the site); `fresh` skips the cache. */
  key(url: URL, fresh?: boolean): Promise<string>;
}

export interface ConnectwiseCallbackConfig {
  /** The configured company (login) ID; callbacks from another company are refused. */
  companyId: string;
  /** The configured site host (host[:port]) the key URL must be on (its `api-` twin too). */
  site: string;
  keys: CallbackKeySource;
  /** MessageIds already taken, so a replayed delivery is refused; none: replays are left to the order's ID. */
  replay?: ReplayMemory;
  maxBodyBytes?: number;
  /**
   * When the Entity carries `_info.lastUpdated`, a callback about a save older than this is stale. Default 1 h:
   * ConnectWise sends on save and retries for seconds only.
   */
  maxAgeMs?: number;
}

/** The key endpoint could not be reached or answered no key: not the sender's fault (the route answers 429). */
export class CallbackKeyUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackKeyUnavailable';
  }
}

const DEFAULT_MAX_BODY = 512 * 1024;
const DEFAULT_MAX_AGE_MS = 3600_000;

/** base64(HMAC-SHA256(SHA-256(signingKey), body)): what ConnectWise puts in `x-content-signature`. */
export function connectwiseSignature(signingKey: string, body: Buffer | string): string {
  const key = createHash('sha256').update(signingKey, 'utf8').digest();
  return createHmac('sha256', key).update(body).digest('base64');
}

function signatureMatches(signingKey: string, body: Buffer, given: string): boolean {
  const want = Buffer.from(connectwiseSignature(signingKey, body), 'base64');
  const got = Buffer.from(given.trim(), 'base64');
  return got.length === want.length && timingSafeEqual(got, want);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The key URL, when it may be fetched: on the configured site (or its api- twin), https, no credentials. */
export function trustedKeyUrl(keyUrl: unknown, site: string): URL | undefined {
  if (typeof keyUrl !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(keyUrl);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.hash) return undefined;
  const okScheme = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  const host = url.host.toLowerCase();
  const s = site.toLowerCase();
  return okScheme && (host === s || host === apiHostFor(s)) ? url : undefined;
}

/** Keys fetched with undici, cached by URL for `ttlMs` (default 1 h), at most `max` (default 100). */
export function callbackKeyFetcher(
  opts: { ttlMs?: number; timeoutMs?: number; max?: number; ca?: string } = {}
): CallbackKeySource {
  const ttl = opts.ttlMs ?? 3600_000;
  // `ca`: a simulator's self-signed certificate; production trusts the system's CAs.
  const dispatcher = opts.ca ? new Agent({ connect: { ca: opts.ca } }) : undefined;
  const cache = new Map<string, { key: string; at: number }>();
  return {
    async key(url, fresh = false) {
      const hit = cache.get(url.href);
      if (hit && !fresh && Date.now() - hit.at < ttl) return hit.key;
      let status: number;
      let text: string;
      try {
        // undici's request follows no redirect: a key URL cannot bounce the fetch elsewhere.
        const res = await request(url, {
          method: 'GET',
          ...(dispatcher ? { dispatcher } : {}),
          headersTimeout: opts.timeoutMs ?? 5000,
          bodyTimeout: opts.timeoutMs ?? 5000,
        });
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        throw new CallbackKeyUnavailable(
          `ConnectWise's callback key endpoint ${url.origin}${url.pathname} did not answer (${(err as { code?: string }).code ?? 'network error'})`
        );
      }
      let key: unknown;
      try {
        key = (JSON.parse(text) as { signing_key?: unknown }).signing_key;
      } catch {
        /* not JSON */
      }
      if (status !== 200 || typeof key !== 'string' || !key)
        throw new CallbackKeyUnavailable(
          `ConnectWise's callback key endpoint ${url.origin}${url.pathname} answered ${status} without a signing_key`
        );
      if (cache.size >= (opts.max ?? 100)) cache.delete(cache.keys().next().value as string);
      cache.set(url.href, { key, at: Date.now() });
      return key;
    },
  };
}

interface CallbackBody {
  MessageId?: unknown;
  CompanyId?: unknown;
  Action?: unknown;
  Type?: unknown;
  ID?: unknown;
  Entity?: unknown;
  Metadata?: { key_url?: unknown } | null;
}

function entityOf(body: CallbackBody): Record<string, unknown> | undefined {
  const e = body.Entity;
  if (e && typeof e === 'object') return e as Record<string, unknown>;
  if (typeof e !== 'string' || !e) return undefined;
  try {
    const parsed: unknown = JSON.parse(e);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Verify one callback; the Opportunity event it carries, or a SalesRefusal naming what is wrong. */
export async function verify(req: SalesDelivery, config: ConnectwiseCallbackConfig): Promise<SalesEventV1[]> {
  if (req.method.toUpperCase() !== 'POST')
    throw new SalesRefusal(400, 'method', `ConnectWise callbacks are POSTed; ${req.method} is not accepted here`);
  if (req.rawBody.length > (config.maxBodyBytes ?? DEFAULT_MAX_BODY))
    throw new SalesRefusal(413, 'too_large', `body of ${req.rawBody.length} bytes is larger than accepted`);
  const signature = header(req, 'x-content-signature');
  if (!signature)
    throw new SalesRefusal(401, 'bad_signature', 'x-content-signature header missing: the callback is not signed');
  let body: CallbackBody;
  try {
    body = JSON.parse(req.rawBody.toString('utf8')) as CallbackBody;
  } catch {
    throw new SalesRefusal(400, 'malformed', 'body is not JSON');
  }
  if (!body || typeof body !== 'object') throw new SalesRefusal(400, 'malformed', 'body is not a JSON object');
  const keyUrl = trustedKeyUrl(body.Metadata?.key_url, config.site);
  if (!keyUrl)
    throw new SalesRefusal(
      401,
      'bad_signature',
      `Metadata.key_url is missing or not on the configured site ${config.site}: the signing key is only fetched from the site itself`
    );
  let key = await config.keys.key(keyUrl);
  if (!signatureMatches(key, req.rawBody, signature)) {
    key = await config.keys.key(keyUrl, true);
    if (!signatureMatches(key, req.rawBody, signature))
      throw new SalesRefusal(
        401,
        'bad_signature',
        'x-content-signature does not match the body: forged or altered callback'
      );
  }

  const company = typeof body.CompanyId === 'string' ? body.CompanyId : '';
  if (company.toLowerCase() !== config.companyId.toLowerCase())
    throw new SalesRefusal(
      403,
      'wrong_account',
      `CompanyId "${company}" is not the configured company: this endpoint only takes callbacks of company ${config.companyId}`
    );
  if (typeof body.Type !== 'string' || body.Type.toLowerCase() !== 'opportunity')
    throw new SalesRefusal(
      400,
      'wrong_object',
      `callback Type "${String(body.Type)}" is not opportunity: register the callback with type Opportunity`
    );
  const id = typeof body.ID === 'number' ? body.ID : Number(body.ID);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new SalesRefusal(400, 'malformed', 'ID is not an opportunity ID (a positive integer)');

  const entity = entityOf(body);
  const info = entity?._info as { lastUpdated?: unknown } | undefined;
  const updated = typeof info?.lastUpdated === 'string' ? Date.parse(info.lastUpdated) : NaN;
  if (!Number.isNaN(updated) && req.receivedAt.getTime() - updated > (config.maxAgeMs ?? DEFAULT_MAX_AGE_MS))
    throw new SalesRefusal(
      401,
      'stale',
      `stale: the opportunity was saved at ${String(info?.lastUpdated)}, too long ago for a callback`
    );

  const eventId =
    typeof body.MessageId === 'string' && body.MessageId
      ? body.MessageId
      : `sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`;
  if (config.replay && !config.replay.firstSeen(eventId, req.receivedAt.getTime()))
    throw new SalesRefusal(401, 'replayed', `callback ${eventId} was already received: a replay, nothing started`);

  const status = (entity?.status as { name?: unknown } | undefined)?.name;
  return [
    {
      system: 'connectwise',
      account: config.companyId,
      dealId: String(id),
      eventId,
      ...(!Number.isNaN(updated) ? { occurredAt: new Date(updated).toISOString() } : {}),
      ...(typeof status === 'string' && status ? { stage: status } : {}),
    },
  ];
}
