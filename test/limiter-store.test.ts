import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Pool } from 'pg';
import { after, before, describe, it } from 'node:test';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { AutotaskLimiter } from '../src/activities/autotask/autotask-limiter';
import { MemoryLimiterStore } from '../src/activities/limits/limiter-memory';
import { PostgresLimiterStore } from '../src/activities/limits/limiter-postgres';
import type { LimiterStore } from '../src/activities/limits/limiter-store';
import { loadConfig } from '../src/config';

/**
 * The vendor limiters' store. Two PostgresLimiterStore instances on one database stand for two worker
 * processes (each has its own connection pools, as a process would); a child process killed with SIGKILL
 * while it holds slots stands for a worker that dies mid-call. No assertion depends on how fast anything
 * runs: windows and spacings are minutes long, so a slow machine only makes the figures closer to exact.
 */
const MINUTE = 60_000;

function storeContract(name: string, make: () => { a: LimiterStore; b: LimiterStore }) {
  describe(name, () => {
    let a: LimiterStore;
    let b: LimiterStore;
    before(() => ({ a, b } = make()));
    after(async () => {
      await a.close();
      if (b !== a) await b.close();
    });

    it('take: the sliding window admits exactly `limit` events between both holders, then says how long to wait', async () => {
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await (i % 2 ? a : b).take('window', 5, 10 * MINUTE));
      assert.deepEqual(
        results.map((r) => r.taken),
        [true, true, true, true, true, false, false, false]
      );
      assert.deepEqual(
        results.map((r) => r.used),
        [1, 2, 3, 4, 5, 5, 5, 5]
      );
      for (const r of results.slice(5))
        assert.ok(r.waitMs > 5 * MINUTE && r.waitMs <= 10 * MINUTE, `waitMs ${r.waitMs}`);
    });

    it('restamp: the event moves (never doubles) across holders; an event the window no longer holds is recorded anew', async () => {
      assert.equal((await a.take('restamp', 3, 10 * MINUTE, 'e1')).used, 1);
      assert.equal((await b.take('restamp', 3, 10 * MINUTE, 'e2')).used, 2);
      await b.restamp('restamp', 'e1');
      await a.restamp('restamp', 'e1');
      assert.deepEqual(
        [await a.take('restamp', 3, 10 * MINUTE, 'e3'), await b.take('restamp', 3, 10 * MINUTE)].map((r) => [
          r.taken,
          r.used,
        ]),
        [
          [true, 3],
          [false, 3],
        ]
      );
      await a.restamp('restamp', 'left-the-window');
      assert.equal((await b.take('restamp', 10, 10 * MINUTE)).used, 5);
    });

    it('takeUpTo: one call records as many events as the window has room for, shared with take, and says how long to wait', async () => {
      const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
      const first = await a.takeUpTo('many', 10, 10 * MINUTE, ids('a', 4));
      assert.deepEqual([first.taken, first.used, first.waitMs], [4, 4, 0]);
      assert.equal((await b.take('many', 10, 10 * MINUTE)).used, 5);
      const second = await b.takeUpTo('many', 10, 10 * MINUTE, ids('b', 8));
      assert.deepEqual([second.taken, second.used], [5, 10]);
      assert.ok(second.waitMs > 5 * MINUTE && second.waitMs <= 10 * MINUTE, `waitMs ${second.waitMs}`);
      const full = await a.takeUpTo('many', 10, 10 * MINUTE, ids('c', 3));
      assert.deepEqual([full.taken, full.used], [0, 10]);
      assert.ok(full.waitMs > 5 * MINUTE, `waitMs ${full.waitMs}`);
      assert.equal((await a.take('many', 10, 10 * MINUTE)).taken, false);
      // The events carry their ids: restamping the taken ones moves them (the window still holds 10), and
      // one that was never taken (b5: no room) is recorded anew, so the window holds 11 and refuses more.
      await b.restamp('many', ['a0', 'b4']);
      assert.equal((await a.take('many', 20, 10 * MINUTE)).used, 11, 'a0 and b4 moved, nothing doubled');
      await a.restamp('many', ['b5', 'b6']);
      assert.equal((await b.take('many', 20, 10 * MINUTE)).used, 14, 'b5 and b6 recorded');
      await b.pause('many-paused', 30 * MINUTE);
      const paused = await a.takeUpTo('many-paused', 10, MINUTE, ids('p', 2));
      assert.equal(paused.taken, 0);
      assert.ok(paused.waitMs > 20 * MINUTE, `waitMs ${paused.waitMs}`);
    });

    it('reserveSlot: both holders draw from one pace, one spacing apart', async () => {
      const waits = [];
      for (let i = 0; i < 6; i++) waits.push(await (i % 2 ? a : b).reserveSlot('pace', MINUTE));
      assert.deepEqual(
        waits.map((w) => Math.round(w / MINUTE)),
        [0, 1, 2, 3, 4, 5]
      );
    });

    it('pause: a Retry-After seen by one holder holds the other back, in take and reserveSlot', async () => {
      await a.pause('paused', 30 * MINUTE);
      const t = await b.take('paused', 100, MINUTE);
      assert.equal(t.taken, false);
      assert.ok(t.waitMs > 20 * MINUTE, `waitMs ${t.waitMs}`);
      assert.ok((await b.reserveSlot('paused', 10)) > 20 * MINUTE);
    });

    it('acquire: at most `slots` holders across both, the next one gets in when a slot is released', async () => {
      const held = [await a.acquire('threads', 3), await a.acquire('threads', 3), await b.acquire('threads', 3)];
      let fourth = false;
      const waiting = b.acquire('threads', 3).then((release) => {
        fourth = true;
        return release;
      });
      // Round trips on both holders (the fourth keeps asking meanwhile): it is still refused.
      for (let i = 0; i < 5; i++) await Promise.all([a.take('other', 1000, MINUTE), b.take('other', 1000, MINUTE)]);
      assert.equal(fourth, false, 'a fourth holder got a slot while three were held');
      await held[0]!();
      const release = await waiting;
      assert.equal(fourth, true);
      await Promise.all([...held.slice(1).map((r) => r()), release()]);
    });
  });
}

