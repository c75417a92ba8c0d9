/**
 * ConnectWise Manage as a sales system, over real HTTP: the deal reader through connectwise-rest (the official
 * client's typed calls, behind a loopback TLS front) against the sales simulator returns the SalesDealV1 with the
 * company, contacts with their roles and e-mails, and the forecast's products; callback registration is idempotent;
 * a won opportunity's signed callback, sent by the simulator, passes the receiver (key fetched from the site over
 * TLS) and names the deal; errors are classified (429 with Retry-After retryable, 401 non-retryable naming the fix,
 * a missing opportunity non-retryable).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../src/contract/failure-types';
import type { SalesEventV1 } from '../src/contract/sales-messages';
import { connectwiseDealReader } from '../src/activities/sales/connectwise-deal-reader';
import { ensureOpportunityCallback } from '../src/activities/sales/connectwise-callbacks';
import { connectwiseSalesSystemSchema } from '../src/domain/sales-connectwise-schema';
import {
  createConnectwiseSalesSimulator,
  seedConnectwiseSalesDeal,
  type ConnectwiseSalesSimulator,
} from '../src/simulators/connectwise-sales/connectwise-sales-simulator';
import { callbackKeyFetcher, verify } from '../src/webhooks/sales/connectwise-callback';
import { SalesRefusal } from '../src/webhooks/sales/sales-refusal';
import { tlsFront, type TlsFront } from './helpers/tls-front';

describe('ConnectWise sales: reader, callback registration and signed callbacks', () => {
  let sim: ConnectwiseSalesSimulator;
  let front: TlsFront;
  let receiver: http.Server;
  let callbackUrl: string;
  const received: { status: number; events?: SalesEventV1[]; refusal?: string }[] = [];
  const secrets: Record<string, string> = {};
  const resolveSecret = async (ref: string) => secrets[ref] ?? assert.fail(`unknown ref ${ref}`);

  const settings = (over: Record<string, unknown> = {}) =>
    connectwiseSalesSystemSchema.parse({
      site: front.host,
      companyId: sim.companyId,
      publicKey: sim.publicKey,
      privateKeyRef: 'env:CW_SALES_PRIVATE',
      clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      callbackUrl,
      ...over,
    });
  const reader = (over: Record<string, unknown> = {}) =>
    connectwiseDealReader({ settings: settings(over), resolveSecret }, { ca: front.ca, timeoutMs: 10_000 });
  const failure = async (p: Promise<unknown>): Promise<ApplicationFailure> =>
    p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => {
        assert.ok(e instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(e)}`);
        return e;
      }
    );

  before(async () => {
    sim = createConnectwiseSalesSimulator({ retryDelaysMs: [20, 40] });
    const url = await sim.listen();
    front = await tlsFront(url);
    sim.publicHost = front.host;
    secrets['env:CW_SALES_PRIVATE'] = sim.privateKey;
    seedConnectwiseSalesDeal(sim);
    const keys = callbackKeyFetcher({ ca: front.ca });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        verify(
          {
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            rawBody: Buffer.concat(chunks),
            receivedAt: new Date(),
          },
          { companyId: sim.companyId, site: front.host, keys }
        ).then(
          (events) => {
            received.push({ status: 200, events });
            res.writeHead(200).end();
          },
          (err: unknown) => {
            const status = err instanceof SalesRefusal ? err.status : 429;
            received.push({ status, refusal: (err as Error).message });
            res.writeHead(status).end();
          }
        );
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/sales/connectwise`;
  });
  after(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
    await front.close();
    await sim.close();
  });

  it('reads the opportunity through connectwise-rest: company, contacts with roles and e-mails, products', async () => {
    const deal = await reader().read({ system: 'connectwise', account: sim.companyId, dealId: '4711' });
    assert.equal(deal.system, 'connectwise');
    assert.equal(deal.account, sim.companyId);
    assert.equal(deal.dealId, '4711');
    assert.equal(deal.name, 'Acme Corporation - Managed Workspace');
    assert.equal(deal.stage, 'Open');
    assert.equal(deal.properties['stage.name'], '4.Negotiation');
    assert.equal(deal.company?.id, '250');
    assert.equal(deal.company?.name, 'Acme Corporation');
    assert.equal(deal.company?.properties.website, 'https://acme.example');
    assert.deepEqual(
      deal.contacts.map((c) => [c.id, c.role, c.email]),
      [
        ['302', 'Billing Contact', 'bill@acme.example'],
        ['301', 'Primary', 'ada@acme.example'],
      ]
    );
    assert.deepEqual(deal.lineItems, [
      { id: '11', sku: 'GWS-BUSINESS', name: 'Google Workspace Business Standard', quantity: 25 },
      { id: '12', sku: 'ONBOARD-STD', name: 'Standard onboarding', quantity: 1 },
    ]);
  });

  it('registers the Opportunity callback once: a second run finds it (look up before create)', async () => {
    const first = await ensureOpportunityCallback(settings(), resolveSecret, { ca: front.ca });
    const again = await ensureOpportunityCallback(settings(), resolveSecret, { ca: front.ca });
    assert.equal(first.created, true);
    assert.deepEqual(again, { id: first.id, created: false, inactive: false });
    assert.equal(sim.callbacks.length, 1);
    assert.deepEqual(
      [sim.callbacks[0]!.type, sim.callbacks[0]!.level, sim.callbacks[0]!.url],
      ['Opportunity', 'Owner', callbackUrl]
    );
  });

  it('a won opportunity: the simulator posts the signed callback, the receiver verifies it and names the deal', async () => {
    const deliveries = await sim.winOpportunity(4711);
    assert.deepEqual(
      deliveries.map((d) => d.status),
      [200]
    );
    const last = received.at(-1)!;
    assert.equal(last.status, 200, last.refusal);
    assert.deepEqual(
      last.events?.map((e) => [e.system, e.account, e.dealId, e.stage, e.eventId]),
      [['connectwise', sim.companyId, '4711', 'Won', deliveries[0]!.messageId]]
    );
    const deal = await reader().read({ system: 'connectwise', account: sim.companyId, dealId: '4711' });
    assert.equal(deal.stage, 'Won');
  });

  it('429 with Retry-After is retryable and carries the wait', async () => {
    sim.faults.add({
      method: 'GET',
      path: `/${sim.codebase}/apis/3.0/sales/opportunities/4711`,
      status: 429,
      times: 1,
      retryAfterSeconds: 7,
      body: { code: 'ConnectWiseAPI', message: 'Too many requests. Please try again in 7 seconds.' },
    });
    const f = await failure(reader().read({ system: 'connectwise', account: sim.companyId, dealId: '4711' }));
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, FailureType.ConnectWiseThrottled);
    assert.equal(f.nextRetryDelay, 7000);
  });

  it('401 (wrong private key) is not retried and names what to fix; a missing opportunity neither', async () => {
    secrets['env:CW_WRONG'] = 'NotTheKey0000000';
    const f = await failure(
      reader({ privateKeyRef: 'env:CW_WRONG' }).read({ system: 'connectwise', account: sim.companyId, dealId: '4711' })
    );
    assert.equal(f.nonRetryable, true);
    assert.equal(f.type, FailureType.ConnectWiseAuthRejected);
    assert.match(f.message, /API Keys/);
    assert.doesNotMatch(f.message, /NotTheKey/);
    const gone = await failure(reader().read({ system: 'connectwise', account: sim.companyId, dealId: '999' }));
    assert.equal(gone.nonRetryable, true);
    assert.equal(gone.type, FailureType.ConnectWiseOpportunityNotFound);
  });

  it('5xx and an unreachable site are retryable', async () => {
    sim.faults.add({ method: 'GET', path: `/${sim.codebase}/apis/3.0/company/companies/250`, status: 503, times: 1 });
    const f = await failure(reader().read({ system: 'connectwise', account: sim.companyId, dealId: '4711' }));
    assert.deepEqual([f.nonRetryable, f.type], [false, FailureType.ConnectWiseUnavailable]);
    const down = await failure(
      reader({ site: '127.0.0.1:1' }).read({ system: 'connectwise', account: sim.companyId, dealId: '4711' })
    );
    assert.deepEqual([down.nonRetryable, down.type], [false, FailureType.ConnectWiseUnreachable]);
  });
});
