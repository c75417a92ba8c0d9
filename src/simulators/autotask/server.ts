import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerAutotaskAdminRoutes } from './admin-routes';
import { CalloutQueue, type DeliveryOptions } from './delivery';
import { UDFS, WEBHOOK_ENTITY_TO_REST, entityDef, fieldInformation, type EntityDef } from './catalog';
import { QueryError, countQuery, key, parseQuery, runQuery } from './query';
import { AutotaskDatabase, type Action, type ApiUser, type Webhook } from './state';

/**
 * Autotask PSA REST simulator (vendor-apis.md B): zone discovery, VersionInformation, the three auth headers
 * with Autotask's real (misleading) status codes, entityInformation (`canX` per entity, `userAccessFor*`
 * per the API user's security level), field and UDF metadata, the query language (every documented
 * operator, and/or groups, includeFields, query/count), Companies/Contacts/Tickets, webhook entities with
 * Fields/ExcludedResources children (create, PATCH/PUT, delete) and isReady, the webhook limit,
 * ThresholdInformation, the thread limit (3 per tracking identifier x endpoint) and the rolling hourly
 * limit (429 + Retry-After), and real signed callouts when a ticket changes. Paths ignore case, like the
 * real service. Each behaviour's source (or "guess") is in docs/vendor-contracts.md, section Autotask.
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
  /** Persist the database to this JSON file (the sandbox does, so a restart keeps it). */
  stateFile?: string;
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

/** Every REST path starts with this, in any case (the real service ignores case in paths). */
const BASE = /^\/atservicesrest\/v1\.0(\/|$)/i;
const WEBHOOK_ENDPOINT = /^(Company|Contact|ConfigurationItem|Ticket|TicketNote)Webhooks$/i;
/** Webhook child entities when addressed on their own (e.g. `TicketWebhookFields/entityInformation/fields`). */
const WEBHOOK_CHILD_ENTITY =
  /^(Company|Contact|ConfigurationItem|Ticket|TicketNote)Webhook(Fields|ExcludedResources|UdfFields)$/i;
/** A human technician (not an API user): webhooks fire for their changes. */
const TECHNICIAN_RESOURCE_ID = 29_680_001;

const errors = (reply: FastifyReply, status: number, ...messages: string[]) =>
  reply.code(status).send({ errors: messages });

/** Canonical spelling of a webhook entity prefix ("ticket" -> "Ticket"). */
const canonicalHook = (s: string) =>
  Object.keys(WEBHOOK_ENTITY_TO_REST).find((k) => k.toLowerCase() === s.toLowerCase());
