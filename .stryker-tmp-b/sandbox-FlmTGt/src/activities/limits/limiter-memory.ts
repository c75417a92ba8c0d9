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
import type { LimiterStore, TakeResult } from './limiter-store';

/**
 * Limiter state in this process only: the sandbox, tests, and a single worker. Same semantics as the
 * PostgreSQL store, so the vendor limiters behave alike with either.
 */
export class MemoryLimiterStore implements LimiterStore {
  private readonly events = new Map<string, number[]>();
  private readonly keys = new Map<string, {
    nextAt: number;
    pausedUntil: number;
  }>();
  private readonly slots = new Map<string, {
    active: number;
    waiters: (() => void)[];
  }>();
  constructor(private readonly now: () => number = Date.now) {}
  private keyState(key: string) {
    if (stryMutAct_9fa48("0")) {
      {}
    } else {
      stryCov_9fa48("0");
      let k = this.keys.get(key);
      if (stryMutAct_9fa48("3") ? false : stryMutAct_9fa48("2") ? true : stryMutAct_9fa48("1") ? k : (stryCov_9fa48("1", "2", "3"), !k)) this.keys.set(key, k = stryMutAct_9fa48("4") ? {} : (stryCov_9fa48("4"), {
        nextAt: 0,
        pausedUntil: 0
      }));
      return k;
    }
  }
  take(key: string, limit: number, spanMs: number): Promise<TakeResult> {
    if (stryMutAct_9fa48("5")) {
      {}
    } else {
      stryCov_9fa48("5");
      const now = this.now();
      let log = this.events.get(key);
      if (stryMutAct_9fa48("8") ? false : stryMutAct_9fa48("7") ? true : stryMutAct_9fa48("6") ? log : (stryCov_9fa48("6", "7", "8"), !log)) this.events.set(key, log = stryMutAct_9fa48("9") ? ["Stryker was here"] : (stryCov_9fa48("9"), []));
      while (stryMutAct_9fa48("11") ? log.length || log[0]! <= now - spanMs : stryMutAct_9fa48("10") ? false : (stryCov_9fa48("10", "11"), log.length && (stryMutAct_9fa48("14") ? log[0]! > now - spanMs : stryMutAct_9fa48("13") ? log[0]! < now - spanMs : stryMutAct_9fa48("12") ? true : (stryCov_9fa48("12", "13", "14"), log[0]! <= (stryMutAct_9fa48("15") ? now + spanMs : (stryCov_9fa48("15"), now - spanMs)))))) log.shift();
      const paused = stryMutAct_9fa48("16") ? this.keyState(key).pausedUntil + now : (stryCov_9fa48("16"), this.keyState(key).pausedUntil - now);
      if (stryMutAct_9fa48("20") ? paused <= 0 : stryMutAct_9fa48("19") ? paused >= 0 : stryMutAct_9fa48("18") ? false : stryMutAct_9fa48("17") ? true : (stryCov_9fa48("17", "18", "19", "20"), paused > 0)) return Promise.resolve(stryMutAct_9fa48("21") ? {} : (stryCov_9fa48("21"), {
        taken: stryMutAct_9fa48("22") ? true : (stryCov_9fa48("22"), false),
        used: log.length,
        waitMs: paused
      }));
      if (stryMutAct_9fa48("26") ? log.length >= limit : stryMutAct_9fa48("25") ? log.length <= limit : stryMutAct_9fa48("24") ? false : stryMutAct_9fa48("23") ? true : (stryCov_9fa48("23", "24", "25", "26"), log.length < limit)) {
        if (stryMutAct_9fa48("27")) {
          {}
        } else {
          stryCov_9fa48("27");
          log.push(now);
          return Promise.resolve(stryMutAct_9fa48("28") ? {} : (stryCov_9fa48("28"), {
            taken: stryMutAct_9fa48("29") ? false : (stryCov_9fa48("29"), true),
            used: log.length,
            waitMs: 0
          }));
        }
      }
      return Promise.resolve(stryMutAct_9fa48("30") ? {} : (stryCov_9fa48("30"), {
        taken: stryMutAct_9fa48("31") ? true : (stryCov_9fa48("31"), false),
        used: log.length,
        waitMs: stryMutAct_9fa48("32") ? Math.min(1, log[0]! + spanMs - now) : (stryCov_9fa48("32"), Math.max(1, stryMutAct_9fa48("33") ? log[0]! + spanMs + now : (stryCov_9fa48("33"), (stryMutAct_9fa48("34") ? log[0]! - spanMs : (stryCov_9fa48("34"), log[0]! + spanMs)) - now)))
      }));
    }
  }
  reserveSlot(key: string, spacingMs: number): Promise<number> {
    if (stryMutAct_9fa48("35")) {
      {}
    } else {
      stryCov_9fa48("35");
      const now = this.now();
      const k = this.keyState(key);
      const at = stryMutAct_9fa48("36") ? Math.min(now, k.nextAt, k.pausedUntil) : (stryCov_9fa48("36"), Math.max(now, k.nextAt, k.pausedUntil));
      k.nextAt = stryMutAct_9fa48("37") ? at - spacingMs : (stryCov_9fa48("37"), at + spacingMs);
      return Promise.resolve(stryMutAct_9fa48("38") ? at + now : (stryCov_9fa48("38"), at - now));
    }
  }
  pause(key: string, ms: number): Promise<void> {
    if (stryMutAct_9fa48("39")) {
      {}
    } else {
      stryCov_9fa48("39");
      const k = this.keyState(key);
      k.pausedUntil = stryMutAct_9fa48("40") ? Math.min(k.pausedUntil, this.now() + ms) : (stryCov_9fa48("40"), Math.max(k.pausedUntil, stryMutAct_9fa48("41") ? this.now() - ms : (stryCov_9fa48("41"), this.now() + ms)));
      return Promise.resolve();
    }
  }
  async acquire(key: string, slots: number): Promise<() => Promise<void>> {
    if (stryMutAct_9fa48("42")) {
      {}
    } else {
      stryCov_9fa48("42");
      let s = this.slots.get(key);
      if (stryMutAct_9fa48("45") ? false : stryMutAct_9fa48("44") ? true : stryMutAct_9fa48("43") ? s : (stryCov_9fa48("43", "44", "45"), !s)) this.slots.set(key, s = stryMutAct_9fa48("46") ? {} : (stryCov_9fa48("46"), {
        active: 0,
        waiters: stryMutAct_9fa48("47") ? ["Stryker was here"] : (stryCov_9fa48("47"), [])
      }));
      const sem = s;
      if (stryMutAct_9fa48("51") ? sem.active >= slots : stryMutAct_9fa48("50") ? sem.active <= slots : stryMutAct_9fa48("49") ? false : stryMutAct_9fa48("48") ? true : (stryCov_9fa48("48", "49", "50", "51"), sem.active < slots)) stryMutAct_9fa48("52") ? sem.active-- : (stryCov_9fa48("52"), sem.active++);else await new Promise<void>(stryMutAct_9fa48("53") ? () => undefined : (stryCov_9fa48("53"), resolve => sem.waiters.push(resolve)));
      let released = stryMutAct_9fa48("54") ? true : (stryCov_9fa48("54"), false);
      return () => {
        if (stryMutAct_9fa48("55")) {
          {}
        } else {
          stryCov_9fa48("55");
          if (stryMutAct_9fa48("58") ? false : stryMutAct_9fa48("57") ? true : stryMutAct_9fa48("56") ? released : (stryCov_9fa48("56", "57", "58"), !released)) {
            if (stryMutAct_9fa48("59")) {
              {}
            } else {
              stryCov_9fa48("59");
              released = stryMutAct_9fa48("60") ? false : (stryCov_9fa48("60"), true);
              const next = sem.waiters.shift();
              if (stryMutAct_9fa48("62") ? false : stryMutAct_9fa48("61") ? true : (stryCov_9fa48("61", "62"), next)) next();else stryMutAct_9fa48("63") ? sem.active++ : (stryCov_9fa48("63"), sem.active--);
            }
          }
          return Promise.resolve();
        }
      };
    }
  }
  close(): Promise<void> {
    if (stryMutAct_9fa48("64")) {
      {}
    } else {
      stryCov_9fa48("64");
      return Promise.resolve();
    }
  }
}