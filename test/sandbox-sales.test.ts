/**
 * `onramp sandbox sales <hubspot|salesforce|connectwise>` as the command runs it, against the sandbox's three sales
 * simulators (startSandboxSales, as npm start starts them, on ephemeral ports), the sales mapping it writes (which
 * the worker and the intake load, as npm start's do), the Google simulator and a real Temporal server: for each
 * system a deal moves to won, the signed event reaches the intake, the deal workflow starts the order, it completes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../src/activities';
import { salesMappingV1 } from '../src/domain/sales-mapping-schema';
import { InputError } from '../src/domain/field-validators';
import { createIntakeServer } from '../src/intake/intake-server';
import { receiversFromMapping } from '../src/intake/sales/receivers';
import { runSalesGuide, SALES_SYSTEMS } from '../src/sandbox/guides/sales-guide';
import { admin, type GuideContext } from '../src/sandbox/guides/guide-steps';
import { startSandboxSales, type StartedSandboxSales } from '../src/sandbox/sales-systems';
import { loadSalesMapping } from '../src/secrets/sales-mapping-file';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { acceptOrder, type OrderConfig } from '../src/services/orders';
import { createGoogleSimulator, type GoogleSimulator } from '../src/simulators/google/google-simulator';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';
import { createNotifyReceiver } from '../src/simulators/notify-receiver';
import { integration, uniqueTaskQueue, type Integration } from './helpers/integration';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('onramp sandbox sales <system>: a deal won in the simulated CRM becomes a completed order', () => {
  let world: Integration;
  let dir: string;
  let google: GoogleSimulator;
  let notify: ReturnType<typeof createNotifyReceiver>;
  let sales: StartedSandboxSales;
  let intake: FastifyInstance;
  let ctx: GuideContext;
  const lines: string[] = [];

  before(async () => {
    world = await integration();
    dir = mkdtempSync(join(tmpdir(), 'onramp-sandbox-sales-'));
    google = createGoogleSimulator({ propagationDelayMs: 0 });
    const googleUrl = await google.listen();
    const { keyFile, publicKeyPem } = createSandboxServiceAccount({ name: 'atera-autopilot' });
    const keyPath = join(dir, 'sa.json');
    writeFileSync(keyPath, JSON.stringify(keyFile));
    await admin(googleUrl, 'POST', '/service-accounts', {
      clientId: keyFile.client_id,
      email: keyFile.client_email,
      publicKeyPem,
    });
    notify = createNotifyReceiver();
    const notifyUrl = `${await notify.listen()}/notify`;
    const serviceAccount = { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` };
    // The intake listens on the port the mapping names (HubSpot signs the URL it posts to).
    const port = await freePort();
    sales = await startSandboxSales({
      dir,
      intakeUrl: `http://127.0.0.1:${port}`,
      serviceAccount,
      ports: { hubspot: 0, salesforce: 0, connectwise: 0 },
    });
    // The worker and the intake load the written mapping, as npm start's do (ONRAMP_SALES_MAPPING).
    const mapping = loadSalesMapping(sales.mappingFile);
    const taskQueue = uniqueTaskQueue('sandbox-sales');
    await world.worker(
      createActivities({
        google: { tokenUrl: `${googleUrl}/token` },
        notify: { webhookUrl: notifyUrl },
        googleAdmin: { apiRootUrl: googleUrl },
        onramp: { client: async () => world.env.client },
        sales: {
          mapping,
          validateOrder: (request) => {
            try {
              acceptOrder(request, { temporal: { taskQueue } } as OrderConfig);
              return [];
            } catch (err) {
              if (err instanceof InputError) return err.problems;
              throw err;
            }
          },
        },
      }),
      { taskQueue }
    );
    intake = createIntakeServer({
      client: world.env.client,
      config: { temporal: { address: world.env.address, namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: ['sandbox-sales-token'] },
      sales: {
        mapping: salesMappingV1(mapping),
        receivers: await receiversFromMapping(mapping, (r) => resolveSecretRef(r)),
      },
    });
    await intake.listen({ host: '127.0.0.1', port });
    ctx = {
      client: world.env.client,
      namespace: 'default',
      taskQueue,
      googleUrl,
      autotaskUrl: '',
      connectwiseUrl: '',
      serviceAccount,
      propagationDelayMs: 0,
      autotaskReceiverUrl: '',
      autotaskSigningKeyRef: '',
      secretsDir: join(dir, 'secrets'),
      sales: sales.systems,
      fast: true,
      out: (l) => void lines.push(l),
    };
  });

  after(async () => {
    await intake?.close();
    await sales?.close();
    await notify?.close();
    await google?.close();
    await world?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const system of SALES_SYSTEMS)
    it(`sandbox sales ${system}: won in the CRM → signed event → deal workflow → order completed`, async () => {
      const from = lines.length;
      const r = await runSalesGuide(ctx, system);
      const printed = lines.slice(from).join('\n');
      assert.equal(r.deal.state, 'order-completed', printed);
      // Every field came from the CRM: Salesforce's Account Website and ConnectWise's company website give the
      // customer's domain (the readers' withDomain), HubSpot has a domain field; no operator step.
      assert.deepEqual(r.deal.supplied ?? [], [], printed);
      assert.equal(r.order.state, 'completed');
      assert.deepEqual(
        r.order.integrations.map((i) => [i.name, i.state]),
        [['googleDelegation', 'completed']]
      );
      assert.ok(r.orderId.startsWith(`${system}-`), r.orderId);
      assert.match(printed, /\n2\. \[salesperson\] The deal ".*" moves to /);
      assert.match(printed, /Result: order \S+: completed/);
    });

  it('sandbox sales hubspot --without-admin: the order waits naming adminEmail; the operator supplies it; completed', async () => {
    const from = lines.length;
    const r = await runSalesGuide(ctx, 'hubspot', { withoutAdmin: true });
    const printed = lines.slice(from).join('\n');
    assert.equal(r.deal.state, 'order-completed', printed);
    assert.deepEqual(r.deal.supplied, ['integrations.googleDelegation.adminEmail']);
    assert.match(printed, /waiting for the operator: integrations\.googleDelegation\.adminEmail \(contact/);
    assert.match(
      printed,
      /onramp sales supply hubspot 62515 \d+ --field integrations\.googleDelegation\.adminEmail=admin@/
    );
  });
});