const canonicalChild = (s: string) =>
  ['Fields', 'ExcludedResources', 'UdfFields'].find((k) => k.toLowerCase() === s.toLowerCase());

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
  let throttledHere = 0;
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

  // Autotask accepts an empty body with Content-Type: application/json (a DELETE from a client that sets
  // the header on every call, like @apigrate/autotask-restapi); Fastify's default parser would answer 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      // The service's answer to malformed JSON is undocumented: a guess.
      const err = Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 });
      done(err, undefined);
    }
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
    errors(reply, err.statusCode && err.statusCode < 500 ? err.statusCode : 500, err.message)
  );

  app.decorateRequest('apiUser', null);
  app.decorateRequest('threadKey', null);

  /** Path below /ATServicesRest/V1.0/, or undefined for other paths. */
  const restPath = (url: string) => {
    const path = url.split('?')[0] ?? '';
    const m = BASE.exec(path);
    return m ? path.slice(m[0].length).replace(/\/+$/, '') : undefined;
  };

  app.addHook('onRequest', async (req, reply) => {
    const rest = restPath(req.url);
    if (rest === undefined || /^zoneInformation$/i.test(rest)) return;
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
    // REST_Thresholds_Limits: 10,000 requests per rolling hour per database, then errors until usage
    // falls. The status (429) and Retry-After are [community] (go-autotask, WYRE-AI/autotask-mcp #107).
    if (hourly() >= hourlyLimit) {
      throttledHere++;
      const retryAfter = Math.max(1, Math.ceil((window[0]! + hourMs - Date.now()) / 1000));
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ errors: ['API request threshold exceeded.'] });
    }
    window.push(Date.now());
    // ThreadLimiting.htm: 3 concurrent threads per API tracking identifier x object endpoint (zone
    // information exempt). The peak is recorded before the check, so a caller that sends a 4th call shows
    // up as 4 even though the 4th is refused; the refusal (429, message as seen by n8n-nodes-autotask #107
    // and WYRE-AI/autotask-mcp #169: [community]) counts in throttled().
    const segments = rest.split('/');
    const entity = entityDef(segments[0] ?? '')?.name ?? segments[0] ?? '';
    const child =
      segments[2] && /^\d+$/.test(segments[1] ?? '') ? (canonicalChild(segments[2]) ?? segments[2]) : undefined;
    const endpoint = child ? `${entity}/${child}` : entity;
    const key = `${user.integrationCode}|${endpoint}`;
    const now = (concurrency.get(key) ?? 0) + 1;
    maxConcurrency.set(key, Math.max(maxConcurrency.get(key) ?? 0, now));
    if (now > threadLimit) {
      throttledHere++;
      return reply
        .code(429)
        .header('retry-after', '1')
        .send({
          errors: [`The Autotask API thread threshold of ${threadLimit} threads has been exceeded for ${endpoint}.`],
        });
    }
    concurrency.set(key, now);
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
      : errors(
          reply,
          500,
          `The logged in Resource does not have the adequate permissions to ${action} this entity type.`
        );

  /** Rows of an entity as the API returns them (webhook children flattened with their webhookID). */
  function rows(entity: EntityDef): Record<string, unknown>[] {
    const hook = WEBHOOK_ENDPOINT.exec(entity.name)?.[1];
    if (hook) return [...db.webhooks.values()].filter((h) => h.entity === hook).map((h) => db.view(h));
    const childM = WEBHOOK_CHILD_ENTITY.exec(entity.name);
    if (childM) {
      const hooks = [...db.webhooks.values()].filter((h) => h.entity === childM[1]);
      if (childM[2] === 'Fields') return hooks.flatMap((h) => h.fields.map((f) => ({ ...f, webhookID: h.id })));
      if (childM[2] === 'ExcludedResources')
        return hooks.flatMap((h) => h.excludedResources.map((e) => ({ ...e, webhookID: h.id })));
      return [];
    }
    if (entity.name === 'Resources')
      return [...db.users.values()].map((u) => ({
        id: u.resourceId,
        userName: u.username,
        email: u.username,
        isActive: u.active,
        licenseType: 7,
      }));
    return [...db.table(entity.name).values()];
  }

  const udfNames = (entity: EntityDef) => (UDFS[entity.name] ?? []).map((u) => String(u.name));

  function query(req: FastifyRequest, reply: FastifyReply, entity: EntityDef, count: boolean) {
    if (!db.can(userOf(req), entity.name, 'query')) return denied(reply, entity.name, 'query');
    let body: unknown = req.body;
    if (req.method === 'GET') {
      const search = (req.query as { search?: string }).search;
      try {
        body = search ? JSON.parse(search) : {};
      } catch {
        return errors(reply, 400, 'The search parameter is not valid JSON.'); // status: a guess
      }
    }
    let q;
    try {
      q = parseQuery(body, entity, udfNames(entity));
    } catch (err) {
      if (err instanceof QueryError) return errors(reply, err.status, err.message);
      throw err;
    }
    const all = rows(entity);
    if (count) return { queryCount: countQuery(all, q) };
    const items = runQuery(all, q);
    // One page only (at most MaxRecords, 500): the simulated databases stay small; paging is not simulated.
    return { items, pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } };
  }

  function entityInformation(req: FastifyRequest, entity: EntityDef) {
    const user = userOf(req);
    return {
      info: {
        name: entity.name,
        canCreate: entity.canCreate,
        canDelete: entity.canDelete,
        canQuery: entity.canQuery,
        canUpdate: entity.canUpdate,
        userAccessForCreate: db.access(user, entity.name, 'create'),
        userAccessForDelete: db.access(user, entity.name, 'delete'),
        userAccessForQuery: db.access(user, entity.name, 'query'),
        userAccessForUpdate: db.access(user, entity.name, 'update'),
        hasUserDefinedFields: entity.hasUserDefinedFields,
        supportsWebhookCallouts: entity.supportsWebhookCallouts,
      },
    };
  }

  const notFound = (reply: FastifyReply, what: string) => errors(reply, 404, `${what} not found.`); // body: a guess

  async function createWebhook(req: FastifyRequest, reply: FastifyReply, entityName: string, hookEntity: string) {
    const user = userOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const level = db.level(user);
    if (!level.webhooks.enabled) return denied(reply, entityName, 'create');
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
    if (typeof body.name === 'string' && body.name.length > 50)
      return errors(reply, 400, 'Name exceeds 50 characters.');
    return { itemId: db.createWebhook(user, hookEntity, body).id };
  }

  const WEBHOOK_WRITABLE = [
    'name',
    'webhookUrl',
    'deactivationUrl',
    'secretKey',
    'isActive',
    'isSubscribedToCreateEvents',
    'isSubscribedToUpdateEvents',
    'isSubscribedToDeleteEvents',
    'notificationEmailAddress',
    'sendThresholdExceededNotification',
  ] as const;

  /** PATCH changes what the body names; PUT replaces every writable field (missing ones become null/false). */
  async function updateWebhook(
    req: FastifyRequest,
    reply: FastifyReply,
    entityName: string,
    hookEntity: string,
    put: boolean
  ) {
    const user = userOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = Number(key(body, 'id'));
    const hook = db.webhooks.get(id);
    if (!hook || hook.entity !== hookEntity) return notFound(reply, `${entityName} ${id}`);
    if (!db.level(user).webhooks.enabled) return denied(reply, entityName, 'update');
    if (put && (!key(body, 'webhookUrl') || !key(body, 'deactivationUrl')))
      return errors(reply, 400, 'WebhookUrl and DeactivationUrl are required.');
    const wasActive = hook.isActive;
    const target = hook as unknown as Record<string, unknown>;
    for (const k of WEBHOOK_WRITABLE) {
      const v = key(body, k);
      if (v !== undefined) target[k] = v;
      else if (put) target[k] = typeof target[k] === 'boolean' ? false : k === 'secretKey' ? hook.secretKey : null;
    }
    // Inactivating a webhook calls its deactivation URL (REST_WebhooksEntity: DeactivationUrl).
    if (wasActive && !hook.isActive) await callouts.callDeactivation(hook);
    return { itemId: id };
  }

  async function childWrite(
    req: FastifyRequest,
    reply: FastifyReply,
    entityName: string,
    hook: Webhook,
    child: string
  ) {
    const user = userOf(req);
    if (!db.level(user).webhooks.enabled) return denied(reply, entityName, 'create');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const restEntity = WEBHOOK_ENTITY_TO_REST[hook.entity]!;
    if (child === 'Fields') {
      if (req.method === 'PATCH' || req.method === 'PUT') {
        const row = hook.fields.find((f) => f.id === Number(key(body, 'id')));
        if (!row) return notFound(reply, `${hook.entity}WebhookField ${String(key(body, 'id'))}`);
        const sub = key<boolean>(body, 'isSubscribedField');
        const disp = key<boolean>(body, 'isDisplayAlwaysField');
        row.isSubscribedField = sub ?? (req.method === 'PUT' ? false : row.isSubscribedField);
        row.isDisplayAlwaysField = disp ?? (req.method === 'PUT' ? false : row.isDisplayAlwaysField);
        return { itemId: row.id };
      }
      const fieldID = Number(key(body, 'fieldID'));
      const def = entityDef(restEntity)!.fields.find((f) => f.fieldId === fieldID);
      if (!def?.isSupportedWebhookField)
        return errors(reply, 400, `Field ${fieldID} is not a supported webhook field.`);
      if (hook.fields.some((f) => f.fieldID === fieldID))
        return errors(reply, 500, `Field ${fieldID} is already on this webhook.`);
      const field = {
        id: db.id(),
        fieldID,
        isSubscribedField: key(body, 'isSubscribedField') === true,
        isDisplayAlwaysField: key(body, 'isDisplayAlwaysField') === true,
      };
      hook.fields.push(field);
      if (field.isSubscribedField && hook.readyAt === undefined) hook.readyAt = Date.now() + db.readyDelayMs;
      return { itemId: field.id };
    }
    if (child === 'ExcludedResources') {
      if (req.method !== 'POST') return errors(reply, 405, `${hook.entity}WebhookExcludedResources cannot be updated.`);
      const resourceID = Number(key(body, 'resourceID'));
      if (![...db.users.values()].some((u) => u.resourceId === resourceID))
        return errors(reply, 400, `Resource ${resourceID} not found.`);
      if (hook.excludedResources.some((e) => e.resourceID === resourceID))
        return errors(reply, 500, `Resource ${resourceID} is already excluded.`);
      const row = { id: db.id(), resourceID };
      hook.excludedResources.push(row);
      return { itemId: row.id };
    }
    // UdfFields: the simulated databases define no webhook-capable UDF ids (udfFieldID picklist is empty).
    return errors(reply, 400, `UDF field ${String(key(body, 'udfFieldID'))} is not a supported webhook field.`);
  }

  function childDelete(
    req: FastifyRequest,
    reply: FastifyReply,
    entityName: string,
    hook: Webhook,
    child: string,
    id: number
  ) {
    if (!db.level(userOf(req)).webhooks.enabled) return denied(reply, entityName, 'delete');
    const list: { id: number }[] =
      child === 'Fields' ? hook.fields : child === 'ExcludedResources' ? hook.excludedResources : [];
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) return notFound(reply, `${hook.entity}Webhook${child.replace(/s$/, '')} ${id}`);
    list.splice(i, 1);
    // A webhook without any subscribed field is no longer ready (REST_WebhookFieldsEntity: at least one
    // callout field must be present).
    if (child === 'Fields' && !hook.fields.some((f) => f.isSubscribedField)) hook.readyAt = undefined;
    return { itemId: id };
  }

  // VersionInformation: unauthenticated, above V1.0 (vendor-apis.md B2; Swagger ApiVersionsResultModel).
  app.get('/*', async (req, reply) => dispatch(req, reply));
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) app.route({ method, url: '/*', handler: dispatch });

  async function dispatch(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const path = req.url.split('?')[0] ?? '';
    if (/^\/atservicesrest\/versioninformation\/?$/i.test(path) && req.method === 'GET')
      return { apiVersions: ['1.0'] };
    const rest = restPath(req.url);
    if (rest === undefined) return errors(reply, 404, `No route for ${req.method} ${path}.`);
    const seg = rest.split('/').filter(Boolean);
    const m = req.method;
    if (seg.length === 1 && /^zoneInformation$/i.test(seg[0]!) && m === 'GET') {
      const user = db.user((req.query as { user?: string }).user);
      // Autotask answers 500 (not 404) for a blank or unknown user.
      if (!user) return errors(reply, 500, 'Zone information could not be determined');
      return {
        zoneName: opts.zoneName ?? 'Pre-Release',
        url: `${baseUrl}/ATServicesRest/`,
        webUrl: `${baseUrl}/`,
        ci: 0,
      };
    }
    if (seg.length === 1 && /^ThresholdInformation$/i.test(seg[0]!) && m === 'GET') {
      return {
        externalRequestThreshold: hourlyLimit,
        requestThresholdTimeframe: Math.round(hourMs / 60_000),
        currentTimeframeRequestCount: hourly(),
      };
    }
    const entity = entityDef(seg[0] ?? '');
    if (!entity) return errors(reply, 404, `The requested resource ${seg[0] ?? ''} does not exist.`); // body: a guess
    const user = userOf(req);
    const hookEntity = canonicalHook(WEBHOOK_ENDPOINT.exec(entity.name)?.[1] ?? '');
    const [, s1, s2, s3] = seg;
    const is = (s: string | undefined, name: string) => s?.toLowerCase() === name.toLowerCase();

    if (is(s1, 'entityInformation') && m === 'GET') {
      if (s2 === undefined) return entityInformation(req, entity);
      if (is(s2, 'fields') && s3 === undefined) return { fields: entity.fields.map(fieldInformation) };
      if (is(s2, 'userDefinedFields') && s3 === undefined)
        return { fields: entity.hasUserDefinedFields ? (UDFS[entity.name] ?? []) : [] };
    }
    if (is(s1, 'query') && (m === 'POST' || m === 'GET')) {
      if (s2 === undefined) return query(req, reply, entity, false);
      if (is(s2, 'count') && s3 === undefined) return query(req, reply, entity, true);
    }
    if (seg.length === 1 && (m === 'POST' || m === 'PATCH' || m === 'PUT')) {
      const action: Action = m === 'POST' ? 'create' : 'update';
      if (!(m === 'POST' ? entity.canCreate : entity.canUpdate))
        return errors(reply, 405, `The requested resource does not support http method '${m}'.`);
      if (hookEntity) {
        return m === 'POST'
          ? createWebhook(req, reply, entity.name, hookEntity)
          : updateWebhook(req, reply, entity.name, hookEntity, m === 'PUT');
      }
      if (!db.can(user, entity.name, action)) return denied(reply, entity.name, action);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (m === 'POST') {
        const id = db.id();
        db.table(entity.name).set(id, { ...body, id });
        if (entity.name === 'Tickets') fire('Ticket', 'Create', id, body, user.resourceId);
        return { itemId: id };
      }
      const id = Number(key(body, 'id'));
      const row = db.table(entity.name).get(id);
      if (!row) return notFound(reply, `${entity.name} ${id}`);
      Object.assign(row, body);
      if (entity.name === 'Tickets') fire('Ticket', 'Update', id, body, user.resourceId);
      return { itemId: id };
    }
    if (seg.length === 2 && /^\d+$/.test(s1!)) {
      const id = Number(s1);
      if (m === 'GET') {
        if (!db.can(user, entity.name, 'query')) return denied(reply, entity.name, 'query');
        const item = rows(entity).find((r) => Number(r.id) === id);
        // Simulator choice: a missing id answers 200 {"item": null}. [community] evidence conflicts
        // (apigrate README: 404; tphakala/go-autotask handles a null item); Onramp accepts both.
        return { item: item ?? null };
      }
      if (m === 'DELETE') {
        if (!entity.canDelete)
          return errors(reply, 405, `The requested resource does not support http method 'DELETE'.`);
        if (!hookEntity) {
          if (!db.can(user, entity.name, 'delete')) return denied(reply, entity.name, 'delete');
          if (!db.table(entity.name).delete(id)) return notFound(reply, `${entity.name} ${id}`);
          return { itemId: id };
        }
        const hook = db.webhooks.get(id);
        if (!hook || hook.entity !== hookEntity) return notFound(reply, `${entity.name} ${id}`);
        // Simulator assumption (seed 004): only the API user that created a webhook can delete it.
        if (hook.ownerResourceID !== user.resourceId) {
          return errors(
            reply,
            403,
            'The logged in Resource does not have the adequate permissions to delete this entity.'
          );
        }
        db.webhooks.delete(hook.id);
        if (hook.isActive) await callouts.callDeactivation(hook);
        return { itemId: hook.id };
      }
    }
    if (hookEntity && seg.length >= 3 && /^\d+$/.test(s1!)) {
      const child = canonicalChild(s2!);
      const hook = db.webhooks.get(Number(s1));
      if (!child || (child === 'UdfFields' && hookEntity === 'TicketNote'))
        return errors(reply, 404, `The requested resource ${s2} does not exist.`);
      if (!hook || hook.entity !== hookEntity) return notFound(reply, `${entity.name} ${s1}`);
      const list = () =>
        (child === 'Fields' ? hook.fields : child === 'ExcludedResources' ? hook.excludedResources : []).map((x) => ({
          ...x,
          webhookID: hook.id,
        }));
      if (m === 'GET' && s3 === undefined)
        return {
          items: list(),
          pageDetails: { count: list().length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
        };
      if (m === 'GET' && s3 !== undefined) return { item: list().find((x) => x.id === Number(s3)) ?? null };
      if ((m === 'POST' || m === 'PATCH' || m === 'PUT') && s3 === undefined)
        return childWrite(req, reply, entity.name, hook, child);
      if (m === 'DELETE' && s3 !== undefined && /^\d+$/.test(s3))
        return childDelete(req, reply, entity.name, hook, child, Number(s3));
    }
    return errors(reply, 405, `The requested resource does not support http method '${m}'.`);
  }

  function fire(
    entityType: string,
    action: 'Create' | 'Update',
    id: number,
    changed: Record<string, unknown>,
    actor: number
  ): void {
    const defs = (entityDef(WEBHOOK_ENTITY_TO_REST[entityType]!)?.fields ?? []).map((d) => ({
      id: d.fieldId,
      name: d.name,
    }));
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

  registerAutotaskAdminRoutes(app, {
    db,
    setUserActive,
    deactivateWebhook: deactivate,
    changeTicket,
    stateFile: opts.stateFile,
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
    /** 429s answered by the generic rate limit, the hourly threshold or the thread limit. */
    throttled: () => sim.throttled() + throttledHere,
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
