/**
 * The Autotask webhook receiver's decisions, driven through fastify's inject (no socket, no Temporal) on a
 * clock the test sets: signature parsing, the freshness window's exact edges and defaults, deduplication
 * (and its memory: TTL and bound), malformed bodies, a failing hand-over, the deactivation callout, the
 * stats, and what the pino log says for each (never a secret). test/autotask-receiver.test.ts covers the
 * same receiver over real HTTP.
 */
// @ts-nocheck

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import {
  SeenEvents,
  createAutotaskWebhookReceiver,
  verifyAutotaskSignature,
  type AutotaskReceiverOptions,
  type AutotaskWebhookEvent,
} from '../../src/webhooks/autotask-receiver';

const SECRET = 'receiver-unit-secret-0123456789';
const T0 = Date.parse('2026-11-30T12:00:00.000Z');
const sign = (body: string, secret = SECRET) => `sha1=${createHmac('sha1', secret).update(body).digest('base64')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** A pino logger writing JSON lines into `lines`, as the product's logger would. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info', base: undefined, timestamp: false }, stream), lines, raw };
}

function receiver(over: Partial<AutotaskReceiverOptions> = {}) {
  const clock = { now: T0 };
  const handed: AutotaskWebhookEvent[] = [];
  const log = capturedLogger();
  const r = createAutotaskWebhookReceiver({
    secretsFor: (tenant) => (tenant === 'acme' ? [SECRET] : []),
    onEvent: (e) => void handed.push(e),
    logger: log.logger,
    now: () => clock.now,
    ...over,
  });
  const post = async (
    body: string,
    signature: string | string[] | undefined = sign(body),
    path = '/webhooks/autotask/acme?webhook=onramp-Ticket'
  ) => {
    const res = await r.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hook-signature': signature } : {}) },
      payload: body,
    });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
  };
  return { r, clock, handed, log, post };
}

let id = 0;
const event = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ Action: 'Update', EntityType: 'Ticket', Id: ++id, EventTime: iso(T0), ...over });

describe('verifyAutotaskSignature', () => {
  const body = Buffer.from('{"Id":1}');
  const good = sign(body.toString());

  it('accepts sha1=<base64 HMAC-SHA1> of the raw bytes, padded or not, trimmed, under any listed secret', () => {
    assert.equal(verifyAutotaskSignature(good, body, [SECRET]), true);
    assert.equal(verifyAutotaskSignature(good.replace(/=+$/, ''), body, [SECRET]), true);
    assert.equal(verifyAutotaskSignature(`  ${good} `, body, [SECRET]), true);
    assert.equal(verifyAutotaskSignature(good, body, ['other', SECRET]), true);
    assert.equal(verifyAutotaskSignature(good, body, [SECRET, 'other']), true);
  });

  it('refuses anything else without throwing', () => {
    for (const header of [
      undefined,
      '',
      `x${good}`,
      `${good}x`,
      `${good}, ${good}`,
      good.replace('sha1=', 'sha256='),
      `sha1=${Buffer.alloc(19).toString('base64')}`,
      `sha1=${Buffer.alloc(21).toString('base64')}`,
    ]) {
      assert.equal(verifyAutotaskSignature(header, body, [SECRET]), false, String(header));
    }
    assert.equal(verifyAutotaskSignature(good, body, []), false);
    assert.equal(verifyAutotaskSignature(good, body, ['other']), false);
    assert.equal(verifyAutotaskSignature(good, Buffer.from('{"Id":2}'), [SECRET]), false);
  });
});

describe('SeenEvents', () => {
  it('remembers a key for ttl milliseconds inclusive, then accepts it again', () => {
    const s = new SeenEvents(1000, 10);
    assert.equal(s.add('a', 0), true);
    assert.equal(s.add('a', 1000), false);
    assert.equal(s.add('a', 1001), true);
    assert.equal(s.add('a', 1500), false, 'remembered again from its second sighting');
  });

  it('keeps at most `max` keys, forgetting the oldest first, and drops expired ones as it goes', () => {
    const s = new SeenEvents(1000, 2);
    s.add('a', 0);
    s.add('b', 1);
    s.add('c', 2);
    assert.equal(s.size, 2);
    assert.equal(s.add('b', 3), false);
    assert.equal(s.add('c', 3), false);
    assert.equal(s.add('a', 3), true, 'a was forgotten');
    const t = new SeenEvents(1000, 10);
    t.add('old', 0);
    t.add('new', 600);
    t.add('newer', 1200);
    assert.equal(t.size, 2, 'old (1200 ms ago) dropped on the next add');
    // An entry exactly ttl old is still remembered when another key is added at that moment.
    const u = new SeenEvents(1000, 10);
    u.add('a', 0);
    u.add('b', 1000);
    assert.equal(u.add('a', 1000), false);
    t.forget('new');
    assert.equal(t.size, 1);
    assert.equal(t.add('new', 1300), true);
  });
});

describe('Autotask receiver decisions', () => {
  it('hands on every field of a complete event and logs the acceptance (no secret)', async () => {
    const { post, handed, log, r } = receiver();
    const body = JSON.stringify({
      Action: 'Update',
      Guid: 'g-7',
      EntityType: 'Ticket',
      Id: 42,
      Fields: { status: 5 },
      EventTime: iso(T0),
      SequenceNumber: 9,
      PersonID: 30,
    });
    assert.deepEqual(await post(body), { status: 200, body: { accepted: true } });
    assert.deepEqual(handed, [
      {
        tenant: 'acme',
        webhook: 'onramp-Ticket',
        action: 'Update',
        entityType: 'Ticket',
        id: 42,
        guid: 'g-7',
        eventTime: iso(T0),
        sequenceNumber: 9,
        personId: 30,
        fields: { status: 5 },
      },
    ]);
    assert.deepEqual(r.stats, { accepted: 1, badSignature: 0, stale: 0, duplicate: 0, invalid: 0 });
    assert.deepEqual(log.lines, [
      {
        level: 30,
        tenant: 'acme',
        webhook: 'onramp-Ticket',
        entityType: 'Ticket',
        id: 42,
        action: 'Update',
        msg: 'Autotask event accepted',
      },
    ]);
    assert.ok(!log.raw.join('').includes(SECRET));
  });

  it('fills what a minimal or oddly typed event lacks with neutral values', async () => {
    const { post, handed } = receiver();
    await post(JSON.stringify({ Action: 'Create', Id: 1, EventTime: iso(T0) }));
    await post(
      JSON.stringify({
        Action: 'Create',
        Id: 2,
        EventTime: iso(T0),
        EntityType: 7,
        Guid: 8,
        SequenceNumber: '9',
        PersonID: '10',
        Fields: null,
      })
    );
    for (const [i, e] of handed.entries()) {
      assert.deepEqual(e, {
        tenant: 'acme',
        webhook: 'onramp-Ticket',
        action: 'Create',
        entityType: '',
        id: i + 1,
        guid: '',
        eventTime: iso(T0),
        sequenceNumber: undefined,
        personId: undefined,
        fields: {},
      });
    }
    assert.equal(handed.length, 2);
  });

  it('a bad signature is a 401, counted and logged with tenant and webhook only', async () => {
    const { post, handed, log, r } = receiver();
    const body = event();
    assert.deepEqual(await post(body, sign(body, 'wrong')), { status: 401, body: { error: 'invalid signature' } });
    assert.deepEqual(await post(body, ''), { status: 401, body: { error: 'invalid signature' } });
    assert.equal((await post(body, sign(body), '/webhooks/autotask/nobody')).status, 401, 'unknown tenant: no secrets');
    assert.equal(handed.length, 0);
    assert.deepEqual(r.stats, { accepted: 0, badSignature: 3, stale: 0, duplicate: 0, invalid: 0 });
    assert.deepEqual(log.lines[0], {
      level: 40,
      tenant: 'acme',
      webhook: 'onramp-Ticket',
      msg: 'Autotask callout with a missing or invalid signature refused',
    });
    assert.deepEqual(log.lines[2], {
      level: 40,
      tenant: 'nobody',
      msg: 'Autotask callout with a missing or invalid signature refused',
    });
    assert.ok(!log.raw.join('').includes(SECRET));
  });

  it('a repeated signature header is refused (Node joins the values), whichever comes first', async () => {
    const { post } = receiver();
    const a = event();
    assert.equal((await post(a, [sign(a), sign(a, 'wrong')])).status, 401);
    assert.equal((await post(a, [sign(a, 'wrong'), sign(a)])).status, 401);
    assert.equal((await post(a, [sign(a), sign(a)])).status, 401);
  });

  it('a signed body that is not JSON, or lacks EventTime, Id or Action, is a 400', async () => {
    const { post, handed, r, log } = receiver();
    assert.deepEqual(await post('not json'), { status: 400, body: { error: 'body is not JSON' } });
    const required = { status: 400, body: { error: 'EventTime, Id and Action are required' } };
    const ok = { Action: 'Update', Id: 1, EventTime: iso(T0) };
    for (const bad of [
      { ...ok, EventTime: undefined },
      { ...ok, EventTime: 'yesterday' },
      { ...ok, EventTime: T0 },
      { ...ok, EventTime: [iso(T0)] }, // Date.parse would read it, but it is not a string
      { ...ok, EventTime: 2026 },
      { ...ok, Id: undefined },
      { ...ok, Id: '1' },
      { ...ok, Action: undefined },
      { ...ok, Action: 1 },
    ]) {
      assert.deepEqual(await post(JSON.stringify(bad)), required, JSON.stringify(bad));
    }
    assert.equal(handed.length, 0);
    assert.deepEqual(r.stats, { accepted: 0, badSignature: 0, stale: 0, duplicate: 0, invalid: 10 });
    assert.deepEqual(log.lines, []);
  });

  it('accepts EventTime from maxEventAge ago to maxFutureSkew ahead, edges included; drops and logs the rest', async () => {
    const { post, handed, r, log } = receiver({ maxEventAgeMs: 5000, maxFutureSkewMs: 1000 });
    for (const at of [T0 - 5000, T0 + 1000]) {
      assert.deepEqual((await post(event({ EventTime: iso(at) }))).body, { accepted: true }, iso(at));
    }
    for (const at of [T0 - 5001, T0 + 1001]) {
      assert.deepEqual(await post(event({ EventTime: iso(at) })), {
        status: 200,
        body: { accepted: false, reason: 'stale' },
      });
    }
    assert.equal(handed.length, 2);
    assert.equal(r.stats.stale, 2);
    assert.deepEqual(
      log.lines.filter((l) => l.level === 40),
      [iso(T0 - 5001), iso(T0 + 1001)].map((eventTime) => ({
        level: 40,
        tenant: 'acme',
        webhook: 'onramp-Ticket',
        eventTime,
        msg: 'stale Autotask event dropped (replay or long delay)',
      }))
    );
  });

  it('defaults: 10 minutes of age, 60 s of skew, 64 KiB of body', async () => {
    const { post } = receiver();
    assert.equal((await post(event({ EventTime: iso(T0 - 600_000) }))).body.accepted, true);
    assert.equal((await post(event({ EventTime: iso(T0 - 600_001) }))).body.reason, 'stale');
    assert.equal((await post(event({ EventTime: iso(T0 + 60_000) }))).body.accepted, true);
    assert.equal((await post(event({ EventTime: iso(T0 + 60_001) }))).body.reason, 'stale');
    const big = (n: number) => {
      const shell = event({ Fields: { d: '' } });
      return shell.replace('"d":""', `"d":"${'x'.repeat(n - shell.length)}"`);
    };
    assert.equal(big(64 * 1024).length, 64 * 1024);
    assert.equal((await post(big(64 * 1024))).body.accepted, true);
    assert.equal((await post(big(64 * 1024 + 1))).status, 413);
  });

  it('a redelivery is a duplicate for as long as the event could still be fresh, and not after', async () => {
    const { post, clock, handed, r } = receiver({ maxEventAgeMs: 5000, maxFutureSkewMs: 1000 });
    // Sent 1 s ahead of the receiver's clock (the skew allowed), so it stays fresh for 6 s.
    const body = event({ EventTime: iso(T0 + 1000) });
    assert.equal((await post(body)).body.accepted, true);
    clock.now = T0 + 6000;
    assert.deepEqual(await post(body), { status: 200, body: { accepted: false, reason: 'duplicate' } });
    clock.now = T0 + 6001;
    assert.equal((await post(body)).body.reason, 'stale');
    assert.equal(handed.length, 1);
    assert.deepEqual(r.stats, { accepted: 1, badSignature: 0, stale: 1, duplicate: 1, invalid: 0 });
  });

  it('remembers up to maxRememberedEvents (100,000 unless told)', async () => {
    const { post, handed } = receiver({ maxRememberedEvents: 1 });
    const a = event();
    const b = event();
    await post(a);
    await post(b);
    assert.equal((await post(b)).body.reason, 'duplicate');
    assert.equal((await post(a)).body.accepted, true, 'a was forgotten');
    assert.equal(handed.length, 3);
    const dflt = receiver();
    const bodies = [event(), event(), event()];
    for (const x of bodies) await dflt.post(x);
    for (const x of bodies) assert.equal((await dflt.post(x)).body.reason, 'duplicate');
  });

  it('a failing hand-over is a 503 that lets the redelivery through, logged with the error', async () => {
    let fail = true;
    const handed: AutotaskWebhookEvent[] = [];
    const { post, r, log } = receiver({
      onEvent: (e) => {
        if (fail) throw new Error('queue down');
        handed.push(e);
      },
    });
    const body = event();
    assert.deepEqual(await post(body), { status: 503, body: { error: 'try again' } });
    assert.deepEqual(log.lines, [
      {
        level: 40,
        tenant: 'acme',
        webhook: 'onramp-Ticket',
        err: 'queue down',
        msg: 'Autotask event could not be handed on; asking for redelivery',
      },
    ]);
    assert.equal(r.stats.accepted, 0);
    fail = false;
    assert.equal((await post(body)).body.accepted, true);
    assert.equal(handed.length, 1);
    assert.equal(r.stats.accepted, 1);
  });

  it('the deactivation callout is logged and reported, with or without a JSON body or a handler', async () => {
    const seen: unknown[] = [];
    const { r, log } = receiver({ onDeactivation: (d) => void seen.push(d) });
    const call = (app: typeof r.app, payload: string) =>
      app.inject({
        method: 'POST',
        url: '/webhooks/autotask/acme/deactivated?webhook=onramp-Ticket',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const res = await call(r.app, '{"Id":3,"Active":false}');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { ok: true });
    await call(r.app, 'not json');
    assert.deepEqual(seen, [
      { tenant: 'acme', webhook: 'onramp-Ticket', body: { Id: 3, Active: false } },
      { tenant: 'acme', webhook: 'onramp-Ticket', body: undefined },
    ]);
    assert.deepEqual(log.lines[0], {
      level: 40,
      tenant: 'acme',
      webhook: 'onramp-Ticket',
      msg: 'Autotask deactivated a webhook (deleted, or its API user was deactivated)',
    });
    const bare = receiver();
    const plain = await call(bare.r.app, '{}');
    assert.equal(plain.statusCode, 200);
    assert.deepEqual(plain.json(), { ok: true });
  });
});
