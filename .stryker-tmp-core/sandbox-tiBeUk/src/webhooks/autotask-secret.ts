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
import { createHmac } from 'node:crypto';
import { registerSecret } from '../secrets/scrub';

/**
 * The secretKey of an Onramp-created Autotask webhook, derived from a master signing key and the webhook's
 * name. The activity that creates the webhook and the receiver that verifies its callouts compute the same
 * value, so the generated secret never has to be stored or passed through workflow history.
 * 43 characters: within Autotask's 64, well above its recommended 10.
 */
export function deriveAutotaskWebhookSecret(masterKey: string, webhookName: string): string {
  if (stryMutAct_9fa48("974")) {
    {}
  } else {
    stryCov_9fa48("974");
    const secret = createHmac(stryMutAct_9fa48("975") ? "" : (stryCov_9fa48("975"), 'sha256'), masterKey).update(stryMutAct_9fa48("976") ? `` : (stryCov_9fa48("976"), `onramp:autotask-webhook:v1:${webhookName}`)).digest(stryMutAct_9fa48("977") ? "" : (stryCov_9fa48("977"), 'base64url'));
    registerSecret(secret);
    return secret;
  }
}

/** The URL a webhook calls: distinct per webhook, because Autotask collapses identical callouts (same URL). */
export function webhookCalloutUrl(baseUrl: string, webhookName: string): string {
  if (stryMutAct_9fa48("978")) {
    {}
  } else {
    stryCov_9fa48("978");
    const u = new URL(baseUrl);
    u.searchParams.set(stryMutAct_9fa48("979") ? "" : (stryCov_9fa48("979"), 'webhook'), webhookName);
    return u.href;
  }
}