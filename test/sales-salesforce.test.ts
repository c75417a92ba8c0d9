/**
 * Salesforce as a sales system, over real HTTP: the deal reader through jsforce (client credentials token, SOQL
 * queries) against the Salesforce simulator returns the SalesDealV1 with the Account, contacts with their roles and
 * e-mails, and the line items' products; the simulator's outbound message for a Closed Won Opportunity passes the
 * receiver, and is redelivered with the same notification ID until acknowledged; errors are classified (429 with
 * Retry-After retryable, refused credentials and another org non-retryable naming the fix, 5xx retryable).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../src/contract/failure-types';
import type { SalesEventV1 } from '../src/contract/sales-messages';
import { salesforceDealReader } from '../src/activities/sales/salesforce-deal-reader';
import { salesforceSystemSchema } from '../src/domain/sales-salesforce-schema';
import {
  createSalesforceSimulator,
  seedSalesforceDeal,
  type SalesforceSimulator,
} from '../src/simulators/salesforce/salesforce-simulator';
import { acknowledgement, verify } from '../src/webhooks/sales/salesforce-outbound';
import { SalesRefusal } from '../src/webhooks/sales/sales-refusal';

const TOKEN = 'sf-sim-path-token-0123456789';

describe('Salesforce sales: reader through jsforce, outbound messages until acknowledged', () => {
  let sim: SalesforceSimulator;
  let oppId: string;
  let receiver: http.Server;
  let receiverUrl: string;
  let canRecord = true;
  const received: { status: number; events?: SalesEventV1[] }[] = [];
  const secrets: Record<string, string> = {};
  const resolveSecret = async (ref: string) => secrets[ref] ?? assert.fail(`unknown ref ${ref}`);
  const settings = (over: Record<string, unknown> = {}) =>
    salesforceSystemSchema.parse({
      organizationId: sim.orgId.slice(0, 15),
      loginUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecretRef: 'env:SF_SECRET',
      outboundPathTokenRef: 'env:SF_PATH_TOKEN',
      ...over,
    });
  const reader = (over: Record<string, unknown> = {}) =>
    salesforceDealReader({ settings: settings(over), resolveSecret });
  const read = (over: Record<string, unknown> = {}, dealId = oppId) =>
    reader(over).read({ system: 'salesforce', account: sim.orgId, dealId });
  const failure = async (p: Promise<unknown>): Promise<ApplicationFailure> =>
    p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => {
        assert.ok(e instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(e)}`);
        return e;
      }
    );

  before(async () => {
    sim = createSalesforceSimulator();
    await sim.listen();
    secrets['env:SF_SECRET'] = sim.clientSecret;
    oppId = seedSalesforceDeal(sim);
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const events = verify(
            {
              method: req.method ?? '',
              url: req.url ?? '',
              headers: req.headers,
              rawBody: Buffer.concat(chunks),
              receivedAt: new Date(),
            },
            { organizationId: sim.orgId, pathToken: TOKEN }
          );
          if (!canRecord) {
            // Could not durably record the events: no Ack, so Salesforce redelivers.
            received.push({ status: 503, events });
            res.writeHead(503).end();
            return;
          }
          received.push({ status: 200, events });
          const ack = acknowledgement();
          res.writeHead(ack.status, { 'content-type': ack.contentType }).end(ack.body);
        } catch (err) {
          const status = err instanceof SalesRefusal ? err.status : 500;
          received.push({ status });
          res.writeHead(status).end();
        }
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/sales/salesforce`;
  });
  after(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
    await sim.close();
  });

  it('reads the Opportunity through jsforce: Account, contact roles with e-mails, line items with products', async () => {
    const deal = await read();
    assert.equal(deal.system, 'salesforce');
    assert.equal(deal.account, sim.orgId);
    assert.equal(deal.dealId, oppId);
    assert.equal(deal.name, 'Acme Corporation - Managed Workspace');
    assert.equal(deal.stage, 'Negotiation/Review');
    assert.equal(deal.properties.Amount, '12000');
    assert.equal(deal.company?.name, 'Acme Corporation');
    assert.equal(deal.company?.properties.Website, 'acme.example');
    assert.deepEqual(
      deal.contacts.map((c) => [c.role, c.email]),
      [
        ['Technical Buyer', 'ada@acme.example'],
        ['Economic Buyer', 'bill@acme.example'],
      ]
    );
    assert.deepEqual(
      deal.lineItems.map((i) => [i.sku, i.name, i.quantity]),
      [
        ['GWS-BUSINESS', 'Google Workspace Business Standard', 25],
        ['ONBOARD-STD', 'Standard onboarding', 1],
      ]
    );
  });

  it('Closed Won: the outbound message is redelivered with the same notification ID until acknowledged', async () => {
    sim.outboundEndpoints = [`${receiverUrl}/${TOKEN}`];
    sim.closeWon(oppId);
    canRecord = false;
    const [first] = await sim.deliverOutbound();
    assert.deepEqual([first!.status, first!.acked], [503, false]);
    assert.equal(sim.queue.length, 1);
    canRecord = true;
    const [second] = await sim.deliverOutbound();
    assert.deepEqual([second!.status, second!.acked], [200, true]);
    assert.equal(sim.queue.length, 0);
    assert.deepEqual(second!.notificationIds, first!.notificationIds);
    const [a, b] = received.slice(-2);
    assert.deepEqual(a!.events, b!.events);
    assert.deepEqual(
      b!.events!.map((e) => [e.system, e.account, e.dealId, e.stage, e.eventId]),
      [['salesforce', sim.orgId, oppId, 'Closed Won', first!.notificationIds[0]]]
    );
    assert.equal((await read()).stage, 'Closed Won');
  });

  it('an endpoint without the path token is refused (404, no Ack) and the message stays queued', async () => {
    sim.outboundEndpoints = [`${receiverUrl}/wrong-token`];
    sim.closeWon(oppId);
    const [d] = await sim.deliverOutbound();
    assert.deepEqual([d!.status, d!.acked], [404, false]);
    assert.equal(sim.queue.length, 1);
    sim.queue = [];
  });

  it('429 with Retry-After is retryable and carries the wait; 503 too', async () => {
    sim.faults.add({
      method: 'GET',
      path: /\/services\/data\/v62\.0\/query/,
      status: 429,
      times: 1,
      retryAfterSeconds: 9,
    });
    const f = await failure(read());
    assert.deepEqual([f.nonRetryable, f.type, f.nextRetryDelay], [false, FailureType.SalesforceRateLimited, 9000]);
    sim.faults.add({ method: 'GET', path: /\/services\/data\/v62\.0\/query/, status: 503, times: 1 });
    const u = await failure(read());
    assert.deepEqual([u.nonRetryable, u.type], [false, FailureType.SalesforceUnavailable]);
  });

  it('refused credentials are not retried and name the fix; neither is a token of another org nor a missing Opportunity', async () => {
    secrets['env:SF_WRONG'] = 'not-the-secret';
    const f = await failure(read({ clientSecretRef: 'env:SF_WRONG' }));
    assert.deepEqual([f.nonRetryable, f.type], [true, FailureType.SalesforceAuthRejected]);
    assert.match(f.message, /Consumer Secret behind clientSecretRef/);
    assert.doesNotMatch(f.message, /not-the-secret/);
    const other = await failure(read({ organizationId: '00D5e000000ZZ9zEAG' }));
    assert.deepEqual([other.nonRetryable, other.type], [true, FailureType.SalesforceOrgMismatch]);
    const gone = await failure(read({}, '0065e00000ZZZZZAAA'.slice(0, 15)));
    assert.deepEqual([gone.nonRetryable, gone.type], [true, FailureType.SalesforceOpportunityNotFound]);
  });

  it('an unreachable org is retryable', async () => {
    const f = await failure(read({ loginUrl: 'http://127.0.0.1:1' }));
    assert.deepEqual([f.nonRetryable, f.type], [false, FailureType.SalesforceUnreachable]);
  });
});
