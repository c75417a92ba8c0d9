/**
 * The edges of src/activities/failures.ts that test/unit/logic.test.ts leaves open: every network error
 * code that means "try again", Retry-After values that only look like numbers, and the retryable HTTP
 * statuses at their boundaries, and what a request without an answer becomes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { isNetworkError, isRetryableStatus, parseRetryAfter, unreachable } from '../../src/activities/failures';
import { FailureType } from '../../src/contract/failure-types';

describe('failures: edges', () => {
  it('every Node and undici network error code is retryable, directly or as a cause', () => {
    for (const code of [
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
    ]) {
      assert.equal(isNetworkError({ code }), true, code);
      assert.equal(isNetworkError(new Error('fetch failed', { cause: { code } })), true, code);
    }
    for (const code of ['EACCES', 'ENOENT', 'ERR_INVALID_URL', '', 'econnreset']) {
      assert.equal(isNetworkError({ code }), false, code);
    }
  });

  it('Retry-After: only whole or decimal seconds are seconds; anything else must be an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('1.25', now), 1250);
    assert.equal(parseRetryAfter('12', now), 12_000);
    for (const v of ['5s', 'x5', '5 seconds']) assert.equal(parseRetryAfter(v, now), undefined, v);
  });

  it('retryable statuses: 408, 429 and every 5xx; nothing else', () => {
    for (const s of [408, 429, 500, 503, 599]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [200, 400, 401, 403, 404, 407, 409, 428, 430, 499])
      assert.equal(isRetryableStatus(s), false, String(s));
  });

  it('unreachable: a network error is retryable and named by its code; anything else is returned as it is', () => {
    const say = (code: string) => `vendor down (${code})`;
    const reset = unreachable(
      Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      FailureType.NotifyUnreachable,
      say
    );
    assert.ok(reset instanceof ApplicationFailure);
    assert.equal(reset.type, FailureType.NotifyUnreachable);
    assert.equal(reset.nonRetryable, false);
    assert.equal(reset.nextRetryDelay, undefined);
    assert.equal(reset.message, 'vendor down (ECONNRESET)');
    const aborted = Object.assign(new Error('x'), { name: 'AbortError' });
    assert.equal((unreachable(aborted, FailureType.NotifyUnreachable, say) as Error).message, 'vendor down (network)');
    assert.equal(
      (unreachable(aborted, FailureType.NotifyUnreachable, say, 'no code') as Error).message,
      'vendor down (no code)'
    );
    const bug = new Error('bug');
    assert.equal(unreachable(bug, FailureType.NotifyUnreachable, say), bug);
  });
});
