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
  constructor(readonly limit: number, readonly windowMs: number, readonly guardMs = 1000, private readonly store: LimiterStore = new MemoryLimiterStore(), private readonly key = stryMutAct_9fa48("433") ? "" : (stryCov_9fa48("433"), 'google-directory')) {}
  take(): Promise<void> {
    if (stryMutAct_9fa48("434")) {
      {}
    } else {
      stryCov_9fa48("434");
      const turn = this.queue.then(stryMutAct_9fa48("435") ? () => undefined : (stryCov_9fa48("435"), () => this.acquire()));
      this.queue = turn.catch(() => undefined);
      return turn;
    }
  }
  private async acquire(): Promise<void> {
    if (stryMutAct_9fa48("436")) {
      {}
    } else {
      stryCov_9fa48("436");
      const span = stryMutAct_9fa48("437") ? this.windowMs - this.guardMs : (stryCov_9fa48("437"), this.windowMs + this.guardMs);
      if (stryMutAct_9fa48("438")) {
        for (; false;) {
          const r = await this.store.take(this.key, this.limit, span);
          if (r.taken) return;
          this.waited++;
          await sleep(r.waitMs + 1);
        }
      } else {
        stryCov_9fa48("438");
        for (;;) {
          if (stryMutAct_9fa48("439")) {
            {}
          } else {
            stryCov_9fa48("439");
            const r = await this.store.take(this.key, this.limit, span);
            if (stryMutAct_9fa48("441") ? false : stryMutAct_9fa48("440") ? true : (stryCov_9fa48("440", "441"), r.taken)) return;
            stryMutAct_9fa48("442") ? this.waited-- : (stryCov_9fa48("442"), this.waited++);
            await sleep(stryMutAct_9fa48("443") ? r.waitMs - 1 : (stryCov_9fa48("443"), r.waitMs + 1));
          }
        }
      }
    }
  }
}