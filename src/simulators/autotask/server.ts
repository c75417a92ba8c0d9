import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { CalloutQueue, type DeliveryOptions } from './delivery';
import {
  AutotaskDatabase,
  ENTITY_FIELDS,
  WEBHOOK_ENTITY_TO_REST,
  type Action,
  type ApiUser,
  type SecurityLevel,
  type Webhook,
} from './state';

/**
 * Autotask PSA REST simulator (vendor-apis.md B): zone discovery, the three auth headers with Autotask's
 * real (misleading) status codes, entityInformation per security level, Companies/Contacts/Tickets,
 * webhook entities with Fields/ExcludedResources children and isReady, the webhook limit,
 * ThresholdInformation, the thread limit (3 per tracking identifier x endpoint) and the rolling hourly
 * limit (429 + Retry-After), and real signed callouts when a ticket changes.
 */
export interface AutotaskSimulatorOptions extends Partial<SimulatorOptions> {
  zoneName?: string;
  threadLimit?: number;
  hourlyLimit?: number;
  /** The "hour" of the rolling window; tests shorten it. */
  hourMs?: number;
  /** Time each authenticated call holds its thread (makes concurrency observable). */
  callLatencyMs?: [number, number];
  readyDelayMs?: number;
  /** Consecutive bad secrets that lock the API user. */
  lockAfterFailures?: number;
  delivery?: Partial<DeliveryOptions>;
}

