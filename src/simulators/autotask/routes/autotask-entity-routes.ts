import type { FastifyReply, FastifyRequest } from 'fastify';
import { UDFS, type EntityDef } from '../catalog';
import { fireWebhooks } from '../autotask-events';
import {
  WEBHOOK_CHILD_ENTITY,
  WEBHOOK_ENDPOINT,
  denied,
  errors,
  notFound,
  userOf,
  type AutotaskContext,
} from '../autotask-rest';
import { QueryError, countQuery, key, parseQuery, runQuery } from '../query';
import type { Action, AutotaskDatabase } from '../autotask-state';

/**
 * The records of an Autotask entity through the REST API: entityInformation, query and query/count, create,
 * update (PATCH/PUT), get by id, delete. Webhook entities answer their own writes (autotask-webhook-routes.ts).
 */

/** Rows of an entity as the API returns them (webhook children flattened with their webhookID). */
export function rows(db: AutotaskDatabase, entity: EntityDef): Record<string, unknown>[] {
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
      licenseType: u.licenseType ?? 7,
    }));
  return [...db.table(entity.name).values()];
}

const udfNames = (entity: EntityDef) => (UDFS[entity.name] ?? []).map((u) => String(u.name));

/** `{Entity}/query` and `{Entity}/query/count`, by POST body or GET `search` parameter. */
export function query(
  db: AutotaskDatabase,
  req: FastifyRequest,
  reply: FastifyReply,
  entity: EntityDef,
  count: boolean
) {
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
  const all = rows(db, entity);
  if (count) return { queryCount: countQuery(all, q) };
  const items = runQuery(all, q);
  // One page only (at most MaxRecords, 500): the simulated databases stay small; paging is not simulated.
  return { items, pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } };
}

/** `{Entity}/entityInformation`: what the entity supports and what this API user may do with it. */
export function entityInformation(db: AutotaskDatabase, req: FastifyRequest, entity: EntityDef) {
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

/** POST creates a record, PATCH/PUT changes the one the body's id names; a ticket's change fires webhooks. */
export function writeEntity(ctx: AutotaskContext, req: FastifyRequest, reply: FastifyReply, entity: EntityDef) {
  const { db } = ctx;
  const user = userOf(req);
  const m = req.method;
  const action: Action = m === 'POST' ? 'create' : 'update';
  if (!db.can(user, entity.name, action)) return denied(reply, entity.name, action);
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (m === 'POST') {
    const id = db.id();
    db.table(entity.name).set(id, { ...body, id });
    if (entity.name === 'Tickets') fireWebhooks(ctx, 'Ticket', 'Create', id, body, user.resourceId);
    return { itemId: id };
  }
  const id = Number(key(body, 'id'));
  const row = db.table(entity.name).get(id);
  if (!row) return notFound(reply, `${entity.name} ${id}`);
  Object.assign(row, body);
  if (entity.name === 'Tickets') fireWebhooks(ctx, 'Ticket', 'Update', id, body, user.resourceId);
  return { itemId: id };
}

/** GET `{Entity}/{id}`. */
export function getEntity(
  db: AutotaskDatabase,
  req: FastifyRequest,
  reply: FastifyReply,
  entity: EntityDef,
  id: number
) {
  if (!db.can(userOf(req), entity.name, 'query')) return denied(reply, entity.name, 'query');
  const item = rows(db, entity).find((r) => Number(r.id) === id);
  // Simulator choice: a missing id answers 200 {"item": null}. [community] evidence conflicts
  // (apigrate README: 404; tphakala/go-autotask handles a null item); Onramp accepts both.
  return { item: item ?? null };
}

/** DELETE `{Entity}/{id}` of a record (not a webhook). */
export function deleteEntity(
  db: AutotaskDatabase,
  req: FastifyRequest,
  reply: FastifyReply,
  entityName: string,
  id: number
) {
  if (!db.can(userOf(req), entityName, 'delete')) return denied(reply, entityName, 'delete');
  if (!db.table(entityName).delete(id)) return notFound(reply, `${entityName} ${id}`);
  return { itemId: id };
}
