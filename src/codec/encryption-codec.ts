import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring-types';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
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
    return this.ring.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.ring.current;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      // Stryker disable next-line ObjectLiteral: 16 bytes is GCM's default tag length; stated so a change of TAG_BYTES cannot go unnoticed
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED), [METADATA_KEY_ID]: utf8(id) },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload, i) => {
      if (!isEncrypted(payload)) {
        const encoding = text(payload.metadata?.[METADATA_ENCODING_KEY]) ?? 'none';
        throw new PayloadDecryptionError(
          `payload ${i} is not encrypted (encoding ${encoding}) where ciphertext is expected: it was written without Onramp's codec; start workflows and send signals through a client configured with ONRAMP_CODEC_KEYS`
        );
      }
      return this.decrypt(payload, i);
    });
  }

  /**
   * For display only (the codec server behind the Web UI): plaintext payloads are shown as they are,
   * because the UI also asks to decode values Temporal never encrypts. Nothing decoded here flows into a workflow.
   */
  async decodeForDisplay(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload, i) => (isEncrypted(payload) ? this.decrypt(payload, i) : payload));
  }

  /** Only for payloads isEncrypted() accepted, so their metadata is there. */
  private decrypt(payload: Payload, index: number): Payload {
    const keyId = text(payload.metadata![METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(`payload ${index} is encrypted but names no ${METADATA_KEY_ID}`);
    const key = this.ring.byId.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload ${index} was encrypted with key "${keyId}", which is not in the key ring (${[...this.ring.byId.keys()].join(', ')}); add it back to ONRAMP_CODEC_KEYS (old keys must stay after a rotation)`
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`payload ${index} is too short to be AES-256-GCM ciphertext`);
    }
    // Stryker disable next-line ObjectLiteral: the tag passed below is always TAG_BYTES long, so restricting the accepted length changes nothing observable
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `payload ${index} failed authentication with key "${keyId}": the ciphertext was altered or the key under that id changed`
      );
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCODING_ENCRYPTED;
}
