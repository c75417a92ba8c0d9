/**
 * Unit tests of logic that needs no Temporal server (error classification, limiters, shared validators,
 * the derived webhook secret): fast enough for the mutation run (`npm run test:mutation`), where every
 * surviving mutant names a behaviour no test pinned down.
 */
import { FailureType } from '../../src/contract/failure-types';
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { z } from 'zod';
import { TenantLimiter, TenantLimiters } from '../../src/activities/connectwise/connectwise-limiter';
import {
  isNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  permanent,
  retryable,
} from '../../src/activities/failures';
import { SlidingWindowLimiter } from '../../src/activities/google/rate-limiter';
import { MemoryLimiterStore } from '../../src/activities/limits/limiter-memory';
import {
  describeIssues,
  domainName,
  emailAddress,
  InputError,
  parseOrThrow,
  secretRef,
  SECRET_REF_PATTERN,
} from '../../src/domain/field-validators';
import { registerSecret } from '../../src/secrets/scrub';
import { deriveAutotaskWebhookSecret, webhookCalloutUrl } from '../../src/webhooks/autotask-secret';

describe('failures: classification', () => {
  it('retryable: not non-retryable, typed, Retry-After as nextRetryDelay only when given, scrubbed', () => {
    registerSecret('unit-secret-value-123');
    const r = retryable('said unit-secret-value-123', FailureType.GoogleRateLimited, 1500);
    assert.equal(r.nonRetryable, false);
    assert.equal(r.type, FailureType.GoogleRateLimited);
    assert.equal(r.nextRetryDelay, 1500);
    assert.equal(r.message, 'said [REDACTED]');
    assert.equal(retryable('x', FailureType.GoogleRateLimited).nextRetryDelay, undefined);
    assert.equal(retryable('x', FailureType.GoogleRateLimited, 0).nextRetryDelay, 0);
  });

  it('permanent: non-retryable, typed, scrubbed', () => {
    const p = permanent('bad unit-secret-value-123', FailureType.InvalidInput);
    assert.equal(p.nonRetryable, true);
    assert.equal(p.type, FailureType.InvalidInput);
    assert.equal(p.message, 'bad [REDACTED]');
  });

  it('parseRetryAfter: seconds, fractions, HTTP dates, past dates, cap, garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 3 ', now), 3000);
    assert.equal(parseRetryAfter('1.5', now), 1500);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter('7200', now), 3600_000, 'capped at one hour');
    assert.equal(parseRetryAfter('3600', now), 3600_000);
    assert.equal(parseRetryAfter('3599', now), 3599_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('isNetworkError: codes and names, through up to four causes', () => {
    assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
    assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' })), true);
    assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 'EACCES' })), false);
    assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 42 })), false);
    assert.equal(isNetworkError(Object.assign(new Error('x'), { name: 'AbortError' })), true);
    assert.equal(isNetworkError(Object.assign(new Error('x'), { name: 'TimeoutError' })), true);
    assert.equal(isNetworkError(new Error('x')), false);
    assert.equal(isNetworkError(undefined), false);
    const nest = (depth: number): unknown => {
      let e: unknown = { code: 'ETIMEDOUT' };
      for (let i = 0; i < depth; i++) e = { cause: e };
      return e;
    };
    assert.equal(isNetworkError(nest(3)), true, 'the fourth level is still looked at');
    assert.equal(isNetworkError(nest(4)), false, 'deeper is not');
  });

  it('isRetryableStatus: 408, 429 and 5xx only', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [200, 400, 401, 403, 404, 409, 428, 430, 499]) assert.equal(isRetryableStatus(s), false, String(s));
  });
});

describe('ConnectWise TenantLimiter (fake clock)', () => {
  it('spaces requests evenly and holds the tenant back after pauseFor', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const flush = () => new Promise((r) => setImmediate(r));
    const l = new TenantLimiter(new MemoryLimiterStore(), 'connectwise:t', 600); // one per 100 ms
    const done: number[] = [];
    const take = () => l.acquire().then(() => done.push(Date.now()));
    void take();
    void take();
    void take();
    await flush();
    assert.deepEqual(done, [1_000_000], 'the first goes at once');
    t.mock.timers.tick(99);
    await flush();
    assert.equal(done.length, 1, 'not before its slot');
    t.mock.timers.tick(1);
    await flush();
    assert.equal(done.length, 2);
    t.mock.timers.tick(100);
    await flush();
    assert.deepEqual(done, [1_000_000, 1_000_100, 1_000_200]);

    l.pauseFor(5000);
    l.pauseFor(1000); // a shorter pause does not shorten the longer one
    void take();
    await flush(); // the store answers asynchronously (it may be PostgreSQL): the wait starts after it
    t.mock.timers.tick(4999);
    await flush();
    assert.equal(done.length, 3, 'held back by the pause');
    t.mock.timers.tick(1);
    await flush();
    assert.deepEqual(done.slice(3), [1_000_200 + 5000]);
  });

  it('a stalled event loop cannot burst: however late the sleeps end, at most ceil(rate / 60) leave in any second', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const flush = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    const l = new TenantLimiter(new MemoryLimiterStore(), 'connectwise:t', 900); // 15/s, one per 66.7 ms
    const done: number[] = [];
    for (let i = 0; i < 40; i++) void l.acquire().then(() => done.push(Date.now()));
    await flush();
    // The process stalls for 5 s: every reserved slot is in the past when the timers finally run.
    t.mock.timers.setTime(1_005_000);
    for (let i = 0; i < 400 && done.length < 40; i++) {
      t.mock.timers.tick(10);
      await flush();
    }
    assert.equal(done.length, 40, 'every caller got through');
    const after = done.filter((d) => d >= 1_005_000);
    assert.equal(after.filter((d) => d < 1_006_000).length, 15, 'the second after the stall carries 15, not 39');
    for (let i = 0; i + 15 < done.length; i++)
      assert.ok(done[i + 15]! - done[i]! >= 1000, `16 requests within ${done[i + 15]! - done[i]!} ms`);
  });

  it('one limiter per tenant', () => {
    const ls = new TenantLimiters(60);
    assert.equal(ls.for('a'), ls.for('a'));
    assert.notEqual(ls.for('a'), ls.for('b'));
  });
});

