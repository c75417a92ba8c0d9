/**
 * Issue 25: a 429 "thread threshold exceeded" came with Retry-After: 1, which Onramp honoured as the next
 * retry delay, so a rotation spent its 12 attempts in about 12 s and failed (AutotaskUnavailable). The
 * threads are held by other calls that take longer than that to end: the retry horizon of the Autotask
 * activities (their attempts x the delay the failure asks for) must be minutes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { AutotaskApiError, toFailure } from '../../src/activities/autotask/autotask-error-classifier';
import { FailureType } from '../../src/contract/failure-types';
import { AUTOTASK_READ, AUTOTASK_WRITE } from '../../src/workflows/autotask-common';

const threadRefusal = (retryAfterMs?: number) =>
  toFailure(
    new AutotaskApiError(
      429,
      ['The Autotask API thread threshold of 3 threads has been exceeded for Companies.'],
      'GET Companies/entityInformation',
      retryAfterMs
    ),
    'api@acme',
    'checking permissions'
  ) as ApplicationFailure;

/**
 * How long an activity keeps retrying a failure that asks for `delayMs` before each attempt: a failure's
 * nextRetryDelay replaces the policy's backoff (maximumInterval does not cap it), for each of its attempts.
 */
function horizonMs(options: typeof AUTOTASK_READ, delayMs: number): number {
  return ((options.retry?.maximumAttempts ?? 1) - 1) * delayMs;
}

describe('Autotask thread threshold 429: a retry horizon of minutes', () => {
  it('is retried as a rate limit, waiting at least 30 s whatever Retry-After says, and says why', () => {
    const f = threadRefusal(1000);
    assert.ok(f instanceof ApplicationFailure);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, FailureType.AutotaskRateLimited);
    assert.ok((f.nextRetryDelay as number) >= 30_000, `next retry in ${String(f.nextRetryDelay)} ms`);
    assert.match(f.message, /thread threshold of 3 threads/);
    assert.match(f.message, /other calls with this integration's tracking identifier hold all of Autotask's threads/);
    assert.equal(threadRefusal().nextRetryDelay, 30_000, 'without Retry-After too');
    assert.equal(threadRefusal(90_000).nextRetryDelay, 90_000, 'a longer Retry-After is honoured');
  });

  it("spans minutes with the Autotask activities' retry policies (reads 8 attempts, writes 12)", () => {
    const delay = threadRefusal(1000).nextRetryDelay as number;
    for (const [name, options] of [
      ['AUTOTASK_READ', AUTOTASK_READ],
      ['AUTOTASK_WRITE', AUTOTASK_WRITE],
    ] as const) {
      const h = horizonMs(options, delay);
      assert.ok(h >= 3 * 60_000, `${name}: retries span ${h / 1000} s, not minutes`);
    }
  });

  it('other 429s keep their Retry-After (the hourly threshold says how long)', () => {
    const f = toFailure(
      new AutotaskApiError(429, ['API request threshold exceeded.'], 'GET Companies', 1_800_000),
      'api@acme',
      'x'
    ) as ApplicationFailure;
    assert.equal(f.type, FailureType.AutotaskUnavailable);
    assert.equal(f.nextRetryDelay, 1_800_000);
  });
});
