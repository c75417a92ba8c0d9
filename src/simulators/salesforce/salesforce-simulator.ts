import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request } from 'undici';
import { createSimulatorApp, listen, type Simulator } from '../http';
import { sameSalesforceId, salesforceId18, salesforceIdSuffix } from '../../rules/sales-system-rules';

/**
 * Salesforce as Onramp's sales receiver and reader see it: only what src/activities/sales/salesforce-deal-reader.ts
 * calls through jsforce, and the outbound message sender. Rows of docs/vendor-contracts.md ("Salesforce") name the
 * source of each behaviour.
 * - `POST /services/oauth2/token` grant_type=client_credentials → `{access_token, instance_url, id, token_type,
 *   issued_at, signature}`; bad client → 400 `{error: invalid_client, ...}`;
 * - `GET /services/data/vXX.X/query?q=SOQL` for `SELECT <fields> FROM <Opportunity|OpportunityContactRole|
 *   OpportunityLineItem|Account> WHERE <Id|OpportunityId> = '<id>'` → `{totalSize, done, records}` with
 *   `attributes` and parent relationships as nested objects; a bad session → 401 INVALID_SESSION_ID; an unknown
 *   field → 400 INVALID_FIELD; another query shape → 400 MALFORMED_QUERY;
 * - outbound messages: `closeWon(id)` sets StageName "Closed Won" and queues one notification for each configured
 *   endpoint; `deliverOutbound()` POSTs the SOAP message; without a 200 carrying `<Ack>true</Ack>` the message
 *   stays queued and is sent again on the next delivery (Salesforce retries with growing intervals for 24 h).
 */

type Row = Record<string, unknown>;

