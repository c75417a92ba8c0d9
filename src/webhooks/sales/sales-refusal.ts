import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Why a sales receiver refused a delivery: an HTTP status (4xx: the sender's fault, nothing started) and a reason
 * that names what is wrong. Reasons never carry a secret (no token, no signature, no signing key): they are
 * written to logs and answered to whoever sent the request.
 */
export class SalesRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422,
    readonly reason: string
  ) {
    super(reason);
    this.name = 'SalesRefusal';
  }
}

/** What every sales receiver is handed: the request as it arrived, body unparsed. */
export interface SalesDelivery {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  receivedAt: Date;
}

/** Compare two secrets in constant time (different lengths: false, without timing what matched). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** One header's value (the first, when repeated). */
export function header(req: SalesDelivery, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Event IDs already handed on, remembered for a window. A receiver asks `firstSeen(key)` once it has verified
 * a delivery; an in-memory one suits a single intake, a shared one (the order's workflow ID already dedupes
 * orders) several.
 */
export interface ReplayMemory {
  firstSeen(key: string, now: number): boolean;
  /** The caller could not record the event durably: let the sender's retry through. */
  forget(key: string): void;
}

/** In-memory ReplayMemory: keys expire after `windowMs`; at most `max` kept (oldest dropped first). */
export function replayMemory(windowMs = 24 * 3600_000, max = 10_000): ReplayMemory {
  const seen = new Map<string, number>();
  return {
    firstSeen(key, now) {
      for (const [k, at] of seen) {
        if (now - at < windowMs && seen.size < max) break;
        seen.delete(k);
      }
      if (seen.has(key)) return false;
      seen.set(key, now);
      return true;
    },
    forget(key) {
      seen.delete(key);
    },
  };
}
