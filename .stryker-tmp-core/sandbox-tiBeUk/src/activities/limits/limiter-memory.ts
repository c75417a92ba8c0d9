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
    if (stryMutAct_9fa48("468")) {
      {}
    } else {
      stryCov_9fa48("468");
      let k = this.keys.get(key);
      if (stryMutAct_9fa48("471") ? false : stryMutAct_9fa48("470") ? true : stryMutAct_9fa48("469") ? k : (stryCov_9fa48("469", "470", "471"), !k)) this.keys.set(key, k = stryMutAct_9fa48("472") ? {} : (stryCov_9fa48("472"), {
        nextAt: 0,
        pausedUntil: 0
      }));
      return k;
    }
  }
  take(key: string, limit: number, spanMs: number): Promise<TakeResult> {
    if (stryMutAct_9fa48("473")) {
      {}
    } else {
      stryCov_9fa48("473");
      const now = this.now();
      let log = this.events.get(key);
      if (stryMutAct_9fa48("476") ? false : stryMutAct_9fa48("475") ? true : stryMutAct_9fa48("474") ? log : (stryCov_9fa48("474", "475", "476"), !log)) this.events.set(key, log = stryMutAct_9fa48("477") ? ["Stryker was here"] : (stryCov_9fa48("477"), []));
      while (stryMutAct_9fa48("479") ? log.length || log[0]! <= now - spanMs : stryMutAct_9fa48("478") ? false : (stryCov_9fa48("478", "479"), log.length && (stryMutAct_9fa48("482") ? log[0]! > now - spanMs : stryMutAct_9fa48("481") ? log[0]! < now - spanMs : stryMutAct_9fa48("480") ? true : (stryCov_9fa48("480", "481", "482"), log[0]! <= (stryMutAct_9fa48("483") ? now + spanMs : (stryCov_9fa48("483"), now - spanMs)))))) log.shift();
      const paused = stryMutAct_9fa48("484") ? this.keyState(key).pausedUntil + now : (stryCov_9fa48("484"), this.keyState(key).pausedUntil - now);
      if (stryMutAct_9fa48("488") ? paused <= 0 : stryMutAct_9fa48("487") ? paused >= 0 : stryMutAct_9fa48("486") ? false : stryMutAct_9fa48("485") ? true : (stryCov_9fa48("485", "486", "487", "488"), paused > 0)) return Promise.resolve(stryMutAct_9fa48("489") ? {} : (stryCov_9fa48("489"), {
        taken: stryMutAct_9fa48("490") ? true : (stryCov_9fa48("490"), false),
        used: log.length,
        waitMs: paused
      }));
      if (stryMutAct_9fa48("494") ? log.length >= limit : stryMutAct_9fa48("493") ? log.length <= limit : stryMutAct_9fa48("492") ? false : stryMutAct_9fa48("491") ? true : (stryCov_9fa48("491", "492", "493", "494"), log.length < limit)) {
        if (stryMutAct_9fa48("495")) {
          {}
        } else {
          stryCov_9fa48("495");
          log.push(now);
          return Promise.resolve(stryMutAct_9fa48("496") ? {} : (stryCov_9fa48("496"), {
            taken: stryMutAct_9fa48("497") ? false : (stryCov_9fa48("497"), true),
            used: log.length,
            waitMs: 0
          }));
        }
      }
      return Promise.resolve(stryMutAct_9fa48("498") ? {} : (stryCov_9fa48("498"), {
        taken: stryMutAct_9fa48("499") ? true : (stryCov_9fa48("499"), false),
        used: log.length,
        waitMs: stryMutAct_9fa48("500") ? Math.min(1, log[0]! + spanMs - now) : (stryCov_9fa48("500"), Math.max(1, stryMutAct_9fa48("501") ? log[0]! + spanMs + now : (stryCov_9fa48("501"), (stryMutAct_9fa48("502") ? log[0]! - spanMs : (stryCov_9fa48("502"), log[0]! + spanMs)) - now)))
      }));
    }
  }
  reserveSlot(key: string, spacingMs: number): Promise<number> {
    if (stryMutAct_9fa48("503")) {
      {}
    } else {
      stryCov_9fa48("503");
      const now = this.now();
      const k = this.keyState(key);
      const at = stryMutAct_9fa48("504") ? Math.min(now, k.nextAt, k.pausedUntil) : (stryCov_9fa48("504"), Math.max(now, k.nextAt, k.pausedUntil));
      k.nextAt = stryMutAct_9fa48("505") ? at - spacingMs : (stryCov_9fa48("505"), at + spacingMs);
      return Promise.resolve(stryMutAct_9fa48("506") ? at + now : (stryCov_9fa48("506"), at - now));
    }
  }
  pause(key: string, ms: number): Promise<void> {
    if (stryMutAct_9fa48("507")) {
      {}
    } else {
      stryCov_9fa48("507");
      const k = this.keyState(key);
      k.pausedUntil = stryMutAct_9fa48("508") ? Math.min(k.pausedUntil, this.now() + ms) : (stryCov_9fa48("508"), Math.max(k.pausedUntil, stryMutAct_9fa48("509") ? this.now() - ms : (stryCov_9fa48("509"), this.now() + ms)));
      return Promise.resolve();
    }
  }
  async acquire(key: string, slots: number): Promise<() => Promise<void>> {
    if (stryMutAct_9fa48("510")) {
      {}
    } else {
      stryCov_9fa48("510");
      let s = this.slots.get(key);
      if (stryMutAct_9fa48("513") ? false : stryMutAct_9fa48("512") ? true : stryMutAct_9fa48("511") ? s : (stryCov_9fa48("511", "512", "513"), !s)) this.slots.set(key, s = stryMutAct_9fa48("514") ? {} : (stryCov_9fa48("514"), {
        active: 0,
        waiters: stryMutAct_9fa48("515") ? ["Stryker was here"] : (stryCov_9fa48("515"), [])
      }));
      const sem = s;
      if (stryMutAct_9fa48("519") ? sem.active >= slots : stryMutAct_9fa48("518") ? sem.active <= slots : stryMutAct_9fa48("517") ? false : stryMutAct_9fa48("516") ? true : (stryCov_9fa48("516", "517", "518", "519"), sem.active < slots)) stryMutAct_9fa48("520") ? sem.active-- : (stryCov_9fa48("520"), sem.active++);else await new Promise<void>(stryMutAct_9fa48("521") ? () => undefined : (stryCov_9fa48("521"), resolve => sem.waiters.push(resolve)));
      let released = stryMutAct_9fa48("522") ? true : (stryCov_9fa48("522"), false);
      return () => {
        if (stryMutAct_9fa48("523")) {
          {}
        } else {
          stryCov_9fa48("523");
          if (stryMutAct_9fa48("526") ? false : stryMutAct_9fa48("525") ? true : stryMutAct_9fa48("524") ? released : (stryCov_9fa48("524", "525", "526"), !released)) {
            if (stryMutAct_9fa48("527")) {
              {}
            } else {
              stryCov_9fa48("527");
              released = stryMutAct_9fa48("528") ? false : (stryCov_9fa48("528"), true);
              const next = sem.waiters.shift();
              if (stryMutAct_9fa48("530") ? false : stryMutAct_9fa48("529") ? true : (stryCov_9fa48("529", "530"), next)) next();else stryMutAct_9fa48("531") ? sem.active++ : (stryCov_9fa48("531"), sem.active--);
            }
          }
          return Promise.resolve();
        }
      };
    }
  }
  close(): Promise<void> {
    if (stryMutAct_9fa48("532")) {
      {}
    } else {
      stryCov_9fa48("532");
      return Promise.resolve();
    }
  }
}