import { Pool, type PoolClient } from 'pg';
import { createSchemaOnce } from '../../postgres-schema';
import { MemoryLimiterStore } from './limiter-memory';
import { sleep, type LimiterStore, type TakeManyResult, type TakeResult } from './limiter-store';

/**
 * Limiter state shared by every worker through PostgreSQL (the production stack's database).
 *
 * Why not rate-limiter-flexible's RateLimiterPostgres: its Postgres store counts points in a fixed window
 * that starts at a key's first request after the previous window expired. Google's and ConnectWise's
 * counters run windows of their own that ours cannot see or align with, so a fixed window lets up to twice
 * the limit through any vendor window that straddles one of our boundaries (a throttling response), and
 * Autotask counts a rolling hour. The library also has no semaphore whose slot frees itself when a worker
 * dies, which Autotask's 3 concurrent requests per endpoint need. Three primitives on two tables and
 * PostgreSQL advisory locks are less code than adapting it:
 * - `take` / `takeUpTo`: a sliding-window log (`<prefix>_events`), serialised per key by a transaction
 *   advisory lock (`takeUpTo` records a whole queue's events in one round trip);
 *   `restamp` moves one event (by its id) to the present in one statement;
 * - `reserveSlot` / `pause`: one row per key (`<prefix>_keys`) with the next send slot and a pause,
 *   updated atomically in one statement;
 * - `acquire`: slot i of key k is the session advisory lock (hashtext(k), i), held on a pooled connection for
 *   the length of the call; a worker killed mid-call closes its connection and PostgreSQL frees the lock.
 * Every function reads `clock_timestamp()`, the database's clock, so workers' clocks need not agree.
 */
export class PostgresLimiterStore implements LimiterStore {
  /** Short statements (take, reserveSlot, pause). */
  private readonly pool: Pool;
  /** Connections that hold a concurrency slot for the length of a vendor call (never wait on `pool`). */
  private readonly lockPool: Pool;
  private ready?: Promise<void>;
  /** At most `slots` holders or pollers per key in this process; the database arbitrates between processes. */
  private readonly local = new MemoryLimiterStore();
  private readonly t: { events: string; keys: string; fn: string };

  constructor(connectionString: string, opts: { tablePrefix?: string; poolSize?: number; lockPoolSize?: number } = {}) {
    const prefix = opts.tablePrefix ?? 'onramp_limiter';
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
      throw new Error(`limiter table prefix "${prefix}" is not a plain SQL name`);
    this.t = { events: `${prefix}_events`, keys: `${prefix}_keys`, fn: prefix };
    // allowExitOnIdle: an idle pool never keeps a stopping worker alive.
    this.pool = new Pool({ connectionString, max: opts.poolSize ?? 4, allowExitOnIdle: true });
    this.lockPool = new Pool({ connectionString, max: opts.lockPoolSize ?? 12, allowExitOnIdle: true });
    // A broken idle connection must not crash the worker; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.lockPool.on('error', () => undefined);
  }

  /** Tables and functions, created once per database (idempotent, serialised across workers). */
  private schema(): Promise<void> {
    const { events, keys, fn } = this.t;
    this.ready ??= createSchemaOnce(
      this.pool,
      `${fn}:schema`,
      `
          CREATE TABLE IF NOT EXISTS ${events} (key text NOT NULL, at timestamptz NOT NULL);
          CREATE INDEX IF NOT EXISTS ${events}_key_at ON ${events} (key, at);
          ALTER TABLE ${events} ADD COLUMN IF NOT EXISTS id text;
          CREATE INDEX IF NOT EXISTS ${events}_key_id ON ${events} (key, id);
          CREATE TABLE IF NOT EXISTS ${keys} (
            key text PRIMARY KEY,
            next_at timestamptz NOT NULL DEFAULT '-infinity',
            paused_until timestamptz NOT NULL DEFAULT '-infinity'
          );
          CREATE OR REPLACE FUNCTION ${fn}_take_up_to(p_key text, p_limit int, p_span_ms double precision, p_ids text[])
          RETURNS TABLE (taken int, used int, wait_ms double precision) LANGUAGE plpgsql AS $$
          DECLARE
            t timestamptz; span interval := make_interval(secs => p_span_ms / 1000);
            n int; k int; want int := cardinality(p_ids); oldest timestamptz; paused timestamptz;
          BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('${fn}:' || p_key));
            t := clock_timestamp();
            DELETE FROM ${events} e WHERE e.key = p_key AND e.at <= t - span;
            SELECT count(*), min(e.at) INTO n, oldest FROM ${events} e WHERE e.key = p_key;
            SELECT kk.paused_until INTO paused FROM ${keys} kk WHERE kk.key = p_key;
            IF paused IS NOT NULL AND paused > t THEN
              RETURN QUERY SELECT 0, n, extract(epoch FROM paused - t)::double precision * 1000;
              RETURN;
            END IF;
            k := greatest(0, least(want, p_limit - n));
            INSERT INTO ${events} (key, at, id) SELECT p_key, t, p_ids[i] FROM generate_series(1, k) AS i;
            RETURN QUERY SELECT k, n + k, CASE WHEN k < want
              THEN greatest(1, extract(epoch FROM coalesce(oldest, t) + span - t)::double precision * 1000)
              ELSE 0::double precision END;
          END $$;
          CREATE OR REPLACE FUNCTION ${fn}_reserve(p_key text, p_spacing_ms double precision)
          RETURNS double precision LANGUAGE plpgsql AS $$
          DECLARE t timestamptz := clock_timestamp(); slot timestamptz;
          BEGIN
            INSERT INTO ${keys} AS k (key, next_at) VALUES (p_key, t + make_interval(secs => p_spacing_ms / 1000))
            ON CONFLICT (key) DO UPDATE
              SET next_at = greatest(k.next_at, k.paused_until, clock_timestamp()) + make_interval(secs => p_spacing_ms / 1000)
            RETURNING next_at - make_interval(secs => p_spacing_ms / 1000) INTO slot;
            RETURN greatest(0, extract(epoch FROM slot - t)::double precision * 1000);
          END $$;
          CREATE OR REPLACE FUNCTION ${fn}_slot(p_key text, p_slots int) RETURNS int LANGUAGE plpgsql AS $$
          BEGIN
            FOR i IN 0 .. p_slots - 1 LOOP
              IF pg_try_advisory_lock(hashtext('${fn}:' || p_key), i) THEN RETURN i; END IF;
            END LOOP;
            RETURN -1;
          END $$;
        `
    ).catch((err: unknown) => {
      this.ready = undefined; // the next call tries again
      throw err;
    });
    return this.ready;
  }

