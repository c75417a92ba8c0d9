// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
  onDeactivation?(info: {
    tenant: string;
    webhook?: string;
    body: unknown;
  }): Promise<void> | void;
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
  if (stryMutAct_9fa48("804")) {
    {}
  } else {
    stryCov_9fa48("804");
    const m = stryMutAct_9fa48("807") ? header || /^sha1=([A-Za-z0-9+/]+={0,2})$/.exec(header.trim()) : stryMutAct_9fa48("806") ? false : stryMutAct_9fa48("805") ? true : (stryCov_9fa48("805", "806", "807"), header && (stryMutAct_9fa48("812") ? /^sha1=([A-Za-z0-9+/]+=)$/ : stryMutAct_9fa48("811") ? /^sha1=([^A-Za-z0-9+/]+={0,2})$/ : stryMutAct_9fa48("810") ? /^sha1=([A-Za-z0-9+/]={0,2})$/ : stryMutAct_9fa48("809") ? /^sha1=([A-Za-z0-9+/]+={0,2})/ : stryMutAct_9fa48("808") ? /sha1=([A-Za-z0-9+/]+={0,2})$/ : (stryCov_9fa48("808", "809", "810", "811", "812"), /^sha1=([A-Za-z0-9+/]+={0,2})$/)).exec(stryMutAct_9fa48("813") ? header : (stryCov_9fa48("813"), header.trim())));
    if (stryMutAct_9fa48("816") ? false : stryMutAct_9fa48("815") ? true : stryMutAct_9fa48("814") ? m : (stryCov_9fa48("814", "815", "816"), !m)) return stryMutAct_9fa48("817") ? true : (stryCov_9fa48("817"), false);
    const given = Buffer.from(m[1]!, stryMutAct_9fa48("818") ? "" : (stryCov_9fa48("818"), 'base64'));
    if (stryMutAct_9fa48("821") ? given.length === SHA1_BYTES : stryMutAct_9fa48("820") ? false : stryMutAct_9fa48("819") ? true : (stryCov_9fa48("819", "820", "821"), given.length !== SHA1_BYTES)) return stryMutAct_9fa48("822") ? true : (stryCov_9fa48("822"), false);
    let ok = stryMutAct_9fa48("823") ? true : (stryCov_9fa48("823"), false);
    for (const secret of secrets) {
      if (stryMutAct_9fa48("824")) {
        {}
      } else {
        stryCov_9fa48("824");
        const expected = createHmac(stryMutAct_9fa48("825") ? "" : (stryCov_9fa48("825"), 'sha1'), secret).update(raw).digest();
        if (stryMutAct_9fa48("827") ? false : stryMutAct_9fa48("826") ? true : (stryCov_9fa48("826", "827"), timingSafeEqual(expected, given))) ok = stryMutAct_9fa48("828") ? false : (stryCov_9fa48("828"), true);
      }
    }
    return ok;
  }
}

/**
 * Remembers event keys for `ttlMs` (inclusive), bounded in count (oldest forgotten first). The receiver's
 * ttl is maxEventAge + maxFutureSkew: an event seen at `at` was at most skew ahead, and stays fresh until
 * at most maxEventAge after its EventTime, so it is remembered for as long as a redelivery can be fresh.
 */
