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
import type { LimiterStore } from '../limits/limiter-store';

/**
 * Autotask's physical limits (reliability-security.md §3), enforced for every Autotask call, across all
 * workflows and, with a shared limiter store (`ONRAMP_LIMITER_POSTGRES_URL`), across all workers:
 * - at most `threadsPerEndpoint` (3) concurrent requests per tenant x tracking identifier x endpoint
 *   (a distributed semaphore whose slots free themselves when a worker dies);
 * - the tenant's rolling hourly budget (10,000, shared with every other integration): our own calls are
 *   counted in a sliding window, and `ThresholdInformation` tells us what everyone else used;
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
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = stryMutAct_9fa48("52") ? "" : (stryCov_9fa48("52"), 'LimitReachedError');
  }
}
interface TenantState {
  /** This process's callers queue here for the hourly window; only the head asks the store. */
  queue: Promise<unknown>;
  /** Our calls in the window, as the store last counted them (every worker's with a shared store). */
  used: number;
  reported?: {
    used: number;
    limit: number;
    at: number;
  };
  /** Calls of other integrations in the window at the last report: Autotask's count minus ours. */
  others: number;
  /** This process's calls since the last ThresholdInformation. */
  callsSinceThreshold: number;
}
export class AutotaskLimiter {
  private readonly tenants = new Map<string, TenantState>();
  private readonly o: Required<Omit<LimiterOptions, 'now'>> & {
    now: () => number;
  };
  readonly store: LimiterStore;
  constructor(opts: LimiterOptions = {}, store?: LimiterStore) {
    if (stryMutAct_9fa48("53")) {
      {}
    } else {
      stryCov_9fa48("53");
      this.o = stryMutAct_9fa48("54") ? {} : (stryCov_9fa48("54"), {
        threadsPerEndpoint: 3,
        hourlyLimit: 10_000,
        hourMs: 3600_000,
        reserveFraction: 0.1,
        thresholdEveryCalls: 200,
        thresholdEveryMs: stryMutAct_9fa48("55") ? 5 / 60_000 : (stryCov_9fa48("55"), 5 * 60_000),
        maxWaitMs: 10_000,
        now: Date.now,
        ...opts
      });
      this.store = stryMutAct_9fa48("56") ? store && new MemoryLimiterStore(this.o.now) : (stryCov_9fa48("56"), store ?? new MemoryLimiterStore(this.o.now));
    }
  }
  private tenant(t: string): TenantState {
    if (stryMutAct_9fa48("57")) {
      {}
    } else {
      stryCov_9fa48("57");
      let s = this.tenants.get(t);
      if (stryMutAct_9fa48("60") ? false : stryMutAct_9fa48("59") ? true : stryMutAct_9fa48("58") ? s : (stryCov_9fa48("58", "59", "60"), !s)) this.tenants.set(t, s = stryMutAct_9fa48("61") ? {} : (stryCov_9fa48("61"), {
        queue: Promise.resolve(),
        used: 0,
        others: 0,
        callsSinceThreshold: 0
      }));
      return s;
    }
  }

  /** Whether the caller should refresh ThresholdInformation before its next call. */
  thresholdDue(tenant: string): boolean {
    if (stryMutAct_9fa48("62")) {
      {}
    } else {
      stryCov_9fa48("62");
      const s = this.tenant(tenant);
      return stryMutAct_9fa48("65") ? (!s.reported || s.callsSinceThreshold >= this.o.thresholdEveryCalls) && this.o.now() - s.reported.at >= this.o.thresholdEveryMs : stryMutAct_9fa48("64") ? false : stryMutAct_9fa48("63") ? true : (stryCov_9fa48("63", "64", "65"), (stryMutAct_9fa48("67") ? !s.reported && s.callsSinceThreshold >= this.o.thresholdEveryCalls : stryMutAct_9fa48("66") ? false : (stryCov_9fa48("66", "67"), (stryMutAct_9fa48("68") ? s.reported : (stryCov_9fa48("68"), !s.reported)) || (stryMutAct_9fa48("71") ? s.callsSinceThreshold < this.o.thresholdEveryCalls : stryMutAct_9fa48("70") ? s.callsSinceThreshold > this.o.thresholdEveryCalls : stryMutAct_9fa48("69") ? false : (stryCov_9fa48("69", "70", "71"), s.callsSinceThreshold >= this.o.thresholdEveryCalls)))) || (stryMutAct_9fa48("74") ? this.o.now() - s.reported.at < this.o.thresholdEveryMs : stryMutAct_9fa48("73") ? this.o.now() - s.reported.at > this.o.thresholdEveryMs : stryMutAct_9fa48("72") ? false : (stryCov_9fa48("72", "73", "74"), (stryMutAct_9fa48("75") ? this.o.now() + s.reported.at : (stryCov_9fa48("75"), this.o.now() - s.reported.at)) >= this.o.thresholdEveryMs)));
    }
  }
  noteThreshold(tenant: string, used: number, limit: number): void {
    if (stryMutAct_9fa48("76")) {
      {}
    } else {
      stryCov_9fa48("76");
      const s = this.tenant(tenant);
      s.reported = stryMutAct_9fa48("77") ? {} : (stryCov_9fa48("77"), {
        used,
        limit,
        at: this.o.now()
      });
      s.others = stryMutAct_9fa48("78") ? Math.min(0, used - s.used) : (stryCov_9fa48("78"), Math.max(0, stryMutAct_9fa48("79") ? used + s.used : (stryCov_9fa48("79"), used - s.used)));
      s.callsSinceThreshold = 0;
    }
  }

