/**
 * Issue 25: the Autotask simulator kept a thread slot forever when its client died mid-call, so after a
 * few killed workers an endpoint answered 429 "thread threshold exceeded" for good. Autotask counts
 * executing requests (ThreadLimiting.htm): a request ends when it is answered or its connection is gone,
 * whoever ends it. Real HTTP, raw aborts: three clients die while their answers are held, then the
 * endpoint serves the next caller, and the slots are freed once only (the limit stays 3 afterwards).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { autotaskFixture, INTEGRATION_CODE, type AutotaskFixture, type TestUser } from './helpers/autotask';
import { eventually } from './helpers/temporal';

describe('Autotask simulator: a thread slot is freed when the request ends, whoever ends it', () => {
  let at: AutotaskFixture;
  let u: TestUser;
  const key = `${INTEGRATION_CODE}|Companies`;

  before(async () => {
    at = await autotaskFixture();
    u = at.addUser();
  });
  after(async () => {
    at.sim.faults.releaseHolds();
    await at.close();
  });

  const url = () => `${at.simUrl}/ATServicesRest/V1.0/Companies/entityInformation`;
  const headers = () => ({
    username: u.credentials.username,
    secret: u.user.secret,
    apiintegrationcode: INTEGRATION_CODE,
  });
  const call = async () => {
    const res = await request(url(), { headers: headers() });
    return { status: res.statusCode, body: await res.body.text() };
  };

  it('three callers killed mid-call leave no slot behind; the next caller is served', async () => {
    let committed = 0;
    const hold = at.sim.faults.holdAfterCommit({
      method: 'GET',
      path: /\/Companies\/entityInformation$/i,
      times: 3,
      holdMs: 120_000,
      onCommitted: () => committed++,
    });
    const aborts = [0, 1, 2].map(() => new AbortController());
    const calls = aborts.map((a) =>
      request(url(), { headers: headers(), signal: a.signal }).then(
        () => 'answered',
        () => 'aborted'
      )
    );
    await eventually(async () => committed === 3 || undefined, 'three calls holding their threads', 30_000);
    assert.equal(at.sim.threadsInUse.get(key), 3);
    const refused = await call();
    assert.equal(refused.status, 429, 'while three calls run, the fourth is refused');
    assert.match(refused.body, /thread threshold of 3 threads/);

    // The callers die (as a SIGKILLed worker's sockets do); their answers are still held by the simulator.
    for (const a of aborts) a.abort();
    assert.deepEqual(await Promise.all(calls), ['aborted', 'aborted', 'aborted']);
    await eventually(
      async () => at.sim.threadsInUse.get(key) === 0 || undefined,
      "the dead callers' slots freed",
      30_000
    );
    const served = await call();
    assert.equal(served.status, 200, `the endpoint serves the next caller (${served.body.slice(0, 120)})`);
    assert.equal(at.sim.faults.fired(hold), 3);

    // The held answers now go to the closed sockets: that must not free the slots a second time.
    at.sim.faults.releaseHolds();
    assert.equal((await call()).status, 200);
    assert.equal(at.sim.threadsInUse.get(key), 0, 'freed once: not below zero');
  });
});
