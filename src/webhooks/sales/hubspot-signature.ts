/**
 * HubSpot's request signature, version 3 (`X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp`), as
 * HubSpot documents it: https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 * — base64 of HMAC-SHA256, keyed with the app's client secret, over method + URI + body + timestamp; a
 * timestamp older than 5 minutes is refused. Both webhook subscriptions and workflow "Send a webhook"
 * actions sign this way.
 *
 * The HMAC itself is `@hubspot/api-client`'s own (`Signature.getSignature`). Its `Signature.isValid` is not
 * used: it compares with `===` (not constant-time), reads the clock itself, and accepts timestamps in the
 * future; this file adds those checks around the library's computation.
 */
import { timingSafeEqual } from 'node:crypto';
import { Signature } from '@hubspot/api-client/lib/src/utils/signature';

/** HubSpot: "reject the request if the timestamp is older than 5 minutes". */
export const HUBSPOT_MAX_AGE_MS = 5 * 60_000;
/** A sender's clock a little ahead of ours is tolerated; far ahead is a forged (or pre-signed) request. */
export const HUBSPOT_MAX_FUTURE_MS = 60_000;

/**
 * The URI as HubSpot signs it: the full URL with these URL-encoded characters decoded (HubSpot's table:
 * %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;), the rest left as sent.
 */
export function hubspotSignedUri(fullUrl: string): string {
  const decoded: Record<string, string> = {
    '%3A': ':',
    '%2F': '/',
    '%3F': '?',
    '%40': '@',
    '%21': '!',
    '%24': '$',
    '%27': "'",
    '%28': '(',
    '%29': ')',
    '%2A': '*',
    '%2C': ',',
    '%3B': ';',
  };
  return fullUrl.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => decoded[m.toUpperCase()] ?? m);
}

export function hubspotSignatureV3(
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: string
): string {
  return Signature.getSignature(method, 'v3', {
    signature: '',
    clientSecret: secret,
    requestBody: body,
    url: hubspotSignedUri(uri),
    timestamp: timestamp as unknown as number,
  });
}

export type HubspotVerdict =
  { ok: true } | { ok: false; reason: 'missing_signature' | 'stale_timestamp' | 'bad_signature'; message: string };

/** Verify one request; `uri` is the full URL HubSpot posted to (scheme, host, path, query). */
export function verifyHubspotV3(input: {
  secret: string;
  method: string;
  uri: string;
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  now: number;
}): HubspotVerdict {
  const { signature, timestamp } = input;
  if (!signature || !timestamp)
    return {
      ok: false,
      reason: 'missing_signature',
      message: 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required (HubSpot sends both)',
    };
  const ts = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(ts) || input.now - ts > HUBSPOT_MAX_AGE_MS || ts - input.now > HUBSPOT_MAX_FUTURE_MS)
    return {
      ok: false,
      reason: 'stale_timestamp',
      message:
        'X-HubSpot-Request-Timestamp is more than 5 minutes old (or in the future): a replayed request, or a clock off; HubSpot retries with a fresh one',
    };
  const expected = Buffer.from(
    hubspotSignatureV3(input.secret, input.method, input.uri, input.body.toString('utf8'), timestamp),
    'utf8'
  );
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      ok: false,
      reason: 'bad_signature',
      message:
        "X-HubSpot-Signature-v3 does not match: check that systems.hubspot.clientSecretRef is the app's client secret and webhookUrl the URL exactly as HubSpot posts to",
    };
  return { ok: true };
}
