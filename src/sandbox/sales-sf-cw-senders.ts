/**
 * The sandbox's Salesforce and ConnectWise sales systems, for `onramp sandbox sales salesforce|connectwise`
 * (wiring: see the report of branch sales-sf-cw): each starts its simulator with a won-ready deal, gives the
 * `systems.<system>` block of the sandbox's sales mapping (secrets as env: references, with their values), and
 * `win()` moves the deal to won so the simulated CRM sends its event to the intake.
 *
 * ConnectWise: connectwise-rest speaks https only, so its simulator sits behind a loopback TLS front with a
 * throwaway self-signed certificate (selfsigned, a dev dependency: the sandbox is a dev tool), written to
 * `<dir>/connectwise-sales-ca.pem` and named by the block's `caFile`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureOpportunityCallback } from '../activities/sales/connectwise-callbacks';
import { tlsFront } from '../simulators/tls-front';
import type { ConnectwiseSalesSystemSettings } from '../domain/sales-connectwise-schema';
import { connectwiseSalesSystemSchema } from '../domain/sales-connectwise-schema';
import {
  createConnectwiseSalesSimulator,
  seedConnectwiseSalesDeal,
  type ConnectwiseSalesSimulator,
} from '../simulators/connectwise-sales/connectwise-sales-simulator';
import {
  createSalesforceSimulator,
  seedSalesforceDeal,
  type SalesforceSimulator,
} from '../simulators/salesforce/salesforce-simulator';

export interface SandboxSalesSystem<Sim> {
  sim: Sim;
  /** The `systems.<system>` block of the sales mapping. */
  settings: Record<string, unknown>;
  /** Environment the intake and the worker need for the block's env: references. */
  env: Record<string, string>;
  /** The deal moves to won; resolves once the event was delivered (or given up). */
  win(): Promise<unknown>;
  close(): Promise<void>;
}

/** Salesforce: the outbound message goes to `<intakeUrl>/v1/sales/salesforce?token=...` and is redelivered until acked. */
export async function sandboxSalesforce(opts: {
  intakeUrl: string;
  token: string;
  port?: number;
  redeliveryMs?: number[];
  /** The simulator's first record number (see createSalesforceSimulator). */
  firstId?: number;
}): Promise<SandboxSalesSystem<SalesforceSimulator>> {
  const sim = createSalesforceSimulator({ firstId: opts.firstId });
  const url = await sim.listen(opts.port ?? 0);
  const opportunity = seedSalesforceDeal(sim);
  sim.outboundEndpoints = [
    `${opts.intakeUrl.replace(/\/$/, '')}/v1/sales/salesforce?token=${encodeURIComponent(opts.token)}`,
  ];
  return {
    sim,
    settings: {
      organizationId: sim.orgId,
      loginUrl: url,
      clientId: sim.clientId,
      clientSecretRef: 'env:ONRAMP_SANDBOX_SALESFORCE_SECRET',
      outboundPathTokenRef: 'env:ONRAMP_SANDBOX_SALESFORCE_TOKEN',
    },
    env: { ONRAMP_SANDBOX_SALESFORCE_SECRET: sim.clientSecret, ONRAMP_SANDBOX_SALESFORCE_TOKEN: opts.token },
    async win() {
      sim.closeWon(opportunity);
      // Salesforce retries with growing intervals until acknowledged; the sandbox a few times, sooner.
      for (const wait of [0, ...(opts.redeliveryMs ?? [1000, 2000, 4000, 8000])]) {
        if (wait) await new Promise((r) => setTimeout(r, wait));
        const [d] = await sim.deliverOutbound();
        if (!d || d.acked) return d;
      }
      return sim.deliveries.at(-1);
    },
    close: () => sim.close(),
  };
}

/** The simulator behind a TLS front, its certificate in `dir` for the reader's `caFile`. */
async function tlsFrontWithCaFile(
  target: string,
  dir: string
): Promise<{ host: string; caFile: string; close(): Promise<void> }> {
  const front = await tlsFront(target);
  const caFile = join(dir, 'connectwise-sales-ca.pem');
  writeFileSync(caFile, front.ca);
  return { host: front.host, caFile, close: front.close };
}

/** ConnectWise: Onramp registers its callback (idempotent), then a won opportunity's signed callback reaches the intake. */
export async function sandboxConnectwise(opts: {
  intakeUrl: string;
  dir: string;
  port?: number;
}): Promise<SandboxSalesSystem<ConnectwiseSalesSimulator> & { register(): Promise<unknown> }> {
  const sim = createConnectwiseSalesSimulator();
  const front = await tlsFrontWithCaFile(await sim.listen(opts.port ?? 0), opts.dir);
  sim.publicHost = front.host;
  seedConnectwiseSalesDeal(sim);
  const settings = {
    site: front.host,
    companyId: sim.companyId,
    publicKey: sim.publicKey,
    privateKeyRef: 'env:ONRAMP_SANDBOX_CONNECTWISE_PRIVATE_KEY',
    clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    callbackUrl: `${opts.intakeUrl.replace(/\/$/, '')}/v1/sales/connectwise`,
    caFile: front.caFile,
  };
  const parsed: ConnectwiseSalesSystemSettings = connectwiseSalesSystemSchema.parse(settings);
  return {
    sim,
    settings,
    env: { ONRAMP_SANDBOX_CONNECTWISE_PRIVATE_KEY: sim.privateKey },
    register: () =>
      ensureOpportunityCallback(parsed, () => Promise.resolve(sim.privateKey), {
        ca: readFileSync(front.caFile, 'utf8'),
      }),
    win: () => sim.winOpportunity(4711),
    async close() {
      await front.close();
      await sim.close();
    },
  };
}
