/**
 * The payload codec's key handling and its edge cases, without Temporal: which ONRAMP_CODEC_KEYS specs
 * and key values are accepted (exactly the documented `id=env:NAME` / `id=file:/path` forms, 32 bytes of
 * base64), what the errors say (never the value), the sandbox key file, and payloads at the edges
 * (no metadata, no key id, an empty payload whose ciphertext is only IV + tag).
 */
// @ts-nocheck

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  CodecKeyError,
  EncryptionCodec,
  PayloadDecryptionError,
  SANDBOX_KEY_ID,
  decodeKey,
  isEncrypted,
  keyRing,
  parseKeySpec,
  sandboxKeyRing,
} from '../../src/codec';
import { registeredSecrets } from '../../src/secrets/scrub';

const b64 = (bytes = 32) => randomBytes(bytes).toString('base64');
const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected a throw');
};

describe('ONRAMP_CODEC_KEYS parsing', () => {
  it('accepts ids of letters, digits, . _ - up to 64 characters, env: and file: references, stray commas', () => {
    const id64 = 'a'.repeat(64);
    assert.deepEqual(parseKeySpec(` k2026-11.b_1=env:K1 ,, ${id64}=file:/run/k=2,`), [
      { id: 'k2026-11.b_1', ref: 'env:K1' },
      { id: id64, ref: 'file:/run/k=2' },
    ]);
  });

  it('refuses an empty spec, naming the variable (the default one unless told)', () => {
    const e = errorOf(() => parseKeySpec(' , '));
    assert.ok(e instanceof CodecKeyError);
    assert.equal(e.name, 'CodecKeyError');
    assert.match(e.message, /^ONRAMP_CODEC_KEYS: empty; list keys as id=env:NAME/);
    assert.match(errorOf(() => parseKeySpec('', 'OTHER_KEYS')).message, /^OTHER_KEYS: empty/);
  });

  it('refuses entries without a valid id, naming their position and never repeating them (they may be keys)', () => {
    const inline = b64();
    for (const [spec, n] of [
      [`k1=env:A,${inline.replace(/=+$/, '')}`, 2], // a key pasted inline, no id at all
      ['k1=env:A,k2=env:B,=env:X', 3],
      ['!k=env:X', 1], // invalid first character
      ['k!=env:X', 1], // invalid last character
      ['my key=env:X', 1],
      [`${'a'.repeat(65)}=env:X`, 1],
      ['k1env:X', 1],
    ] as const) {
      const e = errorOf(() => parseKeySpec(spec));
      assert.ok(e instanceof CodecKeyError, spec);
      assert.equal(
        e.message,
        `ONRAMP_CODEC_KEYS: entry ${n} needs a key id (letters, digits, . _ -) before "=", e.g. k2026-11=env:ONRAMP_KEY_2026_11`,
        spec
      );
      assert.ok(!e.message.includes(inline.slice(0, 20)));
    }
  });

  it('never repeats a key pasted inline, whatever its characters', () => {
    for (const key of [b64(), 'A'.repeat(43) + '=', 'Ab1'.repeat(14) + '==']) {
      const e = errorOf(() => parseKeySpec(key));
      assert.ok(e instanceof CodecKeyError);
      assert.ok(!e.message.includes(key.slice(0, 12)), e.message);
    }
  });

  it('refuses anything but an env: or file: reference, and an entry broken over lines', () => {
    for (const ref of ['AAAA', 'xenv:A', 'env:', 'vault:a/b', 'env:A\nB']) {
      const e = errorOf(() => parseKeySpec(`k1=${ref}`));
      assert.ok(e instanceof CodecKeyError, ref);
      assert.ok(e.message.startsWith('ONRAMP_CODEC_KEYS: '), e.message);
    }
    assert.equal(
      errorOf(() => parseKeySpec('k0=env:A,k1=xenv:A')).message,
      'ONRAMP_CODEC_KEYS: entry 2 (2 characters before "=") must be a secret reference (env:NAME or file:/path), not the key itself'
    );
    assert.equal(
      errorOf(() => parseKeySpec('a=env:X,a=file:/y')).message,
      'ONRAMP_CODEC_KEYS: key id a is listed twice; key ids must be unique'
    );
  });
});

