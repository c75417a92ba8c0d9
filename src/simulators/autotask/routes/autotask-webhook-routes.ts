import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_ENTITY_TO_REST, entityDef } from '../catalog';
import { canonicalChild, denied, errors, notFound, userOf, type AutotaskContext } from '../autotask-rest';
import { key } from '../query';
import type { AutotaskDatabase, Webhook } from '../autotask-state';

/**
 * The webhook entities of the Autotask REST API ({Company,Contact,ConfigurationItem,Ticket,TicketNote}Webhooks):
 * create (within the security level's webhook limit), PATCH/PUT, delete by its owner, and the Fields,
 * ExcludedResources and UdfFields children. Inactivating or deleting an active webhook calls its deactivation URL.
 */

export async function createWebhook(
  db: AutotaskDatabase,
  req: FastifyRequest,
  reply: FastifyReply,
  entityName: string,
  hookEntity: string
) {
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
  if (typeof body.name === 'string' && body.name.length > 50) return errors(reply, 400, 'Name exceeds 50 characters.');
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
export async function updateWebhook(
  { db, callouts }: AutotaskContext,
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
  db: AutotaskDatabase,
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
    if (!def?.isSupportedWebhookField) return errors(reply, 400, `Field ${fieldID} is not a supported webhook field.`);
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
  db: AutotaskDatabase,
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

/** DELETE `{Entity}Webhooks/{id}`: only the API user that created the webhook may. */
export async function deleteWebhook(
  { db, callouts }: AutotaskContext,
  req: FastifyRequest,
  reply: FastifyReply,
  entityName: string,
  hookEntity: string,
  id: number
) {
  const hook = db.webhooks.get(id);
  if (!hook || hook.entity !== hookEntity) return notFound(reply, `${entityName} ${id}`);
  // Simulator assumption (seed 004): only the API user that created a webhook can delete it.
  if (hook.ownerResourceID !== userOf(req).resourceId) {
    return errors(reply, 403, 'The logged in Resource does not have the adequate permissions to delete this entity.');
  }
  db.webhooks.delete(hook.id);
  if (hook.isActive) await callouts.callDeactivation(hook);
  return { itemId: hook.id };
}

/**
 * `{Entity}Webhooks/{id}/{child}[/{childId}]`: list, get, add or change, delete a child row. Undefined when no
 * such route exists for the method (the caller answers 405).
 */
export async function webhookChildRoute(
  db: AutotaskDatabase,
  req: FastifyRequest,
  reply: FastifyReply,
  entityName: string,
  hookEntity: string,
  [s1, s2, s3]: (string | undefined)[]
): Promise<unknown> {
  const m = req.method;
  const child = canonicalChild(s2!);
  const hook = db.webhooks.get(Number(s1));
  if (!child || (child === 'UdfFields' && hookEntity === 'TicketNote'))
    return errors(reply, 404, `The requested resource ${s2} does not exist.`);
  if (!hook || hook.entity !== hookEntity) return notFound(reply, `${entityName} ${s1}`);
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
    return childWrite(db, req, reply, entityName, hook, child);
  if (m === 'DELETE' && s3 !== undefined && /^\d+$/.test(s3))
    return childDelete(db, req, reply, entityName, hook, child, Number(s3));
  return undefined;
}
