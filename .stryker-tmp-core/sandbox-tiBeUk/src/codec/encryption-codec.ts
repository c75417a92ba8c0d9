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
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring';
export const ENCODING_ENCRYPTED = stryMutAct_9fa48("533") ? "" : (stryCov_9fa48("533"), 'binary/encrypted');
export const METADATA_KEY_ID = stryMutAct_9fa48("534") ? "" : (stryCov_9fa48("534"), 'encryption-key-id');
const CIPHER = stryMutAct_9fa48("535") ? "" : (stryCov_9fa48("535"), 'aes-256-gcm');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = stryMutAct_9fa48("536") ? () => undefined : (stryCov_9fa48("536"), (() => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  return utf8;
})());
const text = stryMutAct_9fa48("537") ? () => undefined : (stryCov_9fa48("537"), (() => {
  const text = (b: Uint8Array | null | undefined) => b ? Buffer.from(b).toString(stryMutAct_9fa48("538") ? "" : (stryCov_9fa48("538"), 'utf8')) : undefined;
  return text;
})());
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    if (stryMutAct_9fa48("539")) {
      {}
    } else {
      stryCov_9fa48("539");
      super(message);
      this.name = stryMutAct_9fa48("540") ? "" : (stryCov_9fa48("540"), 'PayloadDecryptionError');
    }
  }
}

