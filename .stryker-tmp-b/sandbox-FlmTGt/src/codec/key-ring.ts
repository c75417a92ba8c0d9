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
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processEnv } from '../config';
import { resolveSecretRef } from '../secrets/secret-ref';
import { registerSecret } from '../secrets/scrub';

/** AES-256 keys are 32 bytes. */
export const KEY_BYTES = 32;
export interface CodecKey {
  id: string;
  key: Buffer;
}

/** The newest key encrypts; every key decrypts, so histories written before a rotation stay readable. */
export interface KeyRing {
  current: CodecKey;
  byId: ReadonlyMap<string, Buffer>;
}
export class CodecKeyError extends Error {
  constructor(message: string) {
    if (stryMutAct_9fa48("127")) {
      {}
    } else {
      stryCov_9fa48("127");
      super(message);
      this.name = stryMutAct_9fa48("128") ? "" : (stryCov_9fa48("128"), 'CodecKeyError');
    }
  }
}

/** `id=ref`: the id is letters, digits, `.`, `_`, `-` (at most 64). */
const ENTRY = stryMutAct_9fa48("133") ? /^([A-Za-z0-9._-]{1,64})=(.)$/ : stryMutAct_9fa48("132") ? /^([^A-Za-z0-9._-]{1,64})=(.*)$/ : stryMutAct_9fa48("131") ? /^([A-Za-z0-9._-])=(.*)$/ : stryMutAct_9fa48("130") ? /^([A-Za-z0-9._-]{1,64})=(.*)/ : stryMutAct_9fa48("129") ? /([A-Za-z0-9._-]{1,64})=(.*)$/ : (stryCov_9fa48("129", "130", "131", "132", "133"), /^([A-Za-z0-9._-]{1,64})=(.*)$/);
export interface KeySpecEntry {
  id: string;
  ref: string;
}

/**
 * Parse `ONRAMP_CODEC_KEYS` (`id=ref,id=ref`, newest first). Only references are accepted: a key written
 * inline would end up in shell history, process listings and config dumps. A malformed entry is named by
 * its position, never repeated: it may be a key pasted inline.
 */
export function parseKeySpec(spec: string, variable = stryMutAct_9fa48("134") ? "" : (stryCov_9fa48("134"), 'ONRAMP_CODEC_KEYS')): KeySpecEntry[] {
  if (stryMutAct_9fa48("135")) {
    {}
  } else {
    stryCov_9fa48("135");
    const entries = stryMutAct_9fa48("136") ? spec.split(',').map(s => s.trim()) : (stryCov_9fa48("136"), spec.split(stryMutAct_9fa48("137") ? "" : (stryCov_9fa48("137"), ',')).map(stryMutAct_9fa48("138") ? () => undefined : (stryCov_9fa48("138"), s => stryMutAct_9fa48("139") ? s : (stryCov_9fa48("139"), s.trim()))).filter(Boolean));
    if (stryMutAct_9fa48("142") ? false : stryMutAct_9fa48("141") ? true : stryMutAct_9fa48("140") ? entries.length : (stryCov_9fa48("140", "141", "142"), !entries.length)) throw new CodecKeyError(stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `${variable}: empty; list keys as id=env:NAME or id=file:/path, newest first`));
    const seen = new Set<string>();
    return entries.map((entry, n) => {
      if (stryMutAct_9fa48("144")) {
        {}
      } else {
        stryCov_9fa48("144");
        const m = ENTRY.exec(entry);
        if (stryMutAct_9fa48("147") ? false : stryMutAct_9fa48("146") ? true : stryMutAct_9fa48("145") ? m : (stryCov_9fa48("145", "146", "147"), !m)) {
          if (stryMutAct_9fa48("148")) {
            {}
          } else {
            stryCov_9fa48("148");
            throw new CodecKeyError(stryMutAct_9fa48("149") ? `` : (stryCov_9fa48("149"), `${variable}: entry ${stryMutAct_9fa48("150") ? n - 1 : (stryCov_9fa48("150"), n + 1)} needs a key id (letters, digits, . _ -) before "=", e.g. k2026-11=env:ONRAMP_KEY_2026_11`));
          }
        }
        const id = m[1]!;
        const ref = m[2]!;
        if (stryMutAct_9fa48("153") ? false : stryMutAct_9fa48("152") ? true : stryMutAct_9fa48("151") ? /^(env|file):./.test(ref) : (stryCov_9fa48("151", "152", "153"), !(stryMutAct_9fa48("154") ? /(env|file):./ : (stryCov_9fa48("154"), /^(env|file):./)).test(ref))) {
          if (stryMutAct_9fa48("155")) {
            {}
          } else {
            stryCov_9fa48("155");
            throw new CodecKeyError(stryMutAct_9fa48("156") ? `` : (stryCov_9fa48("156"), `${variable}: entry ${stryMutAct_9fa48("157") ? n - 1 : (stryCov_9fa48("157"), n + 1)} (${id.length} characters before "=") must be a secret reference (env:NAME or file:/path), not the key itself`));
          }
        }
        if (stryMutAct_9fa48("159") ? false : stryMutAct_9fa48("158") ? true : (stryCov_9fa48("158", "159"), seen.has(id))) throw new CodecKeyError(stryMutAct_9fa48("160") ? `` : (stryCov_9fa48("160"), `${variable}: key id ${id} is listed twice; key ids must be unique`));
        seen.add(id);
        return stryMutAct_9fa48("161") ? {} : (stryCov_9fa48("161"), {
          id,
          ref
        });
      }
    });
  }
}

