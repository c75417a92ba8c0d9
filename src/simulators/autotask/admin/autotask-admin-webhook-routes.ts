import { z } from 'zod';
import { AdminError, type AdminApi } from '../../admin-api';
import type { AutotaskAdminDeps } from './autotask-admin-common';

/**
 * Admin API: the webhooks API users created, as an administrator sees and toggles them, and a technician
 * changing a ticket in the UI (webhooks fire).
 */
export function registerAutotaskAdminWebhookRoutes(api: AdminApi, deps: AutotaskAdminDeps): void {
  const { db } = deps;
  api.operation(
    {
      method: 'GET',
      path: '/webhooks',
      operationId: 'listWebhooks',
      summary: 'Every webhook of the database, with its owner, fields and excluded resources',
      description:
        'What an administrator can see of the webhooks API users created (secret keys are write-only and never shown).',
      response: z.array(
        z.object({
          id: z.number().int(),
          entity: z.string(),
          name: z.string(),
          owner: z.string().optional(),
          isActive: z.boolean(),
          isReady: z.boolean(),
          webhookUrl: z.string(),
          fields: z.array(z.number().int()),
          excludedResources: z.array(z.number().int()),
        })
      ),
    },
    async () =>
      [...db.webhooks.values()].map((h) => ({
        id: h.id,
        entity: h.entity,
        name: h.name,
        owner: db.ownerOf(h)?.username,
        isActive: h.isActive,
        isReady: db.isReady(h),
        webhookUrl: h.webhookUrl,
        fields: h.fields.map((f) => f.fieldID),
        excludedResources: h.excludedResources.map((e) => e.resourceID),
      }))
  );

  api.operation(
    {
      method: 'PATCH',
      path: '/webhooks/{id}',
      operationId: 'updateWebhook',
      summary: 'Deactivate or reactivate a webhook (a change made by hand)',
      description:
        "What `isActive` does on the webhook entity (REST_WebhooksEntity: isActive is writable through PATCH; inactivating calls the deactivation URL) when someone other than Onramp sets it: Autotask itself after repeated failed callouts (Webhooks_Error_Handling), or an admin through another integration or tool. Which Autotask screen lets an administrator toggle another API user's webhook is not documented: the admin path is a guess, the effect is the documented one.",
      body: z.object({ isActive: z.boolean() }),
      response: z.object({ id: z.number().int(), name: z.string(), isActive: z.boolean() }),
      errors: { 404: 'No such webhook.' },
    },
    async ({ params, body }) => {
      const hook = db.webhooks.get(Number(params.id));
      if (!hook) throw new AdminError(404, `no webhook ${params.id}`);
      if (!body.isActive) await deps.deactivateWebhook(hook);
      else hook.isActive = true;
      return { id: hook.id, name: hook.name, isActive: hook.isActive };
    }
  );

  api.operation(
    {
      method: 'POST',
      path: '/tickets',
      operationId: 'changeTicket',
      summary: 'A technician creates or changes a ticket in the UI (webhooks fire)',
      description:
        'A human (not an API user) edits a ticket: active, ready Ticket webhooks subscribed to the event and to a changed field call out, signed with their secret key. Give `id` to change an existing ticket.',
      body: z.object({ id: z.number().int().positive().optional(), fields: z.record(z.string(), z.unknown()) }),
      response: z.object({ id: z.number().int() }),
      status: 201,
    },
    async ({ body }) => ({ id: deps.changeTicket(body.id, body.fields) })
  );
}
