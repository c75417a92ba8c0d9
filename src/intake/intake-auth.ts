import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who may start onboardings: sales systems sign each request (HMAC-SHA256 over `timestamp.rawBody`,
 * header `X-Onramp-Signature: t=<unix seconds>,v1=<hex>`, several v1= allowed during a secret rotation)
 * or present a bearer token. Signed requests older or newer than the window are refused, and a signature
 * seen before inside the window is a replay.
 */
export interface IntakeAuthOptions {
  hmacSecrets: string[];
  bearerTokens: string[];
  /**
   * What to call the caller holding each secret / token (same order), e.g. its reference
   * `file:/run/secrets/intake-token`: recorded in the secret store's audit. Default: `hmac #1`, `bearer #1`, ...
   */
  hmacSecretNames?: string[];
  bearerTokenNames?: string[];
  toleranceSeconds?: number;
  now?: () => number;
}

/** `caller`: which configured secret or token authenticated the request (its name, never its value). */
export type AuthResult = { ok: true; method: 'hmac' | 'bearer'; caller: string } | { ok: false; reason: string };

const SIG_HEADER = /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/;

/** Constant-time equality that never throws on different lengths (compares fixed-length digests). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'onramp-compare').update(a).digest();
  const hb = createHmac('sha256', 'onramp-compare').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function signBody(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export class IntakeAuthenticator {
  private readonly seen = new Map<string, number>();
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly opts: IntakeAuthOptions) {
    this.tolerance = opts.toleranceSeconds ?? 300;
    this.now = opts.now ?? Date.now;
  }

  check(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): AuthResult {
    const sig = headers['x-onramp-signature'];
    const authz = headers.authorization;
    if (typeof sig === 'string' && sig) return this.checkSignature(sig, rawBody);
    if (typeof authz === 'string' && /^Bearer\s/i.test(authz)) {
      const token = authz.slice('Bearer'.length).trim();
      // Every configured token is compared, so timing does not tell which one nearly matched.
      const index = this.opts.bearerTokens.reduce((acc, t, i) => (safeEqual(token, t) && acc < 0 ? i : acc), -1);
      return index >= 0
        ? { ok: true, method: 'bearer', caller: this.name('bearer', index) }
        : { ok: false, reason: 'bearer token not recognised' };
    }
    return {
      ok: false,
      reason: 'missing credentials: sign the request (X-Onramp-Signature) or send Authorization: Bearer <token>',
    };
  }

  private checkSignature(header: string, rawBody: Buffer): AuthResult {
    const m = SIG_HEADER.exec(header.trim());
    if (!m) return { ok: false, reason: 'malformed X-Onramp-Signature: expected t=<unix seconds>,v1=<hex sha256>' };
    const t = Number(m[1]);
    const nowS = Math.floor(this.now() / 1000);
    if (Math.abs(nowS - t) > this.tolerance)
      return { ok: false, reason: `signature timestamp outside the ${this.tolerance} s window` };
    const given = m[2]!.split(',').map((v) => v.slice(3));
    const index = this.opts.hmacSecrets.findIndex((secret) => {
      const expected = signBody(secret, t, rawBody);
      return given.reduce((acc, g) => safeEqual(g, expected) || acc, false);
    });
    if (index < 0) return { ok: false, reason: 'signature does not match the body' };
    this.forgetOld(nowS);
    const key = m[0]; // t and the v1 list
    if (this.seen.has(key)) return { ok: false, reason: 'replayed request: this signature was already used' };
    this.seen.set(key, t);
    return { ok: true, method: 'hmac', caller: this.name('hmac', index) };
  }

  /** Signatures remembered for replay detection (those still inside the window). */
  get remembered(): number {
    return this.seen.size;
  }

  private name(method: 'hmac' | 'bearer', index: number): string {
    const names = method === 'hmac' ? this.opts.hmacSecretNames : this.opts.bearerTokenNames;
    return `${method} ${names?.[index] ?? `#${index + 1}`}`;
  }

  private forgetOld(nowS: number): void {
    for (const [k, t] of this.seen) if (nowS - t > this.tolerance) this.seen.delete(k);
  }
}
