/**
 * The notification receiver built WITH a secret (the fixed vectors of every signature are in
 * test/unit/signatures.test.ts): a missing, wrong or re-timed X-Onramp-Signature is refused, and the
 * product's sender is verified by it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createNotifyActivities } from '../src/activities/notify/webhook';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';

const T = 1764460800; // 2025-11-30T00:00:00Z

const NOTIFY = {
  secret: 'notify-vector-secret',
  body: '{"event":"google.delegation.verified","customerDomain":"contoso.example"}',
  header: 'sha256=441249d54e2060ac295d1e7c5ed6332ed914f25fce9e23a230e9c3a7c45bb9e5',
};

describe('notification signature: documented vector, receiver built with the secret', () => {
  let receiver: NotifyReceiver;
  let url: string;
  before(async () => {
    receiver = createNotifyReceiver({ secret: NOTIFY.secret });
    url = `${await receiver.listen()}/notify`;
  });
  after(() => receiver.close());

  const post = (headers: Record<string, string>, raw = NOTIFY.body) =>
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomBytes(6).toString('hex'), ...headers },
      body: raw,
    }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));

  it('the receiver accepts the vector and refuses a missing, wrong or re-timed signature', async () => {
    assert.equal((await post({ 'x-onramp-timestamp': String(T), 'x-onramp-signature': NOTIFY.header })).status, 202);
    assert.equal((await post({ 'x-onramp-timestamp': String(T) })).status, 401, 'missing signature');
    assert.equal(
      (await post({ 'x-onramp-timestamp': String(T), 'x-onramp-signature': `sha256=${'0'.repeat(64)}` })).status,
      401,
      'wrong signature'
    );
    assert.equal(
      (await post({ 'x-onramp-timestamp': String(T + 1), 'x-onramp-signature': NOTIFY.header })).status,
      401,
      'signature of another timestamp'
    );
  });

  it('notifyVendor signs what the receiver verifies; an unsigned or wrongly keyed sender is refused', async () => {
    const envName = `ONRAMP_SIG_TEST_${process.pid}`;
    process.env[envName] = NOTIFY.secret;
    process.env[`${envName}_WRONG`] = 'not-the-receivers-secret';
    const n = () => ({ idempotencyKey: randomBytes(6).toString('hex'), event: 'test', payload: { a: 1 } });
    const signed = createNotifyActivities({ webhookUrl: url, secretRef: `env:${envName}` });
    assert.equal((await signed.notifyVendor(n())).status, 202);
    const before = receiver.notifications.size;
    const unsigned = createNotifyActivities({ webhookUrl: url });
    await assert.rejects(unsigned.notifyVendor(n()), /HTTP 401/);
    const wrong = createNotifyActivities({ webhookUrl: url, secretRef: `env:${envName}_WRONG` });
    await assert.rejects(wrong.notifyVendor(n()), /HTTP 401/);
    assert.equal(receiver.notifications.size, before, 'nothing unsigned was accepted');
  });
});