/**
 * `setTimeout` faked and a limiter store on a clock the test sets (`at`); `settle` lets the store's answers and
 * the retries they schedule run, moving the timers `stepMs` at a time, until `done` or `steps` are used up.
 */
async function onFakeClock(
  body: (t: {
    store: MemoryLimiterStore;
    at: (ms: number) => void;
    settle: (done?: () => boolean, stepMs?: number, steps?: number) => Promise<void>;
  }) => Promise<void>
): Promise<void> {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let now = 0;
    await body({
      store: new MemoryLimiterStore(() => now),
      at: (ms) => void (now = ms),
      settle: async (done = () => false, stepMs = 0, steps = 1) => {
        for (let i = 0; i < steps && !done(); i++) {
          mock.timers.tick(stepMs);
          await new Promise((r) => setImmediate(r));
        }
      },
    });
  } finally {
    mock.timers.reset();
  }
}

describe('Google SlidingWindowLimiter (fake clock)', () => {
  it('bursts up to the limit, then waits for the window plus guard', () =>
    onFakeClock(async ({ store, at, settle }) => {
      const l = new SlidingWindowLimiter(2, 1000, 100, store);
      await l.take();
      await l.take();
      assert.equal(l.waited, 0);
      let third = false;
      const p = l.take().then(() => (third = true));
      await settle();
      assert.equal(third, false);
      assert.equal(l.waited, 1);
      at(1100); // exactly window + guard after the first: the first has left the window
      mock.timers.tick(1101);
      await p;
      assert.equal(third, true);
      assert.equal(l.limit, 2);
    }));

  it('a queue of callers is admitted in one store round trip, as many as the window has room for', () =>
    onFakeClock(async ({ store, at, settle }) => {
      const asked: number[] = [];
      const takeUpTo = store.takeUpTo.bind(store);
      store.takeUpTo = (key, limit, span, ids) => {
        asked.push(ids.length);
        return takeUpTo(key, limit, span, ids);
      };
      const l = new SlidingWindowLimiter(5, 1000, 100, store);
      let admitted = 0;
      const calls = Array.from({ length: 8 }, () => l.take().then(() => admitted++));
      await Promise.all(calls.slice(0, 5));
      await settle();
      assert.equal(admitted, 5, 'the window holds 5');
      assert.deepEqual(asked, [5, 3], 'eight callers: one trip admits five, one learns how long the other three wait');
      assert.equal(l.waited, 1);
      at(1100);
      mock.timers.tick(1101);
      await Promise.all(calls);
      assert.deepEqual(asked, [5, 3, 3], 'the three left go in one trip once the window has moved');
    }));

  it('a call stays counted until its answer is in (Google counts on arrival): a slow answer holds the next call back', () =>
    onFakeClock(async ({ store, at, settle }) => {
      const l = new SlidingWindowLimiter(1, 1000, 100, store);
      const answered = await l.take();
      at(5000); // the answer came 5 s after the send: the call may have reached Google just before it
      answered();
      answered(); // a second call changes nothing
      await settle();
      at(1100 + 5000 - 1);
      let second = false;
      const p = l.take().then(() => (second = true));
      await settle(() => second, 1, 5);
      assert.equal(second, false, 'the window runs from the answer, not from the send');
      at(1100 + 5000);
      await settle(() => second, 10, 10);
      await p;
      assert.equal(second, true);
    }));

  it('answers are restamped under the limiter’s own key, each id once, in one trip per tick, flush after flush', () =>
    onFakeClock(async ({ store, settle }) => {
      const restamped: string[][] = [];
      const restamp = store.restamp.bind(store);
      store.restamp = (key, ids) => {
        restamped.push(typeof ids === 'string' ? [ids] : [...ids]);
        return restamp(key, ids);
      };
      const l = new SlidingWindowLimiter(3, 1000, 100, store);
      const [a, b] = await Promise.all([l.take(), l.take()]);
      a();
      a(); // twice: restamped once (PostgreSQL would insert a repeated id twice)
      b();
      await settle();
      assert.deepEqual(
        restamped.map((ids) => ids.length),
        [2],
        'both answers of this tick in one trip, a once'
      );
      (await l.take())();
      await settle();
      assert.equal(restamped.length, 2, 'a later answer is flushed too');
      // Exactly the three calls are in the window, under the limiter's key: nothing recorded twice or elsewhere.
      assert.deepEqual(await store.takeUpTo('google-directory', 4, 1100, ['probe', 'refused']), {
        taken: 1,
        used: 4,
        waitMs: 1100,
      });
    }));

  it('a store failure fails the calls that asked, and the next caller asks again', async () => {
    const store = new MemoryLimiterStore();
    const takeUpTo = store.takeUpTo.bind(store);
    let down = true;
    store.takeUpTo = (...a) => (down ? Promise.reject(new Error('database unreachable')) : takeUpTo(...a));
    const l = new SlidingWindowLimiter(5, 60_000, 100, store);
    const failed = await Promise.allSettled([l.take(), l.take()]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected']
    );
    down = false;
    await l.take();
  });

  it('a call at exactly window + guard - 1 still waits', () =>
    onFakeClock(async ({ store, at, settle }) => {
      const l = new SlidingWindowLimiter(1, 1000, 100, store);
      await l.take();
      at(1099);
      let second = false;
      const p = l.take().then(() => (second = true));
      await settle();
      assert.equal(second, false, 'still inside the window');
      at(1100);
      // The store answers asynchronously: let each retry reach its timer before moving the clock on.
      await settle(() => second, 10, 10);
      await p;
      assert.equal(second, true);
    }));
});

