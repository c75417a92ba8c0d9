import type { FailureType } from '../contract/failure-types';
import { ApplicationFailure } from '@temporalio/common';
import { scrubSecrets } from '../secrets/scrub';

/**
 * How every vendor activity reports errors, so the retry policy (not the HTTP library) decides:
 * - `retryable`: 429 / 5xx / network / propagation pending. Honours the vendor's Retry-After through
 *   `nextRetryDelay`, which overrides the policy's backoff for that one attempt.
 * - `permanent`: bad input, permissions that will not heal. Non-retryable, with a message that names
 *   what to fix. Messages are scrubbed: vendors echo request bodies.
 */
export function retryable(message: string, type: FailureType, retryAfterMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    message: scrubSecrets(message),
    type,
    nonRetryable: false,
    ...(retryAfterMs !== undefined ? { nextRetryDelay: retryAfterMs } : {}),
  });
}

export function permanent(message: string, type: FailureType): ApplicationFailure {
  return ApplicationFailure.create({ message: scrubSecrets(message), type, nonRetryable: true });
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unparsable. Capped at 1 hour. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), 3600_000);
}

/** Node/undici network error codes that mean "try again", not "you are wrong". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNABORTED',
]);

export function isNetworkError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const name = (e as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A request that got no answer. A network error becomes a retryable failure whose message `say`s the error's
 * code (`noCode` when it has none); anything else is returned as it is, for the caller to rethrow.
 */
export function unreachable(
  err: unknown,
  type: FailureType,
  say: (code: string) => string,
  noCode = 'network'
): unknown {
  return isNetworkError(err) ? retryable(say((err as { code?: string }).code ?? noCode), type) : err;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
