import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request } from 'undici';
import { createSimulatorApp, listen, type Simulator } from '../http';
import { cwError } from '../connectwise/connectwise-api-helpers';
import { matches, parseConditions, ConditionsError } from '../connectwise/conditions';

/**
 * ConnectWise Manage (PSA) as Onramp's sales reader and callback registration see it: only what
 * src/activities/sales/connectwise-deal-reader.ts and connectwise-callbacks.ts call, and the callback sender.
 * Every behaviour is a row of docs/vendor-contracts.md ("ConnectWise sales") with its source.
 *
 * - `GET /{codebase}/apis/3.0/sales/opportunities/{id}`, `/contacts`, `/forecast` (a list of one Forecast, as
 *   ConnectWise's OpenAPI document types it), `/company/companies/{id}`, `/company/contacts/{id}`;
 * - `GET|POST /system/callbacks` (conditions), `DELETE /system/callbacks/{id}`;
 * - auth: Basic `company+public:private` and a `clientId` header, as the main ConnectWise simulator;
 * - `GET /{codebase}/system/callbackkey/index.rails?id=` → `{signing_key}`;
 * - `winOpportunity(id)`: status Won, then each matching Opportunity callback is POSTed, signed with
 *   `x-content-signature` = base64(HMAC-SHA256(SHA-256(signing key), body)); redelivered only on
 *   404/409/419/429, twice (after `retryDelaysMs`, ConnectWise: 2 s and 4 s).
 * Plain http: connectwise-rest speaks https only, so tests and the sandbox put a TLS front before it and tell
 * the simulator its public host (`publicHost`), which the key URLs use.
 */

export interface CwSalesOpportunity {
  id: number;
  name: string;
  stage: { id: number; name: string };
  status: { id: number; name: string };
  company: { id: number; identifier: string; name: string };
  contact?: { id: number; name: string };
  closedFlag?: boolean;
  _info: { lastUpdated: string; updatedBy: string };
}

export interface CwSalesCallbackEntry {
  id: number;
  description: string;
  url: string;
  objectId: number;
  type: string;
  level: string;
  memberId: number;
  inactiveFlag: boolean;
  payloadVersion?: string;
  isSoapCallbackFlag?: boolean;
}

export interface CwSalesDelivery {
  url: string;
  status: number | 'network';
  attempt: number;
  messageId: string;
}

