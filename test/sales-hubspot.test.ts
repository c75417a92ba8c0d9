/**
 * HubSpot deals → orders, end to end on a real Temporal server and over real HTTP: the HubSpot simulator (CRM
 * reads through @hubspot/api-client, signed webhook events), the intake's receiver, the salesDeal workflow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createEmailActivities } from '../src/activities/notify/email';
import { FileSentMailStore } from '../src/activities/notify/sent-mail';
import { formatOtherStatus } from '../src/cli/format';
import { createSalesActivities } from '../src/activities/sales';
import type { OrderRequestV1 } from '../src/contract/customer-onboarding-messages';
import { OnrampStep } from '../src/contract/search-attributes';
import { salesDealStatusQuery } from '../src/contract/sales-deal-messages';
import { parseSalesMapping, salesMappingV1 } from '../src/domain/sales-mapping-schema';
import { receiversFromMapping } from '../src/intake/sales/receivers';
import { customerOnboardingWorkflowId } from '../src/rules/customer-onboarding-rules';
import { salesDealWorkflowId } from '../src/rules/sales-mapping-rules';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { orderProblems, type OrderConfig } from '../src/services/orders';
import { supplySalesFields } from '../src/services/sales-deals';
import {
  createHubspotSimulator,
  signHubspotV3,
  type HubspotSimulator,
} from '../src/simulators/hubspot/hubspot-simulator';
import { createIntakeServer } from '../src/intake/intake-server';
import type { RunningIntake } from './helpers/intake';
import { decodedWorkflow, eventually, integration, type Integration } from './helpers/integration';
import { mailCatcher, type MailCatcher } from './helpers/mailpit';

const PORTAL = '62515';
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
/** The operator's address, which this file's SMTP server (Mailpit) refuses: the deal must say so. */
const OPERATOR = 'ops@msp.example';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function mappingText(simUrl: string, webhookUrl: string): string {
  return `
won:
  hubspot: [closedwon]
products:
  - sku: ONR-GWS-DWD
    integrations: [googleDelegation]
order:
  customer.id: { company: name, transform: slug }
  customer.name: { company: name }
integrations:
  googleDelegation:
    customer.domain: { company: domain }
    adminEmail: { contact: { role: Technical admin, field: email } }
    vendor: { constant: { name: Atera, supportEmail: support@atera.example } }
    serviceAccount: { constant: { clientId: '123456789012345678901', email: sa@p.iam.gserviceaccount.com, keyRef: 'env:KEY' } }
systems:
  hubspot:
    portalId: '${PORTAL}'
    clientSecretRef: env:ONRAMP_TEST_HUBSPOT_SECRET
    accessTokenRef: env:ONRAMP_TEST_HUBSPOT_TOKEN
    webhookUrl: ${webhookUrl}
    apiBaseUrl: ${simUrl}
`;
}

/** Until `check` passes (its assertions), at most a minute. */
const until = <T>(check: () => Promise<T>, what = 'the expected state'): Promise<T> =>
  eventually(async () => ({ v: await check() }), what).then((r) => r.v);

