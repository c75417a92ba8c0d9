// @ts-nocheck
import { MemoryLimiterStore } from '../limits/limiter-memory';
import { sleep, type LimiterStore } from '../limits/limiter-store';

/**
 * At most `limit` acquisitions in any rolling window of `windowMs` (+ `guardMs`). Google counts
 * Directory queries per minute per user; a rolling window never lets a burst straddle two of its
 * minutes, and the guard absorbs network latency between our clock and Google's counter. Allows an
 * immediate burst up to the limit, so small jobs are not slowed at all. The window lives in the limiter
 * store, so every worker sharing it (PostgreSQL) shares one quota; callers of this process queue in order
 * and only the head of the queue asks the store.
 */
export class SlidingWindowLimiter {
  private queue: Promise<void> = Promise.resolve();
  /** Acquisitions that had to wait, for the benchmark. */
  waited = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly guardMs = 1000,
    private readonly store: LimiterStore = new MemoryLimiterStore(),
    private readonly key = 'google-directory'
  ) {}

  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async acquire(): Promise<void> {
    const span = this.windowMs + this.guardMs;
    for (;;) {
      const r = await this.store.take(this.key, this.limit, span);
      if (r.taken) return;
      this.waited++;
      await sleep(r.waitMs + 1);
    }
  }
}
