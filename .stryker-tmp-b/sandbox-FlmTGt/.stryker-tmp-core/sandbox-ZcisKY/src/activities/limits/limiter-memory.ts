// @ts-nocheck
// 
import type { LimiterStore, TakeResult } from './limiter-store';

/**
 * Limiter state in this process only: the sandbox, tests, and a single worker. Same semantics as the
 * PostgreSQL store, so the vendor limiters behave alike with either.
 */
export class MemoryLimiterStore implements LimiterStore {
  private readonly events = new Map<string, number[]>();
  private readonly keys = new Map<string, { nextAt: number; pausedUntil: number }>();
  private readonly slots = new Map<string, { active: number; waiters: (() => void)[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  private keyState(key: string) {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { nextAt: 0, pausedUntil: 0 }));
    return k;
  }

  take(key: string, limit: number, spanMs: number): Promise<TakeResult> {
    const now = this.now();
    let log = this.events.get(key);
    if (!log) this.events.set(key, (log = []));
    while (log.length && log[0]! <= now - spanMs) log.shift();
    const paused = this.keyState(key).pausedUntil - now;
    if (paused > 0) return Promise.resolve({ taken: false, used: log.length, waitMs: paused });
    if (log.length < limit) {
      log.push(now);
      return Promise.resolve({ taken: true, used: log.length, waitMs: 0 });
    }
    return Promise.resolve({ taken: false, used: log.length, waitMs: Math.max(1, log[0]! + spanMs - now) });
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