/**
 * AES-256-GCM over the whole serialized payload (metadata included, so the encoding type of the value is
 * hidden too). Wire format of `data`: 12-byte random IV | ciphertext | 16-byte tag. The key ID travels in
 * the metadata; the key ID is bound as additional authenticated data so it cannot be swapped.
 *
 * Decoding is strict: a payload that is not marked encrypted is refused, so plaintext written by a
 * misconfigured client cannot slip into a workflow unnoticed.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}
  get currentKeyId(): string {
    if (stryMutAct_9fa48("541")) {
      {}
    } else {
      stryCov_9fa48("541");
      return this.ring.current.id;
    }
  }
  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (stryMutAct_9fa48("542")) {
      {}
    } else {
      stryCov_9fa48("542");
      const {
        id,
        key
      } = this.ring.current;
      return payloads.map(payload => {
        if (stryMutAct_9fa48("543")) {
          {}
        } else {
          stryCov_9fa48("543");
          const iv = randomBytes(IV_BYTES);
          // Stryker disable next-line ObjectLiteral: 16 bytes is GCM's default tag length; stated so a change of TAG_BYTES cannot go unnoticed
          const cipher = createCipheriv(CIPHER, key, iv, {
            authTagLength: TAG_BYTES
          });
          cipher.setAAD(Buffer.from(id));
          const plain = temporal.api.common.v1.Payload.encode(payload).finish();
          const data = Buffer.concat(stryMutAct_9fa48("545") ? [] : (stryCov_9fa48("545"), [iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]));
          return stryMutAct_9fa48("546") ? {} : (stryCov_9fa48("546"), {
            metadata: stryMutAct_9fa48("547") ? {} : (stryCov_9fa48("547"), {
              [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED),
              [METADATA_KEY_ID]: utf8(id)
            }),
            data: new Uint8Array(data)
          });
        }
      });
    }
  }
  async decode(payloads: Payload[]): Promise<Payload[]> {
    if (stryMutAct_9fa48("548")) {
      {}
    } else {
      stryCov_9fa48("548");
      return payloads.map((payload, i) => {
        if (stryMutAct_9fa48("549")) {
          {}
        } else {
          stryCov_9fa48("549");
          if (stryMutAct_9fa48("552") ? false : stryMutAct_9fa48("551") ? true : stryMutAct_9fa48("550") ? isEncrypted(payload) : (stryCov_9fa48("550", "551", "552"), !isEncrypted(payload))) {
            if (stryMutAct_9fa48("553")) {
              {}
            } else {
              stryCov_9fa48("553");
              const encoding = stryMutAct_9fa48("554") ? text(payload.metadata?.[METADATA_ENCODING_KEY]) && 'none' : (stryCov_9fa48("554"), text(stryMutAct_9fa48("555") ? payload.metadata[METADATA_ENCODING_KEY] : (stryCov_9fa48("555"), payload.metadata?.[METADATA_ENCODING_KEY])) ?? (stryMutAct_9fa48("556") ? "" : (stryCov_9fa48("556"), 'none')));
              throw new PayloadDecryptionError(stryMutAct_9fa48("557") ? `` : (stryCov_9fa48("557"), `payload ${i} is not encrypted (encoding ${encoding}) where ciphertext is expected: it was written without Onramp's codec; start workflows and send signals through a client configured with ONRAMP_CODEC_KEYS`));
            }
          }
          return this.decrypt(payload, i);
        }
      });
    }
  }

  /**
   * For display only (the codec server behind the Web UI): plaintext payloads are shown as they are,
   * because the UI also asks to decode values Temporal never encrypts. Nothing decoded here flows into a workflow.
   */
  async decodeForDisplay(payloads: Payload[]): Promise<Payload[]> {
    if (stryMutAct_9fa48("558")) {
      {}
    } else {
      stryCov_9fa48("558");
      return payloads.map(stryMutAct_9fa48("559") ? () => undefined : (stryCov_9fa48("559"), (payload, i) => isEncrypted(payload) ? this.decrypt(payload, i) : payload));
    }
  }

  /** Only for payloads isEncrypted() accepted, so their metadata is there. */
  private decrypt(payload: Payload, index: number): Payload {
    if (stryMutAct_9fa48("560")) {
      {}
    } else {
      stryCov_9fa48("560");
      const keyId = text(payload.metadata![METADATA_KEY_ID]);
      if (stryMutAct_9fa48("563") ? false : stryMutAct_9fa48("562") ? true : stryMutAct_9fa48("561") ? keyId : (stryCov_9fa48("561", "562", "563"), !keyId)) throw new PayloadDecryptionError(stryMutAct_9fa48("564") ? `` : (stryCov_9fa48("564"), `payload ${index} is encrypted but names no ${METADATA_KEY_ID}`));
      const key = this.ring.byId.get(keyId);
      if (stryMutAct_9fa48("567") ? false : stryMutAct_9fa48("566") ? true : stryMutAct_9fa48("565") ? key : (stryCov_9fa48("565", "566", "567"), !key)) {
        if (stryMutAct_9fa48("568")) {
          {}
        } else {
          stryCov_9fa48("568");
          throw new PayloadDecryptionError(stryMutAct_9fa48("569") ? `` : (stryCov_9fa48("569"), `payload ${index} was encrypted with key "${keyId}", which is not in the key ring (${(stryMutAct_9fa48("570") ? [] : (stryCov_9fa48("570"), [...this.ring.byId.keys()])).join(stryMutAct_9fa48("571") ? "" : (stryCov_9fa48("571"), ', '))}); add it back to ONRAMP_CODEC_KEYS (old keys must stay after a rotation)`));
        }
      }
      const data = Buffer.from(stryMutAct_9fa48("572") ? payload.data && new Uint8Array() : (stryCov_9fa48("572"), payload.data ?? new Uint8Array()));
      if (stryMutAct_9fa48("576") ? data.length >= IV_BYTES + TAG_BYTES : stryMutAct_9fa48("575") ? data.length <= IV_BYTES + TAG_BYTES : stryMutAct_9fa48("574") ? false : stryMutAct_9fa48("573") ? true : (stryCov_9fa48("573", "574", "575", "576"), data.length < (stryMutAct_9fa48("577") ? IV_BYTES - TAG_BYTES : (stryCov_9fa48("577"), IV_BYTES + TAG_BYTES)))) {
        if (stryMutAct_9fa48("578")) {
          {}
        } else {
          stryCov_9fa48("578");
          throw new PayloadDecryptionError(stryMutAct_9fa48("579") ? `` : (stryCov_9fa48("579"), `payload ${index} is too short to be AES-256-GCM ciphertext`));
        }
      }
      // Stryker disable next-line ObjectLiteral: the tag passed below is always TAG_BYTES long, so restricting the accepted length changes nothing observable
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES
      });
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(data.subarray(stryMutAct_9fa48("581") ? data.length + TAG_BYTES : (stryCov_9fa48("581"), data.length - TAG_BYTES)));
      let plain: Buffer;
      try {
        if (stryMutAct_9fa48("582")) {
          {}
        } else {
          stryCov_9fa48("582");
          plain = Buffer.concat(stryMutAct_9fa48("583") ? [] : (stryCov_9fa48("583"), [decipher.update(data.subarray(IV_BYTES, stryMutAct_9fa48("584") ? data.length + TAG_BYTES : (stryCov_9fa48("584"), data.length - TAG_BYTES))), decipher.final()]));
        }
      } catch {
        if (stryMutAct_9fa48("585")) {
          {}
        } else {
          stryCov_9fa48("585");
          throw new PayloadDecryptionError(stryMutAct_9fa48("586") ? `` : (stryCov_9fa48("586"), `payload ${index} failed authentication with key "${keyId}": the ciphertext was altered or the key under that id changed`));
        }
      }
      const decoded = temporal.api.common.v1.Payload.decode(plain);
      return stryMutAct_9fa48("587") ? {} : (stryCov_9fa48("587"), {
        metadata: stryMutAct_9fa48("588") ? decoded.metadata && {} : (stryCov_9fa48("588"), decoded.metadata ?? {}),
        data: stryMutAct_9fa48("589") ? decoded.data && new Uint8Array() : (stryCov_9fa48("589"), decoded.data ?? new Uint8Array())
      });
    }
  }
}
export function isEncrypted(payload: Payload): boolean {
  if (stryMutAct_9fa48("590")) {
    {}
  } else {
    stryCov_9fa48("590");
    return stryMutAct_9fa48("593") ? text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCODING_ENCRYPTED : stryMutAct_9fa48("592") ? false : stryMutAct_9fa48("591") ? true : (stryCov_9fa48("591", "592", "593"), text(stryMutAct_9fa48("594") ? payload.metadata[METADATA_ENCODING_KEY] : (stryCov_9fa48("594"), payload.metadata?.[METADATA_ENCODING_KEY])) === ENCODING_ENCRYPTED);
  }
}