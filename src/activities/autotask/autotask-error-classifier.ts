/**
 * What a failed Autotask call means, as pure functions: retry (with Autotask's Retry-After) or stop, the failure
 * type an operator searches for, and the fix the message names. Autotask's codes mislead (500 for an unknown
 * user, a bad integration code or a missing permission), so the message, not the status, often decides. No I/O
 * here: AutotaskClient (autotask-client.ts) makes the calls and throws what these return.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { isRetryableStatus, parseRetryAfter, permanent, retryable, unreachable } from '../failures';
import { LimitReachedError } from './autotask-limiter';
import { FailureType } from '../../contract/failure-types';

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

/** The `errors[]` of an Autotask answer's body, each as text. */
export function errorList(body: unknown): string[] {
  const errs = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errs)) return [];
  return errs.map((e) => (typeof e === 'string' ? e : JSON.stringify((e as { message?: unknown }).message ?? e)));
}

/** Zone discovery answered something else than 200 (a 500 means Autotask does not know the API user). */
export function zoneDiscoveryFailure(status: number, username: string, retryAfter?: string): ApplicationFailure {
  if (status === 500) {
    return permanent(
      `Autotask does not know the API user "${username}" (zone discovery answered 500). Fix: copy the API user's Username (key) exactly from Admin > Resources/Users, and check the user was saved.`,
      FailureType.AutotaskUnknownUser
    );
  }
  if (isRetryableStatus(status)) {
    return retryable(
      `Autotask zone discovery answered ${status}; retrying`,
      FailureType.AutotaskUnavailable,
      parseRetryAfter(retryAfter)
    );
  }
  return permanent(`Autotask zone discovery answered HTTP ${status}`, FailureType.AutotaskZoneDiscoveryFailed);
}

/** A zone discovery request that got no answer is retried; any other error passes through. */
export function zoneDiscoveryUnreachable(err: unknown): unknown {
  return unreachable(
    err,
    FailureType.AutotaskUnreachable,
    (code) => `Autotask zone discovery unreachable (${code}); retrying`
  );
}

/**
 * An API call on `endpoint` that the limiter held back (retried once the limit has room) or that got no answer
 * (retried); any other error passes through.
 */
export function callFailure(err: unknown, endpoint: string): unknown {
  if (err instanceof LimitReachedError)
    return retryable(err.message, FailureType.AutotaskRateLimited, err.retryAfterMs);
  return unreachable(
    err,
    FailureType.AutotaskUnreachable,
    (code) => `Autotask unreachable on ${endpoint} (${code}); retrying`
  );
}

/**
 * The least wait after a 429 "thread threshold exceeded" (ThreadLimiting.htm: 3 concurrent calls per
 * tracking identifier x endpoint). Autotask sends `Retry-After: 1`, but the threads are held by other
 * calls (another integration with the same identifier, or calls Autotask has not yet ended), which take
 * longer than a second to end: with the Retry-After alone an activity's 8 or 12 attempts were spent in
 * about 10 s. With 30 s between attempts they span minutes (3.5 min for AUTOTASK_READ's 8, 5.5 min for
 * AUTOTASK_WRITE's 12); a longer Retry-After is honoured as it is.
 */
export const THREAD_THRESHOLD_RETRY_MS = 30_000;

export function threadThresholdRetryMs(retryAfterMs: number | undefined): number {
  return Math.max(retryAfterMs ?? 0, THREAD_THRESHOLD_RETRY_MS);
}

/**
 * Map an AutotaskApiError to what to fix (anything else passes through). A 401 is never retried: repeated bad
 * secrets lock the API user.
 */
export function toFailure(err: unknown, username: string, doing: string, integrationVendor?: string): Error {
  if (!(err instanceof AutotaskApiError)) return err as Error;
  const said = err.errors.join('; ');
  if (err.status === 401) {
    return permanent(
      `Autotask rejected the credentials of API user ${username} while ${doing} (HTTP 401): the secret is wrong, or the user is inactive or locked. Onramp does not retry, because repeated bad secrets lock the API user. Fix: check Active is checked and Locked unchecked on the API user, or generate a new secret and update the secret reference.`,
      FailureType.AutotaskCredentialsRejected
    );
  }
  if (err.status === 500 && /integrationcode/i.test(said)) {
    // The vendor's code is right for the vendor: the API user is bound to another Integration Vendor (chosen
    // when it was created, and unchangeable after). Only a new API user with the right vendor fixes it.
    return permanent(
      integrationVendor
        ? `Autotask refused the tracking identifier of "${integrationVendor}" for API user ${username} while ${doing} (HTTP 500 "${said}"): the API user was created with another Integration Vendor. Fix: the Integration Vendor cannot be changed once saved, so create a new API user and select "${integrationVendor}" under API Tracking Identifier > Integration Vendor, then send its credentials.`
        : `Autotask rejected the API tracking identifier while ${doing} (HTTP 500 "${said}"). Fix: select the vendor's Integration Vendor on API user ${username}.`,
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
  if (err.status === 429 && /thread threshold/i.test(said)) {
    return retryable(
      `${err.message}: other calls with this integration's tracking identifier hold all of Autotask's threads on this endpoint; retrying in ${Math.round(threadThresholdRetryMs(err.retryAfterMs) / 1000)} s`,
      FailureType.AutotaskRateLimited,
      threadThresholdRetryMs(err.retryAfterMs)
    );
  }
  if (isRetryableStatus(err.status))
    return retryable(`${err.message}; retrying`, FailureType.AutotaskUnavailable, err.retryAfterMs);
  return permanent(`${err.message} (while ${doing})`, FailureType.AutotaskRequestRejected);
}
