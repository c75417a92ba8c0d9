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
    if (stryMutAct_9fa48("595")) {
      {}
    } else {
      stryCov_9fa48("595");
      super(message);
      this.name = stryMutAct_9fa48("596") ? "" : (stryCov_9fa48("596"), 'CodecKeyError');
    }
  }
}

/** `id=ref`: the id is letters, digits, `.`, `_`, `-` (at most 64). */
const ENTRY = stryMutAct_9fa48("601") ? /^([A-Za-z0-9._-]{1,64})=(.)$/ : stryMutAct_9fa48("600") ? /^([^A-Za-z0-9._-]{1,64})=(.*)$/ : stryMutAct_9fa48("599") ? /^([A-Za-z0-9._-])=(.*)$/ : stryMutAct_9fa48("598") ? /^([A-Za-z0-9._-]{1,64})=(.*)/ : stryMutAct_9fa48("597") ? /([A-Za-z0-9._-]{1,64})=(.*)$/ : (stryCov_9fa48("597", "598", "599", "600", "601"), /^([A-Za-z0-9._-]{1,64})=(.*)$/);
export interface KeySpecEntry {
  id: string;
  ref: string;
}

/**
 * Parse `ONRAMP_CODEC_KEYS` (`id=ref,id=ref`, newest first). Only references are accepted: a key written
 * inline would end up in shell history, process listings and config dumps. A malformed entry is named by
 * its position, never repeated: it may be a key pasted inline.
 */
export function parseKeySpec(spec: string, variable = stryMutAct_9fa48("602") ? "" : (stryCov_9fa48("602"), 'ONRAMP_CODEC_KEYS')): KeySpecEntry[] {
  if (stryMutAct_9fa48("603")) {
    {}
  } else {
    stryCov_9fa48("603");
    const entries = stryMutAct_9fa48("604") ? spec.split(',').map(s => s.trim()) : (stryCov_9fa48("604"), spec.split(stryMutAct_9fa48("605") ? "" : (stryCov_9fa48("605"), ',')).map(stryMutAct_9fa48("606") ? () => undefined : (stryCov_9fa48("606"), s => stryMutAct_9fa48("607") ? s : (stryCov_9fa48("607"), s.trim()))).filter(Boolean));
    if (stryMutAct_9fa48("610") ? false : stryMutAct_9fa48("609") ? true : stryMutAct_9fa48("608") ? entries.length : (stryCov_9fa48("608", "609", "610"), !entries.length)) throw new CodecKeyError(stryMutAct_9fa48("611") ? `` : (stryCov_9fa48("611"), `${variable}: empty; list keys as id=env:NAME or id=file:/path, newest first`));
    const seen = new Set<string>();
    return entries.map((entry, n) => {
      if (stryMutAct_9fa48("612")) {
        {}
      } else {
        stryCov_9fa48("612");
        const m = ENTRY.exec(entry);
        if (stryMutAct_9fa48("615") ? false : stryMutAct_9fa48("614") ? true : stryMutAct_9fa48("613") ? m : (stryCov_9fa48("613", "614", "615"), !m)) {
          if (stryMutAct_9fa48("616")) {
            {}
          } else {
            stryCov_9fa48("616");
            throw new CodecKeyError(stryMutAct_9fa48("617") ? `` : (stryCov_9fa48("617"), `${variable}: entry ${stryMutAct_9fa48("618") ? n - 1 : (stryCov_9fa48("618"), n + 1)} needs a key id (letters, digits, . _ -) before "=", e.g. k2026-11=env:ONRAMP_KEY_2026_11`));
          }
        }
        const id = m[1]!;
        const ref = m[2]!;
        if (stryMutAct_9fa48("621") ? false : stryMutAct_9fa48("620") ? true : stryMutAct_9fa48("619") ? /^(env|file):./.test(ref) : (stryCov_9fa48("619", "620", "621"), !(stryMutAct_9fa48("622") ? /(env|file):./ : (stryCov_9fa48("622"), /^(env|file):./)).test(ref))) {
          if (stryMutAct_9fa48("623")) {
            {}
          } else {
            stryCov_9fa48("623");
            throw new CodecKeyError(stryMutAct_9fa48("624") ? `` : (stryCov_9fa48("624"), `${variable}: entry ${stryMutAct_9fa48("625") ? n - 1 : (stryCov_9fa48("625"), n + 1)} (${id.length} characters before "=") must be a secret reference (env:NAME or file:/path), not the key itself`));
          }
        }
        if (stryMutAct_9fa48("627") ? false : stryMutAct_9fa48("626") ? true : (stryCov_9fa48("626", "627"), seen.has(id))) throw new CodecKeyError(stryMutAct_9fa48("628") ? `` : (stryCov_9fa48("628"), `${variable}: key id ${id} is listed twice; key ids must be unique`));
        seen.add(id);
        return stryMutAct_9fa48("629") ? {} : (stryCov_9fa48("629"), {
          id,
          ref
        });
      }
    });
  }
}