describe('codec key values', () => {
  it('accepts 32 bytes of base64, padded or not, with surrounding whitespace', () => {
    const key = randomBytes(32);
    const padded = key.toString('base64');
    assert.deepEqual(decodeKey('k', ` ${padded}\n`), key);
    assert.deepEqual(decodeKey('k', padded.replace(/=+$/, '')), key);
  });

  it('refuses characters outside base64 (which Buffer would silently skip) and other lengths', () => {
    const padded = b64();
    for (const bad of [`!${padded}`, `${padded}!`, `${padded.slice(0, 10)}*${padded.slice(10)}`, b64(16), b64(48)]) {
      const e = errorOf(() => decodeKey('k7', bad));
      assert.ok(e instanceof CodecKeyError);
      assert.match(e.message, /^codec key k7: must be 32 random bytes in base64 \(got \d+ bytes\); generate one with/);
      assert.ok(!e.message.includes(bad.trim()));
    }
  });

  it('a ring needs a key; the first one encrypts', () => {
    assert.equal(errorOf(() => keyRing([])).message, 'a codec key ring needs at least one key');
    const ring = keyRing([
      { id: 'new', key: randomBytes(32) },
      { id: 'old', key: randomBytes(32) },
    ]);
    assert.equal(new EncryptionCodec(ring).currentKeyId, 'new');
  });
});

describe('the sandbox key file', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'onramp-codec-unit-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is created with its directories, once; later calls (and other processes) reuse it', () => {
    const dir = join(tmp, 'a', 'b', 'c');
    const first = sandboxKeyRing(dir);
    const second = sandboxKeyRing(dir);
    assert.equal(first.current.id, SANDBOX_KEY_ID);
    assert.equal(SANDBOX_KEY_ID, 'sandbox');
    assert.equal(first.current.key.length, 32);
    assert.deepEqual(second.current.key, first.current.key);
    assert.deepEqual(first.byId.get('sandbox'), first.current.key);
    const onDisk = readFileSync(join(dir, 'codec-key'), 'utf8');
    assert.ok(onDisk.endsWith('\n'));
    // The value (without its newline) is registered with the log scrubber.
    assert.ok(registeredSecrets().has(onDisk.trim()));
  });

  it('keeps a key another process wrote first', () => {
    const dir = join(tmp, 'other');
    sandboxKeyRing(dir);
    const theirs = randomBytes(32);
    writeFileSync(join(dir, 'codec-key'), theirs.toString('base64'));
    assert.deepEqual(sandboxKeyRing(dir).current.key, theirs);
  });
});

describe('payloads at the edges', () => {
  const k1 = randomBytes(32);
  const codec = new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }]));

  it('an empty payload (ciphertext of exactly IV + tag) round-trips', async () => {
    const [enc] = await codec.encode([{ metadata: {}, data: new Uint8Array() }]);
    assert.equal(enc!.data!.length, 12 + 16);
    const [dec] = await codec.decode([enc!]);
    assert.deepEqual(dec!.metadata, {});
    assert.equal(dec!.data!.length, 0);
  });

  it('a payload without metadata is "not encrypted (encoding none)", shown as is for display', async () => {
    const bare: Payload = { data: Buffer.from('"x"') };
    assert.equal(isEncrypted(bare), false);
    const encrypted = await codec.encode([defaultPayloadConverter.toPayload('ok')]);
    await assert.rejects(
      codec.decode([...encrypted, bare]),
      (e: unknown) =>
        e instanceof PayloadDecryptionError &&
        e.name === 'PayloadDecryptionError' &&
        e.message.startsWith('payload 1 is not encrypted (encoding none) where ciphertext is expected')
    );
    assert.deepEqual(await codec.decodeForDisplay([bare]), [bare]);
  });

  it('an encrypted payload that names no key id, or a key not in the ring, is a clear error', async () => {
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const noId: Payload = { ...enc, metadata: { encoding: enc!.metadata!.encoding! } };
    await assert.rejects(codec.decode([noId]), {
      name: 'PayloadDecryptionError',
      message: 'payload 0 is encrypted but names no encryption-key-id',
    });
    const twoKeys = new EncryptionCodec(
      keyRing([
        { id: 'k2', key: randomBytes(32) },
        { id: 'k3', key: randomBytes(32) },
      ])
    );
    await assert.rejects(twoKeys.decode([enc!]), {
      message:
        'payload 0 was encrypted with key "k1", which is not in the key ring (k2, k3); add it back to ONRAMP_CODEC_KEYS (old keys must stay after a rotation)',
    });
  });

  it('binds the key id as additional data: the same key under another id does not decrypt', async () => {
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const alias = new EncryptionCodec(keyRing([{ id: 'k9', key: k1 }]));
    const renamed: Payload = { ...enc, metadata: { ...enc!.metadata, 'encryption-key-id': Buffer.from('k9') } };
    await assert.rejects(alias.decode([renamed]), {
      message:
        'payload 0 failed authentication with key "k9": the ciphertext was altered or the key under that id changed',
    });
  });
});