  /** A 429 (or any Retry-After) pauses every call of the tenant, in every worker sharing the store. */
  pause(tenant: string, ms: number): void {
    if (stryMutAct_9fa48("80")) {
      {}
    } else {
      stryCov_9fa48("80");
      void this.store.pause(hourKey(tenant), ms).catch(() => undefined);
    }
  }
  private limitOf(s: TenantState): number {
    if (stryMutAct_9fa48("81")) {
      {}
    } else {
      stryCov_9fa48("81");
      return stryMutAct_9fa48("82") ? s.reported?.limit && this.o.hourlyLimit : (stryCov_9fa48("82"), (stryMutAct_9fa48("83") ? s.reported.limit : (stryCov_9fa48("83"), s.reported?.limit)) ?? this.o.hourlyLimit);
    }
  }

  /** Estimated share of the tenant's hourly budget in use: our calls (every worker's) plus the other integrations'. */
  usage(tenant: string): number {
    if (stryMutAct_9fa48("84")) {
      {}
    } else {
      stryCov_9fa48("84");
      const s = this.tenant(tenant);
      return stryMutAct_9fa48("85") ? (s.used + s.others) * this.limitOf(s) : (stryCov_9fa48("85"), (stryMutAct_9fa48("86") ? s.used - s.others : (stryCov_9fa48("86"), s.used + s.others)) / this.limitOf(s));
    }
  }

  /** Delay before a call at this usage: Autotask itself slows down from 50 %, so we back off first. */
  private spacingMs(usage: number): number {
    if (stryMutAct_9fa48("87")) {
      {}
    } else {
      stryCov_9fa48("87");
      if (stryMutAct_9fa48("91") ? usage >= 0.5 : stryMutAct_9fa48("90") ? usage <= 0.5 : stryMutAct_9fa48("89") ? false : stryMutAct_9fa48("88") ? true : (stryCov_9fa48("88", "89", "90", "91"), usage < 0.5)) return 0;
      if (stryMutAct_9fa48("95") ? usage >= 0.75 : stryMutAct_9fa48("94") ? usage <= 0.75 : stryMutAct_9fa48("93") ? false : stryMutAct_9fa48("92") ? true : (stryCov_9fa48("92", "93", "94", "95"), usage < 0.75)) return 100;
      return 500;
    }
  }
  private refuse(tenant: string, usage: number): LimitReachedError {
    if (stryMutAct_9fa48("96")) {
      {}
    } else {
      stryCov_9fa48("96");
      return new LimitReachedError(stryMutAct_9fa48("97") ? `` : (stryCov_9fa48("97"), `tenant ${tenant} has used ${Math.round(stryMutAct_9fa48("98") ? usage / 100 : (stryCov_9fa48("98"), usage * 100))} % of its hourly Autotask API limit; waiting so other integrations keep working`), // A minute in Autotask's hour (shorter when a test or the benchmark compresses the hour).
      stryMutAct_9fa48("99") ? Math.min(1000, this.o.hourMs / 60) : (stryCov_9fa48("99"), Math.max(1000, stryMutAct_9fa48("100") ? this.o.hourMs * 60 : (stryCov_9fa48("100"), this.o.hourMs / 60))));
    }
  }

