import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AdminApi } from './admin-api';
import { createSimulatorApp, listen, type Simulator } from './http';

export interface ReceivedNotification {
  idempotencyKey: string;
  body: unknown;
  receivedAt: string;
  /** How many times this key was delivered (redeliveries after a crash are deduplicated, not lost). */
  deliveries: number;
}

/**
 * Stands in for the vendor's support intake (seed 000 step 7: "send the admin email to support").
 * It verifies the signature when a secret is configured and deduplicates on Idempotency-Key, as a
 * well-behaved receiver must.
 */
export interface NotifyReceiver extends Simulator {
  notifications: Map<string, ReceivedNotification>;
  /**
   * Accept and store the next `count` notifications but answer only after `ms`: the window in which a
   * crashed sender has delivered but never heard back (fault tests kill the worker there).
   */
  holdResponses(count: number, ms: number): void;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export function createNotifyReceiver(opts: { secret?: string } = {}): NotifyReceiver {
  const sim = createSimulatorApp({ name: 'notify' });
  const notifications = new Map<string, ReceivedNotification>();
  const hold = { count: 0, ms: 0 };
  sim.app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  sim.app.post('/notify', async (req, reply) => {
    const raw = req.body as string;
    if (opts.secret) {
      const ts = String(req.headers['x-onramp-timestamp'] ?? '');
      const sig = String(req.headers['x-onramp-signature'] ?? '');
      const expected = `sha256=${createHmac('sha256', opts.secret).update(`${ts}.${raw}`).digest('hex')}`;
      const ok = sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
      if (!ok) return reply.code(401).send({ error: 'bad signature' });
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!key) return reply.code(400).send({ error: 'Idempotency-Key header is required' });
    const existing = notifications.get(key);
    if (existing) {
      existing.deliveries++;
      return reply.code(200).send({ ok: true, duplicate: true });
    }
    notifications.set(key, {
      idempotencyKey: key,
      body: JSON.parse(raw) as unknown,
      receivedAt: new Date().toISOString(),
      deliveries: 1,
    });
    if (hold.count > 0) {
      hold.count--;
      await new Promise((r) => setTimeout(r, hold.ms));
    }
    return reply.code(202).send({ ok: true });
  });
  new AdminApi(sim.app, {
    vendor: 'notify',
    title: 'Onramp vendor support inbox: admin API',
    description: "What the vendor's support staff read in their inbox (seed 000 step 7). Not part of any vendor's API.",
  }).operation(
    {
      method: 'GET',
      path: '/notifications',
      operationId: 'listNotifications',
      summary: 'The notifications received, one per Idempotency-Key',
      description: "The vendor's support inbox: every notification Onramp delivered, with how often it was delivered.",
      response: z.array(
        z.object({
          idempotencyKey: z.string(),
          body: z.unknown(),
          receivedAt: z.string(),
          deliveries: z.number().int(),
        })
      ),
    },
    async () => [...notifications.values()]
  );

  return {
    ...sim,
    notifications,
    holdResponses: (count, ms) => Object.assign(hold, { count, ms }),
    listen: (port?: number) => listen(sim.app, port),
    close: () => sim.app.close(),
  };
}
