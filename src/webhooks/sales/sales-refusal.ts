import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Why a sales receiver refused a delivery: an HTTP status (4xx: nothing started), a short machine-readable
 * reason (`bad_signature`, `wrong_account`, `stale`, `replayed`, `malformed`, ...) and a message for the sender's
 * administrator naming what is wrong and how to fix it. The one refusal of every receiver: the intake's seam
 * (src/intake/sales/sales-receiver.ts) re-exports it. Messages never carry a secret (no token, no signature, no
 * signing key).
 */
export class SalesRefusal extends Error {
  constructor(
    /** 400 malformed, 401 bad/missing signature, stale or replayed, 403 wrong account, 404 unknown endpoint, 413/415 as HTTP says. */
    readonly status: 400 | 401 | 403 | 404 | 413 | 415,
    readonly reason: string,
    message: string
  ) {
    super(message);
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