export interface SalesforceSimulator extends Simulator {
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** The org's My Domain URL: this simulator's own URL once listening. */
  baseUrl: string;
  records: Map<string, Row & { Id: string }>;
  /** Where outbound messages go (the Endpoint URL of the outbound message). */
  outboundEndpoints: string[];
  queue: { notificationId: string; opportunityId: string; endpoint: string; attempts: number }[];
  deliveries: { endpoint: string; status: number | 'network'; acked: boolean; notificationIds: string[] }[];
  addRecord(type: string, fields: Row): string;
  closeWon(opportunityId: string): void;
  deliverOutbound(): Promise<SalesforceSimulator['deliveries']>;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

const PREFIX: Record<string, string> = {
  Account: '001',
  Contact: '003',
  Opportunity: '006',
  OpportunityContactRole: '00K',
  OpportunityLineItem: '00k',
  Product2: '01t',
  Notification: '04l',
  Action: '04k',
  User: '005',
};

/** `firstId`: the record counter's start (the sandbox starts each run elsewhere, so IDs stay new across restarts). */
export function createSalesforceSimulator(opts: { orgId?: string; firstId?: number } = {}): SalesforceSimulator {
  const sim = createSimulatorApp({ name: 'salesforce' });
  let counter = opts.firstId ?? 0;
  const newId = (type: string): string => {
    const id15 = `${PREFIX[type] ?? '0XX'}5e${String(++counter).padStart(10, '0')}`;
    return id15 + salesforceIdSuffix(id15);
  };
  const tokens = new Set<string>();
  const self: SalesforceSimulator = {
    ...sim,
    orgId: opts.orgId ?? '00D5e000000KQ2eEAG',
    clientId: `3MVG9${randomBytes(24).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
    baseUrl: '',
    records: new Map(),
    outboundEndpoints: [],
    queue: [],
    deliveries: [],
    addRecord(type, fields) {
      const Id = typeof fields.Id === 'string' ? fields.Id : newId(type);
      self.records.set(Id, { ...fields, Id, attributes: { type } });
      return Id;
    },
    closeWon(opportunityId) {
      const o = self.records.get(salesforceId18(opportunityId) ?? opportunityId);
      if (!o) throw new Error(`no Opportunity ${opportunityId}`);
      o.StageName = 'Closed Won';
      o.IsWon = true;
      o.IsClosed = true;
      o.LastModifiedDate = new Date().toISOString().replace('Z', '+0000');
      for (const endpoint of self.outboundEndpoints)
        self.queue.push({ notificationId: newId('Notification'), opportunityId: o.Id, endpoint, attempts: 0 });
    },
    deliverOutbound: () => deliverOutbound(self),
    async listen(port = 0) {
      self.baseUrl = await listen(sim.app, port);
      return self.baseUrl;
    },
    close: () => sim.app.close(),
  };
  const userId = newId('User');

  sim.app.post('/services/oauth2/token', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'client_credentials')
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    if (b.client_id !== self.clientId || b.client_secret !== self.clientSecret)
      return reply.code(400).send({ error: 'invalid_client', error_description: 'invalid client credentials' });
    const token = `${self.orgId.slice(0, 15)}!${randomBytes(32).toString('base64url')}`;
    tokens.add(token);
    return {
      access_token: token,
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
      instance_url: self.baseUrl,
      id: `${self.baseUrl}/id/${self.orgId}/${userId}`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    };
  });

  sim.app.get('/services/data/:version/query', async (req, reply) => {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth || !tokens.has(auth[1]!))
      return reply.code(401).send([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    return query(self, req, reply);
  });
  // Admin (the sandbox's hands on the CRM, never Salesforce's API): a new open Opportunity with its Account,
  // contact roles and products, in one call.
  sim.app.post('/_admin/deals', async (req) => ({ opportunityId: addDeal(self, req.body as SalesforceDealSeed) }));
  sim.app.post('/_admin/opportunities/:id/close-won', async (req) => {
    self.closeWon((req.params as { id: string }).id);
    return { delivered: await self.deliverOutbound() };
  });
  return self;
}

function query(self: SalesforceSimulator, req: FastifyRequest, reply: FastifyReply) {
  const q = String((req.query as { q?: string }).q ?? '').trim();
  const m = /^SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+(Id|OpportunityId|AccountId)\s*=\s*'([A-Za-z0-9]{15,18})'$/i.exec(
    q
  );
  if (!m)
    return reply
      .code(400)
      .send([{ message: `unexpected query for the simulator: ${q.slice(0, 200)}`, errorCode: 'MALFORMED_QUERY' }]);
  const [, fieldList, type, key, value] = m as unknown as [string, string, string, string, string];
  const fields = fieldList.split(',').map((f) => f.trim());
  const rows = [...self.records.values()].filter(
    (r) =>
      (r.attributes as { type: string }).type === type &&
      sameSalesforceId(typeof r[key] === 'string' ? r[key] : '', value)
  );
  const version = (req.params as { version: string }).version;
  const attributes = (r: Row) => {
    const t = (r.attributes as { type: string }).type;
    return { type: t, url: `/services/data/${version}/sobjects/${t}/${String(r.Id)}` };
  };
  const known = (t: string, f: string) =>
    f === 'Id' ||
    [...self.records.values()].some((r) => (r.attributes as { type: string }).type === t && f in r) ||
    [
      'Amount',
      'CloseDate',
      'Type',
      'Probability',
      'LeadSource',
      'NextStep',
      'Website',
      'Industry',
      'BillingCountry',
    ].includes(f);
  const records: Row[] = [];
  for (const r of rows) {
    const out: Row = { attributes: attributes(r) };
    for (const f of fields) {
      const [head, tail] = f.split('.') as [string, string | undefined];
      if (!tail) {
        if (!known(type, head))
          return reply
            .code(400)
            .send([{ message: `No such column '${head}' on entity '${type}'`, errorCode: 'INVALID_FIELD' }]);
        out[head] = r[head] ?? null;
        continue;
      }
      const parentId = r[`${head}Id`];
      const parent = typeof parentId === 'string' ? self.records.get(parentId) : undefined;
      if (!parent) {
        out[head] = null;
        continue;
      }
      const nested = (out[head] as Row | undefined) ?? { attributes: attributes(parent) };
      nested[tail] = parent[tail] ?? null;
      out[head] = nested;
    }
    records.push(out);
  }
  return { totalSize: records.length, done: true, records };
}

function soapMessage(self: SalesforceSimulator, items: SalesforceSimulator['queue']): string {
  const esc = (s: unknown) =>
    (typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean' ? String(s) : '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
  const notifications = items
    .map((n) => {
      const o = self.records.get(n.opportunityId)!;
      const fields = ['Id', 'AccountId', 'LastModifiedDate', 'Name', 'StageName']
        .filter((f) => o[f] !== undefined)
        .map((f) => `<sf:${f}>${esc(o[f])}</sf:${f}>`)
        .join('');
      return `<Notification><Id>${n.notificationId}</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
    `<OrganizationId>${self.orgId}</OrganizationId><ActionId>04k5e000000CaRkAAK</ActionId><SessionId xsi:nil="true"/>` +
    `<EnterpriseUrl>${self.baseUrl}/services/Soap/c/62.0/${self.orgId.slice(0, 15)}</EnterpriseUrl>` +
    `<PartnerUrl>${self.baseUrl}/services/Soap/u/62.0/${self.orgId.slice(0, 15)}</PartnerUrl>` +
    `${notifications}</notifications></soapenv:Body></soapenv:Envelope>`
  );
}

/** Send every queued notification, one message per endpoint; unacknowledged ones stay queued. */
async function deliverOutbound(self: SalesforceSimulator): Promise<SalesforceSimulator['deliveries']> {
  const out: SalesforceSimulator['deliveries'] = [];
  for (const endpoint of new Set(self.queue.map((n) => n.endpoint))) {
    const items = self.queue.filter((n) => n.endpoint === endpoint).slice(0, 100);
    for (const n of items) n.attempts++;
    let status: number | 'network' = 'network';
    let acked = false;
    try {
      const res = await request(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body: soapMessage(self, items),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      status = res.statusCode;
      const text = await res.body.text();
      acked = status === 200 && /<(\w+:)?Ack>\s*true\s*<\/(\w+:)?Ack>/.test(text);
    } catch {
      /* network: stays queued */
    }
    if (acked) self.queue = self.queue.filter((n) => !items.includes(n));
    const d = { endpoint, status, acked, notificationIds: items.map((n) => n.notificationId) };
    out.push(d);
    self.deliveries.push(d);
  }
  return out;
}

/** What `POST /_admin/deals` takes: a new open Opportunity, its Account, contact roles and products. */
export interface SalesforceDealSeed {
  name: string;
  account: { Name: string; Website?: string };
  contacts?: { FirstName?: string; LastName: string; Email?: string; Role?: string }[];
  products?: { ProductCode: string; Name: string; Quantity?: number }[];
}

function addDeal(sim: SalesforceSimulator, seed: SalesforceDealSeed): string {
  const account = sim.addRecord('Account', { ...seed.account });
  const opp = sim.addRecord('Opportunity', {
    Name: seed.name,
    StageName: 'Negotiation/Review',
    CloseDate: new Date().toISOString().slice(0, 10),
    AccountId: account,
    IsClosed: false,
    IsWon: false,
  });
  for (const [i, c] of (seed.contacts ?? []).entries()) {
    const { Role, ...fields } = c;
    const contact = sim.addRecord('Contact', { ...fields, AccountId: account });
    sim.addRecord('OpportunityContactRole', { OpportunityId: opp, ContactId: contact, Role, IsPrimary: i === 0 });
  }
  for (const p of seed.products ?? []) {
    const product = sim.addRecord('Product2', { Name: p.Name, ProductCode: p.ProductCode });
    sim.addRecord('OpportunityLineItem', {
      OpportunityId: opp,
      Product2Id: product,
      Name: p.Name,
      Quantity: p.Quantity ?? 1,
      ProductCode: p.ProductCode,
    });
  }
  return opp;
}

/** A won-ready deal: Acme's Opportunity with its Account, two contact roles and two products. */
export function seedSalesforceDeal(sim: SalesforceSimulator): string {
  const account = sim.addRecord('Account', {
    Name: 'Acme Corporation',
    Website: 'acme.example',
    Industry: 'Manufacturing',
  });
  const ada = sim.addRecord('Contact', {
    FirstName: 'Ada',
    LastName: 'Admin',
    Email: 'ada@acme.example',
    AccountId: account,
  });
  const bill = sim.addRecord('Contact', {
    FirstName: 'Bill',
    LastName: 'Payer',
    Email: 'bill@acme.example',
    AccountId: account,
  });
  const opp = sim.addRecord('Opportunity', {
    Name: 'Acme Corporation - Managed Workspace',
    StageName: 'Negotiation/Review',
    Amount: 12000,
    CloseDate: '2026-12-31',
    AccountId: account,
    IsClosed: false,
    IsWon: false,
  });
  sim.addRecord('OpportunityContactRole', {
    OpportunityId: opp,
    ContactId: ada,
    Role: 'Technical Buyer',
    IsPrimary: true,
  });
  sim.addRecord('OpportunityContactRole', {
    OpportunityId: opp,
    ContactId: bill,
    Role: 'Economic Buyer',
    IsPrimary: false,
  });
  const gws = sim.addRecord('Product2', { Name: 'Google Workspace Business Standard', ProductCode: 'GWS-BUSINESS' });
  const onb = sim.addRecord('Product2', { Name: 'Standard onboarding', ProductCode: 'ONBOARD-STD' });
  sim.addRecord('OpportunityLineItem', {
    OpportunityId: opp,
    Product2Id: gws,
    Name: 'Acme - GWS',
    Quantity: 25,
    ProductCode: 'GWS-BUSINESS',
  });
  sim.addRecord('OpportunityLineItem', {
    OpportunityId: opp,
    Product2Id: onb,
    Name: 'Acme - Onboarding',
    Quantity: 1,
    ProductCode: 'ONBOARD-STD',
  });
  return opp;
}
