/**
 * The ConnectWise callback receiver: the documented Opportunity callback (test/helpers/sales-examples.ts, with
 * its sources) signed as ConnectWise signs (base64 HMAC-SHA256 keyed by SHA-256 of the signing key served at
 * Metadata.key_url) gives the expected SalesEventV1; forged, foreign-key-URL, other-company, stale and replayed
 * callbacks are refused with a 4xx naming the problem. The key endpoint is a real loopback HTTP server, so the
 * tests see which key URLs are fetched, and how often.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CallbackKeyUnavailable,
  callbackKeyFetcher,
  trustedKeyUrl,
  verify,
  type ConnectwiseCallbackConfig,
} from '../../src/webhooks/sales/connectwise-callback';
import { SalesRefusal, replayMemory } from '../../src/webhooks/sales/sales-refusal';
import { cwExampleCallback } from '../helpers/sales-examples';

const AT = new Date('2026-12-05T10:00:05Z');
/** ConnectWise's signature, computed here as documented (not with the product's function). */
const cwSign = (key: string, raw: Buffer | string) =>
  createHmac('sha256', createHash('sha256').update(key).digest()).update(raw).digest('base64');

describe('ConnectWise callback receiver', () => {
  let server: http.Server;
  let site: string;
  let signingKey = 'cw-signing-key-one';
  const fetched: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      fetched.push(req.url ?? '');
      if (req.url?.startsWith('/v4_6_release/system/callbackkey/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ signing_key: signingKey }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    site = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const keyUrl = () => `http://${site}/v4_6_release/system/callbackkey/index.rails?id=k1`;
  const configWith = (over: Partial<ConnectwiseCallbackConfig> = {}): ConnectwiseCallbackConfig => ({
    companyId: 'msptest',
    site,
    keys: callbackKeyFetcher(),
    ...over,
  });
  const deliver = (body: unknown, signature?: string, at = AT) => {
    const raw = Buffer.from(JSON.stringify(body));
    return {
      method: 'POST',
      url: '/v1/sales/connectwise',
      headers: {
        'content-type': 'application/json',
        ...(signature !== null ? { 'x-content-signature': signature ?? cwSign(signingKey, raw) } : {}),
      },
      rawBody: raw,
      receivedAt: at,
    };
  };
  const refusal = async (p: Promise<unknown>): Promise<SalesRefusal> =>
    p.then(
      () => assert.fail('expected a refusal'),
      (err: unknown) => {
        assert.ok(err instanceof SalesRefusal, `expected a SalesRefusal, got ${String(err)}`);
        return err;
      }
    );

  it('the documented Opportunity callback, signed as ConnectWise signs, gives one event (status name as stage)', async () => {
    const events = await verify(deliver(cwExampleCallback({ keyUrl: keyUrl() })), configWith());
    assert.deepEqual(events, [
      {
        system: 'connectwise',
        account: 'msptest',
        dealId: '4711',
        eventId: '6b5a8c1e-2f2d-4a7e-9d61-2b3f0c9a1e77',
        occurredAt: '2026-12-05T10:00:00.000Z',
        stage: 'Won',
      },
    ]);
  });

  it('forged: a wrong or missing signature is refused 401; an altered body too', async () => {
    const body = cwExampleCallback({ keyUrl: keyUrl() });
    assert.equal((await refusal(verify(deliver(body, 'AAAA'), configWith()))).status, 401);
    assert.equal(
      (await refusal(verify(deliver(body, cwSign('another-key', JSON.stringify(body))), configWith()))).status,
      401
    );
    const missing = await refusal(verify({ ...deliver(body), headers: {} }, configWith()));
    assert.match(missing.message, /x-content-signature header missing/);
    const signed = deliver(body);
    const altered = { ...signed, rawBody: Buffer.from(signed.rawBody.toString().replace('4711', '4712')) };
    assert.match((await refusal(verify(altered, configWith()))).message, /does not match the body/);
  });

  it('a key URL off the configured site is never fetched (401)', async () => {
    const before = fetched.length;
    for (const url of [
      'https://evil.example/v4_6_release/system/callbackkey/index.rails?id=k1',
      `http://user:pw@${site}/v4_6_release/system/callbackkey/index.rails`,
      'http://169.254.169.254/latest/meta-data',
      42,
    ]) {
      const r = await refusal(verify(deliver(cwExampleCallback({ keyUrl: url as string })), configWith()));
      assert.equal(r.status, 401);
      assert.match(r.message, /not on the configured site/);
    }
    assert.equal(fetched.length, before);
    assert.equal(
      trustedKeyUrl(
        'https://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=1',
        'na.myconnectwise.net'
      )?.host,
      'api-na.myconnectwise.net'
    );
    assert.equal(trustedKeyUrl('http://api-na.myconnectwise.net/x', 'na.myconnectwise.net'), undefined);
  });

  it('another company: 403 naming it, after the signature was checked', async () => {
    const r = await refusal(
      verify(deliver(cwExampleCallback({ keyUrl: keyUrl(), companyId: 'othermsp' })), configWith())
    );
    assert.deepEqual([r.status, r.reason], [403, 'wrong_account']);
    assert.match(r.message, /CompanyId "othermsp" is not the configured company/);
  });

  it('stale: a callback about a save long ago is refused 401', async () => {
    const r = await refusal(
      verify(deliver(cwExampleCallback({ keyUrl: keyUrl(), lastUpdated: '2026-12-04T09:00:00Z' })), configWith())
    );
    assert.deepEqual([r.status, r.reason], [401, 'stale']);
    assert.match(r.message, /stale/);
  });

  it('replayed: the same MessageId again is refused 401; forget() lets a retry through when recording failed', async () => {
    const replay = replayMemory();
    const config = configWith({ replay });
    const body = cwExampleCallback({ keyUrl: keyUrl(), messageId: 'm-replay-1' });
    assert.equal((await verify(deliver(body), config)).length, 1);
    const r = await refusal(verify(deliver(body), config));
    assert.deepEqual([r.status, r.reason], [401, 'replayed']);
    replay.forget('m-replay-1');
    assert.equal((await verify(deliver(body), config)).length, 1);
  });

  it('a callback of another type is refused, naming the registration to fix', async () => {
    const body = { ...cwExampleCallback({ keyUrl: keyUrl() }), Type: 'ticket' };
    assert.match(
      (await refusal(verify(deliver(body), configWith()))).message,
      /register the callback with type Opportunity/
    );
  });

  it('keys are cached per URL and refetched once when ConnectWise rotated the key', async () => {
    const config = configWith();
    const count = () => fetched.filter((u) => u.includes('id=k1')).length;
    const start = count();
    await verify(deliver(cwExampleCallback({ keyUrl: keyUrl(), messageId: 'c1' })), config);
    await verify(deliver(cwExampleCallback({ keyUrl: keyUrl(), messageId: 'c2' })), config);
    assert.equal(count() - start, 1);
    signingKey = 'cw-signing-key-two';
    await verify(deliver(cwExampleCallback({ keyUrl: keyUrl(), messageId: 'c3' })), config);
    assert.equal(count() - start, 2);
    signingKey = 'cw-signing-key-one';
  });

  it('an unreachable key endpoint is not the sender fault: CallbackKeyUnavailable (the route answers 429)', async () => {
    const down = `127.0.0.1:1`;
    await assert.rejects(
      verify(
        deliver(cwExampleCallback({ keyUrl: `http://${down}/v4_6_release/system/callbackkey/x` })),
        configWith({ site: down })
      ),
      CallbackKeyUnavailable
    );
  });
});
