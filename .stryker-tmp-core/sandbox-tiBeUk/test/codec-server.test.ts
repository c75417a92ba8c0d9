// @ts-nocheck
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { request } from 'undici';
import { EncryptionCodec, keyRing } from '../src/codec';
import { createCodecServer, type CodecServer } from '../src/codec-server';

const UI = 'http://localhost:8233';
const TOKEN = `codec-token-${randomBytes(8).toString('hex')}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

describe('codec server (HTTP, as the Web UI calls it)', () => {
  const codec = new EncryptionCodec(keyRing([{ id: 'k1', key: randomBytes(32) }]));
  let server: CodecServer;
  let url: string;
  let open: CodecServer;
  let openUrl: string;
  before(async () => {
    server = createCodecServer({
      codec,
      token: TOKEN,
      allowedOrigins: [UI],
      namespaces: ['default'],
      bodyLimit: 64 * 1024,
    });
    url = await server.listen();
    open = createCodecServer({ codec, allowedOrigins: [UI], namespaces: ['default'] });
    openUrl = await open.listen();
  });
  after(async () => {
    await server.close();
    await open.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, base = url) =>
    request(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        authorization: `Bearer ${TOKEN}`,
        origin: UI,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('encodes and decodes over HTTP with base64 protobuf JSON, with CORS headers for the UI', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"customer":"acme.example"}') };
    const enc = await post('/encode', { payloads: [plain] });
    assert.equal(enc.statusCode, 200);
    assert.equal(enc.headers['access-control-allow-origin'], UI);
    assert.equal(enc.headers['access-control-allow-credentials'], 'true');
    const encoded = ((await enc.body.json()) as { payloads: JsonPayload[] }).payloads;
    assert.equal(text(encoded[0]?.metadata.encoding), 'binary/encrypted');
    assert.equal(text(encoded[0]?.metadata['encryption-key-id']), 'k1');
    assert.ok(!text(encoded[0]?.data).includes('acme.example'));

    // Ciphertext made by the worker's codec decodes too, and plaintext (never encrypted) is shown as is.
    const [fromWorker] = await codec.encode([defaultPayloadConverter.toPayload({ keyRef: 'env:SA_KEY' })]);
    const workerJson = {
      metadata: Object.fromEntries(
        Object.entries(fromWorker?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])
      ),
      data: Buffer.from(fromWorker?.data ?? []).toString('base64'),
    };
    const dec = await post('/decode', { payloads: [...encoded, workerJson, plain] });
    assert.equal(dec.statusCode, 200);
    const decoded = ((await dec.body.json()) as { payloads: JsonPayload[] }).payloads;
    assert.deepEqual(
      decoded.map((p) => text(p.data)),
      ['{"customer":"acme.example"}', '{"keyRef":"env:SA_KEY"}', '{"customer":"acme.example"}']
    );
    assert.equal(text(decoded[0]?.metadata.encoding), 'json/plain');
  });

  it('answers the CORS preflight for the UI origin with the headers the UI sends; other origins get none', async () => {
    const pre = await request(`${url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-origin'], UI);
    assert.equal(pre.headers['access-control-allow-credentials'], 'true');
    const allowed = String(pre.headers['access-control-allow-headers']).split(/,\s*/);
    for (const h of ['content-type', 'x-namespace', 'authorization']) assert.ok(allowed.includes(h), h);
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    await pre.body.dump();

    const evil = await request(`${url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(evil.statusCode, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    await evil.body.dump();
    const evilPost = await post('/decode', { payloads: [] }, { origin: 'https://evil.example' });
    assert.equal(evilPost.statusCode, 403);
    await evilPost.body.dump();
  });

  it('401 without a token or with a wrong one (same length or not), before anything is decoded', async () => {
    for (const authorization of ['', 'Bearer nope', `Bearer ${TOKEN.slice(0, -1)}x`, `Basic ${b64(`u:${TOKEN}`)}`]) {
      const res = await post('/decode', { payloads: [] }, { authorization });
      assert.equal(res.statusCode, 401, authorization);
      assert.match(String(res.headers['www-authenticate']), /Bearer/);
      await res.body.dump();
    }
  });

  it('403 for a namespace it does not serve, or none', async () => {
    const wrong = await post('/decode', { payloads: [] }, { 'x-namespace': 'other-tenant' });
    assert.equal(wrong.statusCode, 403);
    assert.equal(((await wrong.body.json()) as { error: string }).error, 'namespace_not_allowed');
    const none = await request(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"payloads":[]}',
    });
    assert.equal(none.statusCode, 403);
    await none.body.dump();
  });

  it('413 for an oversize body, 400 for a malformed one', async () => {
    const big = await post('/decode', { payloads: [{ metadata: {}, data: 'A'.repeat(100 * 1024) }] });
    assert.equal(big.statusCode, 413);
    await big.body.dump();
    const bad = await post('/decode', { payloads: [{ data: 'not base64!' }] });
    assert.equal(bad.statusCode, 400);
    await bad.body.dump();
  });

  it('without a token (sandbox) it serves loopback callers, still checking origin and namespace', async () => {
    const ok = await post('/encode', { payloads: [] }, { authorization: '' }, openUrl);
    assert.equal(ok.statusCode, 200);
    await ok.body.dump();
    const wrongNs = await post('/encode', { payloads: [] }, { authorization: '', 'x-namespace': 'x' }, openUrl);
    assert.equal(wrongNs.statusCode, 403);
    await wrongNs.body.dump();
    // A non-loopback caller is refused: simulated through fastify's inject with a remote address.
    const remote = await open.app.inject({
      method: 'POST',
      url: '/encode',
      remoteAddress: '192.0.2.10',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      payload: '{"payloads":[]}',
    });
    assert.equal(remote.statusCode, 401);
  });
});
