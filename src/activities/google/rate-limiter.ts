/**
 * At most `limit` acquisitions in any rolling window of `windowMs` (+ `guardMs`). Google counts
 * Directory queries per minute per user; a rolling window never lets a burst straddle two of its
 * minutes, and the guard absorbs network latency between our clock and Google's counter. Allows an
 * immediate burst up to the limit, so small jobs are not slowed at all.
 */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Acquisitions that had to wait, for the benchmark. */
  waited = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly guardMs = 1000,
    private readonly now: () => number = Date.now
  ) {}

  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async acquire(): Promise<void> {
    const span = this.windowMs + this.guardMs;
    for (;;) {
      const now = this.now();
      while (this.sent.length && this.sent[0]! <= now - span) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      this.waited++;
      await new Promise((r) => setTimeout(r, this.sent[0]! + span - now + 1));
    }
  }
}