export interface AutotaskSimulator extends Simulator {
  db: AutotaskDatabase;
  callouts: CalloutQueue;
  /** Highest concurrency seen per `integrationCode|endpoint`. */
  maxConcurrency: Map<string, number>;
  /** Requests rejected for a wrong secret, per username (a lockout risk). */
  authFailures: Map<string, number>;
  hourlyCount(): number;
  /** What a technician does in the UI: create or change a ticket (fires webhooks). */
  changeTicket(id: number | undefined, fields: Record<string, unknown>, actorResourceId?: number): number;
  setUserActive(username: string, active: boolean): Promise<void>;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

const BASE = '/ATServicesRest/V1.0';
const WEBHOOK_ENDPOINT = /^(Company|Contact|ConfigurationItem|Ticket|TicketNote)Webhooks$/;
/** A human technician (not an API user): webhooks fire for their changes. */
const TECHNICIAN_RESOURCE_ID = 29_680_001;

const errors = (reply: FastifyReply, status: number, ...messages: string[]) =>
  reply.code(status).send({ errors: messages });

export function createAutotaskSimulator(opts: AutotaskSimulatorOptions = {}): AutotaskSimulator {
  const sim = createSimulatorApp({ name: 'autotask', ...opts });
  const { app } = sim;
  const db = new AutotaskDatabase(opts.readyDelayMs ?? 0);
  const threadLimit = opts.threadLimit ?? 3;
  const hourlyLimit = opts.hourlyLimit ?? 10_000;
  const hourMs = opts.hourMs ?? 3600_000;
  const lockAfter = opts.lockAfterFailures ?? 5;
  const callouts = new CalloutQueue(
    { retryDelayMs: 30_000, attempts: 5, timeoutMs: 10_000, ...opts.delivery },
    (hook) => void deactivate(hook)
  );
  const concurrency = new Map<string, number>();
  const maxConcurrency = new Map<string, number>();
  const authFailures = new Map<string, number>();
  const consecutiveBadSecrets = new Map<string, number>();
  let window: number[] = [];
  let baseUrl = '';

  const hourly = () => {
    const cutoff = Date.now() - hourMs;
    window = window.filter((t) => t > cutoff);
    return window.length;
  };

  async function deactivate(hook: Webhook): Promise<void> {
    if (!hook.isActive) return;
    hook.isActive = false;
    await callouts.callDeactivation(hook);
  }

  const zoneInformation = async (req: FastifyRequest, reply: FastifyReply) => {
    const user = db.user((req.query as { user?: string }).user);
    // Autotask answers 500 (not 404) for a blank or unknown user.
    if (!user) return errors(reply, 500, 'Zone information could not be determined');
    return {
      zoneName: opts.zoneName ?? 'Pre-Release',
      url: `${baseUrl}/ATServicesRest/`,
      webUrl: `${baseUrl}/`,
      ci: 0,
    };
  };
  app.get('/atservicesrest/v1.0/zoneInformation', zoneInformation);
  app.get(`${BASE}/zoneInformation`, zoneInformation);

  app.decorateRequest('apiUser', null);
  app.decorateRequest('threadKey', null);

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith(`${BASE}/`) || /\/zoneInformation$/i.test(path)) return;
    const h = req.headers;
    const username = String(h.username ?? '');
    const user = db.user(username);
    if (!user) return errors(reply, 500, `Unable to find an API user with user name '${username}'.`);
    if (String(h.apiintegrationcode ?? '') !== user.integrationCode)
      return errors(reply, 500, 'IntegrationCode is invalid.');
    if (String(h.secret ?? '') !== user.secret) {
      authFailures.set(user.username, (authFailures.get(user.username) ?? 0) + 1);
      const n = (consecutiveBadSecrets.get(user.username) ?? 0) + 1;
      consecutiveBadSecrets.set(user.username, n);
      if (n >= lockAfter) user.locked = true;
      return reply.code(401).send();
    }
    if (!user.active || user.locked) return reply.code(401).send();
    consecutiveBadSecrets.set(user.username, 0);
    if (hourly() >= hourlyLimit) {
      const retryAfter = Math.max(1, Math.ceil((window[0]! + hourMs - Date.now()) / 1000));
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ errors: ['API request threshold exceeded.'] });
    }
    window.push(Date.now());
    const segments = path.slice(BASE.length + 1).split('/');
    const endpoint = segments[0] + (segments[2] && /^\d+$/.test(segments[1] ?? '') ? `/${segments[2]}` : '');
    const key = `${user.integrationCode}|${endpoint}`;
    const now = (concurrency.get(key) ?? 0) + 1;
    if (now > threadLimit) {
      return reply
        .code(429)
        .header('retry-after', '1')
        .send({ errors: [`Thread limit of ${threadLimit} exceeded for ${endpoint}.`] });
    }
    concurrency.set(key, now);
    maxConcurrency.set(key, Math.max(maxConcurrency.get(key) ?? 0, now));
    (req as unknown as { threadKey: string }).threadKey = key;
    (req as unknown as { apiUser: ApiUser }).apiUser = user;
    if (opts.callLatencyMs) {
      const [lo, hi] = opts.callLatencyMs;
      await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
    }
  });
  app.addHook('onResponse', async (req) => {
    const key = (req as unknown as { threadKey: string | null }).threadKey;
    if (key) concurrency.set(key, (concurrency.get(key) ?? 1) - 1);
  });

  const userOf = (req: FastifyRequest) => (req as unknown as { apiUser: ApiUser }).apiUser;
  const denied = (reply: FastifyReply, entity: string, action: Action) =>
    action === 'query'
      ? errors(reply, 403, `The logged in Resource does not have the adequate permissions to query ${entity}.`)
      : errors(reply, 500, 'The logged in Resource does not have the adequate permissions to create this entity type.');

  app.get(`${BASE}/ThresholdInformation`, async () => ({
    externalRequestThreshold: hourlyLimit,
    requestThresholdTimeframe: Math.round(hourMs / 60_000),
    currentTimeframeRequestCount: hourly(),
  }));

  app.get(`${BASE}/:entity/entityInformation`, async (req) => {
    const { entity } = req.params as { entity: string };
    const user = userOf(req);
    const isHook = WEBHOOK_ENDPOINT.test(entity);
    return {
      info: {
        name: entity,
        canCreate: db.can(user, entity, 'create'),
        canDelete: db.can(user, entity, 'delete'),
        canQuery: db.can(user, entity, 'query'),
        canUpdate: db.can(user, entity, 'update'),
        hasUserDefinedFields: !isHook,
        supportsWebhookCallouts: Object.values(WEBHOOK_ENTITY_TO_REST).includes(entity),
      },
    };
  });

  app.get(`${BASE}/:entity/entityInformation/fields`, async (req) => {
    const { entity } = req.params as { entity: string };
    return { fields: (ENTITY_FIELDS[entity] ?? []).map((f) => ({ ...f, dataType: 'string', isQueryable: true })) };
  });

  const hookEntity = (endpoint: string) => WEBHOOK_ENDPOINT.exec(endpoint)?.[1];

  app.post(`${BASE}/:entity/query`, async (req, reply) => {
    const { entity } = req.params as { entity: string };
    const user = userOf(req);
    if (!db.can(user, entity, 'query')) return denied(reply, entity, 'query');
    const body = (req.body ?? {}) as { filter?: Filter[]; maxRecords?: number };
    let items: Record<string, unknown>[];
    const he = hookEntity(entity);
    if (he) items = [...db.webhooks.values()].filter((h) => h.entity === he).map((h) => db.view(h));
    else if (entity === 'Resources')
      items = [...db.users.values()].map((u) => ({
        id: u.resourceId,
        userName: u.username,
        isActive: u.active,
        licenseType: 7,
      }));
    else items = [...db.table(entity).values()];
    const matched = items
      .filter((it) => (body.filter ?? []).every((f) => matches(it, f)))
      .slice(0, body.maxRecords ?? 500);
    return {
      items: matched,
      pageDetails: { count: matched.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
    };
  });

  app.post(`${BASE}/:entity`, async (req, reply) => {
    const { entity } = req.params as { entity: string };
    const user = userOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const he = hookEntity(entity);
    if (he) {
      const level = db.level(user);
      if (!level.webhooks.enabled) return denied(reply, entity, 'create');
      if (user.webhooksCreated >= level.webhooks.max) {
        return errors(
          reply,
          500,
          `The maximum number of webhooks (${level.webhooks.max}) for this resource has been reached.`
        );
      }
      if (!body.webhookUrl || !body.deactivationUrl)
        return errors(reply, 400, 'WebhookUrl and DeactivationUrl are required.');
      if (typeof body.secretKey === 'string' && body.secretKey.length > 64)
        return errors(reply, 400, 'SecretKey exceeds 64 characters.');
      return { itemId: db.createWebhook(user, he, body).id };
    }
    if (!db.can(user, entity, 'create')) return denied(reply, entity, 'create');
    const id = db.id();
    db.table(entity).set(id, { ...body, id });
    if (entity === 'Tickets') fire('Ticket', 'Create', id, body, user.resourceId);
    return { itemId: id };
  });

  app.patch(`${BASE}/:entity`, async (req, reply) => {
    const { entity } = req.params as { entity: string };
    const user = userOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = Number(body.id);
    const he = hookEntity(entity);
    if (he) {
      const hook = db.webhooks.get(id);
      if (!hook) return errors(reply, 404, `${entity} ${id} not found.`);
      if (!db.level(user).webhooks.enabled) return denied(reply, entity, 'update');
      for (const k of ['name', 'webhookUrl', 'deactivationUrl', 'secretKey', 'isActive'] as const) {
        if (body[k] !== undefined) (hook as unknown as Record<string, unknown>)[k] = body[k];
      }
      return { itemId: id };
    }
    if (!db.can(user, entity, 'update')) return denied(reply, entity, 'update');
    const row = db.table(entity).get(id);
    if (!row) return errors(reply, 404, `${entity} ${id} not found.`);
    Object.assign(row, body);
    if (entity === 'Tickets') fire('Ticket', 'Update', id, body, user.resourceId);
    return { itemId: id };
  });

  app.get(`${BASE}/:entity/:id`, async (req) => {
    const { entity, id } = req.params as { entity: string; id: string };
    const he = hookEntity(entity);
    if (he) {
      const hook = db.webhooks.get(Number(id));
      return { item: hook && hook.entity === he ? db.view(hook) : null };
    }
    return { item: db.table(entity).get(Number(id)) ?? null };
  });

  app.delete(`${BASE}/:entity/:id`, async (req, reply) => {
    const { entity, id } = req.params as { entity: string; id: string };
    const user = userOf(req);
    const he = hookEntity(entity);
    if (!he) return errors(reply, 405, `${entity} cannot be deleted through the API.`);
    const hook = db.webhooks.get(Number(id));
    if (!hook || hook.entity !== he) return errors(reply, 404, `${entity} ${id} not found.`);
    // Simulator assumption (seed 004): only the API user that created a webhook can delete it.
    if (hook.ownerResourceID !== user.resourceId) {
      return errors(reply, 403, 'The logged in Resource does not have the adequate permissions to delete this entity.');
    }
    db.webhooks.delete(hook.id);
    if (hook.isActive) await callouts.callDeactivation(hook);
    return { itemId: hook.id };
  });

  app.get(`${BASE}/:entity/:id/:child`, async (req, reply) => {
    const { entity, id, child } = req.params as { entity: string; id: string; child: string };
    const hook = hookEntity(entity) ? db.webhooks.get(Number(id)) : undefined;
    if (!hook) return errors(reply, 404, `${entity} ${id} not found.`);
    if (child === 'Fields') return { items: hook.fields.map((f) => ({ ...f, webhookID: hook.id })) };
    if (child === 'ExcludedResources')
      return { items: hook.excludedResources.map((e) => ({ ...e, webhookID: hook.id })) };
    return errors(reply, 404, `Unknown child ${child}.`);
  });

  app.post(`${BASE}/:entity/:id/:child`, async (req, reply) => {
    const { entity, id, child } = req.params as { entity: string; id: string; child: string };
    const he = hookEntity(entity);
    const hook = he ? db.webhooks.get(Number(id)) : undefined;
    if (!he || !hook) return errors(reply, 404, `${entity} ${id} not found.`);
    if (!db.level(userOf(req)).webhooks.enabled) return denied(reply, entity, 'create');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (child === 'Fields') {
      const fieldID = Number(body.fieldID);
      const def = (ENTITY_FIELDS[WEBHOOK_ENTITY_TO_REST[he]!] ?? []).find((f) => f.id === fieldID);
      if (!def?.isSupportedWebhookField)
        return errors(reply, 400, `Field ${fieldID} is not a supported webhook field.`);
      if (hook.fields.some((f) => f.fieldID === fieldID))
        return errors(reply, 500, `Field ${fieldID} is already on this webhook.`);
      const field = {
        id: db.id(),
        fieldID,
        isSubscribedField: body.isSubscribedField === true,
        isDisplayAlwaysField: body.isDisplayAlwaysField === true,
      };
      hook.fields.push(field);
      if (field.isSubscribedField && hook.readyAt === undefined) hook.readyAt = Date.now() + db.readyDelayMs;
      return { itemId: field.id };
    }
    if (child === 'ExcludedResources') {
      const resourceID = Number(body.resourceID);
      if (![...db.users.values()].some((u) => u.resourceId === resourceID))
        return errors(reply, 400, `Resource ${resourceID} not found.`);
      if (hook.excludedResources.some((e) => e.resourceID === resourceID))
        return errors(reply, 500, `Resource ${resourceID} is already excluded.`);
      const row = { id: db.id(), resourceID };
      hook.excludedResources.push(row);
      return { itemId: row.id };
    }
    return errors(reply, 404, `Unknown child ${child}.`);
  });

  function fire(
    entityType: string,
    action: 'Create' | 'Update',
    id: number,
    changed: Record<string, unknown>,
    actor: number
  ): void {
    const defs = ENTITY_FIELDS[WEBHOOK_ENTITY_TO_REST[entityType]!] ?? [];
    const row = db.table(WEBHOOK_ENTITY_TO_REST[entityType]!).get(id) ?? {};
    for (const hook of db.webhooks.values()) {
      if (hook.entity !== entityType || !hook.isActive || !db.isReady(hook)) continue;
      if (action === 'Create' ? !hook.isSubscribedToCreateEvents : !hook.isSubscribedToUpdateEvents) continue;
      if (hook.excludedResources.some((e) => e.resourceID === actor)) continue;
      const subscribed = hook.fields
        .filter((f) => f.isSubscribedField)
        .map((f) => defs.find((d) => d.id === f.fieldID)?.name);
      if (action === 'Update' && !Object.keys(changed).some((k) => subscribed.includes(k))) continue;
      const shown = hook.fields.map((f) => defs.find((d) => d.id === f.fieldID)?.name).filter((n): n is string => !!n);
      callouts.send(hook, {
        Action: action,
        Guid: hook.webhookGUID,
        EntityType: entityType,
        Id: id,
        Fields: Object.fromEntries(shown.map((n) => [n, row[n] ?? null])),
        EventTime: new Date().toISOString(),
        SequenceNumber: callouts.nextSequence(),
        PersonID: actor,
      });
    }
  }

  // Control plane: what an Autotask admin does in the UI.
  app.post('/__sim/autotask/users', async (req) => {
    const u = db.addUser(req.body as Pick<ApiUser, 'username' | 'secret' | 'integrationCode'>);
    return { username: u.username, resourceId: u.resourceId };
  });
  app.put('/__sim/autotask/users/:username', async (req, reply) => {
    const user = db.user((req.params as { username: string }).username);
    if (!user) return reply.code(404).send({ error: 'no such user' });
    const b = req.body as { active?: boolean; locked?: boolean; securityLevel?: string };
    if (b.securityLevel) user.securityLevel = b.securityLevel;
    if (b.locked !== undefined) user.locked = b.locked;
    if (b.active !== undefined) await setUserActive(user.username, b.active);
    return { ok: true };
  });
  app.put('/__sim/autotask/security-levels/:name', async (req) => {
    db.setLevel({ ...(req.body as SecurityLevel), name: (req.params as { name: string }).name });
    return { ok: true };
  });
  app.get('/__sim/autotask/webhooks', async () =>
    [...db.webhooks.values()].map((h) => ({
      ...db.view(h),
      entity: h.entity,
      fields: h.fields,
      excludedResources: h.excludedResources,
    }))
  );
  app.post('/__sim/autotask/tickets', async (req) => {
    const b = req.body as { id?: number; fields: Record<string, unknown> };
    return { id: changeTicket(b.id, b.fields) };
  });

  async function setUserActive(username: string, active: boolean): Promise<void> {
    const user = db.user(username);
    if (!user) throw new Error(`no such API user ${username}`);
    user.active = active;
    // Deactivating a resource deactivates the webhooks it created and calls their deactivation URLs.
    if (!active) for (const h of db.webhooks.values()) if (h.ownerResourceID === user.resourceId) await deactivate(h);
  }

  function changeTicket(
    id: number | undefined,
    fields: Record<string, unknown>,
    actor = TECHNICIAN_RESOURCE_ID
  ): number {
    const table = db.table('Tickets');
    if (id !== undefined && table.has(id)) {
      Object.assign(table.get(id)!, fields);
      fire('Ticket', 'Update', id, fields, actor);
      return id;
    }
    const newId = id ?? db.id();
    table.set(newId, { ...fields, id: newId });
    fire('Ticket', 'Create', newId, fields, actor);
    return newId;
  }

  return {
    ...sim,
    db,
    callouts,
    maxConcurrency,
    authFailures,
    hourlyCount: hourly,
    changeTicket,
    setUserActive,
    listen: async (port?: number) => {
      baseUrl = await listen(app, port);
      return baseUrl;
    },
    close: async () => {
      await callouts.drain();
      await app.close();
    },
  };
}

interface Filter {
  op: string;
  field: string;
  value?: unknown;
}

function matches(item: Record<string, unknown>, f: Filter): boolean {
  const key = Object.keys(item).find((k) => k.toLowerCase() === f.field.toLowerCase());
  const v = key ? item[key] : undefined;
  switch (f.op) {
    case 'eq':
      return String(v).toLowerCase() === String(f.value).toLowerCase();
    case 'noteq':
      return String(v).toLowerCase() !== String(f.value).toLowerCase();
    case 'in':
      return Array.isArray(f.value) && f.value.map(String).includes(String(v));
    case 'gt':
      return Number(v) > Number(f.value);
    case 'exist':
      return v !== undefined && v !== null;
    case 'beginsWith':
      return String(v).toLowerCase().startsWith(String(f.value).toLowerCase());
    default:
      return false;
  }
}
