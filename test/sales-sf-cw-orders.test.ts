/**
 * Salesforce and ConnectWise deals → orders, end to end on a real Temporal server and over real HTTP (issue 26's
 * "Done when", as test/sales-hubspot.test.ts does for HubSpot): the vendor's documented example delivery
 * (test/helpers/sales-examples.ts, with its sources), verified as the vendor documents, POSTed to the intake's
 * `POST /v1/sales/<system>` → one deal workflow and one customerOnboarding order with the mapped fields, the
 * deal read through jsforce / connectwise-rest from the simulators holding the deal the example names; 20
 * concurrent redeliveries → still one; a deal without its admin contact → waits for the operator naming the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createEmailActivities } from '../src/activities/notify/email';
import { createSalesActivities } from '../src/activities/sales';
import type { OrderRequestV1 } from '../src/contract/customer-onboarding-messages';
import { salesDealStatusQuery } from '../src/contract/sales-deal-messages';
import type { SalesSystem } from '../src/contract/sales-messages';
import { parseSalesMapping, salesMappingV1 } from '../src/domain/sales-mapping-schema';
import { createIntakeServer } from '../src/intake/intake-server';
import { receiversFromMapping } from '../src/intake/sales/receivers';
import { customerOnboardingWorkflowId } from '../src/rules/customer-onboarding-rules';
import { salesDealWorkflowId, salesOrderId } from '../src/rules/sales-mapping-rules';
import { salesforceIdSuffix } from '../src/rules/sales-system-rules';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { orderProblems, type OrderConfig } from '../src/services/orders';
import {
  createConnectwiseSalesSimulator,
  cwCallbackSignature,
  seedConnectwiseSalesDeal,
  type ConnectwiseSalesSimulator,
} from '../src/simulators/connectwise-sales/connectwise-sales-simulator';
import { createSalesforceSimulator, type SalesforceSimulator } from '../src/simulators/salesforce/salesforce-simulator';
import { decodedWorkflow, eventually, integration, type Integration } from './helpers/integration';
import {
  cwExampleCallback,
  SF_EXAMPLE_OUTBOUND_MESSAGE,
  SF_NOTIFICATION_ID,
  SF_OPPORTUNITY_ID,
  SF_ORG_ID,
} from './helpers/sales-examples';
import { tlsFront, type TlsFront } from './helpers/tls-front';

const SF_TOKEN = 'sf-endpoint-token-0123456789abcdef';
const SF_ACCOUNT_ID = '0015e00000ZkM3hAAF';
const ADMIN_ROLE = 'Technical admin';
/**
 * The receivers' clock, a few minutes after the examples' own timestamps (Salesforce LastModifiedDate and
 * ConnectWise _info.lastUpdated, both 2026-12-05T10:00:00Z), so the unchanged examples are fresh on any day.
 */
const RECEIVED_AT = new Date('2026-12-05T10:05:00Z');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function mappingText(
  sf: { loginUrl: string; clientId: string },
  cw: { site: string; caFile: string; callbackUrl: string }
) {
  return `
won:
  salesforce: [Closed Won]
  connectwise: [Won]
products:
  - sku: GWS-BUSINESS
    integrations: [googleDelegation]
order:
  customer.id: { company: name, transform: slug }
  customer.name: { company: name }
integrations:
  googleDelegation:
    customer.domain: { company: domain }
    adminEmail: { contact: { role: ${ADMIN_ROLE}, field: email } }
    vendor: { constant: { name: Atera, supportEmail: support@atera.example } }
    serviceAccount: { constant: { clientId: '123456789012345678901', email: sa@p.iam.gserviceaccount.com, keyRef: 'env:KEY' } }
systems:
  salesforce:
    organizationId: '${SF_ORG_ID}'
    loginUrl: ${sf.loginUrl}
    clientId: ${sf.clientId}
    clientSecretRef: env:ONRAMP_TEST_SF_SECRET
    outboundPathTokenRef: env:ONRAMP_TEST_SF_TOKEN
  connectwise:
    site: '${cw.site}'
    companyId: msptest
    publicKey: SimPublicKey0001
    privateKeyRef: env:ONRAMP_TEST_CW_PRIVATE_KEY
    clientId: 3f2504e0-4f89-11d3-9a0c-0305e82c3301
    callbackUrl: ${cw.callbackUrl}
    caFile: ${cw.caFile}
`;
}

/** Until `check` passes (its assertions), at most a minute. */
const until = <T>(check: () => Promise<T>, what = 'the expected state'): Promise<T> =>
  eventually(async () => ({ v: await check() }), what).then((r) => r.v);

