/**
 * The sandbox's three sales systems (issue 26): the HubSpot, Salesforce and ConnectWise simulators on fixed
 * sandbox ports, and the complete sales mapping `npm start` gives its worker and intake (ONRAMP_SALES_MAPPING
 * is pointed at it): the mapping of config/sales-mapping.sandbox.yaml with the won stages of all three systems,
 * the sandbox's real vendor service account, and each system's `systems:` block. The senders' secrets are
 * written to 0600 files under `<dir>/secrets` and named by `file:` references: nothing to export, and the CLI
 * (`onramp sales plan|status|supply`) reads the same file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { SANDBOX_SALES_MAPPING } from '../config';
import { createHubspotSimulator, type HubspotSimulator } from '../simulators/hubspot/hubspot-simulator';
import { sandboxConnectwise, sandboxSalesforce } from './sales-sf-cw-senders';

/** What a guide needs to play the salespeople: each simulated CRM's admin URL and its account ID. */
export interface SandboxSalesSystems {
  hubspot: { url: string; account: string };
  salesforce: { url: string; account: string };
  connectwise: { url: string; account: string };
}

export interface StartedSandboxSales {
  /** The complete mapping file: point ONRAMP_SALES_MAPPING (config.sales.mappingFile) at it. */
  mappingFile: string;
  systems: SandboxSalesSystems;
  close(): Promise<void>;
}

export async function startSandboxSales(opts: {
  dir: string;
  intakeUrl: string;
  serviceAccount: { clientId: string; email: string; keyRef: string };
  /** npm start: config.sandboxPorts.sales (ONRAMP_SANDBOX_*_PORT); 0 = ephemeral (tests). */
  ports: { hubspot: number; salesforce: number; connectwise: number };
}): Promise<StartedSandboxSales> {
  const { ports } = opts;
  const intakeUrl = opts.intakeUrl.replace(/\/$/, '');
  const secretsDir = join(opts.dir, 'secrets');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const secretFile = (name: string, value: string): string => {
    const path = join(secretsDir, name);
    writeFileSync(path, value, { mode: 0o600 });
    return `file:${path}`;
  };
  const closers: (() => Promise<void>)[] = [];
  // The simulators keep no state across restarts but the Temporal DB does: a deal ID of an earlier run would map
  // to that run's order. Each start numbers its deals from its own base (seconds of this start, x1000).
  const firstId = (Math.floor(Date.now() / 1000) % 1_000_000) * 1000;
  try {
    const webhookUrl = `${intakeUrl}/v1/sales/hubspot`;
    const hubspotSecrets = {
      accessToken: `pat-sandbox-${randomBytes(12).toString('hex')}`,
      clientSecret: randomBytes(16).toString('hex'),
    };
    const hubspot: HubspotSimulator = createHubspotSimulator({
      portalId: '62515',
      webhookUrl,
      firstId,
      ...hubspotSecrets,
    });
    closers.push(() => hubspot.close());
    const hubspotUrl = await hubspot.listen(ports.hubspot);
    // The outbound message's Endpoint URL carries a path token (Salesforce signs nothing): new at each start.
    const token = randomBytes(18).toString('base64url');
    const salesforce = await sandboxSalesforce({ intakeUrl, token, port: ports.salesforce, firstId });
    closers.push(() => salesforce.close());
    const connectwise = await sandboxConnectwise({ intakeUrl, dir: opts.dir, port: ports.connectwise });
    closers.push(() => connectwise.close());
    connectwise.sim.firstDealId = firstId;
    // The senders' blocks name env: references; the sandbox keeps their values in files instead.
    const fileRefs = (settings: Record<string, unknown>, env: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(settings).map(([k, v]) => {
          const name = typeof v === 'string' && v.startsWith('env:') ? v.slice(4) : undefined;
          return [k, name && env[name] !== undefined ? secretFile(`sales-${name.toLowerCase()}`, env[name]) : v];
        })
      );

    // The file's own comments kept: the user reads this file (README: the sandbox's sales mapping).
    const mapping = parseDocument(readFileSync(SANDBOX_SALES_MAPPING, 'utf8'));
    mapping.setIn(['won', 'salesforce'], ['Closed Won']);
    mapping.setIn(['won', 'connectwise'], ['Won']);
    mapping.setIn(['integrations', 'googleDelegation', 'serviceAccount'], { constant: opts.serviceAccount });
    mapping.setIn(
      ['systems', 'hubspot', 'clientSecretRef'],
      secretFile('sales-hubspot-client-secret', hubspotSecrets.clientSecret)
    );
    mapping.setIn(
      ['systems', 'hubspot', 'accessTokenRef'],
      secretFile('sales-hubspot-access-token', hubspotSecrets.accessToken)
    );
    mapping.setIn(['systems', 'hubspot', 'webhookUrl'], webhookUrl);
    mapping.setIn(['systems', 'hubspot', 'apiBaseUrl'], hubspotUrl);
    mapping.setIn(['systems', 'salesforce'], fileRefs(salesforce.settings, salesforce.env));
    mapping.setIn(['systems', 'connectwise'], fileRefs(connectwise.settings, connectwise.env));
    const mappingFile = join(opts.dir, 'sales-mapping.yaml');
    writeFileSync(
      mappingFile,
      `# Written by npm start from config/sales-mapping.sandbox.yaml: the three simulated sales systems filled in.\n${mapping.toString()}`,
      { mode: 0o600 }
    );
    // Onramp registers its ConnectWise callback itself (idempotent; the simulator forgets it at each start).
    await connectwise.register();
    return {
      mappingFile,
      systems: {
        hubspot: { url: hubspotUrl, account: hubspot.portalId },
        salesforce: { url: salesforce.sim.baseUrl, account: salesforce.sim.orgId },
        // The admin API on the simulator itself (plain http; Onramp's reader goes through the TLS front).
        connectwise: {
          url: `http://127.0.0.1:${(connectwise.sim.app.server.address() as AddressInfo).port}`,
          account: connectwise.sim.companyId,
        },
      },
      close: async () => {
        for (const c of closers.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw err;
  }
}
