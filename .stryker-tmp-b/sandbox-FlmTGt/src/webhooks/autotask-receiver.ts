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
  if (stryMutAct_9fa48("209")) {
    {}
  } else {
    stryCov_9fa48("209");
    const m = stryMutAct_9fa48("212") ? header || /^sha1=([A-Za-z0-9+/]+={0,2})$/.exec(header.trim()) : stryMutAct_9fa48("211") ? false : stryMutAct_9fa48("210") ? true : (stryCov_9fa48("210", "211", "212"), header && (stryMutAct_9fa48("217") ? /^sha1=([A-Za-z0-9+/]+=)$/ : stryMutAct_9fa48("216") ? /^sha1=([^A-Za-z0-9+/]+={0,2})$/ : stryMutAct_9fa48("215") ? /^sha1=([A-Za-z0-9+/]={0,2})$/ : stryMutAct_9fa48("214") ? /^sha1=([A-Za-z0-9+/]+={0,2})/ : stryMutAct_9fa48("213") ? /sha1=([A-Za-z0-9+/]+={0,2})$/ : (stryCov_9fa48("213", "214", "215", "216", "217"), /^sha1=([A-Za-z0-9+/]+={0,2})$/)).exec(stryMutAct_9fa48("218") ? header : (stryCov_9fa48("218"), header.trim())));
    if (stryMutAct_9fa48("221") ? false : stryMutAct_9fa48("220") ? true : stryMutAct_9fa48("219") ? m : (stryCov_9fa48("219", "220", "221"), !m)) return stryMutAct_9fa48("222") ? true : (stryCov_9fa48("222"), false);
    const given = Buffer.from(m[1]!, stryMutAct_9fa48("223") ? "" : (stryCov_9fa48("223"), 'base64'));
    if (stryMutAct_9fa48("226") ? given.length === SHA1_BYTES : stryMutAct_9fa48("225") ? false : stryMutAct_9fa48("224") ? true : (stryCov_9fa48("224", "225", "226"), given.length !== SHA1_BYTES)) return stryMutAct_9fa48("227") ? true : (stryCov_9fa48("227"), false);
    let ok = stryMutAct_9fa48("228") ? true : (stryCov_9fa48("228"), false);
    for (const secret of secrets) {
      if (stryMutAct_9fa48("229")) {
        {}
      } else {
        stryCov_9fa48("229");
        const expected = createHmac(stryMutAct_9fa48("230") ? "" : (stryCov_9fa48("230"), 'sha1'), secret).update(raw).digest();
        if (stryMutAct_9fa48("232") ? false : stryMutAct_9fa48("231") ? true : (stryCov_9fa48("231", "232"), timingSafeEqual(expected, given))) ok = stryMutAct_9fa48("233") ? false : (stryCov_9fa48("233"), true);
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
    if (stryMutAct_9fa48("234")) {
      {}
    } else {
      stryCov_9fa48("234");
      const at = this.seen.get(key);
      if (stryMutAct_9fa48("237") ? at !== undefined || now - at <= this.ttlMs : stryMutAct_9fa48("236") ? false : stryMutAct_9fa48("235") ? true : (stryCov_9fa48("235", "236", "237"), (stryMutAct_9fa48("239") ? at === undefined : stryMutAct_9fa48("238") ? true : (stryCov_9fa48("238", "239"), at !== undefined)) && (stryMutAct_9fa48("242") ? now - at > this.ttlMs : stryMutAct_9fa48("241") ? now - at < this.ttlMs : stryMutAct_9fa48("240") ? true : (stryCov_9fa48("240", "241", "242"), (stryMutAct_9fa48("243") ? now + at : (stryCov_9fa48("243"), now - at)) <= this.ttlMs)))) return stryMutAct_9fa48("244") ? true : (stryCov_9fa48("244"), false);
      this.seen.delete(key);
      this.seen.set(key, now);
      for (const [k, t] of this.seen) {
        if (stryMutAct_9fa48("245")) {
          {}
        } else {
          stryCov_9fa48("245");
          if (stryMutAct_9fa48("248") ? this.seen.size <= this.max || now - t <= this.ttlMs : stryMutAct_9fa48("247") ? false : stryMutAct_9fa48("246") ? true : (stryCov_9fa48("246", "247", "248"), (stryMutAct_9fa48("251") ? this.seen.size > this.max : stryMutAct_9fa48("250") ? this.seen.size < this.max : stryMutAct_9fa48("249") ? true : (stryCov_9fa48("249", "250", "251"), this.seen.size <= this.max)) && (stryMutAct_9fa48("254") ? now - t > this.ttlMs : stryMutAct_9fa48("253") ? now - t < this.ttlMs : stryMutAct_9fa48("252") ? true : (stryCov_9fa48("252", "253", "254"), (stryMutAct_9fa48("255") ? now + t : (stryCov_9fa48("255"), now - t)) <= this.ttlMs)))) break;
          this.seen.delete(k);
        }
      }
      return stryMutAct_9fa48("256") ? false : (stryCov_9fa48("256"), true);
    }
  }
  forget(key: string): void {
    if (stryMutAct_9fa48("257")) {
      {}
    } else {
      stryCov_9fa48("257");
      this.seen.delete(key);
    }
  }
  get size(): number {
    if (stryMutAct_9fa48("258")) {
      {}
    } else {
      stryCov_9fa48("258");
      return this.seen.size;
    }
  }
}
export function createAutotaskWebhookReceiver(opts: AutotaskReceiverOptions): {
  app: FastifyInstance;
  stats: ReceiverStats;
} {
  if (stryMutAct_9fa48("259")) {
    {}
  } else {
    stryCov_9fa48("259");
    const maxAge = stryMutAct_9fa48("260") ? opts.maxEventAgeMs && 10 * 60_000 : (stryCov_9fa48("260"), opts.maxEventAgeMs ?? (stryMutAct_9fa48("261") ? 10 / 60_000 : (stryCov_9fa48("261"), 10 * 60_000)));
    const skew = stryMutAct_9fa48("262") ? opts.maxFutureSkewMs && 60_000 : (stryCov_9fa48("262"), opts.maxFutureSkewMs ?? 60_000);
    const now = stryMutAct_9fa48("263") ? opts.now && Date.now : (stryCov_9fa48("263"), opts.now ?? Date.now);
    const log = stryMutAct_9fa48("264") ? opts.logger && {
      info: () => undefined,
      warn: () => undefined
    } : (stryCov_9fa48("264"), opts.logger ?? (stryMutAct_9fa48("265") ? {} : (stryCov_9fa48("265"), {
      info: () => undefined,
      warn: () => undefined
    })));
    // Remember events for as long as they could still be accepted as fresh.
    const seen = new SeenEvents(stryMutAct_9fa48("266") ? maxAge - skew : (stryCov_9fa48("266"), maxAge + skew), stryMutAct_9fa48("267") ? opts.maxRememberedEvents && 100_000 : (stryCov_9fa48("267"), opts.maxRememberedEvents ?? 100_000));
    const stats: ReceiverStats = stryMutAct_9fa48("268") ? {} : (stryCov_9fa48("268"), {
      accepted: 0,
      badSignature: 0,
      stale: 0,
      duplicate: 0,
      invalid: 0
    });
    const app = Fastify(stryMutAct_9fa48("269") ? {} : (stryCov_9fa48("269"), {
      logger: stryMutAct_9fa48("270") ? true : (stryCov_9fa48("270"), false),
      bodyLimit: stryMutAct_9fa48("271") ? opts.maxBodyBytes && 64 * 1024 : (stryCov_9fa48("271"), opts.maxBodyBytes ?? (stryMutAct_9fa48("272") ? 64 / 1024 : (stryCov_9fa48("272"), 64 * 1024)))
    }));
    app.removeAllContentTypeParsers();
    // The raw bytes are what was signed: never verify a re-serialised body.
    app.addContentTypeParser(stryMutAct_9fa48("273") ? "" : (stryCov_9fa48("273"), '*'), stryMutAct_9fa48("274") ? {} : (stryCov_9fa48("274"), {
      parseAs: stryMutAct_9fa48("275") ? "" : (stryCov_9fa48("275"), 'buffer')
    }), stryMutAct_9fa48("276") ? () => undefined : (stryCov_9fa48("276"), (_req, body, done) => done(null, body)));
    app.post(stryMutAct_9fa48("277") ? "" : (stryCov_9fa48("277"), '/webhooks/autotask/:tenant'), async (req, reply) => {
      if (stryMutAct_9fa48("278")) {
        {}
      } else {
        stryCov_9fa48("278");
        const {
          tenant
        } = req.params as {
          tenant: string;
        };
        const webhook = (req.query as {
          webhook?: string;
        }).webhook;
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        // Node joins a repeated X-Hook-Signature into one "a, b" string, which no signature matches.
        const header = req.headers[stryMutAct_9fa48("279") ? "" : (stryCov_9fa48("279"), 'x-hook-signature')];
        const secrets = await opts.secretsFor(tenant, webhook);
        if (stryMutAct_9fa48("282") ? false : stryMutAct_9fa48("281") ? true : stryMutAct_9fa48("280") ? verifyAutotaskSignature(typeof header === 'string' ? header : undefined, raw, secrets) : (stryCov_9fa48("280", "281", "282"), !verifyAutotaskSignature((stryMutAct_9fa48("285") ? typeof header !== 'string' : stryMutAct_9fa48("284") ? false : stryMutAct_9fa48("283") ? true : (stryCov_9fa48("283", "284", "285"), typeof header === (stryMutAct_9fa48("286") ? "" : (stryCov_9fa48("286"), 'string')))) ? header : undefined, raw, secrets))) {
          if (stryMutAct_9fa48("287")) {
            {}
          } else {
            stryCov_9fa48("287");
            stryMutAct_9fa48("288") ? stats.badSignature-- : (stryCov_9fa48("288"), stats.badSignature++);
            log.warn(stryMutAct_9fa48("289") ? {} : (stryCov_9fa48("289"), {
              tenant,
              webhook
            }), stryMutAct_9fa48("290") ? "" : (stryCov_9fa48("290"), 'Autotask callout with a missing or invalid signature refused'));
            return reply.code(401).send(stryMutAct_9fa48("291") ? {} : (stryCov_9fa48("291"), {
              error: stryMutAct_9fa48("292") ? "" : (stryCov_9fa48("292"), 'invalid signature')
            }));
          }
        }
        let body: Record<string, unknown>;
        try {
          if (stryMutAct_9fa48("293")) {
            {}
          } else {
            stryCov_9fa48("293");
            body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
          }
        } catch {
          if (stryMutAct_9fa48("294")) {
            {}
          } else {
            stryCov_9fa48("294");
            stryMutAct_9fa48("295") ? stats.invalid-- : (stryCov_9fa48("295"), stats.invalid++);
            return reply.code(400).send(stryMutAct_9fa48("296") ? {} : (stryCov_9fa48("296"), {
              error: stryMutAct_9fa48("297") ? "" : (stryCov_9fa48("297"), 'body is not JSON')
            }));
          }
        }
        const eventTime = (stryMutAct_9fa48("300") ? typeof body.EventTime !== 'string' : stryMutAct_9fa48("299") ? false : stryMutAct_9fa48("298") ? true : (stryCov_9fa48("298", "299", "300"), typeof body.EventTime === (stryMutAct_9fa48("301") ? "" : (stryCov_9fa48("301"), 'string')))) ? Date.parse(body.EventTime) : NaN;
        if (stryMutAct_9fa48("304") ? (Number.isNaN(eventTime) || typeof body.Id !== 'number') && typeof body.Action !== 'string' : stryMutAct_9fa48("303") ? false : stryMutAct_9fa48("302") ? true : (stryCov_9fa48("302", "303", "304"), (stryMutAct_9fa48("306") ? Number.isNaN(eventTime) && typeof body.Id !== 'number' : stryMutAct_9fa48("305") ? false : (stryCov_9fa48("305", "306"), Number.isNaN(eventTime) || (stryMutAct_9fa48("308") ? typeof body.Id === 'number' : stryMutAct_9fa48("307") ? false : (stryCov_9fa48("307", "308"), typeof body.Id !== (stryMutAct_9fa48("309") ? "" : (stryCov_9fa48("309"), 'number')))))) || (stryMutAct_9fa48("311") ? typeof body.Action === 'string' : stryMutAct_9fa48("310") ? false : (stryCov_9fa48("310", "311"), typeof body.Action !== (stryMutAct_9fa48("312") ? "" : (stryCov_9fa48("312"), 'string')))))) {
          if (stryMutAct_9fa48("313")) {
            {}
          } else {
            stryCov_9fa48("313");
            stryMutAct_9fa48("314") ? stats.invalid-- : (stryCov_9fa48("314"), stats.invalid++);
            return reply.code(400).send(stryMutAct_9fa48("315") ? {} : (stryCov_9fa48("315"), {
              error: stryMutAct_9fa48("316") ? "" : (stryCov_9fa48("316"), 'EventTime, Id and Action are required')
            }));
          }
        }
        const t = now();
        if (stryMutAct_9fa48("319") ? eventTime < t - maxAge && eventTime > t + skew : stryMutAct_9fa48("318") ? false : stryMutAct_9fa48("317") ? true : (stryCov_9fa48("317", "318", "319"), (stryMutAct_9fa48("322") ? eventTime >= t - maxAge : stryMutAct_9fa48("321") ? eventTime <= t - maxAge : stryMutAct_9fa48("320") ? false : (stryCov_9fa48("320", "321", "322"), eventTime < (stryMutAct_9fa48("323") ? t + maxAge : (stryCov_9fa48("323"), t - maxAge)))) || (stryMutAct_9fa48("326") ? eventTime <= t + skew : stryMutAct_9fa48("325") ? eventTime >= t + skew : stryMutAct_9fa48("324") ? false : (stryCov_9fa48("324", "325", "326"), eventTime > (stryMutAct_9fa48("327") ? t - skew : (stryCov_9fa48("327"), t + skew)))))) {
          if (stryMutAct_9fa48("328")) {
            {}
          } else {
            stryCov_9fa48("328");
            stryMutAct_9fa48("329") ? stats.stale-- : (stryCov_9fa48("329"), stats.stale++);
            log.warn(stryMutAct_9fa48("330") ? {} : (stryCov_9fa48("330"), {
              tenant,
              webhook,
              eventTime: body.EventTime
            }), stryMutAct_9fa48("331") ? "" : (stryCov_9fa48("331"), 'stale Autotask event dropped (replay or long delay)'));
            return reply.code(200).send(stryMutAct_9fa48("332") ? {} : (stryCov_9fa48("332"), {
              accepted: stryMutAct_9fa48("333") ? true : (stryCov_9fa48("333"), false),
              reason: stryMutAct_9fa48("334") ? "" : (stryCov_9fa48("334"), 'stale')
            }));
          }
        }
        // Not keyed on Guid: during a rotation the old and the new webhook both send the same change.
        const key = stryMutAct_9fa48("335") ? `` : (stryCov_9fa48("335"), `${tenant}|${JSON.stringify(body.EntityType)}|${body.Id}|${body.Action}|${body.EventTime as string}`);
        if (stryMutAct_9fa48("338") ? false : stryMutAct_9fa48("337") ? true : stryMutAct_9fa48("336") ? seen.add(key, t) : (stryCov_9fa48("336", "337", "338"), !seen.add(key, t))) {
          if (stryMutAct_9fa48("339")) {
            {}
          } else {
            stryCov_9fa48("339");
            stryMutAct_9fa48("340") ? stats.duplicate-- : (stryCov_9fa48("340"), stats.duplicate++);
            return reply.code(200).send(stryMutAct_9fa48("341") ? {} : (stryCov_9fa48("341"), {
              accepted: stryMutAct_9fa48("342") ? true : (stryCov_9fa48("342"), false),
              reason: stryMutAct_9fa48("343") ? "" : (stryCov_9fa48("343"), 'duplicate')
            }));
          }
        }
        const event: AutotaskWebhookEvent = stryMutAct_9fa48("344") ? {} : (stryCov_9fa48("344"), {
          tenant,
          webhook,
          action: body.Action,
          entityType: (stryMutAct_9fa48("347") ? typeof body.EntityType !== 'string' : stryMutAct_9fa48("346") ? false : stryMutAct_9fa48("345") ? true : (stryCov_9fa48("345", "346", "347"), typeof body.EntityType === (stryMutAct_9fa48("348") ? "" : (stryCov_9fa48("348"), 'string')))) ? body.EntityType : stryMutAct_9fa48("349") ? "Stryker was here!" : (stryCov_9fa48("349"), ''),
          id: body.Id,
          guid: (stryMutAct_9fa48("352") ? typeof body.Guid !== 'string' : stryMutAct_9fa48("351") ? false : stryMutAct_9fa48("350") ? true : (stryCov_9fa48("350", "351", "352"), typeof body.Guid === (stryMutAct_9fa48("353") ? "" : (stryCov_9fa48("353"), 'string')))) ? body.Guid : stryMutAct_9fa48("354") ? "Stryker was here!" : (stryCov_9fa48("354"), ''),
          eventTime: body.EventTime as string,
          sequenceNumber: (stryMutAct_9fa48("357") ? typeof body.SequenceNumber !== 'number' : stryMutAct_9fa48("356") ? false : stryMutAct_9fa48("355") ? true : (stryCov_9fa48("355", "356", "357"), typeof body.SequenceNumber === (stryMutAct_9fa48("358") ? "" : (stryCov_9fa48("358"), 'number')))) ? body.SequenceNumber : undefined,
          personId: (stryMutAct_9fa48("361") ? typeof body.PersonID !== 'number' : stryMutAct_9fa48("360") ? false : stryMutAct_9fa48("359") ? true : (stryCov_9fa48("359", "360", "361"), typeof body.PersonID === (stryMutAct_9fa48("362") ? "" : (stryCov_9fa48("362"), 'number')))) ? body.PersonID : undefined,
          fields: stryMutAct_9fa48("363") ? body.Fields as Record<string, unknown> && {} : (stryCov_9fa48("363"), body.Fields as Record<string, unknown> ?? {})
        });
        try {
          if (stryMutAct_9fa48("364")) {
            {}
          } else {
            stryCov_9fa48("364");
            await opts.onEvent(event);
          }
        } catch (err) {
          if (stryMutAct_9fa48("365")) {
            {}
          } else {
            stryCov_9fa48("365");
            seen.forget(key); // let Autotask's redelivery through
            log.warn(stryMutAct_9fa48("366") ? {} : (stryCov_9fa48("366"), {
              tenant,
              webhook,
              err: (err as Error).message
            }), stryMutAct_9fa48("367") ? "" : (stryCov_9fa48("367"), 'Autotask event could not be handed on; asking for redelivery'));
            return reply.code(503).send(stryMutAct_9fa48("368") ? {} : (stryCov_9fa48("368"), {
              error: stryMutAct_9fa48("369") ? "" : (stryCov_9fa48("369"), 'try again')
            }));
          }
        }
        stryMutAct_9fa48("370") ? stats.accepted-- : (stryCov_9fa48("370"), stats.accepted++);
        log.info(stryMutAct_9fa48("371") ? {} : (stryCov_9fa48("371"), {
          tenant,
          webhook,
          entityType: event.entityType,
          id: event.id,
          action: event.action
        }), stryMutAct_9fa48("372") ? "" : (stryCov_9fa48("372"), 'Autotask event accepted'));
        return reply.code(200).send(stryMutAct_9fa48("373") ? {} : (stryCov_9fa48("373"), {
          accepted: stryMutAct_9fa48("374") ? false : (stryCov_9fa48("374"), true)
        }));
      }
    });
    app.post(stryMutAct_9fa48("375") ? "" : (stryCov_9fa48("375"), '/webhooks/autotask/:tenant/deactivated'), async (req, reply) => {
      if (stryMutAct_9fa48("376")) {
        {}
      } else {
        stryCov_9fa48("376");
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
          if (stryMutAct_9fa48("377")) {
            {}
          } else {
            stryCov_9fa48("377");
            body = JSON.parse(raw.toString(stryMutAct_9fa48("378") ? "" : (stryCov_9fa48("378"), 'utf8')));
          }
        } catch {
          if (stryMutAct_9fa48("379")) {
            {}
          } else {
            stryCov_9fa48("379");
            body = undefined;
          }
        }
        // Only ever logged and reported, so an unsigned call cannot do harm beyond a false alarm.
        log.warn(stryMutAct_9fa48("380") ? {} : (stryCov_9fa48("380"), {
          tenant,
          webhook
        }), stryMutAct_9fa48("381") ? "" : (stryCov_9fa48("381"), 'Autotask deactivated a webhook (deleted, or its API user was deactivated)'));
        await (stryMutAct_9fa48("382") ? opts.onDeactivation({
          tenant,
          webhook,
          body
        }) : (stryCov_9fa48("382"), opts.onDeactivation?.(stryMutAct_9fa48("383") ? {} : (stryCov_9fa48("383"), {
          tenant,
          webhook,
          body
        }))));
        return reply.code(200).send(stryMutAct_9fa48("384") ? {} : (stryCov_9fa48("384"), {
          ok: stryMutAct_9fa48("385") ? false : (stryCov_9fa48("385"), true)
        }));
      }
    });
    return stryMutAct_9fa48("386") ? {} : (stryCov_9fa48("386"), {
      app,
      stats
    });
  }
}