  /** One call's place in the tenant's hourly window (every worker's calls with a shared store), waiting briefly if need be. */
  private takeHour(tenant: string, s: TenantState, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (stryMutAct_9fa48("101")) {
      {}
    } else {
      stryCov_9fa48("101");
      const turn = s.queue.then(async () => {
        if (stryMutAct_9fa48("102")) {
          {}
        } else {
          stryCov_9fa48("102");
          // Our share: the limit less the reserve less what other integrations used (ThresholdInformation).
          const cap = stryMutAct_9fa48("103") ? Math.min(0, Math.floor(this.limitOf(s) * (1 - this.o.reserveFraction)) - s.others) : (stryCov_9fa48("103"), Math.max(0, stryMutAct_9fa48("104") ? Math.floor(this.limitOf(s) * (1 - this.o.reserveFraction)) + s.others : (stryCov_9fa48("104"), Math.floor(stryMutAct_9fa48("105") ? this.limitOf(s) / (1 - this.o.reserveFraction) : (stryCov_9fa48("105"), this.limitOf(s) * (stryMutAct_9fa48("106") ? 1 + this.o.reserveFraction : (stryCov_9fa48("106"), 1 - this.o.reserveFraction)))) - s.others)));
          if (stryMutAct_9fa48("107")) {
            for (; false;) {
              const r = await this.store.take(hourKey(tenant), cap, this.o.hourMs);
              s.used = r.used;
              if (r.taken) return;
              if (r.waitMs > this.o.maxWaitMs) {
                if (r.used < cap) throw new LimitReachedError(`Autotask asked us to wait (Retry-After) for tenant ${tenant}`, r.waitMs);
                throw new LimitReachedError(this.refuse(tenant, r.used / this.limitOf(s)).message, r.waitMs);
              }
              await sleep(r.waitMs + 1);
            }
          } else {
            stryCov_9fa48("107");
            for (;;) {
              if (stryMutAct_9fa48("108")) {
                {}
              } else {
                stryCov_9fa48("108");
                const r = await this.store.take(hourKey(tenant), cap, this.o.hourMs);
                s.used = r.used;
                if (stryMutAct_9fa48("110") ? false : stryMutAct_9fa48("109") ? true : (stryCov_9fa48("109", "110"), r.taken)) return;
                if (stryMutAct_9fa48("114") ? r.waitMs <= this.o.maxWaitMs : stryMutAct_9fa48("113") ? r.waitMs >= this.o.maxWaitMs : stryMutAct_9fa48("112") ? false : stryMutAct_9fa48("111") ? true : (stryCov_9fa48("111", "112", "113", "114"), r.waitMs > this.o.maxWaitMs)) {
                  if (stryMutAct_9fa48("115")) {
                    {}
                  } else {
                    stryCov_9fa48("115");
                    if (stryMutAct_9fa48("119") ? r.used >= cap : stryMutAct_9fa48("118") ? r.used <= cap : stryMutAct_9fa48("117") ? false : stryMutAct_9fa48("116") ? true : (stryCov_9fa48("116", "117", "118", "119"), r.used < cap)) throw new LimitReachedError(stryMutAct_9fa48("120") ? `` : (stryCov_9fa48("120"), `Autotask asked us to wait (Retry-After) for tenant ${tenant}`), r.waitMs);
                    throw new LimitReachedError(this.refuse(tenant, stryMutAct_9fa48("121") ? r.used * this.limitOf(s) : (stryCov_9fa48("121"), r.used / this.limitOf(s))).message, r.waitMs);
                  }
                }
                await sleep(stryMutAct_9fa48("122") ? r.waitMs - 1 : (stryCov_9fa48("122"), r.waitMs + 1));
              }
            }
          }
        }
      });
      s.queue = turn.catch(() => undefined);
      return turn;
    }
  }
  async run<T>(tenant: string, endpointKey: string, fn: () => Promise<T>, sleep = defaultSleep): Promise<T> {
    if (stryMutAct_9fa48("123")) {
      {}
    } else {
      stryCov_9fa48("123");
      const s = this.tenant(tenant);
      const before = this.usage(tenant);
      const delay = this.spacingMs(before);
      if (stryMutAct_9fa48("125") ? false : stryMutAct_9fa48("124") ? true : (stryCov_9fa48("124", "125"), delay)) await sleep(delay);
      const release = await this.store.acquire(stryMutAct_9fa48("126") ? `` : (stryCov_9fa48("126"), `autotask:${tenant}|${endpointKey}`), this.o.threadsPerEndpoint);
      try {
        if (stryMutAct_9fa48("127")) {
          {}
        } else {
          stryCov_9fa48("127");
          // Counted once the thread is ours, right before the request leaves: counted earlier, our window would free
          // the slot before Autotask's rolling hour does (the benchmark saw 6 threshold 429s of 549 calls that way).
          await this.takeHour(tenant, s, sleep);
          stryMutAct_9fa48("128") ? s.callsSinceThreshold-- : (stryCov_9fa48("128"), s.callsSinceThreshold++);
          return await fn();
        }
      } finally {
        if (stryMutAct_9fa48("129")) {
          {}
        } else {
          stryCov_9fa48("129");
          await release();
        }
      }
    }
  }
}
const hourKey = stryMutAct_9fa48("130") ? () => undefined : (stryCov_9fa48("130"), (() => {
  const hourKey = (tenant: string) => stryMutAct_9fa48("131") ? `` : (stryCov_9fa48("131"), `autotask-hour:${tenant}`);
  return hourKey;
})());
const defaultSleep = stryMutAct_9fa48("132") ? () => undefined : (stryCov_9fa48("132"), (() => {
  const defaultSleep = (ms: number) => new Promise<void>(stryMutAct_9fa48("133") ? () => undefined : (stryCov_9fa48("133"), r => setTimeout(r, ms)));
  return defaultSleep;
})());