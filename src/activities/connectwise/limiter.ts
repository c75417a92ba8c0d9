import { MemoryLimiterStore } from '../limits/limiter-memory';
import { sleep, type LimiterStore } from '../limits/limiter-store';

/**
 * Per-tenant request pacing (one per ConnectWise site + company). ConnectWise throttles above roughly
 * 1,000 requests/min per tenant and its cloud proxy answers 429 too, so Onramp spaces requests evenly below
 * a configured rate and, after a 429, holds the whole tenant back for the Retry-After the server asked for,
 * instead of letting parallel activities keep hammering it. The pace and the pause live in the limiter
 * store: with `ONRAMP_LIMITER_POSTGRES_URL` every worker draws from the same slots, so N workers together
 * keep the configured pace, not N times it.
 */
export class TenantLimiter {
  constructor(
    private readonly store: LimiterStore,
    private readonly key: string,
    private readonly requestsPerMinute: number
  ) {}

  /** Resolves when this caller may send one request. */
  async acquire(): Promise<void> {
    const wait = await this.store.reserveSlot(this.key, 60_000 / this.requestsPerMinute);
    if (wait > 0) await sleep(wait);
  }

  /** The server said "not before `ms` from now": nobody on this tenant sends before then. */
  pauseFor(ms: number): void {
    // Best effort: the failing call is retried by Temporal after the same Retry-After either way.
    void this.store.pause(this.key, ms).catch(() => undefined);
  }
}

export class TenantLimiters {
  private readonly byTenant = new Map<string, TenantLimiter>();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly store: LimiterStore = new MemoryLimiterStore()
  ) {}

  for(tenant: string): TenantLimiter {
    let l = this.byTenant.get(tenant);
    if (!l) {
      l = new TenantLimiter(this.store, `connectwise:${tenant}`, this.requestsPerMinute);
      this.byTenant.set(tenant, l);
    }
    return l;
  }
}