/** Decode a base64 key and check its length; the message never includes the value. */
export function decodeKey(id: string, base64: string): Buffer {
  if (stryMutAct_9fa48("630")) {
    {}
  } else {
    stryCov_9fa48("630");
    const trimmed = stryMutAct_9fa48("631") ? base64 : (stryCov_9fa48("631"), base64.trim());
    const key = Buffer.from(trimmed, stryMutAct_9fa48("632") ? "" : (stryCov_9fa48("632"), 'base64'));
    if (stryMutAct_9fa48("635") ? !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && key.length !== KEY_BYTES : stryMutAct_9fa48("634") ? false : stryMutAct_9fa48("633") ? true : (stryCov_9fa48("633", "634", "635"), (stryMutAct_9fa48("636") ? /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) : (stryCov_9fa48("636"), !(stryMutAct_9fa48("641") ? /^[A-Za-z0-9+/]+=$/ : stryMutAct_9fa48("640") ? /^[^A-Za-z0-9+/]+={0,2}$/ : stryMutAct_9fa48("639") ? /^[A-Za-z0-9+/]={0,2}$/ : stryMutAct_9fa48("638") ? /^[A-Za-z0-9+/]+={0,2}/ : stryMutAct_9fa48("637") ? /[A-Za-z0-9+/]+={0,2}$/ : (stryCov_9fa48("637", "638", "639", "640", "641"), /^[A-Za-z0-9+/]+={0,2}$/)).test(trimmed))) || (stryMutAct_9fa48("643") ? key.length === KEY_BYTES : stryMutAct_9fa48("642") ? false : (stryCov_9fa48("642", "643"), key.length !== KEY_BYTES)))) {
      if (stryMutAct_9fa48("644")) {
        {}
      } else {
        stryCov_9fa48("644");
        throw new CodecKeyError(stryMutAct_9fa48("645") ? `` : (stryCov_9fa48("645"), `codec key ${id}: must be ${KEY_BYTES} random bytes in base64 (got ${key.length} bytes); generate one with: openssl rand -base64 32`));
      }
    }
    return key;
  }
}
export function keyRing(keys: CodecKey[]): KeyRing {
  if (stryMutAct_9fa48("646")) {
    {}
  } else {
    stryCov_9fa48("646");
    const [current] = keys;
    if (stryMutAct_9fa48("649") ? false : stryMutAct_9fa48("648") ? true : stryMutAct_9fa48("647") ? current : (stryCov_9fa48("647", "648", "649"), !current)) throw new CodecKeyError(stryMutAct_9fa48("650") ? "" : (stryCov_9fa48("650"), 'a codec key ring needs at least one key'));
    return stryMutAct_9fa48("651") ? {} : (stryCov_9fa48("651"), {
      current,
      byId: new Map(keys.map(stryMutAct_9fa48("652") ? () => undefined : (stryCov_9fa48("652"), k => stryMutAct_9fa48("653") ? [] : (stryCov_9fa48("653"), [k.id, k.key]))))
    });
  }
}