  async take(key: string, limit: number, spanMs: number, id?: string): Promise<TakeResult> {
    // One event is a queue of one (node-postgres sends an undefined id as NULL, as before).
    const r = await this.takeUpTo(key, limit, spanMs, [id]);
    return { taken: r.taken === 1, used: r.used, waitMs: r.waitMs };
  }

  async takeUpTo(
    key: string,
    limit: number,
    spanMs: number,
    ids: readonly (string | undefined)[]
  ): Promise<TakeManyResult> {
    await this.schema();
    const r = await this.pool.query<{ taken: number; used: number; wait_ms: number }>(
      `SELECT * FROM ${this.t.fn}_take_up_to($1, $2, $3, $4::text[])`,
      [key, limit, spanMs, ids]
    );
    const row = r.rows[0]!;
    return { taken: row.taken, used: row.used, waitMs: Math.ceil(row.wait_ms) };
  }

  async restamp(key: string, id: string | readonly string[]): Promise<void> {
    await this.schema();
    // One statement: a concurrent take counts each event either at its old time or at its new one, never neither.
    await this.pool.query(
      `WITH gone AS (DELETE FROM ${this.t.events} WHERE key = $1 AND id = ANY($2::text[]))
       INSERT INTO ${this.t.events} (key, at, id) SELECT $1, clock_timestamp(), unnest($2::text[])`,
      [key, typeof id === 'string' ? [id] : id]
    );
  }

  async reserveSlot(key: string, spacingMs: number): Promise<number> {
    await this.schema();
    const r = await this.pool.query<{ wait: number }>(`SELECT ${this.t.fn}_reserve($1, $2) AS wait`, [key, spacingMs]);
    return Math.ceil(r.rows[0]!.wait);
  }

  async pause(key: string, ms: number): Promise<void> {
    await this.schema();
    await this.pool.query(
      `INSERT INTO ${this.t.keys} AS k (key, paused_until) VALUES ($1, clock_timestamp() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (key) DO UPDATE SET paused_until = greatest(k.paused_until, excluded.paused_until)`,
      [key, ms]
    );
  }

  async acquire(key: string, slots: number): Promise<() => Promise<void>> {
    await this.schema();
    const releaseLocal = await this.local.acquire(key, slots);
    let backoff = 10;
    try {
      for (;;) {
        const c: PoolClient = await this.lockPool.connect();
        let slot = -1;
        try {
          const r = await c.query<{ slot: number }>(`SELECT ${this.t.fn}_slot($1, $2) AS slot`, [key, slots]);
          slot = r.rows[0]!.slot;
        } catch (err) {
          c.release(err as Error);
          throw err;
        }
        if (slot >= 0) {
          let released = false;
          return async () => {
            if (released) return;
            released = true;
            try {
              await c.query(`SELECT pg_advisory_unlock(hashtext($1), $2)`, [`${this.t.fn}:${key}`, slot]);
              c.release();
            } catch (err) {
              // Dropping the connection frees the lock as surely as unlocking it.
              c.release(err as Error);
            } finally {
              await releaseLocal();
            }
          };
        }
        c.release();
        // Another worker holds every slot: look again soon (calls last 50 ms to seconds).
        await sleep(backoff * (0.5 + Math.random()));
        backoff = Math.min(backoff * 1.5, 100);
      }
    } catch (err) {
      await releaseLocal();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }
}
