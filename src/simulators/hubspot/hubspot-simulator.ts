/**
 * HubSpot fake: only what Onramp's receiver and deal reader use, to HubSpot's documented contract (rows in
 * docs/vendor-contracts.md). The CRM v3 object reads (deals, companies, contacts, line items, with
 * `properties` and `associations` query parameters), v4 association reads with labels, Bearer tokens, and a
 * sender that posts a signed webhook-subscription event (`deal.propertyChange` on `dealstage`,
 * X-HubSpot-Signature-v3) when a deal's stage changes. The signature is computed here from HubSpot's
 * documentation on its own (not with Onramp's verifier), so the two check each other.
 */
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';

export interface HubspotDealSeed {
  dealname: string;
  dealstage: string;
  properties?: Record<string, string>;
  company?: { name: string; domain?: string; properties?: Record<string, string> };
  contacts?: Array<{ email?: string; firstname?: string; lastname?: string; role?: string }>;
  lineItems?: Array<{ sku?: string; name?: string; quantity?: number }>;
}

interface CrmObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface HubspotSimulatorOptions extends Partial<SimulatorOptions> {
  portalId?: string;
  appId?: number;
  accessToken?: string;
  clientSecret?: string;
  /** Where webhook events are posted (the app's target URL). */
  webhookUrl?: string;
  /** The first object ID (default 1000); the sandbox starts each run elsewhere, so deal IDs stay new across restarts. */
  firstId?: number;
}

export interface HubspotSimulator extends Simulator {
  portalId: string;
  createDeal(seed: HubspotDealSeed): string;
  /** Move a deal's stage; when a webhook URL is set, the signed event is posted (its HTTP status returned). */
  setStage(dealId: string, stage: string): Promise<number | undefined>;
  setWebhookUrl(url: string): void;
  /** Post one signed batch now (the sender: also used to redeliver the same events). */
  send(events: unknown[], opts?: { timestamp?: number }): Promise<{ status: number; body: string }>;
  /** The events sent so far. */
  sent: unknown[];
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** HubSpot's v3 signature: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)). */
export function signHubspotV3(secret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

type Objects = Record<'deals' | 'companies' | 'contacts' | 'line_items', Map<string, CrmObject>>;
type Links = Map<
  string,
  { companies: string[]; line_items: string[]; contacts: Array<{ id: string; label?: string }> }
>;

/** CRM v3 object reads and v4 association reads, behind a Bearer token. */
function registerCrmRoutes(app: Simulator['app'], state: { token: string; objects: Objects; links: Links }): void {
  const { token, objects, links } = state;
  type Kind = keyof Objects;
  // Bearer token on every CRM call (private app access token or OAuth access token).
  const authorized = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (req.headers.authorization === `Bearer ${token}`) return true;
    void reply.code(401).send({
      status: 'error',
      message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
      correlationId: 'sim',
      category: 'INVALID_AUTHENTICATION',
    });
    return false;
  };
  const notFound = (reply: FastifyReply, id: string) =>
    reply.code(404).send({
      status: 'error',
      message: `Object not found.  objectId are usually numeric. ${id}`,
      correlationId: 'sim',
      category: 'OBJECT_NOT_FOUND',
    });
  const list = (v: unknown): string[] =>
    (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).flatMap((s: string) => s.split(',')).filter(Boolean);

  for (const kind of Object.keys(objects) as Kind[]) {
    app.get(`/crm/v3/objects/${kind}/:id`, async (req, reply) => {
      if (!authorized(req, reply)) return reply;
      const { id } = req.params as { id: string };
      const o = objects[kind].get(id);
      if (!o) return notFound(reply, id);
      const q = req.query as { properties?: string | string[]; associations?: string | string[] };
      const wanted = list(q.properties);
      // Without `properties` HubSpot returns a default set; with it, exactly those that have a value.
      const props = wanted.length
        ? Object.fromEntries(wanted.filter((p) => p in o.properties).map((p) => [p, o.properties[p]!]))
        : o.properties;
      const body: Record<string, unknown> = {
        id,
        properties: { ...props, hs_object_id: id },
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
        archived: false,
      };
      const assoc = list(q.associations);
      if (kind === 'deals' && assoc.length) {
        const l = links.get(id)!;
        const out: Record<string, unknown> = {};
        for (const a of assoc) {
          const ids =
            a === 'companies'
              ? l.companies
              : a === 'line_items'
                ? l.line_items
                : a === 'contacts'
                  ? l.contacts.map((c) => c.id)
                  : [];
          if (ids.length)
            out[a] = {
              results: ids.map((x) => ({
                id: x,
                type: `deal_to_${a === 'companies' ? 'company' : a === 'contacts' ? 'contact' : 'line_item'}`,
              })),
            };
        }
        body.associations = out;
      }
      return body;
    });
  }

  app.get('/crm/v4/objects/deals/:id/associations/contacts', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const { id } = req.params as { id: string };
    const l = links.get(id);
    if (!l) return notFound(reply, id);
    return {
      results: l.contacts.map((c) => ({
        toObjectId: Number(c.id),
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
          ...(c.label ? [{ category: 'USER_DEFINED', typeId: 100 + (c.label.length % 50), label: c.label }] : []),
        ],
      })),
    };
  });
}