describe('Salesforce and ConnectWise deals become orders (documented examples, redeliveries, missing admin)', () => {
  let world: Integration;
  let sf: SalesforceSimulator;
  let cw: ConnectwiseSalesSimulator;
  let front: TlsFront;
  let dir: string;
  let intakeBase: string;
  let cwUrl: string;
  let closeIntake: (() => Promise<unknown>) | undefined;

  const orderInput = async (orderId: string) => {
    const decoded = await decodedWorkflow(world.env.client, customerOnboardingWorkflowId(orderId));
    return decoded.values.find(
      (v): v is { orderId: string } => !!v && typeof v === 'object' && (v as { orderId?: unknown }).orderId === orderId
    ) as OrderRequestV1 | undefined;
  };
  const dealStatus = (system: SalesSystem, account: string, dealId: string) =>
    world.env.client.workflow.getHandle(salesDealWorkflowId(system, account, dealId)).query(salesDealStatusQuery);
  const runsOf = async (workflowId: string) => {
    const runs = [];
    for await (const w of world.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(w);
    return runs;
  };
  const noWorkflow = async (workflowId: string) => {
    await assert.rejects(world.env.client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
  };
  /** A Salesforce outbound message POSTed as Salesforce posts it, to the endpoint URL with the token. */
  const postSalesforce = async (xml: string) => {
    const res = await fetch(`${intakeBase}/v1/sales/salesforce?token=${SF_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: xml,
    });
    return { status: res.status, body: await res.text() };
  };
  /** A ConnectWise callback signed with the key its key URL serves. */
  const postConnectwise = async (body: string) => {
    const res = await fetch(`${intakeBase}/v1/sales/connectwise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-content-signature': cwCallbackSignature(cw.signingKey, body) },
      body,
    });
    return { status: res.status, body: await res.text() };
  };
  const keyUrl = () => `https://${front.host}/${cw.codebase}/system/callbackkey/index.rails?id=1`;
  /** The won order of a deal, once started; asserts exactly one deal workflow and one order. */
  const oneOrder = async (system: SalesSystem, account: string, dealId: string) => {
    const orderId = salesOrderId(system, account, dealId);
    const order = await until(async () => {
      const o = await orderInput(orderId).catch(() => undefined);
      assert.ok(
        o,
        `the order ${orderId} started (deal: ${JSON.stringify(await dealStatus(system, account, dealId).catch(String))})`
      );
      return o;
    });
    assert.equal((await runsOf(salesDealWorkflowId(system, account, dealId))).length, 1, 'one deal workflow');
    assert.equal((await runsOf(customerOnboardingWorkflowId(orderId))).length, 1, 'one order');
    return order;
  };

  before(async () => {
    process.env.ONRAMP_TEST_SF_TOKEN = SF_TOKEN;
    world = await integration();
    dir = mkdtempSync(join(tmpdir(), 'sales-sf-cw-orders-'));
    sf = createSalesforceSimulator({ orgId: SF_ORG_ID });
    await sf.listen();
    process.env.ONRAMP_TEST_SF_SECRET = sf.clientSecret;
    cw = createConnectwiseSalesSimulator({ retryDelaysMs: [] });
    cwUrl = await cw.listen();
    front = await tlsFront(cwUrl);
    cw.publicHost = front.host;
    process.env.ONRAMP_TEST_CW_PRIVATE_KEY = cw.privateKey;
    const caFile = join(dir, 'cw-ca.pem');
    writeFileSync(caFile, front.ca);
    const port = await freePort();
    intakeBase = `http://127.0.0.1:${port}`;
    const mapping = parseSalesMapping(
      mappingText(
        { loginUrl: sf.baseUrl, clientId: sf.clientId },
        { site: front.host, caFile, callbackUrl: `${intakeBase}/v1/sales/connectwise` }
      ),
      'test mapping'
    );
    const w = await world.worker(
      {
        ...createSalesActivities({
          mapping,
          client: async () => world.env.client,
          validateOrder: (request) => orderProblems(request, { temporal: { taskQueue: 'x' } } as OrderConfig),
        }),
        ...createEmailActivities({ from: 'Onramp <onramp@onramp.invalid>' }),
      },
      'sales'
    );
    const app = createIntakeServer({
      client: world.env.client,
      config: { temporal: { address: world.env.address, namespace: 'default', taskQueue: w.taskQueue } },
      auth: { bearerTokens: ['intake-token'], hmacSecrets: [] },
      sales: {
        mapping: salesMappingV1(mapping),
        receivers: await receiversFromMapping(mapping, (r) => resolveSecretRef(r)),
        now: () => RECEIVED_AT,
      },
    });
    await app.listen({ port, host: '127.0.0.1' });
    closeIntake = () => app.close();
  });
  after(async () => {
    await closeIntake?.();
    await sf?.close();
    await front?.close();
    await cw?.close();
    await world?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('Salesforce', () => {
    before(() => {
      // The deal the documented example names: its Opportunity and Account IDs, won, with its contact roles and
      // products, in the simulated org (the simulator's create function keeps given IDs).
      const account = sf.addRecord('Account', {
        Id: SF_ACCOUNT_ID,
        Name: 'Acme Corporation',
        Website: 'https://www.acme.example',
      });
      const ada = sf.addRecord('Contact', {
        FirstName: 'Ada',
        LastName: 'Admin',
        Email: 'ada@acme.example',
        AccountId: account,
      });
      const bill = sf.addRecord('Contact', {
        FirstName: 'Bill',
        LastName: 'Payer',
        Email: 'bill@acme.example',
        AccountId: account,
      });
      const opp = sf.addRecord('Opportunity', {
        Id: SF_OPPORTUNITY_ID,
        Name: 'Acme Corporation - Managed Workspace',
        StageName: 'Closed Won',
        CloseDate: '2026-12-05',
        AccountId: account,
        IsClosed: true,
        IsWon: true,
      });
      sf.addRecord('OpportunityContactRole', {
        OpportunityId: opp,
        ContactId: bill,
        Role: 'Economic Buyer',
        IsPrimary: true,
      });
      sf.addRecord('OpportunityContactRole', {
        OpportunityId: opp,
        ContactId: ada,
        Role: ADMIN_ROLE,
        IsPrimary: false,
      });
      const gws = sf.addRecord('Product2', { Name: 'Google Workspace Business Standard', ProductCode: 'GWS-BUSINESS' });
      sf.addRecord('OpportunityLineItem', {
        OpportunityId: opp,
        Product2Id: gws,
        Name: 'Acme - GWS',
        Quantity: 25,
        ProductCode: 'GWS-BUSINESS',
      });
    });

    it("Salesforce's documented example outbound message → one deal workflow, one order with the mapped fields", async () => {
      const res = await postSalesforce(SF_EXAMPLE_OUTBOUND_MESSAGE);
      assert.equal(res.status, 200, res.body);
      assert.match(res.body, /<Ack>true<\/Ack>/);
      const order = await oneOrder('salesforce', SF_ORG_ID, SF_OPPORTUNITY_ID);
      assert.deepEqual(order.customer, { id: 'acme-corporation', name: 'Acme Corporation' });
      assert.equal(order.integrations.googleDelegation?.customer.domain, 'acme.example');
      assert.equal(order.integrations.googleDelegation?.adminEmail, 'ada@acme.example');
      assert.deepEqual(Object.keys(order.integrations), ['googleDelegation']);
      const status = await dealStatus('salesforce', SF_ORG_ID, SF_OPPORTUNITY_ID);
      assert.equal(status.state, 'order-started');
    });

    it('20 concurrent redeliveries of that message → all acknowledged, still one deal workflow and one order', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => postSalesforce(SF_EXAMPLE_OUTBOUND_MESSAGE)));
      for (const a of answers) {
        assert.equal(a.status, 200, a.body);
        assert.match(a.body, /<Ack>true<\/Ack>/);
      }
      await oneOrder('salesforce', SF_ORG_ID, SF_OPPORTUNITY_ID);
      const status = await dealStatus('salesforce', SF_ORG_ID, SF_OPPORTUNITY_ID);
      assert.equal(status.events, 1, 'the redeliveries (same Notification Id) counted once');
    });

    it('a deal without a contact in the admin role waits for the operator naming adminEmail; no order', async () => {
      const created = await fetch(`${sf.baseUrl}/_admin/deals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Northwind - Workspace',
          account: { Name: 'Northwind Traders', Website: 'northwind.example' },
          contacts: [{ FirstName: 'Bill', LastName: 'Payer', Email: 'bill@northwind.example', Role: 'Economic Buyer' }],
          products: [{ ProductCode: 'GWS-BUSINESS', Name: 'Google Workspace Business Standard', Quantity: 5 }],
        }),
      });
      assert.equal(created.status, 200);
      const { opportunityId } = (await created.json()) as { opportunityId: string };
      assert.equal(
        (await fetch(`${sf.baseUrl}/_admin/opportunities/${opportunityId}/close-won`, { method: 'POST' })).status,
        200
      );
      const notification15 = '04l5e00000Gx7R1';
      const xml = SF_EXAMPLE_OUTBOUND_MESSAGE.replaceAll(SF_OPPORTUNITY_ID, opportunityId).replaceAll(
        SF_NOTIFICATION_ID,
        notification15 + salesforceIdSuffix(notification15)
      );
      const res = await postSalesforce(xml);
      assert.equal(res.status, 200, res.body);
      const status = await until(async () => {
        const s = await dealStatus('salesforce', SF_ORG_ID, opportunityId);
        assert.equal(s.state, 'waiting-for-operator');
        return s;
      });
      assert.deepEqual(
        status.needs.map((n) => n.field),
        ['integrations.googleDelegation.adminEmail']
      );
      assert.match(status.needs[0]!.from, /contact with role "Technical admin"/);
      await noWorkflow(customerOnboardingWorkflowId(salesOrderId('salesforce', SF_ORG_ID, opportunityId)));
    });
  });

  describe('ConnectWise', () => {
    before(async () => {
      // The deal the documented example names: opportunity 4711 of company 250 (AcmeCorp), contact 301 (Ada
      // Admin), won; Ada holds the admin role on the opportunity.
      seedConnectwiseSalesDeal(cw, 4711);
      cw.oppContacts.get(4711)!.push({
        id: 2,
        contact: { id: 301, name: 'Ada Admin' },
        company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
        role: { id: 3, name: ADMIN_ROLE },
        opportunityId: 4711,
      });
      await cw.winOpportunity(4711);
    });

    it("ConnectWise's documented example callback, signed → one deal workflow, one order with the mapped fields", async () => {
      const body = JSON.stringify(cwExampleCallback({ keyUrl: keyUrl() }));
      const res = await postConnectwise(body);
      assert.equal(res.status, 200, res.body);
      const order = await oneOrder('connectwise', cw.companyId, '4711');
      assert.deepEqual(order.customer, { id: 'acme-corporation', name: 'Acme Corporation' });
      assert.equal(order.integrations.googleDelegation?.customer.domain, 'acme.example');
      assert.equal(order.integrations.googleDelegation?.adminEmail, 'ada@acme.example');
      assert.deepEqual(Object.keys(order.integrations), ['googleDelegation']);
      assert.equal((await dealStatus('connectwise', cw.companyId, '4711')).state, 'order-started');
    });

    it('20 concurrent redeliveries → each 2xx or refused as a replay (401), still one deal workflow and one order', async () => {
      const body = JSON.stringify(cwExampleCallback({ keyUrl: keyUrl() }));
      const answers = await Promise.all(Array.from({ length: 20 }, () => postConnectwise(body)));
      for (const a of answers)
        assert.ok(
          (a.status >= 200 && a.status < 300) || (a.status === 401 && /replayed/.test(a.body)),
          `${a.status} ${a.body}`
        );
      await oneOrder('connectwise', cw.companyId, '4711');
      assert.equal((await dealStatus('connectwise', cw.companyId, '4711')).events, 1, 'one event counted');
    });

    it('a deal without a contact in the admin role waits for the operator naming adminEmail; no order', async () => {
      const id = await (async () => {
        const r = await fetch(`${cwUrl}/_admin/deals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'Northwind - Workspace',
            company: { identifier: 'Northwind', name: 'Northwind Traders', website: 'https://northwind.example' },
            contacts: [
              { firstName: 'Bill', lastName: 'Payer', email: 'bill@northwind.example', role: 'Billing Contact' },
            ],
            products: [{ identifier: 'GWS-BUSINESS', description: 'Google Workspace Business Standard', quantity: 5 }],
          }),
        });
        assert.equal(r.status, 200);
        return ((await r.json()) as { opportunityId: number }).opportunityId;
      })();
      await cw.winOpportunity(id);
      const example = cwExampleCallback({ keyUrl: keyUrl(), messageId: '0e1f6a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b' });
      const entity = { ...(JSON.parse(example.Entity) as Record<string, unknown>), id, name: 'Northwind - Workspace' };
      const res = await postConnectwise(JSON.stringify({ ...example, ID: id, Entity: JSON.stringify(entity) }));
      assert.equal(res.status, 200, res.body);
      const status = await until(async () => {
        const s = await dealStatus('connectwise', cw.companyId, String(id));
        assert.equal(s.state, 'waiting-for-operator');
        return s;
      });
      assert.deepEqual(
        status.needs.map((n) => n.field),
        ['integrations.googleDelegation.adminEmail']
      );
      assert.match(status.needs[0]!.from, /contact with role "Technical admin"/);
      await noWorkflow(customerOnboardingWorkflowId(salesOrderId('connectwise', cw.companyId, String(id))));
    });
  });
});