describe('shared validators', () => {
  it('secret references only', () => {
    for (const ok of ['file:/k.json', 'file:rel/k', 'env:A', 'env:_A1', 'store:SO-1/autotask/ab12'])
      assert.ok(SECRET_REF_PATTERN.test(ok), ok);
    for (const bad of [
      'file:',
      'env:',
      'env:1A',
      'env:A-B',
      'sk-live-abc',
      ' env:A',
      'xenv:A',
      'store:',
      'store:/x',
      'store:a b',
    ])
      assert.equal(SECRET_REF_PATTERN.test(bad), false, bad);
    const r = secretRef('x.keyRef').safeParse('secret-itself');
    assert.equal(r.success, false);
    assert.match(describeIssues(r.error)[0]!, /secret \*reference\*/);
    const missing = secretRef('x.keyRef').safeParse(undefined);
    assert.match(describeIssues(missing.error!)[0]!, /x\.keyRef is required/);
  });

  it('domain names and emails are trimmed and lower-cased', () => {
    assert.equal(domainName.parse(' Example.COM '), 'example.com');
    for (const bad of ['https://example.com', 'example', 'a..com', '-a.com', 'a-.com', `${'a'.repeat(64)}.com`])
      assert.equal(domainName.safeParse(bad).success, false, bad);
    assert.equal(domainName.safeParse(`${'a'.repeat(63)}.com`).success, true);
    assert.equal(emailAddress.parse(' Admin@Example.com '), 'admin@example.com');
    assert.equal(emailAddress.safeParse('admin').success, false);
  });

  it('issues name their path; parseOrThrow throws an InputError listing them', () => {
    const schema = z.object({ a: z.object({ b: z.string() }), c: z.number() });
    const err = (() => {
      try {
        parseOrThrow(schema, { a: { b: 1 } }, 'thing');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof InputError);
    assert.equal(err.what, 'thing');
    assert.equal(err.problems.length, 2);
    assert.match(err.problems[0]!, /^a\.b: /);
    assert.match(err.problems[1]!, /^c: /);
    assert.match(err.message, /^Invalid thing:\n {2}- a\.b: /);
    assert.equal(err.name, 'InputError');
    assert.match(describeIssues(z.string().safeParse(1).error!)[0]!, /^\(input\): /);
    assert.deepEqual(parseOrThrow(schema, { a: { b: 'x' }, c: 1 }, 'thing'), { a: { b: 'x' }, c: 1 });
  });
});

describe('derived Autotask webhook secret', () => {
  it('matches the vector computed with openssl, and the callout URL names the webhook', () => {
    // printf '%s' 'onramp:autotask-webhook:v1:sophos-v1' | openssl dgst -sha256 -hmac 'master-key-vector' -binary | base64 (url-safe, no padding)
    assert.equal(
      deriveAutotaskWebhookSecret('master-key-vector', 'sophos-v1'),
      'IJisuNTuzq3Z3YdMpo82xo8_JObulWLOEDKGuPePDlY'
    );
    assert.equal(
      webhookCalloutUrl('https://hooks.example/webhooks/autotask/t1?x=1', 'sophos v1'),
      'https://hooks.example/webhooks/autotask/t1?x=1&webhook=sophos+v1'
    );
  });
});
