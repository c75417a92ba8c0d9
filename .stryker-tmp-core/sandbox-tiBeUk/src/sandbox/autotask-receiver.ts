// @ts-nocheck
import type { FastifyInstance } from 'fastify';
import type { AutotaskDatabase } from '../simulators/autotask/state';
import { deriveAutotaskWebhookSecret } from '../webhooks/autotask-secret';
import { createAutotaskWebhookReceiver, type AutotaskWebhookEvent } from '../webhooks/autotask-receiver';

/**
 * The sandbox's receiver of Autotask webhook callouts (the vendor's endpoint in seeds 001/004): the
 * production receiver (src/webhooks/autotask-receiver.ts), trusting for each tenant the secrets derived
 * from the names of the webhooks that call it. Received events are listed at GET /events so the sandbox
 * guides can show a technician's ticket change arriving, signed.
 */
export function createSandboxAutotaskReceiver(opts: { db: AutotaskDatabase; masterKey: string }): {
  app: FastifyInstance;
  events: AutotaskWebhookEvent[];
  deactivations: { tenant: string; webhook?: string }[];
} {
  const events: AutotaskWebhookEvent[] = [];
  const deactivations: { tenant: string; webhook?: string }[] = [];
  const receiver = createAutotaskWebhookReceiver({
    secretsFor: (tenant) =>
      [...opts.db.webhooks.values()]
        .filter((h) => new URL(h.webhookUrl).pathname === `/webhooks/autotask/${tenant}`)
        .map((h) => deriveAutotaskWebhookSecret(opts.masterKey, h.name)),
    onEvent: (e) => {
      events.push(e);
      events.splice(0, Math.max(0, events.length - 500));
    },
    onDeactivation: (d) => void deactivations.push({ tenant: d.tenant, webhook: d.webhook }),
  });
  receiver.app.get('/events', async (req) => {
    const { tenant } = req.query as { tenant?: string };
    return { events: events.filter((e) => !tenant || e.tenant === tenant), deactivations };
  });
  return { app: receiver.app, events, deactivations };
}