storeContract('MemoryLimiterStore (sandbox, one worker)', () => {
  const s = new MemoryLimiterStore();
  return { a: s, b: s };
});

describe('PostgresLimiterStore (every worker shares it)', { skip: !postgresAvailable() && !process.env.CI }, () => {
  let pg: ThrowawayPostgres;
  const url = () => pg.url;
  before(async () => {
    pg = await startThrowawayPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  storeContract('two worker processes on one database', () => ({
    a: new PostgresLimiterStore(url(), { tablePrefix: 'contract' }),
    b: new PostgresLimiterStore(url(), { tablePrefix: 'contract' }),
  }));

  it('restamp: a call answered late stays in the window a full span after its answer (store clock)', async () => {
    const a = new PostgresLimiterStore(url(), { tablePrefix: 'restamp' });
    const b = new PostgresLimiterStore(url(), { tablePrefix: 'restamp' });
    const db = new Pool({ connectionString: url() });
    // Move every event of the key back in time: the test's clock, in minutes, whatever the machine's speed.
    const age = (minutes: number) =>
      db.query(`UPDATE restamp_events SET at = at - make_interval(mins => $1) WHERE key = 'k'`, [minutes]);
    try {
      assert.ok((await a.take('k', 2, 10 * MINUTE, 'slow')).taken);
      assert.ok((await b.take('k', 2, 10 * MINUTE, 'quick')).taken);
      await age(9); // both sent 9 minutes ago; the slow call's answer comes in now
      await b.restamp('k', 'slow');
      await age(2); // 11 minutes after the sends: the quick call has left, the slow one (answered 2 min ago) has not
      const r = await a.take('k', 2, 10 * MINUTE);
      assert.deepEqual([r.taken, r.used], [true, 2]);
      const full = await b.take('k', 2, 10 * MINUTE);
      assert.equal(full.taken, false);
      assert.ok(
        full.waitMs > 7 * MINUTE && full.waitMs <= 8 * MINUTE,
        `waitMs ${full.waitMs}: the slow call leaves first`
      );
    } finally {
      await Promise.all([a.close(), b.close(), db.end()]);
    }
  });

  it('a worker killed while it holds slots frees them: its database session ends, and so do its advisory locks', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { PostgresLimiterStore } = require(${JSON.stringify(require.resolve('../src/activities/limits/limiter-postgres'))});
         const s = new PostgresLimiterStore(process.env.PG_URL, { tablePrefix: 'crash' });
         (async () => { for (let i = 0; i < 3; i++) await s.acquire('threads', 3); process.stdout.write('held\\n'); setInterval(() => {}, 1000); })();`,
      ],
      { env: { ...process.env, PG_URL: url() }, stdio: ['ignore', 'pipe', 'inherit'] }
    );
    const survivor = new PostgresLimiterStore(url(), { tablePrefix: 'crash' });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
        child.once('exit', (code) => reject(new Error(`slot holder exited early (${code})`)));
      });
      let got = false;
      const waiting = survivor.acquire('threads', 3).then((r) => {
        got = true;
        return r;
      });
      for (let i = 0; i < 5; i++) await survivor.take('x', 1000, MINUTE);
      assert.equal(got, false, 'the three slots of the live holder were not all held');
      child.kill('SIGKILL');
      const release = await waiting;
      assert.equal(got, true);
      await release();
    } finally {
      child.kill('SIGKILL');
      await survivor.close();
    }
  });

  it('two Autotask limiters sharing the database: never more than 3 concurrent calls per endpoint, hourly budget shared', async () => {
    const opts = { hourlyLimit: 40, reserveFraction: 0.1, hourMs: 10 * MINUTE, thresholdEveryCalls: 1e9 };
    const stores = [0, 1].map(() => new PostgresLimiterStore(url(), { tablePrefix: 'autotask' }));
    const limiters = stores.map((s) => new AutotaskLimiter(opts, s));
    let active = 0;
    let peak = 0;
    let refused = 0;
    let done = 0;
    const call = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      await stores[0]!.take('yield', 1e6, MINUTE); // a round trip, so calls really overlap
      active--;
      done++;
    };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiters[i % 2]!.run('tenant-1', 'CODE|Companies', call, () => Promise.resolve()).catch((err: Error) => {
          assert.equal(err.name, 'LimitReachedError');
          refused++;
        })
      )
    );
    assert.ok(peak <= 3, `peak concurrency ${peak}`);
    // 90 % of 40 = 36 calls in the (10-minute) hour, between both workers; the rest wait for the window.
    assert.equal(done, 36);
    assert.equal(refused, 14);
    await Promise.all(stores.map((s) => s.close()));
  });
});

describe('configuration', () => {
  it('ONRAMP_LIMITER_POSTGRES_URL: empty means in-process, a URL is taken as is, anything else is refused', () => {
    assert.equal(loadConfig({ ONRAMP_LIMITER_POSTGRES_URL: '' }).limits.postgresUrl, undefined);
    assert.equal(
      loadConfig({ ONRAMP_LIMITER_POSTGRES_URL: 'postgres://onramp@db:5432/onramp' }).limits.postgresUrl,
      'postgres://onramp@db:5432/onramp'
    );
    assert.throws(() => loadConfig({ ONRAMP_LIMITER_POSTGRES_URL: 'db:5432' }), /ONRAMP_LIMITER_POSTGRES_URL/);
  });
});