/** Resolve every reference of the spec (the values are registered with the log scrubber). */
export async function loadKeyRing(entries: KeySpecEntry[], env: NodeJS.ProcessEnv = processEnv()): Promise<KeyRing> {
  if (stryMutAct_9fa48("654")) {
    {}
  } else {
    stryCov_9fa48("654");
    const keys: CodecKey[] = stryMutAct_9fa48("655") ? ["Stryker was here"] : (stryCov_9fa48("655"), []);
    for (const {
      id,
      ref
    } of entries) {
      if (stryMutAct_9fa48("656")) {
        {}
      } else {
        stryCov_9fa48("656");
        const value = await resolveSecretRef(ref, env);
        keys.push(stryMutAct_9fa48("657") ? {} : (stryCov_9fa48("657"), {
          id,
          key: decodeKey(id, value)
        }));
      }
    }
    return keyRing(keys);
  }
}
export const SANDBOX_KEY_ID = stryMutAct_9fa48("658") ? "" : (stryCov_9fa48("658"), 'sandbox');

/**
 * The sandbox's own key, generated once and kept beside the sandbox state (mode 0600) so the histories of
 * earlier `npm start` runs stay readable. Never used in live mode.
 */
export function sandboxKeyRing(sandboxDir: string): KeyRing {
  if (stryMutAct_9fa48("659")) {
    {}
  } else {
    stryCov_9fa48("659");
    const path = join(sandboxDir, stryMutAct_9fa48("660") ? "" : (stryCov_9fa48("660"), 'codec-key'));
    mkdirSync(sandboxDir, stryMutAct_9fa48("661") ? {} : (stryCov_9fa48("661"), {
      recursive: stryMutAct_9fa48("662") ? false : (stryCov_9fa48("662"), true)
    }));
    try {
      if (stryMutAct_9fa48("663")) {
        {}
      } else {
        stryCov_9fa48("663");
        writeFileSync(path, stryMutAct_9fa48("664") ? `` : (stryCov_9fa48("664"), `${randomBytes(KEY_BYTES).toString(stryMutAct_9fa48("665") ? "" : (stryCov_9fa48("665"), 'base64'))}\n`), stryMutAct_9fa48("666") ? {} : (stryCov_9fa48("666"), {
          mode: 0o600,
          flag: stryMutAct_9fa48("667") ? "" : (stryCov_9fa48("667"), 'wx')
        }));
      }
    } catch (err) {
      if (stryMutAct_9fa48("668")) {
        {}
      } else {
        stryCov_9fa48("668");
        // Created by an earlier run, or by another sandbox process a moment ago: use that one.
        if (stryMutAct_9fa48("671") ? (err as NodeJS.ErrnoException).code === 'EEXIST' : stryMutAct_9fa48("670") ? false : stryMutAct_9fa48("669") ? true : (stryCov_9fa48("669", "670", "671"), (err as NodeJS.ErrnoException).code !== (stryMutAct_9fa48("672") ? "" : (stryCov_9fa48("672"), 'EEXIST')))) throw err;
      }
    }
    chmodSync(path, 0o600);
    const value = readFileSync(path, stryMutAct_9fa48("673") ? "" : (stryCov_9fa48("673"), 'utf8'));
    registerSecret(stryMutAct_9fa48("674") ? value : (stryCov_9fa48("674"), value.trim()));
    return keyRing(stryMutAct_9fa48("675") ? [] : (stryCov_9fa48("675"), [stryMutAct_9fa48("676") ? {} : (stryCov_9fa48("676"), {
      id: SANDBOX_KEY_ID,
      key: decodeKey(SANDBOX_KEY_ID, value)
    })]));
  }
}