/** Decode a base64 key and check its length; the message never includes the value. */
export function decodeKey(id: string, base64: string): Buffer {
  if (stryMutAct_9fa48("162")) {
    {}
  } else {
    stryCov_9fa48("162");
    const trimmed = stryMutAct_9fa48("163") ? base64 : (stryCov_9fa48("163"), base64.trim());
    const key = Buffer.from(trimmed, stryMutAct_9fa48("164") ? "" : (stryCov_9fa48("164"), 'base64'));
    if (stryMutAct_9fa48("167") ? !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && key.length !== KEY_BYTES : stryMutAct_9fa48("166") ? false : stryMutAct_9fa48("165") ? true : (stryCov_9fa48("165", "166", "167"), (stryMutAct_9fa48("168") ? /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) : (stryCov_9fa48("168"), !(stryMutAct_9fa48("173") ? /^[A-Za-z0-9+/]+=$/ : stryMutAct_9fa48("172") ? /^[^A-Za-z0-9+/]+={0,2}$/ : stryMutAct_9fa48("171") ? /^[A-Za-z0-9+/]={0,2}$/ : stryMutAct_9fa48("170") ? /^[A-Za-z0-9+/]+={0,2}/ : stryMutAct_9fa48("169") ? /[A-Za-z0-9+/]+={0,2}$/ : (stryCov_9fa48("169", "170", "171", "172", "173"), /^[A-Za-z0-9+/]+={0,2}$/)).test(trimmed))) || (stryMutAct_9fa48("175") ? key.length === KEY_BYTES : stryMutAct_9fa48("174") ? false : (stryCov_9fa48("174", "175"), key.length !== KEY_BYTES)))) {
      if (stryMutAct_9fa48("176")) {
        {}
      } else {
        stryCov_9fa48("176");
        throw new CodecKeyError(stryMutAct_9fa48("177") ? `` : (stryCov_9fa48("177"), `codec key ${id}: must be ${KEY_BYTES} random bytes in base64 (got ${key.length} bytes); generate one with: openssl rand -base64 32`));
      }
    }
    return key;
  }
}
export function keyRing(keys: CodecKey[]): KeyRing {
  if (stryMutAct_9fa48("178")) {
    {}
  } else {
    stryCov_9fa48("178");
    const [current] = keys;
    if (stryMutAct_9fa48("181") ? false : stryMutAct_9fa48("180") ? true : stryMutAct_9fa48("179") ? current : (stryCov_9fa48("179", "180", "181"), !current)) throw new CodecKeyError(stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'a codec key ring needs at least one key'));
    return stryMutAct_9fa48("183") ? {} : (stryCov_9fa48("183"), {
      current,
      byId: new Map(keys.map(stryMutAct_9fa48("184") ? () => undefined : (stryCov_9fa48("184"), k => stryMutAct_9fa48("185") ? [] : (stryCov_9fa48("185"), [k.id, k.key]))))
    });
  }
}

