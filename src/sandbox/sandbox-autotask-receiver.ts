import type { FastifyInstance } from 'fastify';
import type { ReceiverKeyring } from '../secrets/rotation-state';
import { resolveSecretRef } from '../secrets/secret-ref';
import type { AutotaskDatabase } from '../simulators/autotask/autotask-state';
import { deriveAutotaskWebhookSecret } from '../webhooks/autotask-secret';
import { createAutotaskWebhookReceiver, type AutotaskWebhookEvent } from '../webhooks/autotask-receiver';

/**
 * The sandbox's receiver of Autotask webhook callouts (the vendor's endpoint in seeds 001/004): the
 * production receiver (src/webhooks/autotask-receiver.ts), trusting for each tenant the secrets derived
 * from the names of the webhooks that call it, under every master key the tenant's receiver keyring accepts
 * (the one the sandbox worker's signing-secret rotation writes: old and new during an overlap, only the new
 * one after), or the sandbox master key for a tenant that was never rotated. Received events are listed at
 * GET /events so the sandbox guides can show a technician's ticket change arriving, signed.
 */
export function createSandboxAutotaskReceiver(opts: {
  db: AutotaskDatabase;
  masterKey: string;
  /** The keyring the worker's rotations write (src/secrets/rotation-state.ts); without it only `masterKey`. */
  keyring?: Pick<ReceiverKeyring, 'keyRefs'>;
}): {
  app: FastifyInstance;
  events: AutotaskWebhookEvent[];
  deactivations: { tenant: string; webhook?: string }[];
} {
  const events: AutotaskWebhookEvent[] = [];
  const deactivations: { tenant: string; webhook?: string }[] = [];
  const receiver = createAutotaskWebhookReceiver({
    secretsFor: async (tenant) => {
      const refs = await opts.keyring?.keyRefs(tenant);
      // A key the receiver cannot read is skipped (its deliveries are refused), never a 500.
      const masters = refs
        ? (await Promise.all(refs.map((r) => resolveSecretRef(r).catch(() => undefined)))).filter(
            (m): m is string => !!m
          )
        : [opts.masterKey];
      return [...opts.db.webhooks.values()]
        .filter((h) => new URL(h.webhookUrl).pathname === `/webhooks/autotask/${tenant}`)
        .flatMap((h) => masters.map((m) => deriveAutotaskWebhookSecret(m, h.name)));
    },
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
