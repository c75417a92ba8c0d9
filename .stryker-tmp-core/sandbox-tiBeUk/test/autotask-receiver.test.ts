// @ts-nocheck
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { listen } from '../src/simulators/http';
import { signAutotaskBody } from '../src/simulators/autotask/delivery';
import { createAutotaskWebhookReceiver, type AutotaskWebhookEvent } from '../src/webhooks/autotask-receiver';

describe('Autotask webhook receiver (real HTTP)', () => {
  const OLD = 'old-secret-key-0123456789';
  const NEW = 'new-secret-key-9876543210';
  const secrets = new Map<string, string[]>([['acme', [NEW]]]);
  const handed: AutotaskWebhookEvent[] = [];
  const receiver = createAutotaskWebhookReceiver({
    secretsFor: (tenant) => secrets.get(tenant) ?? [],
    onEvent: (e) => void handed.push(e),
    maxBodyBytes: 4096,
    maxEventAgeMs: 5 * 60_000,
  });
  let url = '';
  let seq = 0;
  before(async () => {
    url = `${await listen(receiver.app)}/webhooks/autotask/acme?webhook=onramp-Ticket`;
  });
  after(() => receiver.app.close());

  const event = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      Action: 'Update',
      Guid: 'g-1',
      EntityType: 'Ticket',
      Id: 100 + ++seq,
      Fields: { status: 5 },
      EventTime: new Date().toISOString(),
      SequenceNumber: seq,
      ...over,
    });
  const post = async (body: string, signature: string | undefined) => {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hook-signature': signature } : {}) },
      body,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  it('accepts a correctly signed event and hands it on once', async () => {
    const body = event();
    const before = handed.length;
    const r = await post(body, signAutotaskBody(NEW, body));
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, true);
    assert.equal(handed.length, before + 1);
    assert.equal(handed.at(-1)!.webhook, 'onramp-Ticket');
    assert.equal(handed.at(-1)!.tenant, 'acme');
  });

  it('refuses a wrong signature, a wrong-length signature and a missing one with 401 (never 500)', async () => {
    const body = event();
    const before = handed.length;
    const wrongKey = await post(body, signAutotaskBody('not-the-secret-at-all', body));
    const short = await post(body, `sha1=${Buffer.from('short').toString('base64')}`);
    const sha256 = await post(body, `sha1=${createHmac('sha256', NEW).update(body).digest('base64')}`);
    const garbage = await post(body, 'sha1=!!!not-base64');
    const missing = await post(body, undefined);
    assert.deepEqual(
      [wrongKey.status, short.status, sha256.status, garbage.status, missing.status],
      [401, 401, 401, 401, 401]
    );
    // The body was modified after signing: the signature no longer matches.
    const tampered = await post(body.replace('"status":5', '"status":6'), signAutotaskBody(NEW, body));
    assert.equal(tampered.status, 401);
    assert.equal(handed.length, before);
  });

  it('deduplicates a redelivery and a replay', async () => {
    const body = event();
    const sig = signAutotaskBody(NEW, body);
    const before = handed.length;
    const first = await post(body, sig);
    const again = await post(body, sig);
    assert.equal(first.body.accepted, true);
    assert.equal(again.status, 200, 'a 2xx, so Autotask does not count it as a failed delivery');
    assert.deepEqual(again.body, { accepted: false, reason: 'duplicate' });
    assert.equal(handed.length, before + 1);
    assert.ok(receiver.stats.duplicate >= 1);
  });

  it('drops a stale event (EventTime inside the signed body) and one from the future', async () => {
    const before = handed.length;
    const old = event({ EventTime: new Date(Date.now() - 60 * 60_000).toISOString() });
    const future = event({ EventTime: new Date(Date.now() + 60 * 60_000).toISOString() });
    const r1 = await post(old, signAutotaskBody(NEW, old));
    const r2 = await post(future, signAutotaskBody(NEW, future));
    assert.deepEqual(r1.body, { accepted: false, reason: 'stale' });
    assert.deepEqual(r2.body, { accepted: false, reason: 'stale' });
    assert.equal(handed.length, before);
  });

  it('refuses an oversized body with 413 before verifying anything', async () => {
    const body = event({ Fields: { description: 'x'.repeat(10_000) } });
    const r = await post(body, signAutotaskBody(NEW, body));
    assert.equal(r.status, 413);
  });

  it('during a rotation accepts either secret, afterwards only the new one', async () => {
    secrets.set('acme', [OLD, NEW]);
    const a = event();
    const b = event();
    assert.equal((await post(a, signAutotaskBody(OLD, a))).body.accepted, true);
    assert.equal((await post(b, signAutotaskBody(NEW, b))).body.accepted, true);
    secrets.set('acme', [NEW]);
    const c = event();
    assert.equal((await post(c, signAutotaskBody(OLD, c))).status, 401);
  });

  it('collapses the same change delivered by the old and the new webhook during the overlap', async () => {
    secrets.set('acme', [OLD, NEW]);
    const at = new Date().toISOString();
    const viaOld = event({ Guid: 'old-guid', Id: 999, EventTime: at });
    const viaNew = event({ Guid: 'new-guid', Id: 999, EventTime: at });
    const before = handed.length;
    await post(viaOld, signAutotaskBody(OLD, viaOld));
    const second = await post(viaNew, signAutotaskBody(NEW, viaNew));
    assert.equal(second.body.reason, 'duplicate');
    assert.equal(handed.length, before + 1);
  });

  it('refuses an unknown tenant like a bad signature', async () => {
    const body = event();
    const res = await request(url.replace('/acme?', '/nobody?'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hook-signature': signAutotaskBody(NEW, body) },
      body,
    });
    await res.body.dump();
    assert.equal(res.statusCode, 401);
  });
});
