/**
 * The Autotask limiter over the limiter store (the in-process MemoryLimiterStore, same contract as the
 * PostgreSQL one in test/limiter-store.test.ts), on a hand-driven clock: Autotask's three concurrent
 * requests per endpoint, the hourly budget with its 10 % reserve, the slow-down past half of it, a
 * Retry-After pausing the tenant, and when ThresholdInformation is due. Nothing here depends on how fast
 * the machine is: calls are held open by the test and time moves only when the test moves it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AutotaskLimiter,
  LimitReachedError,
  type LimiterOptions,
} from '../../src/activities/autotask/autotask-limiter';
import { MemoryLimiterStore } from '../../src/activities/limits/limiter-memory';

const HOUR = 3600_000;

/** A clock the test moves, and a sleep that moves it (recording each wait). */
function clock(start = 1_000_000) {
  const c = {
    now: start,
    sleeps: [] as number[],
    sleep: (ms: number) => {
      c.sleeps.push(ms);
      c.now += ms;
      return Promise.resolve();
    },
  };
  return c;
}

function limiter(opts: LimiterOptions = {}, start?: number) {
  const c = clock(start);
  const l = new AutotaskLimiter({ now: () => c.now, ...opts });
  return { c, l };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

/** Calls the test holds open: `running` counts the ones inside fn, `peak` the most at once. */
function heldCalls() {
  const h = {
    running: 0,
    peak: 0,
    started: 0,
    releases: [] as (() => void)[],
    fn: () =>
      new Promise<void>((resolve) => {
        h.running++;
        h.started++;
        h.peak = Math.max(h.peak, h.running);
        h.releases.push(() => {
          h.running--;
          resolve();
        });
      }),
    releaseOne: () => h.releases.shift()?.(),
  };
  return h;
}

describe('Autotask limiter: three concurrent requests per endpoint (store-backed)', () => {
  it('never more than 3 inside one endpoint; the 4th starts when one finishes; all 10 complete', async () => {
    const { l, c } = limiter();
    const h = heldCalls();
    const calls = Array.from({ length: 10 }, () => l.run('t1', 'Companies', h.fn, c.sleep));
    await flush();
    assert.equal(h.running, 3, 'three run at once');
    h.releaseOne();
    await flush();
    assert.equal(h.running, 3, 'a freed thread goes to the next caller');
    assert.equal(h.started, 4);
    while (h.releases.length) {
      h.releaseOne();
      await flush();
    }
    await Promise.all(calls);
    assert.equal(h.started, 10);
    assert.equal(h.peak, 3);
  });

  it('endpoints and tenants do not share threads; a configured thread count is honoured', async () => {
    const { l, c } = limiter();
    const a = heldCalls();
    const b = heldCalls();
    const other = heldCalls();
    for (let i = 0; i < 5; i++) {
      void l.run('t1', 'Companies', a.fn, c.sleep);
      void l.run('t1', 'Contacts', b.fn, c.sleep);
      void l.run('t2', 'Companies', other.fn, c.sleep);
    }
    await flush();
    assert.deepEqual([a.running, b.running, other.running], [3, 3, 3]);

    const { l: one, c: c1 } = limiter({ threadsPerEndpoint: 1 });
    const h = heldCalls();
    for (let i = 0; i < 3; i++) void one.run('t1', 'Companies', h.fn, c1.sleep);
    await flush();
    assert.equal(h.running, 1);
  });

  it('a failing call gives its thread back', async () => {
    const { l, c } = limiter();
    const boom = () => Promise.reject(new Error('HTTP 500'));
    for (let i = 0; i < 5; i++) await assert.rejects(l.run('t1', 'Companies', boom, c.sleep), /HTTP 500/);
    const h = heldCalls();
    for (let i = 0; i < 4; i++) void l.run('t1', 'Companies', h.fn, c.sleep);
    await flush();
    assert.equal(h.running, 3, 'five failures leaked no thread');
  });
});

describe('Autotask limiter: hourly threshold, stopping at 90 %', () => {
  const ok = () => Promise.resolve('ok');

  it('admits 90 of a 100/h budget, refuses the 91st with a retry delay, and admits again once the hour has moved on', async () => {
    const { l, c } = limiter({ hourlyLimit: 100, maxWaitMs: 0 });
    const first = c.now;
    for (let i = 0; i < 90; i++) assert.equal(await l.run('t1', `E${i % 7}`, ok, c.sleep), 'ok');
    assert.equal(l.usage('t1'), 0.9);
    const refused = await l.run('t1', 'Companies', ok, c.sleep).catch((e: unknown) => e);
    assert.ok(refused instanceof LimitReachedError, `refused, got ${String(refused)}`);
    assert.match(refused.message, /tenant t1 has used 90 % of its hourly Autotask API limit/);
    assert.equal(refused.retryAfterMs, first + HOUR - c.now, 'retry when the first call leaves the hour');
    // Another tenant has its own hour.
    assert.equal(await l.run('t2', 'Companies', ok, c.sleep), 'ok');
    const still = async () => undefined; // a slow-down that does not move the clock
    c.now = first + HOUR - 1;
    await assert.rejects(l.run('t1', 'Companies', ok, still), LimitReachedError, 'a millisecond early');
    c.now = first + HOUR;
    assert.equal(await l.run('t1', 'Companies', ok, still), 'ok', 'the first call left the window');
  });

  it('a slow call stays counted until its answer is in, then a full hour more (Autotask counts it on arrival)', async () => {
    // Cap 10 (no reserve); spacing sleeps do not move the clock, so only the test moves time.
    const { l, c } = limiter({ hourlyLimit: 10, reserveFraction: 0, maxWaitMs: 0, threadsPerEndpoint: 20 });
    const still = async () => undefined;
    const sent = c.now;
    const slow = heldCalls();
    const slowCall = l.run('t1', 'Companies', slow.fn, still);
    await flush();
    assert.equal(slow.running, 1);
    for (let i = 0; i < 9; i++) assert.equal(await l.run('t1', 'Companies', ok, still), 'ok');
    // The slow request reaches Autotask (and is answered) half an hour after it left.
    c.now = sent + HOUR / 2;
    slow.releaseOne();
    await slowCall;
    // An hour after the send, the nine quick calls have left the window, the slow one has not: Autotask
    // counted it when it arrived, so only 9 more fit.
    c.now = sent + HOUR;
    for (let i = 0; i < 9; i++) assert.equal(await l.run('t1', 'Contacts', ok, still), 'ok', `call ${i + 1} of 9`);
    const refused = await l.run('t1', 'Contacts', ok, still).catch((e: unknown) => e);
    assert.ok(refused instanceof LimitReachedError, `the 10th call was refused, got ${String(refused)}`);
    assert.equal(refused.retryAfterMs, HOUR / 2, 'retry when the slow call leaves: an hour after its answer');
    c.now = sent + HOUR / 2 + HOUR;
    assert.equal(await l.run('t1', 'Contacts', ok, still), 'ok', 'the slow call left the window');
  });

  it('a failed call is counted from when it failed too (it may have reached Autotask)', async () => {
    const { l, c } = limiter({ hourlyLimit: 2, reserveFraction: 0, maxWaitMs: 0 });
    const still = async () => undefined;
    const sent = c.now;
    const failing = l.run(
      't1',
      'Companies',
      () =>
        new Promise<never>((_, reject) => {
          c.now = sent + HOUR / 2; // the failure comes in half an hour later
          reject(new Error('socket hang up'));
        }),
      still
    );
    await assert.rejects(failing, /socket hang up/);
    c.now = sent + HOUR;
    assert.equal(await l.run('t1', 'Companies', ok, still), 'ok');
    await assert.rejects(l.run('t1', 'Companies', ok, still), LimitReachedError, 'the failed call still counts');
  });

  it('a short wait for the window is slept in the activity; a long one is refused', async () => {
    const { l, c } = limiter({ hourlyLimit: 10, hourMs: 10_000, maxWaitMs: 5_000 });
    // 9 calls (90 % of 10), one every second: the oldest leaves the window 10 s after it was made.
    for (let i = 0; i < 9; i++) {
      await l.run('t1', 'Companies', ok, async () => undefined);
      c.now += 1000;
    }
    c.sleeps.length = 0;
    // Now 9 s after the first call: it leaves the window in 1 s, within maxWaitMs, so the call waits.
    assert.equal(await l.run('t1', 'Companies', ok, c.sleep), 'ok');
    // 500 ms of slow-down (usage 90 %), then the 500 ms left until the first call leaves the window.
    assert.deepEqual(c.sleeps, [500, 501]);
    const { l: strict, c: c2 } = limiter({ hourlyLimit: 10, hourMs: 10 * 60_000, maxWaitMs: 5_000 });
    const first = c2.now;
    for (let i = 0; i < 9; i++) await strict.run('t1', 'Companies', ok, c2.sleep);
    const err = await strict.run('t1', 'Companies', ok, c2.sleep).catch((e: unknown) => e);
    assert.ok(err instanceof LimitReachedError);
    assert.equal(err.retryAfterMs, first + 10 * 60_000 - c2.now, 'the wait the window needs');
    assert.ok(err.retryAfterMs > 5_000);
  });

  it("other integrations' use (ThresholdInformation) shrinks our share; the reported limit replaces the default", async () => {
    const { l, c } = limiter({ hourlyLimit: 10_000, maxWaitMs: 0 });
    l.noteThreshold('t1', 150, 200); // Autotask counted 150, none of them ours; the tenant's limit is 200
    assert.equal(l.usage('t1'), 0.75);
    // Our share: 90 % of 200 = 180, less the 150 others used = 30.
    for (let i = 0; i < 30; i++) await l.run('t1', 'Companies', ok, c.sleep);
    await assert.rejects(l.run('t1', 'Companies', ok, c.sleep), LimitReachedError);
    assert.equal(l.usage('t1'), 0.9);
    // Our own calls are not counted twice: Autotask's next count includes them.
    l.noteThreshold('t1', 180, 200);
    assert.equal(l.usage('t1'), 0.9);
  });

  it('slows down from half the budget: no wait below 50 %, 100 ms to 75 %, 500 ms beyond', async () => {
    const { l, c } = limiter({ hourlyLimit: 100, maxWaitMs: 0 });
    const waits: number[] = [];
    for (let i = 0; i < 90; i++) {
      c.sleeps.length = 0;
      await l.run('t1', 'Companies', ok, c.sleep);
      waits.push(c.sleeps.reduce((a, b) => a + b, 0));
    }
    assert.deepEqual(waits.slice(0, 50), Array(50).fill(0), 'calls 1-50 (usage below 50 %) are not slowed');
    assert.deepEqual(waits.slice(50, 75), Array(25).fill(100), 'usage 50-74 %: 100 ms');
    assert.deepEqual(waits.slice(75), Array(15).fill(500), 'usage 75 % and more: 500 ms');
  });

  it('a Retry-After pauses the whole tenant: a long pause is refused with its delay, a short one waited out', async () => {
    const { l, c } = limiter({ maxWaitMs: 5_000 });
    l.pause('t1', 60_000);
    await flush();
    const err = await l.run('t1', 'Contacts', ok, c.sleep).catch((e: unknown) => e);
    assert.ok(err instanceof LimitReachedError);
    assert.match(err.message, /Autotask asked us to wait \(Retry-After\) for tenant t1/);
    assert.equal(err.retryAfterMs, 60_000);
    assert.equal(await l.run('t2', 'Contacts', ok, c.sleep), 'ok', 'another tenant is not paused');
    c.now += 58_000;
    assert.equal(await l.run('t1', 'Contacts', ok, c.sleep), 'ok');
    assert.ok(c.sleeps.includes(2_001), `waited out the last 2 s: ${c.sleeps.join(', ')}`);
  });

  it('ThresholdInformation is due first, then after 200 of our calls or 5 minutes', async () => {
    const { l, c } = limiter();
    assert.equal(l.thresholdDue('t1'), true, 'nothing reported yet');
    l.noteThreshold('t1', 0, 10_000);
    assert.equal(l.thresholdDue('t1'), false);
    for (let i = 0; i < 199; i++) await l.run('t1', 'Companies', ok, c.sleep);
    assert.equal(l.thresholdDue('t1'), false, '199 calls');
    await l.run('t1', 'Companies', ok, c.sleep);
    assert.equal(l.thresholdDue('t1'), true, '200 calls');
    l.noteThreshold('t1', 200, 10_000);
    c.now += 5 * 60_000 - 1;
    assert.equal(l.thresholdDue('t1'), false);
    c.now += 1;
    assert.equal(l.thresholdDue('t1'), true, '5 minutes');
  });
});

describe('Autotask limiter: one store, two limiters (two workers)', () => {
  it('threads and the hourly budget are shared through the store', async () => {
    const c = clock();
    const store = new MemoryLimiterStore(() => c.now);
    const opts = { hourlyLimit: 10, maxWaitMs: 0, now: () => c.now };
    const [a, b] = [new AutotaskLimiter(opts, store), new AutotaskLimiter(opts, store)];
    const h = heldCalls();
    for (let i = 0; i < 3; i++) {
      void a.run('t1', 'Companies', h.fn, c.sleep);
      void b.run('t1', 'Companies', h.fn, c.sleep);
    }
    await flush();
    assert.equal(h.running, 3, 'three between both workers');
    while (h.releases.length) {
      h.releaseOne();
      await flush();
    }
    // Six calls made, three more fit in 90 % of 10; the tenth is refused by whichever worker makes it.
    for (let i = 0; i < 3; i++) await (i % 2 ? a : b).run('t1', 'Contacts', () => Promise.resolve(), c.sleep);
    await assert.rejects(
      a.run('t1', 'Contacts', () => Promise.resolve(), c.sleep),
      LimitReachedError
    );
    await assert.rejects(
      b.run('t1', 'Contacts', () => Promise.resolve(), c.sleep),
      LimitReachedError
    );
  });
});
