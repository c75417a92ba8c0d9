import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Receives Autotask webhook callouts (reliability-security.md §2):
 * - `X-Hook-Signature: sha1=<base64 HMAC-SHA1(secretKey, raw body)>`, checked over the exact bytes, in
 *   constant time, against every secret the tenant has right now (old and new during a rotation); a
 *   signature of the wrong length is a 401, never a timingSafeEqual RangeError (500);
 * - the signature covers no timestamp, but the signed body carries EventTime: stale events are dropped;
 * - Autotask retries (5 attempts in ~2 min), so redeliveries are deduplicated;
 * - the body size is bounded (413).
 * Authentic but stale or duplicate events are answered 200 (not handed on): a non-2xx would be retried and
 * 25 consecutive failures make Autotask disable the callout.
 */
export interface AutotaskWebhookEvent {
  tenant: string;
  /** The `webhook` query parameter Onramp puts in each callout URL. */
  webhook?: string;
  action: string;
  entityType: string;
  id: number;
  guid: string;
  eventTime: string;
  sequenceNumber?: number;
  personId?: number;
  fields: Record<string, unknown>;
}

export interface ReceiverLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AutotaskReceiverOptions {
  /**
   * The secretKeys currently valid for a tenant's webhook (two during a rotation); empty for an unknown
   * tenant. `webhook` is the callout URL's `webhook` parameter (the webhook's name), when present.
   */
  secretsFor(tenant: string, webhook?: string): Promise<string[]> | string[];
  /** Hand a verified, fresh, first-seen event on. Throwing answers 503 so Autotask redelivers. */
  onEvent(event: AutotaskWebhookEvent): Promise<void> | void;
  onDeactivation?(info: { tenant: string; webhook?: string; body: unknown }): Promise<void> | void;
  maxBodyBytes?: number;
  /** Autotask retries for ~2 min and may delay under its threshold; older events are refused. */
  maxEventAgeMs?: number;
  maxFutureSkewMs?: number;
  maxRememberedEvents?: number;
  logger?: ReceiverLogger;
  now?: () => number;
}

export interface ReceiverStats {
  accepted: number;
  badSignature: number;
  stale: number;
  duplicate: number;
  invalid: number;
}

const SHA1_BYTES = 20;

