// @ts-nocheck
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  CodecKeyError,
  EncryptionCodec,
  PayloadDecryptionError,
  keyRing,
  keyRingFromConfig,
  loadKeyRing,
  parseKeySpec,
  sandboxKeyRing,
} from '../src/codec';
import { loadConfig } from '../src/config';

const key = () => randomBytes(32);
const toPayload = (v: unknown) => defaultPayloadConverter.toPayload(v);
const fromPayload = (p: Payload | undefined) => defaultPayloadConverter.fromPayload(p as Payload);
const meta = (p: Payload | undefined, k: string) => Buffer.from(p?.metadata?.[k] ?? new Uint8Array()).toString();

describe('payload codec (AES-256-GCM)', () => {
  const k1 = key();
  const k2 = key();
  const tmp = mkdtempSync(join(tmpdir(), 'onramp-codec-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('round-trips payloads; the ciphertext carries the key id and hides value and encoding', async () => {
    const codec = new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }]));
    const value = { keyRef: 'file:/x', note: 'canary-plaintext-123' };
    const [enc] = await codec.encode([toPayload(value)]);
    assert.equal(meta(enc, 'encoding'), 'binary/encrypted');
    assert.equal(meta(enc, 'encryption-key-id'), 'k1');
    assert.ok(
      !Buffer.from(enc?.data ?? [])
        .toString('latin1')
        .includes('canary-plaintext-123')
    );
    assert.ok(
      !Buffer.from(enc?.data ?? [])
        .toString('latin1')
        .includes('json/plain')
    );
    const [dec] = await codec.decode([enc as Payload]);
    assert.deepEqual(fromPayload(dec), value);
    assert.equal(meta(dec, 'encoding'), 'json/plain');
  });

  it('uses a fresh IV per payload (same value, different ciphertext)', async () => {
    const codec = new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }]));
    const [a, b] = await codec.encode([toPayload('same'), toPayload('same')]);
    assert.notDeepEqual(a?.data, b?.data);
  });

  it('after a rotation the newest key encrypts and the old key still decrypts old histories', async () => {
    const before = new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }]));
    const [old] = await before.encode([toPayload('written before rotation')]);
    const rotated = new EncryptionCodec(
      keyRing([
        { id: 'k2', key: k2 },
        { id: 'k1', key: k1 },
      ])
    );
    const [fresh] = await rotated.encode([toPayload('written after')]);
    assert.equal(meta(fresh, 'encryption-key-id'), 'k2');
    const decoded = await rotated.decode([old as Payload, fresh as Payload]);
    assert.deepEqual(decoded.map(fromPayload), ['written before rotation', 'written after']);
  });

  it('an unknown key id is a clear error naming the key and the fix', async () => {
    const [enc] = await new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }])).encode([toPayload('x')]);
    const other = new EncryptionCodec(keyRing([{ id: 'k2', key: k2 }]));
    await assert.rejects(
      other.decode([enc as Payload]),
      (e: unknown) =>
        e instanceof PayloadDecryptionError &&
        /key "k1", which is not in the key ring \(k2\)/.test(e.message) &&
        /ONRAMP_CODEC_KEYS/.test(e.message)
    );
  });

  it('strict decode refuses a plaintext payload where ciphertext is expected', async () => {
    const codec = new EncryptionCodec(keyRing([{ id: 'k1', key: k1 }]));
    await assert.rejects(
      codec.decode([toPayload({ injected: true })]),
      (e: unknown) => e instanceof PayloadDecryptionError && /not encrypted \(encoding json\/plain\)/.test(e.message)
    );
    // The codec server's display path shows it as it is instead.
    const [shown] = await codec.decodeForDisplay([toPayload({ injected: true })]);
    assert.deepEqual(fromPayload(shown), { injected: true });
  });

  it('tampered ciphertext, a swapped key id or a replaced key fail authentication', async () => {
    const codec = new EncryptionCodec(
      keyRing([
        { id: 'k1', key: k1 },
        { id: 'k2', key: k2 },
      ])
    );
    const [enc] = await codec.encode([toPayload('integrity')]);
    const data = Buffer.from(enc?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 0x01;
    const tampered = { ...enc, data: new Uint8Array(data) };
    await assert.rejects(codec.decode([tampered]), /failed authentication with key "k1"/);
    const swapped = { ...enc, metadata: { ...enc?.metadata, 'encryption-key-id': Buffer.from('k2') } };
    await assert.rejects(codec.decode([swapped]), /failed authentication with key "k2"/);
    const truncated = { ...enc, data: new Uint8Array(data.subarray(0, 10)) };
    await assert.rejects(codec.decode([truncated]), /too short/);
  });

  it('keys come from references, newest first; bad specs and keys are named without their values', async () => {
    const env = {
      K_NEW: k2.toString('base64'),
      K_OLD: k1.toString('base64'),
      K_SHORT: randomBytes(16).toString('base64'),
    };
    const ring = await loadKeyRing(parseKeySpec('new=env:K_NEW, old=env:K_OLD'), env);
    assert.equal(ring.current.id, 'new');
    assert.deepEqual([...ring.byId.keys()], ['new', 'old']);
    assert.throws(
      () => parseKeySpec(`inline=${k1.toString('base64')}`),
      /entry 1 \(6 characters before "="\) must be a secret reference/
    );
    assert.throws(() => parseKeySpec('a=env:X,a=env:Y'), /listed twice/);
    assert.throws(() => parseKeySpec('=env:X'), CodecKeyError);
    await assert.rejects(
      loadKeyRing(parseKeySpec('short=env:K_SHORT'), env),
      (e: unknown) =>
        e instanceof CodecKeyError &&
        /32 random bytes.*got 16 bytes/.test(e.message) &&
        !e.message.includes(env.K_SHORT)
    );
    await assert.rejects(loadKeyRing(parseKeySpec('gone=env:NOPE'), env), /no environment variable NOPE/);
    assert.throws(
      () => loadConfig({ ONRAMP_CODEC_KEYS: 'k1=AAAA' }),
      /ONRAMP_CODEC_KEYS: must list keys as id=env:NAME/
    );
  });

  it('the sandbox generates one key once (0600) and reuses it; live mode without keys is refused', async () => {
    const a = sandboxKeyRing(join(tmp, 'sandbox'));
    const b = sandboxKeyRing(join(tmp, 'sandbox'));
    assert.deepEqual(a.current.key, b.current.key);
    const file = join(tmp, 'sandbox', 'codec-key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
    const sandbox = loadConfig({ ONRAMP_MODE: 'sandbox', ONRAMP_DATA_DIR: tmp });
    assert.deepEqual((await keyRingFromConfig(sandbox)).current.key, a.current.key);
    const live = loadConfig({
      ONRAMP_MODE: 'live',
      ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.example/x',
      ONRAMP_DATA_DIR: tmp,
    });
    await assert.rejects(keyRingFromConfig(live), /ONRAMP_CODEC_KEYS: required in live mode/);
  });
});
