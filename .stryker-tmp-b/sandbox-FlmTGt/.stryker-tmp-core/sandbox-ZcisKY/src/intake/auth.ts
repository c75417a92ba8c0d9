// @ts-nocheck
// 
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
const SIG_HEADER = stryMutAct_9fa48("476") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[^0-9a-f]{64})*)$/ : stryMutAct_9fa48("475") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f])*)$/ : stryMutAct_9fa48("474") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64}))$/ : stryMutAct_9fa48("473") ? /^t=(\d{1,12}),(v1=[^0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("472") ? /^t=(\d{1,12}),(v1=[0-9a-f](?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("471") ? /^t=(\D{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("470") ? /^t=(\d),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : stryMutAct_9fa48("469") ? /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)/ : stryMutAct_9fa48("468") ? /t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/ : (stryCov_9fa48("468", "469", "470", "471", "472", "473", "474", "475", "476"), /^t=(\d{1,12}),(v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)$/);

/** Constant-time equality that never throws on different lengths (compares fixed-length digests). */
export function safeEqual(a: string, b: string): boolean {
  if (stryMutAct_9fa48("477")) {
    {}
  } else {
    stryCov_9fa48("477");
    const ha = createHmac(stryMutAct_9fa48("478") ? "" : (stryCov_9fa48("478"), 'sha256'), stryMutAct_9fa48("479") ? "" : (stryCov_9fa48("479"), 'onramp-compare')).update(a).digest();
    const hb = createHmac(stryMutAct_9fa48("480") ? "" : (stryCov_9fa48("480"), 'sha256'), stryMutAct_9fa48("481") ? "" : (stryCov_9fa48("481"), 'onramp-compare')).update(b).digest();
    return stryMutAct_9fa48("484") ? timingSafeEqual(ha, hb) || a.length === b.length : stryMutAct_9fa48("483") ? false : stryMutAct_9fa48("482") ? true : (stryCov_9fa48("482", "483", "484"), timingSafeEqual(ha, hb) && (stryMutAct_9fa48("486") ? a.length !== b.length : stryMutAct_9fa48("485") ? true : (stryCov_9fa48("485", "486"), a.length === b.length)));
  }
}
export function signBody(secret: string, timestamp: number, rawBody: Buffer | string): string {
  if (stryMutAct_9fa48("487")) {
    {}
  } else {
    stryCov_9fa48("487");
    return createHmac(stryMutAct_9fa48("488") ? "" : (stryCov_9fa48("488"), 'sha256'), secret).update(stryMutAct_9fa48("489") ? `` : (stryCov_9fa48("489"), `${timestamp}.`)).update(rawBody).digest(stryMutAct_9fa48("490") ? "" : (stryCov_9fa48("490"), 'hex'));
  }
}
export class IntakeAuthenticator {
  private readonly seen = new Map<string, number>();
  private readonly tolerance: number;
  private readonly now: () => number;
  constructor(private readonly opts: IntakeAuthOptions) {
    if (stryMutAct_9fa48("491")) {
      {}
    } else {
      stryCov_9fa48("491");
      this.tolerance = stryMutAct_9fa48("492") ? opts.toleranceSeconds && 300 : (stryCov_9fa48("492"), opts.toleranceSeconds ?? 300);
      this.now = stryMutAct_9fa48("493") ? opts.now && Date.now : (stryCov_9fa48("493"), opts.now ?? Date.now);
    }
  }
  check(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): AuthResult {
    if (stryMutAct_9fa48("494")) {
      {}
    } else {
      stryCov_9fa48("494");
      const sig = headers[stryMutAct_9fa48("495") ? "" : (stryCov_9fa48("495"), 'x-onramp-signature')];
      const authz = headers.authorization;
      if (stryMutAct_9fa48("498") ? typeof sig === 'string' || sig : stryMutAct_9fa48("497") ? false : stryMutAct_9fa48("496") ? true : (stryCov_9fa48("496", "497", "498"), (stryMutAct_9fa48("500") ? typeof sig !== 'string' : stryMutAct_9fa48("499") ? true : (stryCov_9fa48("499", "500"), typeof sig === (stryMutAct_9fa48("501") ? "" : (stryCov_9fa48("501"), 'string')))) && sig)) return this.checkSignature(sig, rawBody);
      if (stryMutAct_9fa48("504") ? typeof authz === 'string' || /^Bearer\s+/i.test(authz) : stryMutAct_9fa48("503") ? false : stryMutAct_9fa48("502") ? true : (stryCov_9fa48("502", "503", "504"), (stryMutAct_9fa48("506") ? typeof authz !== 'string' : stryMutAct_9fa48("505") ? true : (stryCov_9fa48("505", "506"), typeof authz === (stryMutAct_9fa48("507") ? "" : (stryCov_9fa48("507"), 'string')))) && (stryMutAct_9fa48("510") ? /^Bearer\S+/i : stryMutAct_9fa48("509") ? /^Bearer\s/i : stryMutAct_9fa48("508") ? /Bearer\s+/i : (stryCov_9fa48("508", "509", "510"), /^Bearer\s+/i)).test(authz))) {
        if (stryMutAct_9fa48("511")) {
          {}
        } else {
          stryCov_9fa48("511");
          const token = stryMutAct_9fa48("512") ? authz.replace(/^Bearer\s+/i, '') : (stryCov_9fa48("512"), authz.replace(stryMutAct_9fa48("515") ? /^Bearer\S+/i : stryMutAct_9fa48("514") ? /^Bearer\s/i : stryMutAct_9fa48("513") ? /Bearer\s+/i : (stryCov_9fa48("513", "514", "515"), /^Bearer\s+/i), stryMutAct_9fa48("516") ? "Stryker was here!" : (stryCov_9fa48("516"), '')).trim());
          // Every configured token is compared, so timing does not tell which one nearly matched.
          const index = this.opts.bearerTokens.reduce(stryMutAct_9fa48("517") ? () => undefined : (stryCov_9fa48("517"), (acc, t, i) => (stryMutAct_9fa48("520") ? safeEqual(token, t) || acc < 0 : stryMutAct_9fa48("519") ? false : stryMutAct_9fa48("518") ? true : (stryCov_9fa48("518", "519", "520"), safeEqual(token, t) && (stryMutAct_9fa48("523") ? acc >= 0 : stryMutAct_9fa48("522") ? acc <= 0 : stryMutAct_9fa48("521") ? true : (stryCov_9fa48("521", "522", "523"), acc < 0)))) ? i : acc), stryMutAct_9fa48("524") ? +1 : (stryCov_9fa48("524"), -1));
          return (stryMutAct_9fa48("528") ? index < 0 : stryMutAct_9fa48("527") ? index > 0 : stryMutAct_9fa48("526") ? false : stryMutAct_9fa48("525") ? true : (stryCov_9fa48("525", "526", "527", "528"), index >= 0)) ? stryMutAct_9fa48("529") ? {} : (stryCov_9fa48("529"), {
            ok: stryMutAct_9fa48("530") ? false : (stryCov_9fa48("530"), true),
            method: stryMutAct_9fa48("531") ? "" : (stryCov_9fa48("531"), 'bearer'),
            caller: this.name(stryMutAct_9fa48("532") ? "" : (stryCov_9fa48("532"), 'bearer'), index)
          }) : stryMutAct_9fa48("533") ? {} : (stryCov_9fa48("533"), {
            ok: stryMutAct_9fa48("534") ? true : (stryCov_9fa48("534"), false),
            reason: stryMutAct_9fa48("535") ? "" : (stryCov_9fa48("535"), 'bearer token not recognised')
          });
        }
      }
      return stryMutAct_9fa48("536") ? {} : (stryCov_9fa48("536"), {
        ok: stryMutAct_9fa48("537") ? true : (stryCov_9fa48("537"), false),
        reason: stryMutAct_9fa48("538") ? "" : (stryCov_9fa48("538"), 'missing credentials: sign the request (X-Onramp-Signature) or send Authorization: Bearer <token>')
      });
    }
  }
  private checkSignature(header: string, rawBody: Buffer): AuthResult {
    if (stryMutAct_9fa48("539")) {
      {}
    } else {
      stryCov_9fa48("539");
      const m = SIG_HEADER.exec(stryMutAct_9fa48("540") ? header : (stryCov_9fa48("540"), header.trim()));
      if (stryMutAct_9fa48("543") ? false : stryMutAct_9fa48("542") ? true : stryMutAct_9fa48("541") ? m : (stryCov_9fa48("541", "542", "543"), !m)) return stryMutAct_9fa48("544") ? {} : (stryCov_9fa48("544"), {
        ok: stryMutAct_9fa48("545") ? true : (stryCov_9fa48("545"), false),
        reason: stryMutAct_9fa48("546") ? "" : (stryCov_9fa48("546"), 'malformed X-Onramp-Signature: expected t=<unix seconds>,v1=<hex sha256>')
      });
      const t = Number(m[1]);
      const nowS = Math.floor(stryMutAct_9fa48("547") ? this.now() * 1000 : (stryCov_9fa48("547"), this.now() / 1000));
      if (stryMutAct_9fa48("551") ? Math.abs(nowS - t) <= this.tolerance : stryMutAct_9fa48("550") ? Math.abs(nowS - t) >= this.tolerance : stryMutAct_9fa48("549") ? false : stryMutAct_9fa48("548") ? true : (stryCov_9fa48("548", "549", "550", "551"), Math.abs(stryMutAct_9fa48("552") ? nowS + t : (stryCov_9fa48("552"), nowS - t)) > this.tolerance)) return stryMutAct_9fa48("553") ? {} : (stryCov_9fa48("553"), {
        ok: stryMutAct_9fa48("554") ? true : (stryCov_9fa48("554"), false),
        reason: stryMutAct_9fa48("555") ? `` : (stryCov_9fa48("555"), `signature timestamp outside the ${this.tolerance} s window`)
      });
      const given = m[2]!.split(stryMutAct_9fa48("556") ? "" : (stryCov_9fa48("556"), ',')).map(stryMutAct_9fa48("557") ? () => undefined : (stryCov_9fa48("557"), v => stryMutAct_9fa48("558") ? v : (stryCov_9fa48("558"), v.slice(3))));
      const index = this.opts.hmacSecrets.findIndex(secret => {
        if (stryMutAct_9fa48("559")) {
          {}
        } else {
          stryCov_9fa48("559");
          const expected = signBody(secret, t, rawBody);
          return given.reduce(stryMutAct_9fa48("560") ? () => undefined : (stryCov_9fa48("560"), (acc, g) => stryMutAct_9fa48("563") ? safeEqual(g, expected) && acc : stryMutAct_9fa48("562") ? false : stryMutAct_9fa48("561") ? true : (stryCov_9fa48("561", "562", "563"), safeEqual(g, expected) || acc)), stryMutAct_9fa48("564") ? true : (stryCov_9fa48("564"), false));
        }
      });
      if (stryMutAct_9fa48("568") ? index >= 0 : stryMutAct_9fa48("567") ? index <= 0 : stryMutAct_9fa48("566") ? false : stryMutAct_9fa48("565") ? true : (stryCov_9fa48("565", "566", "567", "568"), index < 0)) return stryMutAct_9fa48("569") ? {} : (stryCov_9fa48("569"), {
        ok: stryMutAct_9fa48("570") ? true : (stryCov_9fa48("570"), false),
        reason: stryMutAct_9fa48("571") ? "" : (stryCov_9fa48("571"), 'signature does not match the body')
      });
      this.forgetOld(nowS);
      const key = stryMutAct_9fa48("572") ? `` : (stryCov_9fa48("572"), `${t}:${given.join(stryMutAct_9fa48("573") ? "" : (stryCov_9fa48("573"), ','))}`);
      if (stryMutAct_9fa48("575") ? false : stryMutAct_9fa48("574") ? true : (stryCov_9fa48("574", "575"), this.seen.has(key))) return stryMutAct_9fa48("576") ? {} : (stryCov_9fa48("576"), {
        ok: stryMutAct_9fa48("577") ? true : (stryCov_9fa48("577"), false),
        reason: stryMutAct_9fa48("578") ? "" : (stryCov_9fa48("578"), 'replayed request: this signature was already used')
      });
      this.seen.set(key, t);
      return stryMutAct_9fa48("579") ? {} : (stryCov_9fa48("579"), {
        ok: stryMutAct_9fa48("580") ? false : (stryCov_9fa48("580"), true),
        method: stryMutAct_9fa48("581") ? "" : (stryCov_9fa48("581"), 'hmac'),
        caller: this.name(stryMutAct_9fa48("582") ? "" : (stryCov_9fa48("582"), 'hmac'), index)
      });
    }
  }
  private name(method: 'hmac' | 'bearer', index: number): string {
    if (stryMutAct_9fa48("583")) {
      {}
    } else {
      stryCov_9fa48("583");
      const names = (stryMutAct_9fa48("586") ? method !== 'hmac' : stryMutAct_9fa48("585") ? false : stryMutAct_9fa48("584") ? true : (stryCov_9fa48("584", "585", "586"), method === (stryMutAct_9fa48("587") ? "" : (stryCov_9fa48("587"), 'hmac')))) ? this.opts.hmacSecretNames : this.opts.bearerTokenNames;
      return stryMutAct_9fa48("588") ? `` : (stryCov_9fa48("588"), `${method} ${stryMutAct_9fa48("589") ? names?.[index] && `#${index + 1}` : (stryCov_9fa48("589"), (stryMutAct_9fa48("590") ? names[index] : (stryCov_9fa48("590"), names?.[index])) ?? (stryMutAct_9fa48("591") ? `` : (stryCov_9fa48("591"), `#${stryMutAct_9fa48("592") ? index - 1 : (stryCov_9fa48("592"), index + 1)}`)))}`);
    }
  }
  private forgetOld(nowS: number): void {
    if (stryMutAct_9fa48("593")) {
      {}
    } else {
      stryCov_9fa48("593");
      for (const [k, t] of this.seen) if (stryMutAct_9fa48("597") ? nowS - t <= this.tolerance : stryMutAct_9fa48("596") ? nowS - t >= this.tolerance : stryMutAct_9fa48("595") ? false : stryMutAct_9fa48("594") ? true : (stryCov_9fa48("594", "595", "596", "597"), (stryMutAct_9fa48("598") ? nowS + t : (stryCov_9fa48("598"), nowS - t)) > this.tolerance)) this.seen.delete(k);
    }
  }
}