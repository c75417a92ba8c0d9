/**
 * The intake's Salesforce and ConnectWise receivers (SalesReceiverFactory implementations): built from their
 * settings with secrets resolved by reference, they return the events of the vendors' documented examples,
 * answer Salesforce with its SOAP Ack, and turn every refusal into the intake's SalesRefusal (status, reason).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { salesforceReceiver } from '../../src/intake/sales/salesforce-receiver';
import { connectwiseReceiver } from '../../src/intake/sales/connectwise-receiver';
import { SalesRefusal } from '../../src/intake/sales/sales-receiver';
import { salesforceSystemSchema } from '../../src/domain/sales-salesforce-schema';
import { connectwiseSalesSystemSchema } from '../../src/domain/sales-connectwise-schema';
import { SF_EXAMPLE_OUTBOUND_MESSAGE, SF_ORG_ID, cwExampleCallback } from '../helpers/sales-examples';

const AT = new Date('2026-12-05T10:00:05Z');
const secrets: Record<string, string> = { 'env:SF_TOKEN': 'tok-123456789' };
const resolveSecret = async (ref: string) => secrets[ref] ?? assert.fail(ref);

describe('intake receivers for Salesforce and ConnectWise', () => {
  let server: http.Server;
  let site: string;
  before(async () => {
    server = http.createServer((_req, res) => res.end(JSON.stringify({ signing_key: 'k-1' })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    site = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('Salesforce: events of the documented message, the SOAP Ack, refusals as the intake SalesRefusal', async () => {
    const settings = salesforceSystemSchema.parse({
      organizationId: SF_ORG_ID,
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: '3MVG9abcdefghijklmnopqrstuvwxyz',
      clientSecretRef: 'env:SF_SECRET',
      outboundPathTokenRef: 'env:SF_TOKEN',
    });
    const r = await salesforceReceiver({ settings, resolveSecret, now: () => AT });
    const req = (url: string) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      rawBody: Buffer.from(SF_EXAMPLE_OUTBOUND_MESSAGE),
      receivedAt: AT,
    });
    const events = await r.receive(req('/v1/sales/salesforce?token=tok-123456789'));
    assert.equal(events[0]?.stage, 'Closed Won');
    const ack = r.acknowledge(events, req('/'));
    assert.equal(ack.status, 200);
    assert.match(ack.body, /<Ack>true<\/Ack>/);
    await assert.rejects(
      r.receive(req('/v1/sales/salesforce?token=nope')),
      (e: unknown) => e instanceof SalesRefusal && e.status === 404 && e.reason === 'unknown_endpoint'
    );
  });

  it('ConnectWise: the signed documented callback gives its event; a replay is the intake SalesRefusal 401', async () => {
    const settings = connectwiseSalesSystemSchema.parse({
      site,
      companyId: 'msptest',
      publicKey: 'AbCdEfGhIjKlMnOp',
      privateKeyRef: 'env:CW_KEY',
      clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      callbackUrl: 'https://onramp.msp.example/v1/sales/connectwise',
    });
    const r = await connectwiseReceiver({ settings, resolveSecret, now: () => AT });
    const raw = Buffer.from(
      JSON.stringify(cwExampleCallback({ keyUrl: `http://${site}/v4_6_release/system/callbackkey/index.rails?id=1` }))
    );
    const sig = createHmac('sha256', createHash('sha256').update('k-1').digest()).update(raw).digest('base64');
    const req = {
      method: 'POST',
      url: '/v1/sales/connectwise',
      headers: { 'x-content-signature': sig },
      rawBody: raw,
      receivedAt: AT,
    };
    const events = await r.receive(req);
    assert.deepEqual(
      events.map((e) => [e.dealId, e.stage]),
      [['4711', 'Won']]
    );
    await assert.rejects(
      r.receive(req),
      (e: unknown) => e instanceof SalesRefusal && e.status === 401 && e.reason === 'replayed'
    );
  });
});
