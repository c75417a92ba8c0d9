import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapWithConcurrency } from '../../src/activities/concurrency';

/** A promise settled from outside. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('mapWithConcurrency', () => {
  it('keeps the input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(most, 2);
  });

  it('after a failure starts nothing more, and rejects only once the calls in flight have settled', async () => {
    const gates = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await gates[i]!.promise;
      finished.push(i);
    });
    let settled = false;
    const outcome = run.then(
      () => 'resolved',
      (err: Error) => err.message
    );
    void outcome.then(() => (settled = true));
    gates[0]!.reject(new Error('boom'));
    for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
    // Item 1 is still in flight: a retry of the activity must not race it.
    assert.equal(settled, false, 'rejected while item 1 was still running');
    assert.deepEqual(started, [0, 1], 'no item started after the failure');
    gates[1]!.resolve();
    assert.equal(await outcome, 'boom');
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(finished, [1]);
  });
});
