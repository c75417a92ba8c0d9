import { randomUUID } from 'node:crypto';
import { MemoryLimiterStore } from '../limits/limiter-memory';
import type { LimiterStore } from '../limits/limiter-store';

/**
 * Autotask's physical limits (reliability-security.md §3), enforced for every Autotask call, across all
 * workflows and, with a shared limiter store (`ONRAMP_LIMITER_POSTGRES_URL`), across all workers:
 * - at most `threadsPerEndpoint` (3) concurrent requests per tenant x tracking identifier x endpoint
 *   (a distributed semaphore whose slots free themselves when a worker dies);
 * - the tenant's rolling hourly budget (10,000, shared with every other integration): our own calls are
 *   counted in a sliding window from when they leave until their answer is in (Autotask counts a request when
 *   it arrives), and `ThresholdInformation` tells us what everyone else used;
 * - a 429's Retry-After pauses the whole tenant, not just the one call.
 * Near the limit calls are slowed down; past the reserve they are refused with a retry delay so the
 * Temporal retry policy, not a sleeping activity, waits.
 */
export interface LimiterOptions {
  threadsPerEndpoint?: number;
  hourlyLimit?: number;
  hourMs?: number;
  /** Fraction of the hourly limit left to other integrations and humans: we stop at (1 - reserve). */
  reserveFraction?: number;
  /** Re-read ThresholdInformation after this many of our own calls or this long, whichever first. */
  thresholdEveryCalls?: number;
  thresholdEveryMs?: number;
  /** A call that would wait at most this long for the hourly window waits in the (heartbeating) activity; longer, it is refused with a retry delay. */
  maxWaitMs?: number;
  now?: () => number;
}

export class LimitReachedError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number
  ) {
    super(message);
    this.name = 'LimitReachedError';
  }
}

interface TenantState {
  /** This process's callers queue here for the hourly window; only the head asks the store. */
  queue: Promise<unknown>;
  /** Our calls in the window, as the store last counted them (every worker's with a shared store). */
  used: number;
  reported?: { used: number; limit: number; at: number };
  /** Calls of other integrations in the window at the last report: Autotask's count minus ours. */
  others: number;
  /** This process's calls since the last ThresholdInformation. */
  callsSinceThreshold: number;
}

export class AutotaskLimiter {
  private readonly tenants = new Map<string, TenantState>();
  private readonly o: Required<Omit<LimiterOptions, 'now'>> & { now: () => number };
  readonly store: LimiterStore;

  constructor(opts: LimiterOptions = {}, store?: LimiterStore) {
    this.o = {
      threadsPerEndpoint: 3,
      hourlyLimit: 10_000,
      hourMs: 3600_000,
      reserveFraction: 0.1,
      thresholdEveryCalls: 200,
      thresholdEveryMs: 5 * 60_000,
      maxWaitMs: 10_000,
      now: Date.now,
      ...opts,
    };
    this.store = store ?? new MemoryLimiterStore(this.o.now);
  }

  private tenant(t: string): TenantState {
    let s = this.tenants.get(t);
    if (!s) this.tenants.set(t, (s = { queue: Promise.resolve(), used: 0, others: 0, callsSinceThreshold: 0 }));
    return s;
  }

  /** Whether the caller should refresh ThresholdInformation before its next call. */
  thresholdDue(tenant: string): boolean {
    const s = this.tenant(tenant);
    return (
      !s.reported ||
      s.callsSinceThreshold >= this.o.thresholdEveryCalls ||
      this.o.now() - s.reported.at >= this.o.thresholdEveryMs
    );
  }

  noteThreshold(tenant: string, used: number, limit: number): void {
    const s = this.tenant(tenant);
    s.reported = { used, limit, at: this.o.now() };
    s.others = Math.max(0, used - s.used);
    s.callsSinceThreshold = 0;
  }

  /** A 429 (or any Retry-After) pauses every call of the tenant, in every worker sharing the store. */
  pause(tenant: string, ms: number): void {
    void this.store.pause(hourKey(tenant), ms).catch(() => undefined);
  }

