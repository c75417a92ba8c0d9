import type { LimiterStore, TakeManyResult, TakeResult } from './limiter-store';

/**
 * Limiter state in this process only: the sandbox, tests, and a single worker. Same semantics as the
 * PostgreSQL store, so the vendor limiters behave alike with either.
 */
export class MemoryLimiterStore implements LimiterStore {
  /** Per key, the events in the order of their times (`restamp` moves one to the end). */
  private readonly events = new Map<string, { at: number; id?: string }[]>();
  private readonly keys = new Map<string, { nextAt: number; pausedUntil: number }>();
  private readonly slots = new Map<string, { active: number; waiters: (() => void)[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  private keyState(key: string) {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { nextAt: 0, pausedUntil: 0 }));
    return k;
  }

  private log(key: string) {
    let log = this.events.get(key);
    if (!log) this.events.set(key, (log = []));
    return log;
  }

  async take(key: string, limit: number, spanMs: number, id?: string): Promise<TakeResult> {
    const r = await this.takeUpTo(key, limit, spanMs, [id]);
    return { taken: r.taken === 1, used: r.used, waitMs: r.waitMs };
  }

  takeUpTo(key: string, limit: number, spanMs: number, ids: readonly (string | undefined)[]): Promise<TakeManyResult> {
    const now = this.now();
    const log = this.log(key);
    while (log.length && log[0]!.at <= now - spanMs) log.shift();
    const paused = this.keyState(key).pausedUntil - now;
    if (paused > 0) return Promise.resolve({ taken: 0, used: log.length, waitMs: paused });
    const taken = Math.max(0, Math.min(ids.length, limit - log.length));
    for (const id of ids.slice(0, taken)) log.push({ at: now, id });
    const waitMs = taken < ids.length ? Math.max(1, (log[0]?.at ?? now) + spanMs - now) : 0;
    return Promise.resolve({ taken, used: log.length, waitMs });
  }

  restamp(key: string, id: string | readonly string[]): Promise<void> {
    const log = this.log(key);
    for (const one of typeof id === 'string' ? [id] : id) {
      const i = log.findIndex((e) => e.id === one);
      if (i >= 0) log.splice(i, 1);
      // Now is no earlier than any event's time, so the log stays in time order.
      log.push({ at: this.now(), id: one });
    }
    return Promise.resolve();
  }

  reserveSlot(key: string, spacingMs: number): Promise<number> {
    const now = this.now();
    const k = this.keyState(key);
    const at = Math.max(now, k.nextAt, k.pausedUntil);
    k.nextAt = at + spacingMs;
    return Promise.resolve(at - now);
  }

  pause(key: string, ms: number): Promise<void> {
    const k = this.keyState(key);
    k.pausedUntil = Math.max(k.pausedUntil, this.now() + ms);
    return Promise.resolve();
  }

  async acquire(key: string, slots: number): Promise<() => Promise<void>> {
    let s = this.slots.get(key);
    if (!s) this.slots.set(key, (s = { active: 0, waiters: [] }));
    const sem = s;
    if (sem.active < slots) sem.active++;
    else await new Promise<void>((resolve) => sem.waiters.push(resolve));
    let released = false;
    return () => {
      if (!released) {
        released = true;
        const next = sem.waiters.shift();
        if (next) next();
        else sem.active--;
      }
      return Promise.resolve();
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
