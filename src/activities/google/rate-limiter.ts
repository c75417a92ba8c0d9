import { MemoryLimiterStore } from '../limits/limiter-memory';
import { sleep, type LimiterStore } from '../limits/limiter-store';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * At most `limit` acquisitions in any rolling window of `windowMs` (+ `guardMs`). Google counts
 * Directory queries per minute per user; a rolling window never lets a burst straddle two of its
 * minutes, and the guard absorbs network latency between our clock and Google's counter. Allows an
 * immediate burst up to the limit, so small jobs are not slowed at all. The window lives in the limiter
 * store, so every worker sharing it (PostgreSQL) shares one quota.
 *
 * Callers of this process queue in order and one pump asks the store for the whole queue at once
 * (`takeUpTo`): one database round trip admits every waiting call the window has room for. Asking once per
 * call made the round trip the bottleneck on a busy machine: three workers at ~75 ms per round trip could
 * only ask ~40 times a second, exactly Google's 2,400/min, so the quota went a quarter unused.
 */
export class SlidingWindowLimiter {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** Times the queue had to wait for the window, for the benchmark. */
  waited = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly guardMs = 1000,
    private readonly store: LimiterStore = new MemoryLimiterStore(),
    private readonly key = 'google-directory'
  ) {}

  take(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.pumping) return;
      this.pumping = true;
      // Start on the next microtask, so callers queued in the same tick go in the first round trip.
      queueMicrotask(() => void this.pump());
    });
  }

  private async pump(): Promise<void> {
    const span = this.windowMs + this.guardMs;
    try {
      while (this.waiters.length) {
        const want = Math.min(this.waiters.length, this.limit);
        let r;
        try {
          r = await this.store.takeUpTo(this.key, this.limit, span, want);
        } catch (err) {
          // The store is unreachable: the calls that asked fail (the activity retries); later ones ask again.
          for (const w of this.waiters.splice(0, want)) w.reject(err);
          continue;
        }
        for (const w of this.waiters.splice(0, r.taken)) w.resolve();
        if (r.taken < want) {
          this.waited++;
          await sleep(r.waitMs + 1);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