export interface ConnectwiseSalesSimulator extends Simulator {
  companyId: string;
  codebase: string;
  publicKey: string;
  privateKey: string;
  signingKey: string;
  /** host[:port] the key URLs name (the TLS front in tests); default the simulator's own. */
  publicHost: string;
  opportunities: Map<number, CwSalesOpportunity>;
  companies: Map<number, Record<string, unknown>>;
  contacts: Map<number, Record<string, unknown>>;
  oppContacts: Map<number, Record<string, unknown>[]>;
  forecasts: Map<number, Record<string, unknown>[]>;
  callbacks: CwSalesCallbackEntry[];
  deliveries: CwSalesDelivery[];
  /** Where `POST /_admin/deals` numbers new opportunities from (default 5000; the sandbox: new at each start). */
  firstDealId?: number;
  /** Move an opportunity to Won and send the callbacks registered for it; resolves when delivered or given up. */
  winOpportunity(id: number): Promise<CwSalesDelivery[]>;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export interface ConnectwiseSalesSimulatorOptions {
  companyId?: string;
  codebase?: string;
  clientId?: string;
  /** ConnectWise's redelivery delays (2 s and 4 s); tests shorten them. */
  retryDelaysMs?: number[];
  now?: () => Date;
}

const RETRIED = new Set([404, 409, 419, 429]);

/** The signature ConnectWise puts in `x-content-signature`. */
export function cwCallbackSignature(signingKey: string, body: string): string {
  return createHmac('sha256', createHash('sha256').update(signingKey, 'utf8').digest()).update(body).digest('base64');
}

export function createConnectwiseSalesSimulator(
  opts: ConnectwiseSalesSimulatorOptions = {}
): ConnectwiseSalesSimulator {
  const sim = createSimulatorApp({ name: 'connectwise-sales' });
  const { app } = sim;
  const companyId = opts.companyId ?? 'msptest';
  const codebase = opts.codebase ?? 'v4_6_release';
  const clientId = opts.clientId ?? '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
  const now = opts.now ?? (() => new Date());
  const base = `/${codebase}/apis/3.0`;
  let ownHost = '';
  const self: ConnectwiseSalesSimulator = {
    ...sim,
    companyId,
    codebase,
    publicKey: 'SimPublicKey0001',
    privateKey: 'SimPrivateKey001',
    signingKey: `cw-signing-${randomUUID()}`,
    publicHost: '',
    opportunities: new Map(),
    companies: new Map(),
    contacts: new Map(),
    oppContacts: new Map(),
    forecasts: new Map(),
    callbacks: [],
    deliveries: [],
    winOpportunity,
    async listen(port = 0) {
      const url = await listen(app, port);
      ownHost = new URL(url).host;
      return url;
    },
    close: () => app.close(),
  };

  registerRoutes(self, base, clientId);

  async function deliver(cb: CwSalesCallbackEntry, body: string, messageId: string): Promise<CwSalesDelivery[]> {
    const out: CwSalesDelivery[] = [];
    const delays = [0, ...(opts.retryDelaysMs ?? [2000, 4000])];
    for (let attempt = 0; attempt < delays.length; attempt++) {
      if (delays[attempt]) await new Promise((r) => setTimeout(r, delays[attempt]));
      let status: number | 'network';
      try {
        const res = await request(cb.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-content-signature': cwCallbackSignature(self.signingKey, body),
          },
          body,
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        await res.body.dump();
        status = res.statusCode;
      } catch {
        status = 'network';
      }
      const d = { url: cb.url, status, attempt: attempt + 1, messageId };
      out.push(d);
      self.deliveries.push(d);
      if (status === 'network' || !RETRIED.has(status)) break;
    }
    return out;
  }

  async function winOpportunity(id: number): Promise<CwSalesDelivery[]> {
    const o = self.opportunities.get(id);
    if (!o) throw new Error(`no opportunity ${id}`);
    o.status = { id: 2, name: 'Won' };
    o.closedFlag = true;
    o._info = {
      ...o._info,
      lastUpdated: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
    const host = self.publicHost || ownHost;
    const targets = self.callbacks.filter(
      (c) =>
        !c.inactiveFlag &&
        c.type.toLowerCase() === 'opportunity' &&
        (c.level.toLowerCase() === 'owner' || (c.level.toLowerCase() === 'opportunity' && c.objectId === id))
    );
    const out: CwSalesDelivery[] = [];
    for (const cb of targets) {
      const messageId = randomUUID();
      const body = JSON.stringify({
        MessageId: messageId,
        FromUrl: host,
        CompanyId: companyId,
        MemberId: 'simadmin',
        Action: 'updated',
        Type: 'opportunity',
        ID: id,
        ProductInstanceId: null,
        PartnerId: null,
        Entity: JSON.stringify(o),
        Metadata: { key_url: `https://${host}/${codebase}/system/callbackkey/index.rails?id=${cb.id}` },
        CallbackObjectRecId: cb.objectId,
      });
      out.push(...(await deliver(cb, body, messageId)));
    }
    return out;
  }

  return self;
}

/** The read and callback routes, under `base` (`/{codebase}/apis/3.0`), and the key endpoint. */
function registerRoutes(self: ConnectwiseSalesSimulator, base: string, clientId: string): void {
  const authorised = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (req.headers.clientid !== clientId) {
      void cwError(
        reply,
        400,
        'InvalidObject',
        'clientId header is required. Register your integration at developer.connectwise.com and send its clientId with every request.'
      );
      return false;
    }
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const auth = /^([^+]+)\+([^:]+):(.*)$/.exec(decoded);
    if (
      !auth ||
      auth[1]!.toLowerCase() !== self.companyId.toLowerCase() ||
      auth[2] !== self.publicKey ||
      auth[3] !== self.privateKey
    ) {
      void cwError(reply, 401, 'Unauthorized', 'Authentication failed: the API keys or company are not valid.');
      return false;
    }
    return true;
  };
  const notFound = (reply: FastifyReply, what: string) => cwError(reply, 404, 'NotFound', `${what} not found`);
  const idParam = (req: FastifyRequest) => Number((req.params as { id: string }).id);

  self.app.get(`${base}/sales/opportunities/:id`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const o = self.opportunities.get(idParam(req));
    return o ?? notFound(reply, `Opportunity with id ${idParam(req)}`);
  });
  self.app.get(`${base}/sales/opportunities/:id/contacts`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    if (!self.opportunities.has(idParam(req))) return notFound(reply, `Opportunity with id ${idParam(req)}`);
    return self.oppContacts.get(idParam(req)) ?? [];
  });
  self.app.get(`${base}/sales/opportunities/:id/forecast`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const id = idParam(req);
    if (!self.opportunities.has(id)) return notFound(reply, `Opportunity with id ${id}`);
    return [{ id, forecastItems: self.forecasts.get(id) ?? [] }];
  });
  self.app.get(`${base}/company/companies/:id`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    return self.companies.get(idParam(req)) ?? notFound(reply, `Company with id ${idParam(req)}`);
  });
  self.app.get(`${base}/company/contacts/:id`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    return self.contacts.get(idParam(req)) ?? notFound(reply, `Contact with id ${idParam(req)}`);
  });
  self.app.get(`${base}/system/callbacks`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const q = req.query as { conditions?: string };
    try {
      const c = q.conditions ? parseConditions(q.conditions) : undefined;
      return self.callbacks.filter((cb) => !c || matches(cb, c));
    } catch (err) {
      if (err instanceof ConditionsError) return cwError(reply, 400, 'InvalidObject', err.message);
      throw err;
    }
  });
  self.app.post(`${base}/system/callbacks`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const b = (req.body ?? {}) as Partial<CwSalesCallbackEntry>;
    const missing = (['url', 'type', 'level', 'description'] as const).filter((k) => !b[k]);
    if (missing.length || b.objectId === undefined)
      return cwError(reply, 400, 'InvalidObject', 'CallbackEntry object is invalid', [
        ...[...missing, ...(b.objectId === undefined ? ['objectId'] : [])].map((f) => ({
          code: 'MissingRequiredField',
          message: `The ${f} field is required.`,
          resource: 'CallbackEntry',
          field: f,
        })),
      ]);
    const entry: CwSalesCallbackEntry = {
      id: Math.max(0, ...self.callbacks.map((c) => c.id)) + 1,
      description: b.description!,
      url: b.url!,
      objectId: b.objectId,
      type: b.type!,
      level: b.level!,
      memberId: 1,
      inactiveFlag: b.inactiveFlag ?? false,
      payloadVersion: b.payloadVersion ?? '2',
      isSoapCallbackFlag: false,
    };
    self.callbacks.push(entry);
    return reply.code(201).send(entry);
  });
  self.app.delete(`${base}/system/callbacks/:id`, async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const i = self.callbacks.findIndex((c) => c.id === idParam(req));
    if (i < 0) return notFound(reply, `CallbackEntry with id ${idParam(req)}`);
    self.callbacks.splice(i, 1);
    return reply.code(204).send();
  });
  // Admin (the sandbox's hands on Manage, never ConnectWise's API): a new open opportunity, and winning it.
  self.app.post('/_admin/deals', async (req) => ({ opportunityId: addDeal(self, req.body as CwSalesDealSeed) }));
  self.app.post('/_admin/opportunities/:id/win', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    if (!self.opportunities.has(id)) return reply.code(404).send({ error: { message: `no opportunity ${id}` } });
    return { deliveries: await self.winOpportunity(id) };
  });
  self.app.get(`/${self.codebase}/system/callbackkey/index.rails`, async () => ({ signing_key: self.signingKey }));
}

