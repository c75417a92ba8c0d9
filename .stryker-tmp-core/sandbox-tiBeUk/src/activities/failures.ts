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
import { ApplicationFailure } from '@temporalio/common';
import { scrubSecrets } from '../secrets/scrub';

/**
 * How every vendor activity reports errors, so the retry policy (not the HTTP library) decides:
 * - `retryable`: 429 / 5xx / network / propagation pending. Honours the vendor's Retry-After through
 *   `nextRetryDelay`, which overrides the policy's backoff for that one attempt.
 * - `permanent`: bad input, permissions that will not heal. Non-retryable, with a message that names
 *   what to fix. Messages are scrubbed: vendors echo request bodies.
 */
export function retryable(message: string, type: string, retryAfterMs?: number): ApplicationFailure {
  if (stryMutAct_9fa48("153")) {
    {}
  } else {
    stryCov_9fa48("153");
    return ApplicationFailure.create(stryMutAct_9fa48("154") ? {} : (stryCov_9fa48("154"), {
      message: scrubSecrets(message),
      type,
      nonRetryable: stryMutAct_9fa48("155") ? true : (stryCov_9fa48("155"), false),
      ...((stryMutAct_9fa48("158") ? retryAfterMs === undefined : stryMutAct_9fa48("157") ? false : stryMutAct_9fa48("156") ? true : (stryCov_9fa48("156", "157", "158"), retryAfterMs !== undefined)) ? stryMutAct_9fa48("159") ? {} : (stryCov_9fa48("159"), {
        nextRetryDelay: retryAfterMs
      }) : {})
    }));
  }
}
export function permanent(message: string, type: string): ApplicationFailure {
  if (stryMutAct_9fa48("160")) {
    {}
  } else {
    stryCov_9fa48("160");
    return ApplicationFailure.create(stryMutAct_9fa48("161") ? {} : (stryCov_9fa48("161"), {
      message: scrubSecrets(message),
      type,
      nonRetryable: stryMutAct_9fa48("162") ? false : (stryCov_9fa48("162"), true)
    }));
  }
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unparsable. Capped at 1 hour. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (stryMutAct_9fa48("163")) {
    {}
  } else {
    stryCov_9fa48("163");
    if (stryMutAct_9fa48("166") ? false : stryMutAct_9fa48("165") ? true : stryMutAct_9fa48("164") ? value : (stryCov_9fa48("164", "165", "166"), !value)) return undefined;
    const trimmed = stryMutAct_9fa48("167") ? value : (stryCov_9fa48("167"), value.trim());
    let ms: number;
    if (stryMutAct_9fa48("169") ? false : stryMutAct_9fa48("168") ? true : (stryCov_9fa48("168", "169"), (stryMutAct_9fa48("176") ? /^\d+(\.\D+)?$/ : stryMutAct_9fa48("175") ? /^\d+(\.\d)?$/ : stryMutAct_9fa48("174") ? /^\d+(\.\d+)$/ : stryMutAct_9fa48("173") ? /^\D+(\.\d+)?$/ : stryMutAct_9fa48("172") ? /^\d(\.\d+)?$/ : stryMutAct_9fa48("171") ? /^\d+(\.\d+)?/ : stryMutAct_9fa48("170") ? /\d+(\.\d+)?$/ : (stryCov_9fa48("170", "171", "172", "173", "174", "175", "176"), /^\d+(\.\d+)?$/)).test(trimmed))) ms = stryMutAct_9fa48("177") ? Number(trimmed) / 1000 : (stryCov_9fa48("177"), Number(trimmed) * 1000);else {
      if (stryMutAct_9fa48("178")) {
        {}
      } else {
        stryCov_9fa48("178");
        const at = Date.parse(trimmed);
        if (stryMutAct_9fa48("180") ? false : stryMutAct_9fa48("179") ? true : (stryCov_9fa48("179", "180"), Number.isNaN(at))) return undefined;
        ms = stryMutAct_9fa48("181") ? at + now : (stryCov_9fa48("181"), at - now);
      }
    }
    return stryMutAct_9fa48("182") ? Math.max(Math.max(ms, 0), 3600_000) : (stryCov_9fa48("182"), Math.min(stryMutAct_9fa48("183") ? Math.min(ms, 0) : (stryCov_9fa48("183"), Math.max(ms, 0)), 3600_000));
  }
}