/** Resolve every reference of the spec (the values are registered with the log scrubber). */
export async function loadKeyRing(entries: KeySpecEntry[], env: NodeJS.ProcessEnv = processEnv()): Promise<KeyRing> {
  if (stryMutAct_9fa48("186")) {
    {}
  } else {
    stryCov_9fa48("186");
    const keys: CodecKey[] = stryMutAct_9fa48("187") ? ["Stryker was here"] : (stryCov_9fa48("187"), []);
    for (const {
      id,
      ref
    } of entries) {
      if (stryMutAct_9fa48("188")) {
        {}
      } else {
        stryCov_9fa48("188");
        const value = await resolveSecretRef(ref, env);
        keys.push(stryMutAct_9fa48("189") ? {} : (stryCov_9fa48("189"), {
          id,
          key: decodeKey(id, value)
        }));
      }
    }
    return keyRing(keys);
  }
}
export const SANDBOX_KEY_ID = stryMutAct_9fa48("190") ? "" : (stryCov_9fa48("190"), 'sandbox');

/**
 * The sandbox's own key, generated once and kept beside the sandbox state (mode 0600) so the histories of
 * earlier `npm start` runs stay readable. Never used in live mode.
 */
export function sandboxKeyRing(sandboxDir: string): KeyRing {
  if (stryMutAct_9fa48("191")) {
    {}
  } else {
    stryCov_9fa48("191");
    const path = join(sandboxDir, stryMutAct_9fa48("192") ? "" : (stryCov_9fa48("192"), 'codec-key'));
    mkdirSync(sandboxDir, stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
      recursive: stryMutAct_9fa48("194") ? false : (stryCov_9fa48("194"), true)
    }));
    try {
      if (stryMutAct_9fa48("195")) {
        {}
      } else {
        stryCov_9fa48("195");
        // Stryker disable next-line ObjectLiteral: the chmodSync below sets 0600 too; the mode here only closes the moment between creating and chmod, which no test can observe
        writeFileSync(path, stryMutAct_9fa48("196") ? `` : (stryCov_9fa48("196"), `${randomBytes(KEY_BYTES).toString(stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'base64'))}\n`), {
          mode: 0o600,
          flag: stryMutAct_9fa48("199") ? "" : (stryCov_9fa48("199"), 'wx')
        });
      }
    } catch (err) {
      if (stryMutAct_9fa48("200")) {
        {}
      } else {
        stryCov_9fa48("200");
        // Created by an earlier run, or by another sandbox process a moment ago: use that one.
        // Stryker disable next-line ConditionalExpression: swallowing another write error only moves the failure to readFileSync below
        if (stryMutAct_9fa48("203") ? (err as NodeJS.ErrnoException).code === 'EEXIST' : (stryCov_9fa48("203"), (err as NodeJS.ErrnoException).code !== (stryMutAct_9fa48("204") ? "" : (stryCov_9fa48("204"), 'EEXIST')))) throw err;
      }
    }
    chmodSync(path, 0o600);
    const value = readFileSync(path, stryMutAct_9fa48("205") ? "" : (stryCov_9fa48("205"), 'utf8'));
    registerSecret(stryMutAct_9fa48("206") ? value : (stryCov_9fa48("206"), value.trim()));
    return keyRing(stryMutAct_9fa48("207") ? [] : (stryCov_9fa48("207"), [stryMutAct_9fa48("208") ? {} : (stryCov_9fa48("208"), {
      id: SANDBOX_KEY_ID,
      key: decodeKey(SANDBOX_KEY_ID, value)
    })]));
  }
}