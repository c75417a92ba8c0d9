/**
 * Per-tenant request pacing (one per ConnectWise site + company, shared by every activity in this worker).
 * ConnectWise throttles above roughly 1,000 requests/min per tenant and its cloud proxy answers 429 too,
 * so Onramp spaces requests evenly below a configured rate and, after a 429, holds the whole tenant back
 * for the Retry-After the server asked for, instead of letting parallel activities keep hammering it.
 */
export class TenantLimiter {
  private nextSlotAt = 0;
  private pausedUntil = 0;

  constructor(private readonly requestsPerMinute: number) {}

  /** Resolves when this caller may send one request. */
  async acquire(): Promise<void> {
    const spacing = 60_000 / this.requestsPerMinute;
    const now = Date.now();
    const at = Math.max(now, this.nextSlotAt, this.pausedUntil);
    this.nextSlotAt = at + spacing;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  /** The server said "not before `ms` from now": nobody on this tenant sends before then. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }
}

export class TenantLimiters {
  private readonly byTenant = new Map<string, TenantLimiter>();

  constructor(private readonly requestsPerMinute: number) {}

  for(tenant: string): TenantLimiter {
    let l = this.byTenant.get(tenant);
    if (!l) {
      l = new TenantLimiter(this.requestsPerMinute);
      this.byTenant.set(tenant, l);
    }
    return l;
  }
}