export class SeenEvents {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs: number, private readonly max: number) {}
  /** Marks the key; returns false when it was already there. */
  add(key: string, now: number): boolean {
    if (stryMutAct_9fa48("829")) {
      {}
    } else {
      stryCov_9fa48("829");
      // An unseen key counts as seen infinitely long ago.
      if (stryMutAct_9fa48("833") ? now - (this.seen.get(key) ?? -Infinity) > this.ttlMs : stryMutAct_9fa48("832") ? now - (this.seen.get(key) ?? -Infinity) < this.ttlMs : stryMutAct_9fa48("831") ? false : stryMutAct_9fa48("830") ? true : (stryCov_9fa48("830", "831", "832", "833"), (stryMutAct_9fa48("834") ? now + (this.seen.get(key) ?? -Infinity) : (stryCov_9fa48("834"), now - (stryMutAct_9fa48("835") ? this.seen.get(key) && -Infinity : (stryCov_9fa48("835"), this.seen.get(key) ?? (stryMutAct_9fa48("836") ? +Infinity : (stryCov_9fa48("836"), -Infinity)))))) <= this.ttlMs)) return stryMutAct_9fa48("837") ? true : (stryCov_9fa48("837"), false);
      this.seen.delete(key);
      this.seen.set(key, now);
      for (const [k, t] of this.seen) {
        if (stryMutAct_9fa48("838")) {
          {}
        } else {
          stryCov_9fa48("838");
          if (stryMutAct_9fa48("841") ? this.seen.size <= this.max || now - t <= this.ttlMs : stryMutAct_9fa48("840") ? false : stryMutAct_9fa48("839") ? true : (stryCov_9fa48("839", "840", "841"), (stryMutAct_9fa48("844") ? this.seen.size > this.max : stryMutAct_9fa48("843") ? this.seen.size < this.max : stryMutAct_9fa48("842") ? true : (stryCov_9fa48("842", "843", "844"), this.seen.size <= this.max)) && (stryMutAct_9fa48("847") ? now - t > this.ttlMs : stryMutAct_9fa48("846") ? now - t < this.ttlMs : stryMutAct_9fa48("845") ? true : (stryCov_9fa48("845", "846", "847"), (stryMutAct_9fa48("848") ? now + t : (stryCov_9fa48("848"), now - t)) <= this.ttlMs)))) break;
          this.seen.delete(k);
        }
      }
      return stryMutAct_9fa48("849") ? false : (stryCov_9fa48("849"), true);
    }
  }
  forget(key: string): void {
    if (stryMutAct_9fa48("850")) {
      {}
    } else {
      stryCov_9fa48("850");
      this.seen.delete(key);
    }
  }
  get size(): number {
    if (stryMutAct_9fa48("851")) {
      {}
    } else {
      stryCov_9fa48("851");
      return this.seen.size;
    }
  }
}
export function createAutotaskWebhookReceiver(opts: AutotaskReceiverOptions): {
  app: FastifyInstance;
  stats: ReceiverStats;
} {
  if (stryMutAct_9fa48("852")) {
    {}
  } else {
    stryCov_9fa48("852");
    const maxAge = stryMutAct_9fa48("853") ? opts.maxEventAgeMs && 10 * 60_000 : (stryCov_9fa48("853"), opts.maxEventAgeMs ?? (stryMutAct_9fa48("854") ? 10 / 60_000 : (stryCov_9fa48("854"), 10 * 60_000)));
    const skew = stryMutAct_9fa48("855") ? opts.maxFutureSkewMs && 60_000 : (stryCov_9fa48("855"), opts.maxFutureSkewMs ?? 60_000);
    const now = stryMutAct_9fa48("856") ? opts.now && Date.now : (stryCov_9fa48("856"), opts.now ?? Date.now);
    const log = stryMutAct_9fa48("857") ? opts.logger && {
      info: () => undefined,
      warn: () => undefined
    } : (stryCov_9fa48("857"), opts.logger ?? (stryMutAct_9fa48("858") ? {} : (stryCov_9fa48("858"), {
      info: () => undefined,
      warn: () => undefined
    })));
    // Remember events for as long as they could still be accepted as fresh.
    const seen = new SeenEvents(stryMutAct_9fa48("859") ? maxAge - skew : (stryCov_9fa48("859"), maxAge + skew), stryMutAct_9fa48("860") ? opts.maxRememberedEvents && 100_000 : (stryCov_9fa48("860"), opts.maxRememberedEvents ?? 100_000));
    const stats: ReceiverStats = stryMutAct_9fa48("861") ? {} : (stryCov_9fa48("861"), {
      accepted: 0,
      badSignature: 0,
      stale: 0,
      duplicate: 0,
      invalid: 0
    });
    // Stryker disable next-line BooleanLiteral: fastify's own request log on stdout; nothing the receiver decides or logs changes
    const app = Fastify(stryMutAct_9fa48("862") ? {} : (stryCov_9fa48("862"), {
      logger: false,
      bodyLimit: stryMutAct_9fa48("864") ? opts.maxBodyBytes && 64 * 1024 : (stryCov_9fa48("864"), opts.maxBodyBytes ?? (stryMutAct_9fa48("865") ? 64 / 1024 : (stryCov_9fa48("865"), 64 * 1024)))
    }));
    app.removeAllContentTypeParsers();
    // The raw bytes are what was signed: never verify a re-serialised body.
    app.addContentTypeParser(stryMutAct_9fa48("866") ? "" : (stryCov_9fa48("866"), '*'), stryMutAct_9fa48("867") ? {} : (stryCov_9fa48("867"), {
      parseAs: stryMutAct_9fa48("868") ? "" : (stryCov_9fa48("868"), 'buffer')
    }), stryMutAct_9fa48("869") ? () => undefined : (stryCov_9fa48("869"), (_req, body, done) => done(null, body)));
    app.post(stryMutAct_9fa48("870") ? "" : (stryCov_9fa48("870"), '/webhooks/autotask/:tenant'), async (req, reply) => {
      if (stryMutAct_9fa48("871")) {
        {}
      } else {
        stryCov_9fa48("871");
        const {
          tenant
        } = req.params as {
          tenant: string;
        };
        const webhook = (req.query as {
          webhook?: string;
        }).webhook;
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        // Node delivers this header as one string (a repeated one joined as "a, b", which no signature matches);
        // only set-cookie becomes an array.
        const header = req.headers['x-hook-signature'] as string | undefined;
        const secrets = await opts.secretsFor(tenant, webhook);
        if (stryMutAct_9fa48("874") ? false : stryMutAct_9fa48("873") ? true : stryMutAct_9fa48("872") ? verifyAutotaskSignature(header, raw, secrets) : (stryCov_9fa48("872", "873", "874"), !verifyAutotaskSignature(header, raw, secrets))) {
          if (stryMutAct_9fa48("875")) {
            {}
          } else {
            stryCov_9fa48("875");
            stryMutAct_9fa48("876") ? stats.badSignature-- : (stryCov_9fa48("876"), stats.badSignature++);
            log.warn(stryMutAct_9fa48("877") ? {} : (stryCov_9fa48("877"), {
              tenant,
              webhook
            }), stryMutAct_9fa48("878") ? "" : (stryCov_9fa48("878"), 'Autotask callout with a missing or invalid signature refused'));
            return reply.code(401).send(stryMutAct_9fa48("879") ? {} : (stryCov_9fa48("879"), {
              error: stryMutAct_9fa48("880") ? "" : (stryCov_9fa48("880"), 'invalid signature')
            }));
          }
        }
        let body: Record<string, unknown>;
        try {
          if (stryMutAct_9fa48("881")) {
            {}
          } else {
            stryCov_9fa48("881");
            body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
          }
        } catch {
          if (stryMutAct_9fa48("882")) {
            {}
          } else {
            stryCov_9fa48("882");
            stryMutAct_9fa48("883") ? stats.invalid-- : (stryCov_9fa48("883"), stats.invalid++);
            return reply.code(400).send(stryMutAct_9fa48("884") ? {} : (stryCov_9fa48("884"), {
              error: stryMutAct_9fa48("885") ? "" : (stryCov_9fa48("885"), 'body is not JSON')
            }));
          }
        }
        const eventTime = (stryMutAct_9fa48("888") ? typeof body.EventTime !== 'string' : stryMutAct_9fa48("887") ? false : stryMutAct_9fa48("886") ? true : (stryCov_9fa48("886", "887", "888"), typeof body.EventTime === (stryMutAct_9fa48("889") ? "" : (stryCov_9fa48("889"), 'string')))) ? Date.parse(body.EventTime) : NaN;
        if (stryMutAct_9fa48("892") ? (Number.isNaN(eventTime) || typeof body.Id !== 'number') && typeof body.Action !== 'string' : stryMutAct_9fa48("891") ? false : stryMutAct_9fa48("890") ? true : (stryCov_9fa48("890", "891", "892"), (stryMutAct_9fa48("894") ? Number.isNaN(eventTime) && typeof body.Id !== 'number' : stryMutAct_9fa48("893") ? false : (stryCov_9fa48("893", "894"), Number.isNaN(eventTime) || (stryMutAct_9fa48("896") ? typeof body.Id === 'number' : stryMutAct_9fa48("895") ? false : (stryCov_9fa48("895", "896"), typeof body.Id !== (stryMutAct_9fa48("897") ? "" : (stryCov_9fa48("897"), 'number')))))) || (stryMutAct_9fa48("899") ? typeof body.Action === 'string' : stryMutAct_9fa48("898") ? false : (stryCov_9fa48("898", "899"), typeof body.Action !== (stryMutAct_9fa48("900") ? "" : (stryCov_9fa48("900"), 'string')))))) {
          if (stryMutAct_9fa48("901")) {
            {}
          } else {
            stryCov_9fa48("901");
            stryMutAct_9fa48("902") ? stats.invalid-- : (stryCov_9fa48("902"), stats.invalid++);
            return reply.code(400).send(stryMutAct_9fa48("903") ? {} : (stryCov_9fa48("903"), {
              error: stryMutAct_9fa48("904") ? "" : (stryCov_9fa48("904"), 'EventTime, Id and Action are required')
            }));
          }
        }
        const t = now();
        if (stryMutAct_9fa48("907") ? eventTime < t - maxAge && eventTime > t + skew : stryMutAct_9fa48("906") ? false : stryMutAct_9fa48("905") ? true : (stryCov_9fa48("905", "906", "907"), (stryMutAct_9fa48("910") ? eventTime >= t - maxAge : stryMutAct_9fa48("909") ? eventTime <= t - maxAge : stryMutAct_9fa48("908") ? false : (stryCov_9fa48("908", "909", "910"), eventTime < (stryMutAct_9fa48("911") ? t + maxAge : (stryCov_9fa48("911"), t - maxAge)))) || (stryMutAct_9fa48("914") ? eventTime <= t + skew : stryMutAct_9fa48("913") ? eventTime >= t + skew : stryMutAct_9fa48("912") ? false : (stryCov_9fa48("912", "913", "914"), eventTime > (stryMutAct_9fa48("915") ? t - skew : (stryCov_9fa48("915"), t + skew)))))) {
          if (stryMutAct_9fa48("916")) {
            {}
          } else {
            stryCov_9fa48("916");
            stryMutAct_9fa48("917") ? stats.stale-- : (stryCov_9fa48("917"), stats.stale++);
            log.warn(stryMutAct_9fa48("918") ? {} : (stryCov_9fa48("918"), {
              tenant,
              webhook,
              eventTime: body.EventTime
            }), stryMutAct_9fa48("919") ? "" : (stryCov_9fa48("919"), 'stale Autotask event dropped (replay or long delay)'));
            return reply.code(200).send(stryMutAct_9fa48("920") ? {} : (stryCov_9fa48("920"), {
              accepted: stryMutAct_9fa48("921") ? true : (stryCov_9fa48("921"), false),
              reason: stryMutAct_9fa48("922") ? "" : (stryCov_9fa48("922"), 'stale')
            }));
          }
        }
        // Not keyed on Guid: during a rotation the old and the new webhook both send the same change.
        const key = stryMutAct_9fa48("923") ? `` : (stryCov_9fa48("923"), `${tenant}|${JSON.stringify(body.EntityType)}|${body.Id}|${body.Action}|${body.EventTime as string}`);
        if (stryMutAct_9fa48("926") ? false : stryMutAct_9fa48("925") ? true : stryMutAct_9fa48("924") ? seen.add(key, t) : (stryCov_9fa48("924", "925", "926"), !seen.add(key, t))) {
          if (stryMutAct_9fa48("927")) {
            {}
          } else {
            stryCov_9fa48("927");
            stryMutAct_9fa48("928") ? stats.duplicate-- : (stryCov_9fa48("928"), stats.duplicate++);
            return reply.code(200).send(stryMutAct_9fa48("929") ? {} : (stryCov_9fa48("929"), {
              accepted: stryMutAct_9fa48("930") ? true : (stryCov_9fa48("930"), false),
              reason: stryMutAct_9fa48("931") ? "" : (stryCov_9fa48("931"), 'duplicate')
            }));
          }
        }
        const event: AutotaskWebhookEvent = stryMutAct_9fa48("932") ? {} : (stryCov_9fa48("932"), {
          tenant,
          webhook,
          action: body.Action,
          entityType: (stryMutAct_9fa48("935") ? typeof body.EntityType !== 'string' : stryMutAct_9fa48("934") ? false : stryMutAct_9fa48("933") ? true : (stryCov_9fa48("933", "934", "935"), typeof body.EntityType === (stryMutAct_9fa48("936") ? "" : (stryCov_9fa48("936"), 'string')))) ? body.EntityType : stryMutAct_9fa48("937") ? "Stryker was here!" : (stryCov_9fa48("937"), ''),
          id: body.Id,
          guid: (stryMutAct_9fa48("940") ? typeof body.Guid !== 'string' : stryMutAct_9fa48("939") ? false : stryMutAct_9fa48("938") ? true : (stryCov_9fa48("938", "939", "940"), typeof body.Guid === (stryMutAct_9fa48("941") ? "" : (stryCov_9fa48("941"), 'string')))) ? body.Guid : stryMutAct_9fa48("942") ? "Stryker was here!" : (stryCov_9fa48("942"), ''),
          eventTime: body.EventTime as string,
          sequenceNumber: (stryMutAct_9fa48("945") ? typeof body.SequenceNumber !== 'number' : stryMutAct_9fa48("944") ? false : stryMutAct_9fa48("943") ? true : (stryCov_9fa48("943", "944", "945"), typeof body.SequenceNumber === (stryMutAct_9fa48("946") ? "" : (stryCov_9fa48("946"), 'number')))) ? body.SequenceNumber : undefined,
          personId: (stryMutAct_9fa48("949") ? typeof body.PersonID !== 'number' : stryMutAct_9fa48("948") ? false : stryMutAct_9fa48("947") ? true : (stryCov_9fa48("947", "948", "949"), typeof body.PersonID === (stryMutAct_9fa48("950") ? "" : (stryCov_9fa48("950"), 'number')))) ? body.PersonID : undefined,
          fields: stryMutAct_9fa48("951") ? body.Fields as Record<string, unknown> && {} : (stryCov_9fa48("951"), body.Fields as Record<string, unknown> ?? {})
        });
        try {
          if (stryMutAct_9fa48("952")) {
            {}
          } else {
            stryCov_9fa48("952");
            await opts.onEvent(event);
          }
        } catch (err) {
          if (stryMutAct_9fa48("953")) {
            {}
          } else {
            stryCov_9fa48("953");
            seen.forget(key); // let Autotask's redelivery through
            log.warn(stryMutAct_9fa48("954") ? {} : (stryCov_9fa48("954"), {
              tenant,
              webhook,
              err: (err as Error).message
            }), stryMutAct_9fa48("955") ? "" : (stryCov_9fa48("955"), 'Autotask event could not be handed on; asking for redelivery'));
            return reply.code(503).send(stryMutAct_9fa48("956") ? {} : (stryCov_9fa48("956"), {
              error: stryMutAct_9fa48("957") ? "" : (stryCov_9fa48("957"), 'try again')
            }));
          }
        }
        stryMutAct_9fa48("958") ? stats.accepted-- : (stryCov_9fa48("958"), stats.accepted++);
        log.info(stryMutAct_9fa48("959") ? {} : (stryCov_9fa48("959"), {
          tenant,
          webhook,
          entityType: event.entityType,
          id: event.id,
          action: event.action
        }), stryMutAct_9fa48("960") ? "" : (stryCov_9fa48("960"), 'Autotask event accepted'));
        return reply.code(200).send(stryMutAct_9fa48("961") ? {} : (stryCov_9fa48("961"), {
          accepted: stryMutAct_9fa48("962") ? false : (stryCov_9fa48("962"), true)
        }));
      }
    });
    app.post(stryMutAct_9fa48("963") ? "" : (stryCov_9fa48("963"), '/webhooks/autotask/:tenant/deactivated'), async (req, reply) => {
      if (stryMutAct_9fa48("964")) {
        {}
      } else {
        stryCov_9fa48("964");
        const {
          tenant
        } = req.params as {
          tenant: string;
        };
        const webhook = (req.query as {
          webhook?: string;
        }).webhook;
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let body: unknown;
        try {
          if (stryMutAct_9fa48("965")) {
            {}
          } else {
            stryCov_9fa48("965");
            body = JSON.parse(raw.toString(stryMutAct_9fa48("966") ? "" : (stryCov_9fa48("966"), 'utf8')));
          }
        } catch {
          // Not JSON: reported without a body.
        }
        // Only ever logged and reported, so an unsigned call cannot do harm beyond a false alarm.
        log.warn(stryMutAct_9fa48("967") ? {} : (stryCov_9fa48("967"), {
          tenant,
          webhook
        }), stryMutAct_9fa48("968") ? "" : (stryCov_9fa48("968"), 'Autotask deactivated a webhook (deleted, or its API user was deactivated)'));
        await (stryMutAct_9fa48("969") ? opts.onDeactivation({
          tenant,
          webhook,
          body
        }) : (stryCov_9fa48("969"), opts.onDeactivation?.(stryMutAct_9fa48("970") ? {} : (stryCov_9fa48("970"), {
          tenant,
          webhook,
          body
        }))));
        return reply.code(200).send(stryMutAct_9fa48("971") ? {} : (stryCov_9fa48("971"), {
          ok: stryMutAct_9fa48("972") ? false : (stryCov_9fa48("972"), true)
        }));
      }
    });
    return stryMutAct_9fa48("973") ? {} : (stryCov_9fa48("973"), {
      app,
      stats
    });
  }
}