/** What `POST /_admin/deals` takes: a new open opportunity, its company, contacts with roles and products. */
export interface CwSalesDealSeed {
  name: string;
  company: { identifier: string; name: string; website?: string };
  contacts?: { firstName: string; lastName: string; email?: string; role: string }[];
  products?: { identifier: string; description: string; quantity?: number }[];
}

function addDeal(sim: ConnectwiseSalesSimulator, seed: CwSalesDealSeed): number {
  const next = (m: Map<number, unknown>, from: number) => Math.max(from, ...m.keys()) + 1;
  const id = next(sim.opportunities, sim.firstDealId ?? 5000);
  const companyId = next(sim.companies, 1000);
  const company = { id: companyId, identifier: seed.company.identifier, name: seed.company.name };
  sim.companies.set(companyId, { ...company, website: seed.company.website, status: { id: 1, name: 'Active' } });
  const roles = (seed.contacts ?? []).map((c, i) => {
    const contactId = next(sim.contacts, 3000);
    const email = c.email
      ? [{ id: i + 1, type: { id: 1, name: 'Email' }, value: c.email, defaultFlag: true, communicationType: 'Email' }]
      : [];
    sim.contacts.set(contactId, {
      id: contactId,
      firstName: c.firstName,
      lastName: c.lastName,
      company,
      communicationItems: email,
    });
    const name = `${c.firstName} ${c.lastName}`;
    return {
      id: i + 1,
      contact: { id: contactId, name },
      company,
      role: { id: i + 1, name: c.role },
      opportunityId: id,
    };
  });
  sim.opportunities.set(id, {
    id,
    name: seed.name,
    stage: { id: 4, name: '4.Negotiation' },
    status: { id: 1, name: 'Open' },
    company,
    closedFlag: false,
    _info: { lastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), updatedBy: 'simadmin' },
  });
  sim.oppContacts.set(id, roles);
  sim.forecasts.set(
    id,
    (seed.products ?? []).map((p, i) => ({
      id: i + 1,
      forecastDescription: p.description,
      quantity: p.quantity ?? 1,
      catalogItem: { id: i + 1, identifier: p.identifier },
      productDescription: p.description,
      forecastType: 'Product',
      includeFlag: true,
    }))
  );
  return id;
}