describe('HubSpot deals become orders', () => {
  let world: Integration;
  let sim: HubspotSimulator;
  let intake: RunningIntake;
  let hookUrl: string;
  let mail: MailCatcher;
  let mailDir: string;
  const orderInput = async (orderId: string) => {
    const decoded = await decodedWorkflow(world.env.client, customerOnboardingWorkflowId(orderId));
    return decoded.values.find(
      (v): v is { orderId: string } => !!v && typeof v === 'object' && (v as { orderId?: unknown }).orderId === orderId
    ) as OrderRequestV1 | undefined;
  };
  const wonDeal = (over: { adminEmail?: string | null; name?: string } = {}) =>
    sim.createDeal({
      dealname: 'Workspace for Contoso',
      dealstage: 'contractsent',
      company: { name: over.name ?? 'Contoso School', domain: 'contoso.example' },
      contacts: [
        { email: 'buyer@contoso.example', role: 'Decision maker' },
        ...(over.adminEmail === null
          ? []
          : [{ email: over.adminEmail ?? 'admin@contoso.example', role: 'Technical admin' }]),
      ],
      lineItems: [{ sku: 'ONR-GWS-DWD', name: 'Google Workspace delegation', quantity: 1 }],
    });
  const dealStatus = (dealId: string) =>
    world.env.client.workflow.getHandle(salesDealWorkflowId('hubspot', PORTAL, dealId)).query(salesDealStatusQuery);
  /** Post a body to the receiver signed as HubSpot signs (the documented v3 recipe), or as told. */
  const post = async (body: string, sign: { secret?: string; timestamp?: number; uri?: string } = {}) => {
    const timestamp = sign.timestamp ?? Date.now();
    const res = await fetch(hookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signHubspotV3(sign.secret ?? SECRET, 'POST', sign.uri ?? hookUrl, body, timestamp),
        'x-hubspot-request-timestamp': String(timestamp),
      },
      body,
    });
    return { status: res.status, body: await res.text() };
  };
  const noWorkflow = async (workflowId: string) => {
    await assert.rejects(world.env.client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
  };

  before(async () => {
    process.env.ONRAMP_TEST_HUBSPOT_SECRET = SECRET;
    process.env.ONRAMP_TEST_HUBSPOT_TOKEN = 'pat-na1-test';
    world = await integration();
    mail = await mailCatcher(['--smtp-allowed-recipients', '@customer\\.example$']);
    mailDir = mkdtempSync(join(tmpdir(), 'onramp-sales-mail-'));
    sim = createHubspotSimulator({ portalId: PORTAL, accessToken: 'pat-na1-test', clientSecret: SECRET });
    const simUrl = await sim.listen();
    const port = await freePort();
    hookUrl = `http://127.0.0.1:${port}/v1/sales/hubspot`;
    sim.setWebhookUrl(hookUrl);
    const mapping = parseSalesMapping(mappingText(simUrl, hookUrl), 'test mapping');
    const w = await world.worker(
      {
        ...createSalesActivities({
          mapping,
          client: async () => world.env.client,
          validateOrder: (request) => orderProblems(request, { temporal: { taskQueue: 'x' } } as OrderConfig),
        }),
        ...createEmailActivities({
          from: 'Onramp <onramp@msp.example>',
          smtpUrl: mail.smtpUrl,
          operatorEmail: OPERATOR,
          store: new FileSentMailStore(join(mailDir, 'sent-mail')),
        }),
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
      },
    });
    // On the port the mapping's webhookUrl names: HubSpot signs the URL it posts to.
    await app.listen({ port, host: '127.0.0.1' });
    intake = { app, base: `http://127.0.0.1:${port}`, close: () => app.close() };
  });
  after(async () => {
    await intake?.close();
    await sim?.close();
    await world?.teardown();
    await mail?.stop();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  });

  it("HubSpot's documented example event with a valid signature → one order with the mapped fields", async () => {
    const dealId = wonDeal();
    // The body of HubSpot's documented example (https://developers.hubspot.com/docs/faq/v1-request-validation:
    // eventId 1, subscriptionId 12345, portalId 62515, occurredAt 1564113600000, attemptNumber 0, objectId,
    // changeSource "CRM", appId 54321), as the deal.propertyChange subscription on dealstage sends it.
    const body = `[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":${dealId},"changeSource":"CRM","propertyName":"dealstage","propertyValue":"closedwon","appId":54321}]`;
    // The deal moves to won in the CRM (no webhook: the test sends the documented one itself).
    sim.setWebhookUrl('');
    await sim.setStage(dealId, 'closedwon');
    sim.setWebhookUrl(hookUrl);
    const res = await post(body);
    assert.equal(res.status, 200, res.body);
    const orderId = `hubspot-${PORTAL}-${dealId}`;
    const order = await until(async () => {
      const o = await orderInput(orderId);
      assert.ok(o, 'the order started');
      return o;
    });
    assert.deepEqual(order.customer, { id: 'contoso-school', name: 'Contoso School' });
    assert.equal(order.integrations.googleDelegation?.adminEmail, 'admin@contoso.example');
    assert.equal(order.integrations.googleDelegation?.customer.domain, 'contoso.example');
    assert.deepEqual(Object.keys(order.integrations), ['googleDelegation']);
  });

  it('forged, stale and wrong-portal requests are refused (4xx) and start nothing', async () => {
    const dealId = wonDeal();
    const event = (portal: number) =>
      `[{"eventId":7,"subscriptionId":12345,"portalId":${portal},"occurredAt":${Date.now()},"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":${dealId},"changeSource":"CRM","propertyName":"dealstage","propertyValue":"closedwon","appId":54321}]`;
    const forged = await post(event(62515), { secret: 'not-the-client-secret' });
    assert.equal(forged.status, 401, forged.body);
    assert.match(forged.body, /bad_signature/);
    const stale = await post(event(62515), { timestamp: Date.now() - 6 * 60_000 });
    assert.equal(stale.status, 401, stale.body);
    assert.match(stale.body, /stale_timestamp/);
    const otherUrl = await post(event(62515), { uri: hookUrl.replace('/hubspot', '/hubspot?x=1') });
    assert.equal(otherUrl.status, 401, otherUrl.body);
    const wrongPortal = await post(event(99999));
    assert.equal(wrongPortal.status, 403, wrongPortal.body);
    assert.match(wrongPortal.body, /wrong_account/);
    await noWorkflow(salesDealWorkflowId('hubspot', PORTAL, dealId));
    await noWorkflow(salesDealWorkflowId('hubspot', '99999', dealId));
  });

  it('20 concurrent redeliveries of a won event → one deal workflow, one order', async () => {
    const dealId = wonDeal({ name: 'Fabrikam' });
    sim.setWebhookUrl('');
    await sim.setStage(dealId, 'closedwon');
    sim.setWebhookUrl(hookUrl);
    const body = `[{"eventId":42,"subscriptionId":12345,"portalId":62515,"occurredAt":${Date.now()},"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":${dealId},"changeSource":"CRM","propertyName":"dealstage","propertyValue":"closedwon","appId":54321}]`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(20).fill(200)
    );
    const orderId = `hubspot-${PORTAL}-${dealId}`;
    await until(async () => assert.ok(await orderInput(orderId)));
    const status = await dealStatus(dealId);
    assert.equal(status.events, 1, 'redeliveries counted once');
    const runs = [];
    for await (const w of world.env.client.workflow.list({
      query: `WorkflowId = "${customerOnboardingWorkflowId(orderId)}"`,
    }))
      runs.push(w);
    assert.equal(runs.length, 1, 'one order');
  });

  it('a deal without the admin e-mail waits for the operator naming the field; the operator supplies it; the order proceeds', async () => {
    const dealId = wonDeal({ adminEmail: null, name: 'Northwind' });
    assert.equal(await sim.setStage(dealId, 'closedwon'), 200);
    const status = await until(async () => {
      const s = await dealStatus(dealId);
      assert.equal(s.state, 'waiting-for-operator');
      return s;
    });
    assert.deepEqual(
      status.needs.map((n) => n.field),
      ['integrations.googleDelegation.adminEmail']
    );
    assert.match(status.needs[0]!.from, /contact with role "Technical admin", field email/);
    const orderId = `hubspot-${PORTAL}-${dealId}`;
    await noWorkflow(customerOnboardingWorkflowId(orderId));
    const desc = await world.env.client.workflow.getHandle(salesDealWorkflowId('hubspot', PORTAL, dealId)).describe();
    assert.deepEqual(desc.typedSearchAttributes.get(OnrampStep), 'needs:integrations.googleDelegation.adminEmail');
    // The operator's e-mail is refused by the SMTP server: the deal says so in its status, details and plain status.
    const refused = new RegExp(
      `instruction e-mail to the operator not sent: SMTP server refused the recipient ${OPERATOR}`
    );
    const warned = await until(async () => {
      const s = await dealStatus(dealId);
      assert.ok(
        s.mailWarnings?.some((w) => refused.test(w)),
        'the refusal in the status'
      );
      return s;
    });
    assert.equal((await mail.to(OPERATOR)).length, 0);
    const dealHandle = world.env.client.workflow.getHandle(salesDealWorkflowId('hubspot', PORTAL, dealId));
    const { currentDetails } = await dealHandle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(String(currentDetails), /\*\*Warnings:\*\*/);
    assert.match(String(currentDetails), refused, 'under the Web UI’s details');
    assert.match(formatOtherStatus(warned, undefined), /^WARNING instruction e-mail to the operator not sent: /m);
    // A field it does not wait for is refused by name; a bad e-mail is named by the order's own check.
    await assert.rejects(
      supplySalesFields(world.env.client, 'hubspot', PORTAL, dealId, { 'customer.name': 'X' }),
      (err: Error & { cause?: Error }) =>
        /customer.name: is not a field this deal waits for/.test(err.cause?.message ?? err.message)
    );
    const bad = await supplySalesFields(world.env.client, 'hubspot', PORTAL, dealId, {
      'integrations.googleDelegation.adminEmail': 'not-an-email',
    });
    assert.equal(bad.state, 'waiting-for-operator');
    assert.equal(bad.needs[0]?.field, 'integrations.googleDelegation.adminEmail');
    const ok = await supplySalesFields(world.env.client, 'hubspot', PORTAL, dealId, {
      'integrations.googleDelegation.adminEmail': 'it@contoso.example',
    });
    assert.equal(ok.state, 'order-started', JSON.stringify(ok.needs));
    const order = await orderInput(orderId);
    assert.equal(order?.integrations.googleDelegation?.adminEmail, 'it@contoso.example');
  });

  it('a deal leaving won before anything was written cancels its order', async () => {
    // Waiting for the operator: nothing started, nothing written → cancelled.
    const waiting = wonDeal({ adminEmail: null, name: 'Tailspin' });
    await sim.setStage(waiting, 'closedwon');
    await until(async () => assert.equal((await dealStatus(waiting)).state, 'waiting-for-operator'));
    assert.equal(await sim.setStage(waiting, 'closedlost'), 200);
    await until(async () => assert.equal((await dealStatus(waiting)).state, 'cancelled'));
    await noWorkflow(customerOnboardingWorkflowId(`hubspot-${PORTAL}-${waiting}`));
    // An order whose only integration is a delegation waiting for its grant has written nothing → cancelled.
    const started = wonDeal({ name: 'Wingtip' });
    await sim.setStage(started, 'closedwon');
    const orderId = `hubspot-${PORTAL}-${started}`;
    await until(async () => assert.equal((await dealStatus(started)).state, 'order-started'));
    await sim.setStage(started, 'closedlost');
    await until(async () => {
      assert.equal((await dealStatus(started)).state, 'cancelled');
      const d = await world.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).describe();
      assert.equal(d.status.name, 'CANCELLED');
    });
  });
});
