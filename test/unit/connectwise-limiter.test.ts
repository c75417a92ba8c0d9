/**
 * ConnectWise pacing per tenant (src/activities/connectwise/connectwise-limiter.ts), on faked timers and the
 * in-process limiter store: a tenant is its site and the company it logs in to (company case-insensitive), each
 * tenant keeps its own pace and its own one-second window, and one tenant's pause (a 429's Retry-After) never
 * holds another back. test/unit/logic.test.ts covers one tenant's spacing, pause and burst cap.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { connectwiseLimitKey, TenantLimiters } from '../../src/activities/connectwise/connectwise-limiter';
import { MemoryLimiterStore } from '../../src/activities/limits/limiter-memory';

const NA = { apiBaseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0' };
const EU = { apiBaseUrl: 'https://api-eu.myconnectwise.net/v4_6_release/apis/3.0' };

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Faked setTimeout and Date (the memory store reads Date.now), and a recorder of when each acquire resolves. */
function fakeTime(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const sent: Record<string, number[]> = {};
  return {
    sent,
    send: (limiters: TenantLimiters, tenant: string) =>
      void limiters
        .for(tenant)
        .acquire()
        .then(() => (sent[tenant] ??= []).push(Date.now() - 1_000_000)),
    tick: async (ms: number) => {
      t.mock.timers.tick(ms);
      await flush();
    },
  };
}

describe('connectwiseLimitKey: one key per tenant (site + company)', () => {
  it('is the site and the lower-cased company, the same whatever case the company is typed in', () => {
    assert.equal(
      connectwiseLimitKey(NA, { companyId: 'BigMSP' }),
      'https://api-na.myconnectwise.net/v4_6_release/apis/3.0|bigmsp'
    );
    assert.equal(connectwiseLimitKey(NA, { companyId: 'BIGMSP' }), connectwiseLimitKey(NA, { companyId: 'bigmsp' }));
  });

  it('another company on the same site, or the same company on another site, is another tenant', () => {
    const a = connectwiseLimitKey(NA, { companyId: 'bigmsp' });
    assert.notEqual(a, connectwiseLimitKey(NA, { companyId: 'smallmsp' }));
    assert.notEqual(a, connectwiseLimitKey(EU, { companyId: 'bigmsp' }));
  });
});

describe('TenantLimiters: each tenant keeps its own pace', () => {
  it("two tenants send at once; each is spaced by its own rate, not by the other's requests", async (t) => {
    const time = fakeTime(t);
    const limiters = new TenantLimiters(60, new MemoryLimiterStore()); // one per second per tenant
    const a = connectwiseLimitKey(NA, { companyId: 'BigMSP' });
    const b = connectwiseLimitKey(NA, { companyId: 'SmallMSP' });
    time.send(limiters, a);
    time.send(limiters, b);
    time.send(limiters, a);
    time.send(limiters, b);
    await flush();
    assert.deepEqual(time.sent, { [a]: [0], [b]: [0] }, 'the first request of each tenant goes at once');
    await time.tick(999);
    assert.deepEqual(time.sent, { [a]: [0], [b]: [0] }, 'the second waits for its own slot');
    await time.tick(1);
    assert.deepEqual(time.sent, { [a]: [0, 1000], [b]: [0, 1000] });
  });

  it('the same tenant typed in another case shares the pace (one limiter)', async (t) => {
    const time = fakeTime(t);
    const limiters = new TenantLimiters(60, new MemoryLimiterStore());
    const upper = connectwiseLimitKey(NA, { companyId: 'BigMSP' });
    const lower = connectwiseLimitKey(NA, { companyId: 'bigmsp' });
    assert.equal(limiters.for(upper), limiters.for(lower));
    time.send(limiters, upper);
    time.send(limiters, lower);
    await flush();
    assert.equal(time.sent[upper]!.length, 1, 'the second request waits: one tenant, one pace');
    await time.tick(1000);
    assert.deepEqual(time.sent[upper], [0, 1000]);
  });

  it('a 429 on one tenant (pauseFor) holds that tenant back, not the others', async (t) => {
    const time = fakeTime(t);
    const limiters = new TenantLimiters(600, new MemoryLimiterStore()); // one per 100 ms per tenant
    const a = connectwiseLimitKey(NA, { companyId: 'bigmsp' });
    const b = connectwiseLimitKey(EU, { companyId: 'bigmsp' });
    limiters.for(a).pauseFor(30_000);
    await flush();
    time.send(limiters, a);
    time.send(limiters, b);
    await flush();
    assert.deepEqual(time.sent, { [b]: [0] }, 'the other tenant sends at once');
    await time.tick(29_999);
    assert.deepEqual(time.sent[a], undefined, 'the paused tenant waits out the Retry-After');
    await time.tick(1);
    assert.deepEqual(time.sent[a], [30_000]);
  });

  it('tenants on one shared store (several workers) still keep separate paces', async (t) => {
    const time = fakeTime(t);
    const store = new MemoryLimiterStore();
    const worker1 = new TenantLimiters(60, store);
    const worker2 = new TenantLimiters(60, store);
    const a = connectwiseLimitKey(NA, { companyId: 'bigmsp' });
    const b = connectwiseLimitKey(NA, { companyId: 'smallmsp' });
    time.send(worker1, a);
    time.send(worker2, b);
    time.send(worker2, a);
    await flush();
    assert.deepEqual(time.sent, { [a]: [0], [b]: [0] }, "worker 2's request for a waits for a's next slot");
    await time.tick(1000);
    assert.deepEqual(time.sent, { [a]: [0, 1000], [b]: [0] }, 'the workers together keep one pace for a');
  });
});
