import { MemoryLimiterStore } from '../limits/limiter-memory';
import { sleep, type LimiterStore } from '../limits/limiter-store';

/**
 * Per-tenant request pacing (one per ConnectWise site + company). ConnectWise throttles above roughly
 * 1,000 requests/min per tenant and its cloud proxy answers 429 too, so Onramp spaces requests evenly below
 * a configured rate and, after a 429, holds the whole tenant back for the Retry-After the server asked for,
 * instead of letting parallel activities keep hammering it. The pace and the pause live in the limiter
 * store: with `ONRAMP_LIMITER_POSTGRES_URL` every worker draws from the same slots, so N workers together
 * keep the configured pace, not N times it.
 *
 * A reserved slot is a time, not a permission: callers whose sleeps end together (a stalled event loop, a
 * paused or swapped-out process) would all send at once and burst into ConnectWise's window. So a request
 * also takes from a one-second sliding window counted when it leaves (at most ceil(rate / 60) in any second,
 * never below the pace itself): however late the sleeps end, no second carries more than that.
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
    const perSecond = Math.ceil(this.requestsPerMinute / 60);
    for (;;) {
      const sent = await this.store.take(`${this.key}:sent`, perSecond, 1000);
      if (sent.taken) return;
      await sleep(sent.waitMs);
    }
  }

  /** The server said "not before `ms` from now": nobody on this tenant sends before then. */
  pauseFor(ms: number): void {
    // Best effort: the failing call is retried by Temporal after the same Retry-After either way.
    void this.store.pause(this.key, ms).catch(() => undefined);
  }
}

/**
 * The key of a customer's ConnectWise limits: its tenant, i.e. the site and the company it logs in to (ConnectWise
 * throttles per tenant), the same on every worker. Each customer has its own pace; one customer's sync never spends
 * another's.
 */
export function connectwiseLimitKey(site: { apiBaseUrl: string }, connection: { companyId: string }): string {
  return `${site.apiBaseUrl}|${connection.companyId.toLowerCase()}`;
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
