import { WEBHOOK_ENTITY_TO_REST, entityDef } from './catalog';
import type { AutotaskContext } from './autotask-rest';
import type { Webhook } from './autotask-state';

/**
 * What happens in an Autotask database besides an API call, and what it sets off: a ticket changes (webhooks
 * subscribed to the event and a changed field call out, signed), a webhook is inactivated (its deactivation
 * URL is called), a resource is deactivated (so are the webhooks it created).
 */

/** A human technician (not an API user): webhooks fire for their changes. */
const TECHNICIAN_RESOURCE_ID = 29_680_001;

/** Inactivate a webhook as Autotask does: its deactivation URL is called (once). */
export async function deactivateWebhook({ callouts }: AutotaskContext, hook: Webhook): Promise<void> {
  if (!hook.isActive) return;
  hook.isActive = false;
  await callouts.callDeactivation(hook);
}

/** Call out to every active, ready webhook of `entityType` subscribed to this event (and, on update, a changed field). */
export function fireWebhooks(
  { db, callouts }: AutotaskContext,
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

export async function setUserActive(ctx: AutotaskContext, username: string, active: boolean): Promise<void> {
  const { db } = ctx;
  const user = db.user(username);
  if (!user) throw new Error(`no such API user ${username}`);
  user.active = active;
  // Deactivating a resource deactivates the webhooks it created and calls their deactivation URLs.
  if (!active)
    for (const h of db.webhooks.values()) if (h.ownerResourceID === user.resourceId) await deactivateWebhook(ctx, h);
}

/** What a technician does in the UI: create or change a ticket (fires webhooks). */
export function changeTicket(
  ctx: AutotaskContext,
  id: number | undefined,
  fields: Record<string, unknown>,
  actor = TECHNICIAN_RESOURCE_ID
): number {
  const { db } = ctx;
  const table = db.table('Tickets');
  if (id !== undefined && table.has(id)) {
    Object.assign(table.get(id)!, fields);
    fireWebhooks(ctx, 'Ticket', 'Update', id, fields, actor);
    return id;
  }
  const newId = id ?? db.id();
  table.set(newId, { ...fields, id: newId });
  fireWebhooks(ctx, 'Ticket', 'Create', newId, fields, actor);
  return newId;
}