  private limitOf(s: TenantState): number {
    return s.reported?.limit ?? this.o.hourlyLimit;
  }

  /** Estimated share of the tenant's hourly budget in use: our calls (every worker's) plus the other integrations'. */
  usage(tenant: string): number {
    const s = this.tenant(tenant);
    return (s.used + s.others) / this.limitOf(s);
  }

  /** Delay before a call at this usage: Autotask itself slows down from 50 %, so we back off first. */
  private spacingMs(usage: number): number {
    if (usage < 0.5) return 0;
    if (usage < 0.75) return 100;
    return 500;
  }

  private refuse(tenant: string, usage: number): LimitReachedError {
    return new LimitReachedError(
      `tenant ${tenant} has used ${Math.round(usage * 100)} % of its hourly Autotask API limit; waiting so other integrations keep working`,
      // A minute in Autotask's hour (shorter when a test or the benchmark compresses the hour).
      Math.max(1000, this.o.hourMs / 60)
    );
  }

  /**
   * One call's place in the tenant's hourly window (every worker's calls with a shared store), waiting briefly
   * if need be. Resolves to the event's id, which `run` restamps when the call completes.
   */
  private takeHour(tenant: string, s: TenantState, sleep: (ms: number) => Promise<void>): Promise<string> {
    const id = randomUUID();
    const turn = s.queue.then(async () => {
      // Our share: the limit less the reserve less what other integrations used (ThresholdInformation).
      const cap = Math.max(0, Math.floor(this.limitOf(s) * (1 - this.o.reserveFraction)) - s.others);
      for (;;) {
        const r = await this.store.take(hourKey(tenant), cap, this.o.hourMs, id);
        s.used = r.used;
        if (r.taken) return id;
        if (r.waitMs > this.o.maxWaitMs) {
          if (r.used < cap)
            throw new LimitReachedError(`Autotask asked us to wait (Retry-After) for tenant ${tenant}`, r.waitMs);
          throw new LimitReachedError(this.refuse(tenant, r.used / this.limitOf(s)).message, r.waitMs);
        }
        await sleep(r.waitMs + 1);
      }
    });
    s.queue = turn.catch(() => undefined);
    return turn;
  }

  async run<T>(tenant: string, endpointKey: string, fn: () => Promise<T>, sleep = defaultSleep): Promise<T> {
    const s = this.tenant(tenant);
    const before = this.usage(tenant);
    const delay = this.spacingMs(before);
    if (delay) await sleep(delay);
    const release = await this.store.acquire(`autotask:${tenant}|${endpointKey}`, this.o.threadsPerEndpoint);
    try {
      // Counted once the thread is ours, right before the request leaves: counted earlier, our window would free
      // the slot before Autotask's rolling hour does (the benchmark saw 6 threshold 429s of 549 calls that way).
      const id = await this.takeHour(tenant, s, sleep);
      s.callsSinceThreshold++;
      try {
        return await fn();
      } finally {
        // Autotask counts a request in its rolling hour when the request ARRIVES ("on receipt of a request, the
        // API will check the number of requests in the previous 60 minutes"), and it arrives some time after we
        // count it: seconds on a loaded worker or a slow network. Stamped only when sent, the call would leave
        // our window that much before it leaves Autotask's, and a burst then would pass our count and exceed
        // Autotask's (the benchmark saw 104 of 100 that way, 5 threshold 429s). So once the answer is in (or the
        // call failed) the call is counted again from now: it arrived by then, so it stays in our window at
        // least as long as in Autotask's, whatever the delay. Counted from the send in the meantime, which is
        // enough while a call lasts less than the hour (the HTTP timeouts are 30 s). Best effort: a store that
        // cannot be reached must not fail a call Autotask has already answered.
        await this.store.restamp(hourKey(tenant), id).catch(() => undefined);
      }
    } finally {
      await release();
    }
  }
}

const hourKey = (tenant: string) => `autotask-hour:${tenant}`;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
