// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
  constructor(private readonly store: LimiterStore, private readonly key: string, private readonly requestsPerMinute: number) {}

  /** Resolves when this caller may send one request. */
  async acquire(): Promise<void> {
    if (stryMutAct_9fa48("134")) {
      {}
    } else {
      stryCov_9fa48("134");
      const wait = await this.store.reserveSlot(this.key, stryMutAct_9fa48("135") ? 60_000 * this.requestsPerMinute : (stryCov_9fa48("135"), 60_000 / this.requestsPerMinute));
      if (stryMutAct_9fa48("139") ? wait <= 0 : stryMutAct_9fa48("138") ? wait >= 0 : stryMutAct_9fa48("137") ? false : stryMutAct_9fa48("136") ? true : (stryCov_9fa48("136", "137", "138", "139"), wait > 0)) await sleep(wait);
      const perSecond = Math.ceil(stryMutAct_9fa48("140") ? this.requestsPerMinute * 60 : (stryCov_9fa48("140"), this.requestsPerMinute / 60));
      if (stryMutAct_9fa48("141")) {
        for (; false;) {
          const sent = await this.store.take(`${this.key}:sent`, perSecond, 1000);
          if (sent.taken) return;
          await sleep(sent.waitMs);
        }
      } else {
        stryCov_9fa48("141");
        for (;;) {
          if (stryMutAct_9fa48("142")) {
            {}
          } else {
            stryCov_9fa48("142");
            const sent = await this.store.take(stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `${this.key}:sent`), perSecond, 1000);
            if (stryMutAct_9fa48("145") ? false : stryMutAct_9fa48("144") ? true : (stryCov_9fa48("144", "145"), sent.taken)) return;
            await sleep(sent.waitMs);
          }
        }
      }
    }
  }

  /** The server said "not before `ms` from now": nobody on this tenant sends before then. */
  pauseFor(ms: number): void {
    if (stryMutAct_9fa48("146")) {
      {}
    } else {
      stryCov_9fa48("146");
      // Best effort: the failing call is retried by Temporal after the same Retry-After either way.
      void this.store.pause(this.key, ms).catch(() => undefined);
    }
  }
}
export class TenantLimiters {
  private readonly byTenant = new Map<string, TenantLimiter>();
  constructor(private readonly requestsPerMinute: number, private readonly store: LimiterStore = new MemoryLimiterStore()) {}
  for(tenant: string): TenantLimiter {
    if (stryMutAct_9fa48("147")) {
      {}
    } else {
      stryCov_9fa48("147");
      let l = this.byTenant.get(tenant);
      if (stryMutAct_9fa48("150") ? false : stryMutAct_9fa48("149") ? true : stryMutAct_9fa48("148") ? l : (stryCov_9fa48("148", "149", "150"), !l)) {
        if (stryMutAct_9fa48("151")) {
          {}
        } else {
          stryCov_9fa48("151");
          l = new TenantLimiter(this.store, stryMutAct_9fa48("152") ? `` : (stryCov_9fa48("152"), `connectwise:${tenant}`), this.requestsPerMinute);
          this.byTenant.set(tenant, l);
        }
      }
      return l;
    }
  }
}