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
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who may start onboardings: sales systems sign each request (HMAC-SHA256 over `timestamp.rawBody`,
 * header `X-Onramp-Signature: t=<unix seconds>,v1=<hex>`, several v1= allowed during a secret rotation)
 * or present a bearer token. Signed requests older or newer than the window are refused, and a signature
 * seen before inside the window is a replay.
 */
export interface IntakeAuthOptions {
  hmacSecrets: string[];
  bearerTokens: string[];
  /**
   * What to call the caller holding each secret / token (same order), e.g. its reference
   * `file:/run/secrets/intake-token`: recorded in the secret store's audit. Default: `hmac #1`, `bearer #1`, ...
   */
  hmacSecretNames?: string[];
  bearerTokenNames?: string[];
  toleranceSeconds?: number;
  now?: () => number;
}

/** `caller`: which configured secret or token authenticated the request (its name, never its value). */
export type AuthResult = {
  ok: true;
  method: 'hmac' | 'bearer';
  caller: string;
} | {
  ok: false;
  reason: string;
};
const SIG_HEADER = stryMutAct_9fa48("685") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[^0-9a-f]{64})*)$/ : stryMutAct_9fa48("684") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f])*)$/ : stryMutAct_9fa48("683") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64}))$/ : stryMutAct_9fa48("682") ? /^t=(\d{1,12}),(v1=[^0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("681") ? /^t=(\d{1,12}),(v1=[0-9a-f](?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("680") ? /^t=(\D{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("679") ? /^t=(\d),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("678") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)/ : stryMutAct_9fa48("677") ? /t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : (stryCov_9fa48("677", "678", "679", "680", "681", "682", "683", "684", "685"), /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/);

/** Constant-time equality that never throws on different lengths (compares fixed-length digests). */
export function safeEqual(a: string, b: string): boolean {
  if (stryMutAct_9fa48("686")) {
    {}
  } else {
    stryCov_9fa48("686");
    const ha = createHmac(stryMutAct_9fa48("687") ? "" : (stryCov_9fa48("687"), 'sha256'), stryMutAct_9fa48("688") ? "" : (stryCov_9fa48("688"), 'onramp-compare')).update(a).digest();
    const hb = createHmac(stryMutAct_9fa48("689") ? "" : (stryCov_9fa48("689"), 'sha256'), stryMutAct_9fa48("690") ? "" : (stryCov_9fa48("690"), 'onramp-compare')).update(b).digest();
    return stryMutAct_9fa48("693") ? timingSafeEqual(ha, hb) || a.length === b.length : stryMutAct_9fa48("692") ? false : stryMutAct_9fa48("691") ? true : (stryCov_9fa48("691", "692", "693"), timingSafeEqual(ha, hb) && (stryMutAct_9fa48("695") ? a.length !== b.length : stryMutAct_9fa48("694") ? true : (stryCov_9fa48("694", "695"), a.length === b.length)));
  }
}
export function signBody(secret: string, timestamp: number, rawBody: Buffer | string): string {
  if (stryMutAct_9fa48("696")) {
    {}
  } else {
    stryCov_9fa48("696");
    return createHmac(stryMutAct_9fa48("697") ? "" : (stryCov_9fa48("697"), 'sha256'), secret).update(stryMutAct_9fa48("698") ? `` : (stryCov_9fa48("698"), `${timestamp}.`)).update(rawBody).digest(stryMutAct_9fa48("699") ? "" : (stryCov_9fa48("699"), 'hex'));
  }
}
export class IntakeAuthenticator {
  private readonly seen = new Map<string, number>();
  private readonly tolerance: number;
  private readonly now: () => number;
  constructor(private readonly opts: IntakeAuthOptions) {
    if (stryMutAct_9fa48("700")) {
      {}
    } else {
      stryCov_9fa48("700");
      this.tolerance = stryMutAct_9fa48("701") ? opts.toleranceSeconds && 300 : (stryCov_9fa48("701"), opts.toleranceSeconds ?? 300);
      this.now = stryMutAct_9fa48("702") ? opts.now && Date.now : (stryCov_9fa48("702"), opts.now ?? Date.now);
    }
  }
  check(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): AuthResult {
    if (stryMutAct_9fa48("703")) {
      {}
    } else {
      stryCov_9fa48("703");
      const sig = headers[stryMutAct_9fa48("704") ? "" : (stryCov_9fa48("704"), 'x-onramp-signature')];
      const authz = headers.authorization;
      if (stryMutAct_9fa48("707") ? typeof sig === 'string' || sig : stryMutAct_9fa48("706") ? false : stryMutAct_9fa48("705") ? true : (stryCov_9fa48("705", "706", "707"), (stryMutAct_9fa48("709") ? typeof sig !== 'string' : stryMutAct_9fa48("708") ? true : (stryCov_9fa48("708", "709"), typeof sig === (stryMutAct_9fa48("710") ? "" : (stryCov_9fa48("710"), 'string')))) && sig)) return this.checkSignature(sig, rawBody);
      if (stryMutAct_9fa48("713") ? typeof authz === 'string' || /^Bearer\s/i.test(authz) : stryMutAct_9fa48("712") ? false : stryMutAct_9fa48("711") ? true : (stryCov_9fa48("711", "712", "713"), (stryMutAct_9fa48("715") ? typeof authz !== 'string' : stryMutAct_9fa48("714") ? true : (stryCov_9fa48("714", "715"), typeof authz === (stryMutAct_9fa48("716") ? "" : (stryCov_9fa48("716"), 'string')))) && (stryMutAct_9fa48("718") ? /^Bearer\S/i : stryMutAct_9fa48("717") ? /Bearer\s/i : (stryCov_9fa48("717", "718"), /^Bearer\s/i)).test(authz))) {
        if (stryMutAct_9fa48("719")) {
          {}
        } else {
          stryCov_9fa48("719");
          const token = stryMutAct_9fa48("721") ? authz.trim() : stryMutAct_9fa48("720") ? authz.slice('Bearer'.length) : (stryCov_9fa48("720", "721"), authz.slice((stryMutAct_9fa48("722") ? "" : (stryCov_9fa48("722"), 'Bearer')).length).trim());
          // Every configured token is compared, so timing does not tell which one nearly matched.
          const index = this.opts.bearerTokens.reduce(stryMutAct_9fa48("723") ? () => undefined : (stryCov_9fa48("723"), (acc, t, i) => (stryMutAct_9fa48("726") ? safeEqual(token, t) || acc < 0 : stryMutAct_9fa48("725") ? false : stryMutAct_9fa48("724") ? true : (stryCov_9fa48("724", "725", "726"), safeEqual(token, t) && (stryMutAct_9fa48("729") ? acc >= 0 : stryMutAct_9fa48("728") ? acc <= 0 : stryMutAct_9fa48("727") ? true : (stryCov_9fa48("727", "728", "729"), acc < 0)))) ? i : acc), stryMutAct_9fa48("730") ? +1 : (stryCov_9fa48("730"), -1));
          return (stryMutAct_9fa48("734") ? index < 0 : stryMutAct_9fa48("733") ? index > 0 : stryMutAct_9fa48("732") ? false : stryMutAct_9fa48("731") ? true : (stryCov_9fa48("731", "732", "733", "734"), index >= 0)) ? stryMutAct_9fa48("735") ? {} : (stryCov_9fa48("735"), {
            ok: stryMutAct_9fa48("736") ? false : (stryCov_9fa48("736"), true),
            method: stryMutAct_9fa48("737") ? "" : (stryCov_9fa48("737"), 'bearer'),
            caller: this.name(stryMutAct_9fa48("738") ? "" : (stryCov_9fa48("738"), 'bearer'), index)
          }) : stryMutAct_9fa48("739") ? {} : (stryCov_9fa48("739"), {
            ok: stryMutAct_9fa48("740") ? true : (stryCov_9fa48("740"), false),
            reason: stryMutAct_9fa48("741") ? "" : (stryCov_9fa48("741"), 'bearer token not recognised')
          });
        }
      }
      return stryMutAct_9fa48("742") ? {} : (stryCov_9fa48("742"), {
        ok: stryMutAct_9fa48("743") ? true : (stryCov_9fa48("743"), false),
        reason: stryMutAct_9fa48("744") ? "" : (stryCov_9fa48("744"), 'missing credentials: sign the request (X-Onramp-Signature) or send Authorization: Bearer <token>')
      });
    }
  }
  private checkSignature(header: string, rawBody: Buffer): AuthResult {
    if (stryMutAct_9fa48("745")) {
      {}
    } else {
      stryCov_9fa48("745");
      const m = SIG_HEADER.exec(stryMutAct_9fa48("746") ? header : (stryCov_9fa48("746"), header.trim()));
      if (stryMutAct_9fa48("749") ? false : stryMutAct_9fa48("748") ? true : stryMutAct_9fa48("747") ? m : (stryCov_9fa48("747", "748", "749"), !m)) return stryMutAct_9fa48("750") ? {} : (stryCov_9fa48("750"), {
        ok: stryMutAct_9fa48("751") ? true : (stryCov_9fa48("751"), false),
        reason: stryMutAct_9fa48("752") ? "" : (stryCov_9fa48("752"), 'malformed X-Onramp-Signature: expected t=<unix seconds>,v1=<hex sha256>')
      });
      const t = Number(m[1]);
      const nowS = Math.floor(stryMutAct_9fa48("753") ? this.now() * 1000 : (stryCov_9fa48("753"), this.now() / 1000));
      if (stryMutAct_9fa48("757") ? Math.abs(nowS - t) <= this.tolerance : stryMutAct_9fa48("756") ? Math.abs(nowS - t) >= this.tolerance : stryMutAct_9fa48("755") ? false : stryMutAct_9fa48("754") ? true : (stryCov_9fa48("754", "755", "756", "757"), Math.abs(stryMutAct_9fa48("758") ? nowS + t : (stryCov_9fa48("758"), nowS - t)) > this.tolerance)) return stryMutAct_9fa48("759") ? {} : (stryCov_9fa48("759"), {
        ok: stryMutAct_9fa48("760") ? true : (stryCov_9fa48("760"), false),
        reason: stryMutAct_9fa48("761") ? `` : (stryCov_9fa48("761"), `signature timestamp outside the ${this.tolerance} s window`)
      });
      const given = m[2]!.split(stryMutAct_9fa48("762") ? "" : (stryCov_9fa48("762"), ',')).map(stryMutAct_9fa48("763") ? () => undefined : (stryCov_9fa48("763"), v => stryMutAct_9fa48("764") ? v : (stryCov_9fa48("764"), v.slice(3))));
      const index = this.opts.hmacSecrets.findIndex(secret => {
        if (stryMutAct_9fa48("765")) {
          {}
        } else {
          stryCov_9fa48("765");
          const expected = signBody(secret, t, rawBody);
          return given.reduce(stryMutAct_9fa48("766") ? () => undefined : (stryCov_9fa48("766"), (acc, g) => stryMutAct_9fa48("769") ? safeEqual(g, expected) && acc : stryMutAct_9fa48("768") ? false : stryMutAct_9fa48("767") ? true : (stryCov_9fa48("767", "768", "769"), safeEqual(g, expected) || acc)), stryMutAct_9fa48("770") ? true : (stryCov_9fa48("770"), false));
        }
      });
      if (stryMutAct_9fa48("774") ? index >= 0 : stryMutAct_9fa48("773") ? index <= 0 : stryMutAct_9fa48("772") ? false : stryMutAct_9fa48("771") ? true : (stryCov_9fa48("771", "772", "773", "774"), index < 0)) return stryMutAct_9fa48("775") ? {} : (stryCov_9fa48("775"), {
        ok: stryMutAct_9fa48("776") ? true : (stryCov_9fa48("776"), false),
        reason: stryMutAct_9fa48("777") ? "" : (stryCov_9fa48("777"), 'signature does not match the body')
      });
      this.forgetOld(nowS);
      const key = m[0]; // t and the v1 list
      if (stryMutAct_9fa48("779") ? false : stryMutAct_9fa48("778") ? true : (stryCov_9fa48("778", "779"), this.seen.has(key))) return stryMutAct_9fa48("780") ? {} : (stryCov_9fa48("780"), {
        ok: stryMutAct_9fa48("781") ? true : (stryCov_9fa48("781"), false),
        reason: stryMutAct_9fa48("782") ? "" : (stryCov_9fa48("782"), 'replayed request: this signature was already used')
      });
      this.seen.set(key, t);
      return stryMutAct_9fa48("783") ? {} : (stryCov_9fa48("783"), {
        ok: stryMutAct_9fa48("784") ? false : (stryCov_9fa48("784"), true),
        method: stryMutAct_9fa48("785") ? "" : (stryCov_9fa48("785"), 'hmac'),
        caller: this.name(stryMutAct_9fa48("786") ? "" : (stryCov_9fa48("786"), 'hmac'), index)
      });
    }
  }

  /** Signatures remembered for replay detection (those still inside the window). */
  get remembered(): number {
    if (stryMutAct_9fa48("787")) {
      {}
    } else {
      stryCov_9fa48("787");
      return this.seen.size;
    }
  }
  private name(method: 'hmac' | 'bearer', index: number): string {
    if (stryMutAct_9fa48("788")) {
      {}
    } else {
      stryCov_9fa48("788");
      const names = (stryMutAct_9fa48("791") ? method !== 'hmac' : stryMutAct_9fa48("790") ? false : stryMutAct_9fa48("789") ? true : (stryCov_9fa48("789", "790", "791"), method === (stryMutAct_9fa48("792") ? "" : (stryCov_9fa48("792"), 'hmac')))) ? this.opts.hmacSecretNames : this.opts.bearerTokenNames;
      return stryMutAct_9fa48("793") ? `` : (stryCov_9fa48("793"), `${method} ${stryMutAct_9fa48("794") ? names?.[index] && `#${index + 1}` : (stryCov_9fa48("794"), (stryMutAct_9fa48("795") ? names[index] : (stryCov_9fa48("795"), names?.[index])) ?? (stryMutAct_9fa48("796") ? `` : (stryCov_9fa48("796"), `#${stryMutAct_9fa48("797") ? index - 1 : (stryCov_9fa48("797"), index + 1)}`)))}`);
    }
  }
  private forgetOld(nowS: number): void {
    if (stryMutAct_9fa48("798")) {
      {}
    } else {
      stryCov_9fa48("798");
      for (const [k, t] of this.seen) if (stryMutAct_9fa48("802") ? nowS - t <= this.tolerance : stryMutAct_9fa48("801") ? nowS - t >= this.tolerance : stryMutAct_9fa48("800") ? false : stryMutAct_9fa48("799") ? true : (stryCov_9fa48("799", "800", "801", "802"), (stryMutAct_9fa48("803") ? nowS + t : (stryCov_9fa48("803"), nowS - t)) > this.tolerance)) this.seen.delete(k);
    }
  }
}