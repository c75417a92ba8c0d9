/**
 * Where the vendor limiters keep their state. Every worker process that talks to one vendor tenant must see
 * the same counts, or N workers send N times the vendor's limit (issue 11, point 3): production points all
 * workers at one PostgreSQL database (`ONRAMP_LIMITER_POSTGRES_URL`, limiter-postgres.ts); the sandbox and
 * most tests keep the state in the process (limiter-memory.ts). Both implement these primitives, and
 * the vendor limiters (Autotask, ConnectWise, Google Directory) are written only against them.
 *
 * Time is the store's clock (PostgreSQL's `clock_timestamp()` for the shared store), so workers whose
 * clocks disagree still agree on every window.
 */
export interface LimiterStore {
  /**
   * Sliding-window log: when fewer than `limit` events of `key` happened in the last `spanMs` and `key` is
   * not paused, record one now (`taken`); otherwise record nothing and say how long until one may be taken.
   * `used` is the number of events in the window, this one included when taken. `id` names the event for
   * `restamp` (unique per key; omit it when the event never moves).
   */
  take(key: string, limit: number, spanMs: number, id?: string): Promise<TakeResult>;
  /**
   * `take` for a whole queue of callers in one call (one database round trip): records events now for the
   * first min(ids.length, room left in the window) of `ids`, none while `key` is paused. `waitMs` says, when
   * fewer than all were taken, how long until the oldest event leaves the window (or the pause ends). An
   * `undefined` id records an event that never moves (`take` without an id is a queue of one such).
   */
  takeUpTo(key: string, limit: number, spanMs: number, ids: readonly (string | undefined)[]): Promise<TakeManyResult>;
  /**
   * Event `id` of `key` (recorded by `take` or `takeUpTo`; several in one call) happened now, not when it was taken: it moves to the store's
   * present and stays in the window a full span from now. Recorded anew if it already left the window.
   * For a vendor that counts a request when it arrives: stamped when sent, a slow request would leave our
   * window before it leaves the vendor's (see the Autotask limiter).
   */
  restamp(key: string, id: string | readonly string[]): Promise<void>;
  /**
   * Even pacing: reserve the next send slot of `key`, `spacingMs` after the previous reservation and never
   * before a pause ends. Resolves to how long the caller must wait before sending (0: send now).
   */
  reserveSlot(key: string, spacingMs: number): Promise<number>;
  /** Nobody sends on `key` (take / reserveSlot) before `ms` from now: a vendor's Retry-After. */
  pause(key: string, ms: number): Promise<void>;
  /**
   * One of `slots` concurrent holders of `key` (a distributed semaphore). Resolves once a slot is held, to
   * its release. A holder whose process dies frees its slot (the shared store holds it on the process's
   * own database session).
   */
  acquire(key: string, slots: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface TakeResult {
  taken: boolean;
  used: number;
  /** When not taken: milliseconds until the oldest event leaves the window (or the pause ends). */
  waitMs: number;
}

export interface TakeManyResult {
  taken: number;
  used: number;
  /** 0 when all were taken; otherwise milliseconds until the next one may be (at least 1). */
  waitMs: number;
}

/** The limiter settings that cross into a worker (plain data: the benchmark sends them to worker processes as JSON). */
export interface LimiterSettings {
  /** PostgreSQL connection string shared by every worker; unset: state in this process only. */
  postgresUrl?: string;
  /** Table-name prefix in that database (default `onramp_limiter`). */
  tablePrefix?: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
