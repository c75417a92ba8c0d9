/**
 * The sandbox's Salesforce and ConnectWise sales systems end to end over real HTTP, up to the intake's receivers
 * (the deal workflow is sales-core's): the mapping blocks they give validate; the receivers built from them (their
 * secrets resolved from the given env) take the won deal's event; the readers built from them read the deal
 * (ConnectWise through its TLS front, trusted by the block's caFile).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SalesEventV1 } from '../src/contract/sales-messages';
import { connectwiseDealReaderFactory } from '../src/activities/sales/connectwise-deal-reader';
import { salesforceDealReaderFactory } from '../src/activities/sales/salesforce-deal-reader';
import { connectwiseSalesSystemSchema } from '../src/domain/sales-connectwise-schema';
import { salesforceSystemSchema } from '../src/domain/sales-salesforce-schema';
import { connectwiseReceiver } from '../src/intake/sales/connectwise-receiver';
import type { SalesReceiver } from '../src/intake/sales/sales-receiver';
import { salesforceReceiver } from '../src/intake/sales/salesforce-receiver';
import { sandboxConnectwise, sandboxSalesforce } from '../src/sandbox/sales-sf-cw-senders';

describe('sandbox sales systems: Salesforce and ConnectWise up to the intake receivers', () => {
  let intake: http.Server;
  let intakeUrl: string;
  let dir: string;
  const receivers: Record<string, SalesReceiver> = {};
  const got: SalesEventV1[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sales-sandbox-'));
    intake = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const system = (req.url ?? '').split('?')[0]!.split('/')[3] ?? '';
        const r = receivers[system];
        if (!r) return void res.writeHead(404).end();
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          rawBody: Buffer.concat(chunks),
          receivedAt: new Date(),
        };
        r.receive(request).then(
          (events) => {
            got.push(...events);
            const ack = r.acknowledge(events, request);
            res.writeHead(ack.status, { 'content-type': ack.contentType }).end(ack.body);
          },
          (err: { status?: number }) => res.writeHead(err.status ?? 500).end()
        );
      });
    });
    await new Promise<void>((r) => intake.listen(0, '127.0.0.1', r));
    intakeUrl = `http://127.0.0.1:${(intake.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => intake.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('Salesforce: Closed Won reaches the receiver, acknowledged; the reader reads the won deal', async () => {
    const sf = await sandboxSalesforce({ intakeUrl, token: 'sandbox-token-1', redeliveryMs: [] });
    try {
      const settings = salesforceSystemSchema.parse(sf.settings);
      const resolveSecret = (ref: string) => Promise.resolve(sf.env[ref.slice(4)]!);
      receivers.salesforce = await salesforceReceiver({ settings, resolveSecret, now: () => new Date() });
      const d = (await sf.win()) as { acked: boolean };
      assert.equal(d.acked, true);
      const event = got.at(-1)!;
      assert.deepEqual([event.system, event.stage], ['salesforce', 'Closed Won']);
      const deal = await salesforceDealReaderFactory({ settings, resolveSecret }).read(event);
      assert.equal(deal.stage, 'Closed Won');
      assert.equal(deal.lineItems.length, 2);
    } finally {
      await sf.close();
    }
  });

  it('ConnectWise: Onramp registers its callback, the won callback reaches the receiver; the reader reads the deal', async () => {
    const cw = await sandboxConnectwise({ intakeUrl, dir });
    try {
      const settings = connectwiseSalesSystemSchema.parse(cw.settings);
      const resolveSecret = (ref: string) => Promise.resolve(cw.env[ref.slice(4)]!);
      receivers.connectwise = await connectwiseReceiver({ settings, resolveSecret, now: () => new Date() });
      await cw.register();
      await cw.register();
      assert.equal(cw.sim.callbacks.length, 1);
      const deliveries = (await cw.win()) as { status: number }[];
      assert.deepEqual(
        deliveries.map((d) => d.status),
        [200]
      );
      const event = got.at(-1)!;
      assert.deepEqual([event.system, event.dealId, event.stage], ['connectwise', '4711', 'Won']);
      const deal = await connectwiseDealReaderFactory({ settings, resolveSecret }).read(event);
      assert.equal(deal.stage, 'Won');
      assert.equal(deal.contacts.length, 2);
    } finally {
      await cw.close();
    }
  });
});