/** Node/undici network error codes that mean "try again", not "you are wrong". */
const NETWORK_CODES = new Set(stryMutAct_9fa48("184") ? [] : (stryCov_9fa48("184"), [stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'ECONNREFUSED'), stryMutAct_9fa48("186") ? "" : (stryCov_9fa48("186"), 'ECONNRESET'), stryMutAct_9fa48("187") ? "" : (stryCov_9fa48("187"), 'ETIMEDOUT'), stryMutAct_9fa48("188") ? "" : (stryCov_9fa48("188"), 'EPIPE'), stryMutAct_9fa48("189") ? "" : (stryCov_9fa48("189"), 'ENOTFOUND'), stryMutAct_9fa48("190") ? "" : (stryCov_9fa48("190"), 'EAI_AGAIN'), stryMutAct_9fa48("191") ? "" : (stryCov_9fa48("191"), 'ENETUNREACH'), stryMutAct_9fa48("192") ? "" : (stryCov_9fa48("192"), 'EHOSTUNREACH'), stryMutAct_9fa48("193") ? "" : (stryCov_9fa48("193"), 'UND_ERR_CONNECT_TIMEOUT'), stryMutAct_9fa48("194") ? "" : (stryCov_9fa48("194"), 'UND_ERR_HEADERS_TIMEOUT'), stryMutAct_9fa48("195") ? "" : (stryCov_9fa48("195"), 'UND_ERR_BODY_TIMEOUT'), stryMutAct_9fa48("196") ? "" : (stryCov_9fa48("196"), 'UND_ERR_SOCKET'), stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'UND_ERR_CLOSED'), stryMutAct_9fa48("198") ? "" : (stryCov_9fa48("198"), 'ECONNABORTED')]));
export function isNetworkError(err: unknown): boolean {
  if (stryMutAct_9fa48("199")) {
    {}
  } else {
    stryCov_9fa48("199");
    let e: unknown = err;
    for (let depth = 0; stryMutAct_9fa48("201") ? e || depth < 4 : stryMutAct_9fa48("200") ? false : (stryCov_9fa48("200", "201"), e && (stryMutAct_9fa48("204") ? depth >= 4 : stryMutAct_9fa48("203") ? depth <= 4 : stryMutAct_9fa48("202") ? true : (stryCov_9fa48("202", "203", "204"), depth < 4))); stryMutAct_9fa48("205") ? depth-- : (stryCov_9fa48("205"), depth++)) {
      if (stryMutAct_9fa48("206")) {
        {}
      } else {
        stryCov_9fa48("206");
        const code = (e as {
          code?: unknown;
        }).code;
        if (stryMutAct_9fa48("209") ? typeof code === 'string' || NETWORK_CODES.has(code) : stryMutAct_9fa48("208") ? false : stryMutAct_9fa48("207") ? true : (stryCov_9fa48("207", "208", "209"), (stryMutAct_9fa48("211") ? typeof code !== 'string' : stryMutAct_9fa48("210") ? true : (stryCov_9fa48("210", "211"), typeof code === (stryMutAct_9fa48("212") ? "" : (stryCov_9fa48("212"), 'string')))) && NETWORK_CODES.has(code))) return stryMutAct_9fa48("213") ? false : (stryCov_9fa48("213"), true);
        const name = (e as {
          name?: unknown;
        }).name;
        if (stryMutAct_9fa48("216") ? name === 'AbortError' && name === 'TimeoutError' : stryMutAct_9fa48("215") ? false : stryMutAct_9fa48("214") ? true : (stryCov_9fa48("214", "215", "216"), (stryMutAct_9fa48("218") ? name !== 'AbortError' : stryMutAct_9fa48("217") ? false : (stryCov_9fa48("217", "218"), name === (stryMutAct_9fa48("219") ? "" : (stryCov_9fa48("219"), 'AbortError')))) || (stryMutAct_9fa48("221") ? name !== 'TimeoutError' : stryMutAct_9fa48("220") ? false : (stryCov_9fa48("220", "221"), name === (stryMutAct_9fa48("222") ? "" : (stryCov_9fa48("222"), 'TimeoutError')))))) return stryMutAct_9fa48("223") ? false : (stryCov_9fa48("223"), true);
        e = (e as {
          cause?: unknown;
        }).cause;
      }
    }
    return stryMutAct_9fa48("224") ? true : (stryCov_9fa48("224"), false);
  }
}
export function isRetryableStatus(status: number): boolean {
  if (stryMutAct_9fa48("225")) {
    {}
  } else {
    stryCov_9fa48("225");
    return stryMutAct_9fa48("228") ? (status === 408 || status === 429) && status >= 500 : stryMutAct_9fa48("227") ? false : stryMutAct_9fa48("226") ? true : (stryCov_9fa48("226", "227", "228"), (stryMutAct_9fa48("230") ? status === 408 && status === 429 : stryMutAct_9fa48("229") ? false : (stryCov_9fa48("229", "230"), (stryMutAct_9fa48("232") ? status !== 408 : stryMutAct_9fa48("231") ? false : (stryCov_9fa48("231", "232"), status === 408)) || (stryMutAct_9fa48("234") ? status !== 429 : stryMutAct_9fa48("233") ? false : (stryCov_9fa48("233", "234"), status === 429)))) || (stryMutAct_9fa48("237") ? status < 500 : stryMutAct_9fa48("236") ? status > 500 : stryMutAct_9fa48("235") ? false : (stryCov_9fa48("235", "236", "237"), status >= 500)));
  }
}