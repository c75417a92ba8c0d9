/**
 * The in-process limiter store against the LimiterStore contract (src/activities/limits/limiter-store.ts),
 * primitive by primitive, on a clock the test moves: the sliding-window log, pacing, pauses and the
 * semaphore. The PostgreSQL store is held to the same contract by test/limiter-store.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryLimiterStore } from '../../src/activities/limits/limiter-memory';

function store(start = 10_000) {
  const c = { now: start };
  return { c, s: new MemoryLimiterStore(() => c.now) };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('MemoryLimiterStore.take (sliding-window log)', () => {
  it('takes up to the limit, then says exactly when the oldest event leaves the window', async () => {
    const { c, s } = store();
    assert.deepEqual(await s.take('k', 2, 1000), { taken: true, used: 1, waitMs: 0 });
    c.now += 300;
    assert.deepEqual(await s.take('k', 2, 1000), { taken: true, used: 2, waitMs: 0 });
    c.now += 100;
    assert.deepEqual(await s.take('k', 2, 1000), { taken: false, used: 2, waitMs: 600 });
    // Keys are independent.
    assert.deepEqual(await s.take('other', 2, 1000), { taken: true, used: 1, waitMs: 0 });
    // One millisecond before the first event leaves: still full, 1 ms to wait (never 0).
    c.now = 10_999;
    assert.deepEqual(await s.take('k', 2, 1000), { taken: false, used: 2, waitMs: 1 });
    // At exactly span after it, it has left.
    c.now = 11_000;
    assert.deepEqual(await s.take('k', 2, 1000), { taken: true, used: 2, waitMs: 0 });
  });

  it('a paused key takes nothing until the pause ends, and says how long', async () => {
    const { c, s } = store();
    await s.take('k', 5, 1000);
    await s.pause('k', 2500);
    assert.deepEqual(await s.take('k', 5, 1000), { taken: false, used: 1, waitMs: 2500 });
    c.now += 2000;
    assert.deepEqual(await s.take('k', 5, 1000), { taken: false, used: 0, waitMs: 500 });
    c.now += 500;
    assert.deepEqual(await s.take('k', 5, 1000), { taken: true, used: 1, waitMs: 0 });
  });

  it('a shorter pause never shortens a longer one', async () => {
    const { s } = store();
    await s.pause('k', 3000);
    await s.pause('k', 1000);
    assert.equal((await s.take('k', 5, 1000)).waitMs, 3000);
  });
});

describe('MemoryLimiterStore.restamp (a call counted until its answer is in)', () => {
  it('a restamped event leaves the window a span after the restamp, the others a span after their take', async () => {
    const { c, s } = store(1_000_000);
    assert.ok((await s.take('k', 3, 60_000, 'slow')).taken);
    c.now += 1000;
    assert.ok((await s.take('k', 3, 60_000, 'quick')).taken);
    c.now += 20_000;
    await s.restamp('k', 'slow'); // answered 21 s after it was sent
    c.now += 40_000; // 61 s after the first send: the quick call (60 s old) has left, the slow one has not
    assert.deepEqual(await s.take('k', 2, 60_000), { taken: true, used: 2, waitMs: 0 });
    assert.deepEqual(
      await s.take('k', 2, 60_000),
      { taken: false, used: 2, waitMs: 20_000 },
      'the slow call leaves 60 s after its answer'
    );
    c.now += 20_000;
    assert.equal((await s.take('k', 2, 60_000)).used, 2, 'and then it has left');
  });

  it('an event that left the window before its answer is counted again from the answer, once', async () => {
    const { c, s } = store(0);
    await s.take('k', 1, 60_000, 'very-slow');
    c.now += 120_000;
    assert.equal((await s.take('k', 5, 60_000)).used, 1, 'it left (only the new event)');
    await s.restamp('k', 'very-slow');
    await s.restamp('k', 'very-slow');
    assert.equal((await s.take('k', 5, 60_000)).used, 3);
  });
});

describe('MemoryLimiterStore.takeUpTo and restamp of several (a queue in one round trip)', () => {
  it('takes the ids the window has room for, in order; with no room at all it waits a whole span', async () => {
    const { c, s } = store();
    assert.deepEqual(await s.takeUpTo('k', 3, 1000, ['a', 'b']), { taken: 2, used: 2, waitMs: 0 });
    c.now += 400;
    assert.deepEqual(await s.takeUpTo('k', 3, 1000, ['c', 'd', 'e']), { taken: 1, used: 3, waitMs: 600 });
    assert.deepEqual(await s.takeUpTo('zero', 0, 1000, ['x']), { taken: 0, used: 0, waitMs: 1000 });
    // 'c' was taken (and moves), 'd' was not (and is recorded anew): an array is a list of ids, not one id.
    c.now += 700; // a and b have left the window
    await s.restamp('k', ['c', 'd']);
    assert.equal((await s.take('k', 10, 1000)).used, 3, 'c moved, d recorded, the probe itself');
  });
});

describe('MemoryLimiterStore.reserveSlot (pacing)', () => {
  it('spaces reservations, sends at once when the slot is past, and waits out a pause', async () => {
    const { c, s } = store();
    assert.equal(await s.reserveSlot('k', 100), 0);
    assert.equal(await s.reserveSlot('k', 100), 100);
    assert.equal(await s.reserveSlot('k', 100), 200);
    c.now += 1000;
    assert.equal(await s.reserveSlot('k', 100), 0);
    await s.pause('k', 700);
    assert.equal(await s.reserveSlot('k', 100), 700);
    assert.equal(await s.reserveSlot('k', 100), 800);
  });
});

describe('MemoryLimiterStore.acquire (semaphore)', () => {
  it('holds at most `slots` at once; a release hands the slot to the longest waiter', async () => {
    const { s } = store();
    const order: string[] = [];
    const r1 = await s.acquire('k', 2);
    const r2 = await s.acquire('k', 2);
    const third = s.acquire('k', 2).then((r) => (order.push('third'), r));
    const fourth = s.acquire('k', 2).then((r) => (order.push('fourth'), r));
    await flush();
    assert.deepEqual(order, [], 'both wait while two slots are held');
    // Another key is not affected.
    await s.acquire('other', 1);
    await r1();
    await flush();
    assert.deepEqual(order, ['third']);
    // Releasing twice frees one slot only.
    await r1();
    await flush();
    assert.deepEqual(order, ['third']);
    await r2();
    await flush();
    assert.deepEqual(order, ['third', 'fourth']);
    // With every holder gone, slots are free again: two acquire at once, a third waits.
    await (
      await third
    )();
    await (
      await fourth
    )();
    const a = await s.acquire('k', 2);
    await s.acquire('k', 2);
    let fifth = false;
    void s.acquire('k', 2).then(() => (fifth = true));
    await flush();
    assert.equal(fifth, false);
    await a();
    await flush();
    assert.equal(fifth, true);
  });

  it('a single slot is exclusive', async () => {
    const { s } = store();
    const r = await s.acquire('k', 1);
    let second = false;
    void s.acquire('k', 1).then(() => (second = true));
    await flush();
    assert.equal(second, false);
    await r();
    await flush();
    assert.equal(second, true);
  });

  it('close resolves (nothing to release in-process)', async () => {
    const { s } = store();
    assert.equal(await s.close(), undefined);
    assert.ok(s.close() instanceof Promise);
  });
});
