/**
 * What a failed ConnectWise call means, as pure functions: retry (with ConnectWise's Retry-After) or stop, the
 * failure type an operator searches for, and the fix the message names. No I/O here: the client
 * (connectwise-client.ts) makes the calls, pauses its limiter, and throws what these return.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { isRetryableStatus, parseRetryAfter, permanent, retryable, unreachable } from '../failures';
import { FailureType } from '../../contract/failure-types';

/** ConnectWise's error body: `{code, message, errors: [{code, message, field}] | null}`. */
interface CwErrorBody {
  code?: string;
  message?: string;
  errors?: { code?: string; message?: string; field?: string }[] | null;
}

/** POST of a record whose identifier exists already: a lookup, not an error. */
export class CwObjectExists extends Error {
  constructor(readonly field: string | undefined) {
    super(`ConnectWise: object exists${field ? ` (${field})` : ''}`);
    this.name = 'CwObjectExists';
  }
}

/**
 * A URL outside the tenant's API at `base` (a `next` link pointing anywhere else would carry its credentials
 * away): the failure to throw instead of following it; undefined for the tenant's own URLs.
 */
export function foreignLinkFailure(url: URL, base: URL): ApplicationFailure | undefined {
  if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) return undefined;
  return permanent(
    `ConnectWise returned a link outside its API (${url.origin}); refusing to follow it`,
    FailureType.ConnectWiseForeignLink
  );
}

/** RFC 5988 `Link` header → rel → URL. */
export function parseLinkHeader(value: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (m) out[m[2]!.toLowerCase()] = m[1]!;
  }
  return out;
}

/** How long the tenant's limiter pauses after a 429 that carries no (readable) Retry-After. */
export const CW_DEFAULT_THROTTLE_PAUSE_MS = 30_000;

/** A non-2xx answer as the client received it: the request's URL under the tenant's API `base`, raw headers. */
export interface CwFailedResponse {
  method: string;
  url: URL;
  base: URL;
  status: number;
  text: string;
  retryAfter: string | string[] | undefined;
}

/**
 * What the client does with a non-2xx answer: the error to throw (classifyCwAnswer, with the path below the API
 * base and the parsed Retry-After) and, for a 429, how long to pause the tenant's limiter (Retry-After, or
 * CW_DEFAULT_THROTTLE_PAUSE_MS without one).
 */
export function cwFailedAnswer(r: CwFailedResponse, isCloud: boolean): { error: Error; pauseMs?: number } {
  const retryAfterMs = parseRetryAfter(Array.isArray(r.retryAfter) ? r.retryAfter[0] : r.retryAfter);
  const path = r.url.pathname.slice(r.base.pathname.length - 1);
  const error = classifyCwAnswer({ method: r.method, path, status: r.status, text: r.text, retryAfterMs }, isCloud);
  if (r.status !== 429) return { error };
  return { error, pauseMs: retryAfterMs ?? CW_DEFAULT_THROTTLE_PAUSE_MS };
}

/** A request (`method` on `path`) that got no answer is retried; any other error passes through. */
export function connectWiseUnreachable(err: unknown, method: string, path: string): unknown {
  return unreachable(
    err,
    FailureType.ConnectWiseUnreachable,
    (code) => `ConnectWise ${method} ${path} failed (${code}); retrying`,
    'network error'
  );
}

/** A ConnectWise answer that was not a 2xx. */
export interface CwAnswer {
  method: string;
  /** The path below the API base, starting with "/". */
  path: string;
  status: number;
  /** The answer's body as text (JSON from ConnectWise; proxies answer HTML). */
  text: string;
  /** The answer's Retry-After, parsed. */
  retryAfterMs?: number;
}

/**
 * Turn an answer that was not a success into what to fix: CwObjectExists for a duplicate identifier (the caller
 * looks the record up), a retryable failure for 429 and 5xx, otherwise a permanent one. `isCloud`: on cloud
 * sites a 404 from /system/info means the credentials were not accepted.
 */
export function classifyCwAnswer(answer: CwAnswer, isCloud: boolean): Error {
  const { method, path, status, text } = answer;
  let body: CwErrorBody = {};
  try {
    body = JSON.parse(text) as CwErrorBody;
  } catch {
    /* proxies answer HTML */
  }
  const said = [
    body.code,
    body.message,
    ...(body.errors ?? []).map((e) => `${e.code ?? ''} ${e.field ?? ''} ${e.message ?? ''}`.trim()),
  ]
    .filter(Boolean)
    .join('; ');
  const where = `${method} ${path}`;
  if (isRetryableStatus(status)) {
    return retryable(
      `ConnectWise ${where} answered ${status}${said ? ` (${said})` : ''}; retrying`,
      status === 429 ? FailureType.ConnectWiseThrottled : FailureType.ConnectWiseUnavailable,
      answer.retryAfterMs
    );
  }
  const exists = body.errors?.find((e) => e.code === 'ObjectExists');
  if (status === 400 && exists) return new CwObjectExists(exists.field);
  if (status === 400 && /clientid/i.test(said)) {
    return permanent(
      `ConnectWise refused ${where}: ${said}. Fix connection.clientId: the integration's clientId GUID from developer.connectwise.com.`,
      FailureType.ConnectWiseClientIdRejected
    );
  }
  if (status === 401) {
    return permanent(
      `ConnectWise rejected the API keys (401 on ${where}${said ? `: ${said}` : ''}). Check connection.companyId and connection.publicKey; if the private key is wrong or lost, generate a new key pair under System > Members > API Members > API Keys.`,
      FailureType.ConnectWiseAuthRejected
    );
  }
  if (status === 403) {
    return permanent(
      `ConnectWise denied ${where} (403${said ? `: ${said}` : ''}): the API member's security role lacks a permission. Fix it under System > Security Roles.`,
      FailureType.ConnectWisePermissionDenied
    );
  }
  if (status === 404 && isCloud && path.startsWith('/system/info')) {
    return permanent(
      `ConnectWise answered 404 to ${where}. On cloud sites this means the credentials were not accepted (not a missing page): check connection.companyId, the public key and the private key, and that the clientId is enabled.`,
      FailureType.ConnectWiseAuthRejected
    );
  }
  return permanent(
    `ConnectWise refused ${where} with ${status}${said ? `: ${said}` : ''}`,
    status === 400 ? FailureType.ConnectWiseBadRequest : FailureType.ConnectWiseRequestRejected
  );
}