/** A won-ready deal: Acme's opportunity with a company, two contacts with roles and two products. */
export function seedConnectwiseSalesDeal(sim: ConnectwiseSalesSimulator, id = 4711): void {
  sim.companies.set(250, {
    id: 250,
    identifier: 'AcmeCorp',
    name: 'Acme Corporation',
    website: 'https://acme.example',
    city: 'Milano',
    status: { id: 1, name: 'Active' },
  });
  sim.contacts.set(301, {
    id: 301,
    firstName: 'Ada',
    lastName: 'Admin',
    company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
    communicationItems: [
      {
        id: 1,
        type: { id: 1, name: 'Email' },
        value: 'ada@acme.example',
        defaultFlag: true,
        communicationType: 'Email',
      },
    ],
  });
  sim.contacts.set(302, {
    id: 302,
    firstName: 'Bill',
    lastName: 'Payer',
    company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
    communicationItems: [
      {
        id: 2,
        type: { id: 1, name: 'Email' },
        value: 'bill@acme.example',
        defaultFlag: true,
        communicationType: 'Email',
      },
    ],
  });
  sim.opportunities.set(id, {
    id,
    name: 'Acme Corporation - Managed Workspace',
    stage: { id: 4, name: '4.Negotiation' },
    status: { id: 1, name: 'Open' },
    company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
    contact: { id: 301, name: 'Ada Admin' },
    closedFlag: false,
    _info: { lastUpdated: '2026-12-01T09:00:00Z', updatedBy: 'simadmin' },
  });
  sim.oppContacts.set(id, [
    {
      id: 1,
      contact: { id: 302, name: 'Bill Payer' },
      company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
      role: { id: 2, name: 'Billing Contact' },
      opportunityId: id,
      emailAddress: 'bill@acme.example',
    },
  ]);
  sim.forecasts.set(id, [
    {
      id: 11,
      forecastDescription: 'Workspace seats',
      quantity: 25,
      catalogItem: { id: 7, identifier: 'GWS-BUSINESS' },
      productDescription: 'Google Workspace Business Standard',
      forecastType: 'Product',
      includeFlag: true,
    },
    {
      id: 12,
      forecastDescription: 'Onboarding',
      quantity: 1,
      catalogItem: { id: 8, identifier: 'ONBOARD-STD' },
      productDescription: 'Standard onboarding',
      forecastType: 'Service',
      includeFlag: true,
    },
  ]);
}