export function createHubspotSimulator(options: HubspotSimulatorOptions = {}): HubspotSimulator {
  const sim = createSimulatorApp({ name: 'hubspot', ...options });
  const { app } = sim;
  const portalId = options.portalId ?? '62515';
  const appId = options.appId ?? 54321;
  const token = options.accessToken ?? 'pat-sim-token';
  const secret = options.clientSecret ?? 'sim-client-secret';
  let webhookUrl = options.webhookUrl;
  const now = () => new Date().toISOString();
  const objects = {
    deals: new Map<string, CrmObject>(),
    companies: new Map<string, CrmObject>(),
    contacts: new Map<string, CrmObject>(),
    line_items: new Map<string, CrmObject>(),
  };
  type Kind = keyof typeof objects;
  const links = new Map<
    string,
    { companies: string[]; line_items: string[]; contacts: Array<{ id: string; label?: string }> }
  >();
  let nextId = options.firstId ?? 1000;
  let nextEvent = 1;
  const sent: unknown[] = [];
  const put = (kind: Kind, properties: Record<string, string | undefined>): string => {
    const id = String(nextId++);
    const props = Object.fromEntries(
      Object.entries(properties).filter((e): e is [string, string] => e[1] !== undefined)
    );
    objects[kind].set(id, { id, properties: { ...props, hs_object_id: id }, createdAt: now(), updatedAt: now() });
    return id;
  };

  registerCrmRoutes(app, { token, objects, links });

  const createDeal = (seed: HubspotDealSeed): string => {
    const dealId = put('deals', {
      dealname: seed.dealname,
      dealstage: seed.dealstage,
      pipeline: 'default',
      ...seed.properties,
    });
    const company = seed.company
      ? put('companies', { name: seed.company.name, domain: seed.company.domain, ...seed.company.properties })
      : undefined;
    links.set(dealId, {
      companies: company ? [company] : [],
      contacts: (seed.contacts ?? []).map((c) => ({
        id: put('contacts', { email: c.email, firstname: c.firstname, lastname: c.lastname }),
        label: c.role,
      })),
      line_items: (seed.lineItems ?? []).map((li) =>
        put('line_items', { hs_sku: li.sku, name: li.name, quantity: String(li.quantity ?? 1) })
      ),
    });
    return dealId;
  };

  const send = async (events: unknown[], opts: { timestamp?: number } = {}) => {
    if (!webhookUrl) throw new Error('the HubSpot simulator has no webhook URL');
    const body = JSON.stringify(events);
    const timestamp = opts.timestamp ?? Date.now();
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signHubspotV3(secret, 'POST', webhookUrl, body, timestamp),
        'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-version': 'v3',
      },
      body,
    });
    return { status: res.status, body: await res.text() };
  };

  const setStage = async (dealId: string, stage: string): Promise<number | undefined> => {
    const deal = objects.deals.get(dealId);
    if (!deal) throw new Error(`no deal ${dealId}`);
    deal.properties.dealstage = stage;
    deal.updatedAt = now();
    if (!webhookUrl) return undefined;
    const event = {
      eventId: nextEvent++,
      subscriptionId: 12345,
      portalId: Number(portalId),
      appId,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(dealId),
      propertyName: 'dealstage',
      propertyValue: stage,
      changeSource: 'CRM_UI',
    };
    sent.push(event);
    return (await send([event])).status;
  };

  // Admin (the sandbox's and the tests' hands on the CRM): never part of HubSpot's API.
  app.post('/_admin/deals', async (req) => ({ dealId: createDeal(req.body as HubspotDealSeed) }));
  app.patch('/_admin/deals/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!objects.deals.has(id)) return reply.code(404).send({ error: `no deal ${id}` });
    const { dealstage } = req.body as { dealstage: string };
    return { dealId: id, webhookStatus: await setStage(id, dealstage) };
  });
  app.put('/_admin/webhook', async (req) => {
    webhookUrl = (req.body as { url: string }).url;
    return { url: webhookUrl };
  });

  return {
    ...sim,
    portalId,
    createDeal,
    setStage,
    setWebhookUrl: (url) => void (webhookUrl = url),
    send,
    sent,
    listen: (port?: number) => listen(app, port),
    close: () => app.close(),
  };
}
