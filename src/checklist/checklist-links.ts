import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../codec/key-ring-types';

/**
 * Checklist links: the customer's admin opens `<baseUrl>/c/<token>` to see one integration of one order.
 *
 * The token is a compact JWS (RFC 7515, HS256, `kid` = the key's id in `ONRAMP_CHECKLIST_KEYS`) over the
 * claims below, so any JOSE library (e.g. `jose`'s `jwtVerify`) can read it. It is made and checked here with
 * node:crypto's HMAC and `timingSafeEqual` rather than `jose`, because `jose` is ESM-only here (loaded with
 * a dynamic import) and signs and verifies asynchronously, while these two functions are called while
 * rendering e-mails and pages, where a synchronous answer keeps the callers simple; the format stays
 * standard all the same (test/unit/checklist-links.test.ts checks that `jose` accepts it).
 *
 * Unguessable: 32 bytes of HMAC-SHA256 under a 32-byte key. Bound to the workflow (order), the integration,
 * the recipient and the expiry; `jti` is the link id, `ims` the issue time in milliseconds (revocation
 * compares it: src/checklist/checklist-revocations.ts). A token carries no secret: the claims are readable
 * by whoever holds the link, which is its recipient.
 */
export interface ChecklistClaims {
  /** workflow ID of the order's integration workflow (its business key) */
  wf: string;
  /** integration: google-delegation, autotask, connectwise, … */
  int: string;
  /** the person the link was sent to (e-mail address): "who" in the audit */
  sub: string;
  /** link id */
  jti: string;
  /** issued at, seconds (JWT) */
  iat: number;
  /** issued at, milliseconds (revocation granularity) */
  ims: number;
  /** expires, seconds (JWT) */
  exp: number;
}

export type ChecklistKeys = Pick<KeyRing, 'current' | 'byId'>;

export type ChecklistTokenResult =
  { ok: true; claims: ChecklistClaims } | { ok: false; reason: 'malformed' | 'unknown-key' | 'forged' | 'expired' };

const HEADER_TYP = 'onramp-checklist+jwt';

export interface CreateChecklistLinkInput {
  /** where the checklist page service is reached, e.g. https://checklist.example.com */
  baseUrl: string;
  /** the ring's current key signs */
  key: ChecklistKeys | { id: string; key: Buffer };
  workflowId: string;
  integration: string;
  recipient: string;
  ttlSeconds: number;
  now?: Date;
  /** link id; default: 16 random bytes */
  linkId?: string;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function mac(key: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput, 'ascii').digest();
}

/** A signed token for one order's integration and one recipient (see the module comment). */
export function createChecklistToken(input: Omit<CreateChecklistLinkInput, 'baseUrl'>): string {
  const { id, key } = 'current' in input.key ? input.key.current : input.key;
  if (!(input.ttlSeconds > 0)) throw new Error('createChecklistLink: ttlSeconds must be a positive number of seconds');
  for (const field of ['workflowId', 'integration', 'recipient'] as const) {
    if (!input[field]) throw new Error(`createChecklistLink: ${field} is required`);
  }
  const ims = (input.now ?? new Date()).getTime();
  const iat = Math.floor(ims / 1000);
  const claims: ChecklistClaims = {
    wf: input.workflowId,
    int: input.integration,
    sub: input.recipient,
    jti: input.linkId ?? randomBytes(16).toString('base64url'),
    iat,
    ims,
    exp: iat + Math.ceil(input.ttlSeconds),
  };
  const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: HEADER_TYP, kid: id }))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${b64url(mac(key, signingInput))}`;
}

/** The page's URL for that token: `<baseUrl>/c/<token>`. */
export function createChecklistLink(input: CreateChecklistLinkInput): string {
  return `${input.baseUrl.replace(/\/+$/, '')}/c/${createChecklistToken(input)}`;
}

/** The token of a link made by `createChecklistLink` (undefined when the URL holds none). */
export function tokenOfChecklistLink(link: string): string | undefined {
  const m = /\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(?:[/?#]|$)/.exec(link);
  return m?.[1];
}

function parseJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isClaims(v: unknown): v is ChecklistClaims {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    ['wf', 'int', 'sub', 'jti'].every((k) => typeof c[k] === 'string' && c[k].length > 0) &&
    ['iat', 'ims', 'exp'].every((k) => Number.isFinite(c[k]))
  );
}

/**
 * Check a token: signature under the key its `kid` names (every key of the ring verifies, so links made
 * before a key rotation keep working until they expire), then expiry. Revocation is the page's second
 * check (it needs the revocation record). Never throws on bad input.
 */
export function verifyChecklistToken(token: string, keys: ChecklistKeys, now: Date = new Date()): ChecklistTokenResult {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(h) as { alg?: unknown; typ?: unknown; kid?: unknown } | undefined;
  if (!header || header.alg !== 'HS256' || header.typ !== HEADER_TYP || typeof header.kid !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  const key = keys.byId.get(header.kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const expected = mac(key, `${h}.${p}`);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  const claims = parseJson(p);
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= claims.exp * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
