/**
 * Autotask's physical limits (reliability-security.md §3), enforced in-process for every Autotask call the
 * worker makes, across all workflows:
 * - at most `threadsPerEndpoint` (3) concurrent requests per tenant x tracking identifier x endpoint;
 * - the tenant's rolling hourly budget (10,000, shared with every other integration): our own calls are
 *   counted, and `ThresholdInformation` tells us what everyone else used;
 * - a 429's Retry-After pauses the whole tenant, not just the one call.
 * Near the limit calls are slowed down; past the reserve they are refused with a retry delay so the
 * Temporal retry policy, not a sleeping activity, waits. One worker process = one limiter: several workers
 * for one tenant would need a shared store (not built).
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
  calls: number[];
  pausedUntil: number;
  reported?: { used: number; limit: number; at: number };
  callsSinceThreshold: number;
}

class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}

export class AutotaskLimiter {
  private readonly threads = new Map<string, Semaphore>();
  private readonly tenants = new Map<string, TenantState>();
  private readonly o: Required<Omit<LimiterOptions, 'now'>> & { now: () => number };

  constructor(opts: LimiterOptions = {}) {
    this.o = {
      threadsPerEndpoint: 3,
      hourlyLimit: 10_000,
      hourMs: 3600_000,
      reserveFraction: 0.1,
      thresholdEveryCalls: 200,
      thresholdEveryMs: 5 * 60_000,
      now: Date.now,
      ...opts,
    };
  }

  private tenant(t: string): TenantState {
    let s = this.tenants.get(t);
    if (!s) this.tenants.set(t, (s = { calls: [], pausedUntil: 0, callsSinceThreshold: 0 }));
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
    s.callsSinceThreshold = 0;
  }

  /** A 429 (or any Retry-After) pauses every call of the tenant. */
  pause(tenant: string, ms: number): void {
    const s = this.tenant(tenant);
    s.pausedUntil = Math.max(s.pausedUntil, this.o.now() + ms);
  }

  /** Estimated share of the tenant's hourly budget in use: the larger of our count and the reported one. */
  usage(tenant: string): number {
    const s = this.tenant(tenant);
    const now = this.o.now();
    s.calls = s.calls.filter((t) => t > now - this.o.hourMs);
    const limit = s.reported?.limit ?? this.o.hourlyLimit;
    // Our calls since the report are on top of what the report saw.
    const sinceReport = s.reported ? s.calls.filter((t) => t > s.reported!.at).length : 0;
    const reported = s.reported ? s.reported.used + sinceReport : 0;
    return Math.max(s.calls.length, reported) / limit;
  }

  /** Delay before a call at this usage: Autotask itself slows down from 50 %, so we back off first. */
  private spacingMs(usage: number): number {
    if (usage < 0.5) return 0;
    if (usage < 0.75) return 100;
    return 500;
  }

  async run<T>(tenant: string, endpointKey: string, fn: () => Promise<T>, sleep = defaultSleep): Promise<T> {
    const s = this.tenant(tenant);
    const now = this.o.now();
    if (s.pausedUntil > now)
      throw new LimitReachedError(`Autotask asked us to wait (Retry-After) for tenant ${tenant}`, s.pausedUntil - now);
    const usage = this.usage(tenant);
    if (usage >= 1 - this.o.reserveFraction) {
      throw new LimitReachedError(
        `tenant ${tenant} has used ${Math.round(usage * 100)} % of its hourly Autotask API limit; waiting so other integrations keep working`,
        60_000
      );
    }
    const delay = this.spacingMs(usage);
    if (delay) await sleep(delay);
    let sem = this.threads.get(`${tenant}|${endpointKey}`);
    if (!sem) this.threads.set(`${tenant}|${endpointKey}`, (sem = new Semaphore(this.o.threadsPerEndpoint)));
    await sem.acquire();
    try {
      s.calls.push(this.o.now());
      s.callsSinceThreshold++;
      return await fn();
    } finally {
      sem.release();
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