/** True when `header` is a valid signature of `raw` under any of `secrets`. Every secret is tried (no early exit). */
export function verifyAutotaskSignature(header: string | undefined, raw: Buffer, secrets: readonly string[]): boolean {
  const m = header && /^sha1=([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'base64');
  if (given.length !== SHA1_BYTES) return false;
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha1', secret).update(raw).digest();
    if (timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/**
 * Remembers event keys for `ttlMs` (inclusive), bounded in count (oldest forgotten first). The receiver's
 * ttl is maxEventAge + maxFutureSkew: an event seen at `at` was at most skew ahead, and stays fresh until
 * at most maxEventAge after its EventTime, so it is remembered for as long as a redelivery can be fresh.
 */
export class SeenEvents {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number
  ) {}
  /** Marks the key; returns false when it was already there. */
  add(key: string, now: number): boolean {
    // An unseen key counts as seen infinitely long ago.
    if (now - (this.seen.get(key) ?? -Infinity) <= this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [k, t] of this.seen) {
      if (this.seen.size <= this.max && now - t <= this.ttlMs) break;
      this.seen.delete(k);
    }
    return true;
  }
  forget(key: string): void {
    this.seen.delete(key);
  }
  get size(): number {
    return this.seen.size;
  }
}

export function createAutotaskWebhookReceiver(opts: AutotaskReceiverOptions): {
  app: FastifyInstance;
  stats: ReceiverStats;
} {
  const maxAge = opts.maxEventAgeMs ?? 10 * 60_000;
  const skew = opts.maxFutureSkewMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? { info: () => undefined, warn: () => undefined };
  // Remember events for as long as they could still be accepted as fresh.
  const seen = new SeenEvents(maxAge + skew, opts.maxRememberedEvents ?? 100_000);
  const stats: ReceiverStats = { accepted: 0, badSignature: 0, stale: 0, duplicate: 0, invalid: 0 };
  // Stryker disable next-line BooleanLiteral: fastify's own request log on stdout; nothing the receiver decides or logs changes
  const app = Fastify({ logger: false, bodyLimit: opts.maxBodyBytes ?? 64 * 1024 });
  app.removeAllContentTypeParsers();
  // The raw bytes are what was signed: never verify a re-serialised body.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/webhooks/autotask/:tenant', async (req, reply) => {
    const { tenant } = req.params as { tenant: string };
    const webhook = (req.query as { webhook?: string }).webhook;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // Node delivers this header as one string (a repeated one joined as "a, b", which no signature matches);
    // only set-cookie becomes an array.
    const header = req.headers['x-hook-signature'] as string | undefined;
    const secrets = await opts.secretsFor(tenant, webhook);
    if (!verifyAutotaskSignature(header, raw, secrets)) {
      stats.badSignature++;
      log.warn({ tenant, webhook }, 'Autotask callout with a missing or invalid signature refused');
      return reply.code(401).send({ error: 'invalid signature' });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      stats.invalid++;
      return reply.code(400).send({ error: 'body is not JSON' });
    }
    const eventTime = typeof body.EventTime === 'string' ? Date.parse(body.EventTime) : NaN;
    if (Number.isNaN(eventTime) || typeof body.Id !== 'number' || typeof body.Action !== 'string') {
      stats.invalid++;
      return reply.code(400).send({ error: 'EventTime, Id and Action are required' });
    }
    const t = now();
    if (eventTime < t - maxAge || eventTime > t + skew) {
      stats.stale++;
      log.warn({ tenant, webhook, eventTime: body.EventTime }, 'stale Autotask event dropped (replay or long delay)');
      return reply.code(200).send({ accepted: false, reason: 'stale' });
    }
    // Not keyed on Guid: during a rotation the old and the new webhook both send the same change.
    const key = `${tenant}|${JSON.stringify(body.EntityType)}|${body.Id}|${body.Action}|${body.EventTime as string}`;
    if (!seen.add(key, t)) {
      stats.duplicate++;
      return reply.code(200).send({ accepted: false, reason: 'duplicate' });
    }
    const event: AutotaskWebhookEvent = {
      tenant,
      webhook,
      action: body.Action,
      entityType: typeof body.EntityType === 'string' ? body.EntityType : '',
      id: body.Id,
      guid: typeof body.Guid === 'string' ? body.Guid : '',
      eventTime: body.EventTime as string,
      sequenceNumber: typeof body.SequenceNumber === 'number' ? body.SequenceNumber : undefined,
      personId: typeof body.PersonID === 'number' ? body.PersonID : undefined,
      fields: (body.Fields as Record<string, unknown>) ?? {},
    };
    try {
      await opts.onEvent(event);
    } catch (err) {
      seen.forget(key); // let Autotask's redelivery through
      log.warn(
        { tenant, webhook, err: (err as Error).message },
        'Autotask event could not be handed on; asking for redelivery'
      );
      return reply.code(503).send({ error: 'try again' });
    }
    stats.accepted++;
    log.info(
      { tenant, webhook, entityType: event.entityType, id: event.id, action: event.action },
      'Autotask event accepted'
    );
    return reply.code(200).send({ accepted: true });
  });

  app.post('/webhooks/autotask/:tenant/deactivated', async (req, reply) => {
    const { tenant } = req.params as { tenant: string };
    const webhook = (req.query as { webhook?: string }).webhook;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // Not JSON: reported without a body.
    }
    // Only ever logged and reported, so an unsigned call cannot do harm beyond a false alarm.
    log.warn({ tenant, webhook }, 'Autotask deactivated a webhook (deleted, or its API user was deactivated)');
    await opts.onDeactivation?.({ tenant, webhook, body });
    return reply.code(200).send({ ok: true });
  });

  return { app, stats };
}
