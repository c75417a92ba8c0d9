import type { FastifyInstance } from 'fastify';
import { entityDef } from './catalog';
import { canonicalChild, errors, restPath } from './autotask-rest';
import type { ApiUser, AutotaskDatabase } from './autotask-state';

/** The limits of one Autotask database and what they counted (thread peaks, bad secrets, 429s). */
export interface AutotaskLimits {
  threadLimit: number;
  hourlyLimit: number;
  /** The "hour" of the rolling window; tests shorten it. */
  hourMs: number;
  /** Consecutive bad secrets that lock the API user. */
  lockAfter: number;
  /** Time each authenticated call holds its thread (makes concurrency observable). */
  callLatencyMs?: [number, number];
  concurrency: Map<string, number>;
  /** Highest concurrency seen per `integrationCode|endpoint`. */
  maxConcurrency: Map<string, number>;
  /** Requests rejected for a wrong secret, per username (a lockout risk). */
  authFailures: Map<string, number>;
  consecutiveBadSecrets: Map<string, number>;
  /** 429s answered by the hourly threshold or the thread limit. */
  throttled: number;
  /** When each request of the rolling hour came. */
  window: number[];
}

export function autotaskLimits(opts: {
  threadLimit?: number;
  hourlyLimit?: number;
  hourMs?: number;
  lockAfterFailures?: number;
  callLatencyMs?: [number, number];
}): AutotaskLimits {
  return {
    threadLimit: opts.threadLimit ?? 3,
    hourlyLimit: opts.hourlyLimit ?? 10_000,
    hourMs: opts.hourMs ?? 3600_000,
    lockAfter: opts.lockAfterFailures ?? 5,
    callLatencyMs: opts.callLatencyMs,
    concurrency: new Map(),
    maxConcurrency: new Map(),
    authFailures: new Map(),
    consecutiveBadSecrets: new Map(),
    throttled: 0,
    window: [],
  };
}

/** Requests in the rolling hour (older ones are forgotten). */
export function hourlyCount(l: AutotaskLimits): number {
  const cutoff = Date.now() - l.hourMs;
  l.window = l.window.filter((t) => t > cutoff);
  return l.window.length;
}

/**
 * The REST API's door: Autotask's JSON parsing and error body, then per request the three auth headers with
 * Autotask's real (misleading) status codes, the lockout after repeated bad secrets, the rolling hourly
 * threshold and the thread limit per tracking identifier x endpoint.
 */
export function registerAutotaskDoor(app: FastifyInstance, db: AutotaskDatabase, l: AutotaskLimits): void {
  // Autotask accepts an empty body with Content-Type: application/json (a DELETE from a client that sets
  // the header on every call, like @apigrate/autotask-restapi); Fastify's default parser would answer 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      // The service's answer to malformed JSON is undocumented: a guess.
      const err = Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 });
      done(err, undefined);
    }
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
    errors(reply, err.statusCode && err.statusCode < 500 ? err.statusCode : 500, err.message)
  );

  app.decorateRequest('apiUser', null);

  app.addHook('onRequest', async (req, reply) => {
    const rest = restPath(req.url);
    if (rest === undefined || /^zoneInformation$/i.test(rest)) return;
    const h = req.headers;
    const username = String(h.username ?? '');
    const user = db.user(username);
    if (!user) return errors(reply, 500, `Unable to find an API user with user name '${username}'.`);
    if (String(h.apiintegrationcode ?? '') !== user.integrationCode)
      return errors(reply, 500, 'IntegrationCode is invalid.');
    if (String(h.secret ?? '') !== user.secret) {
      l.authFailures.set(user.username, (l.authFailures.get(user.username) ?? 0) + 1);
      const n = (l.consecutiveBadSecrets.get(user.username) ?? 0) + 1;
      l.consecutiveBadSecrets.set(user.username, n);
      if (n >= l.lockAfter) user.locked = true;
      return reply.code(401).send();
    }
    if (!user.active || user.locked) return reply.code(401).send();
    l.consecutiveBadSecrets.set(user.username, 0);
    // REST_Thresholds_Limits: 10,000 requests per rolling hour per database, then errors until usage
    // falls. The status (429) and Retry-After are [community] (go-autotask, WYRE-AI/autotask-mcp #107).
    if (hourlyCount(l) >= l.hourlyLimit) {
      l.throttled++;
      const retryAfter = Math.max(1, Math.ceil((l.window[0]! + l.hourMs - Date.now()) / 1000));
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ errors: ['API request threshold exceeded.'] });
    }
    l.window.push(Date.now());
    // ThreadLimiting.htm: 3 concurrent threads per API tracking identifier x object endpoint (zone
    // information exempt). The peak is recorded before the check, so a caller that sends a 4th call shows
    // up as 4 even though the 4th is refused; the refusal (429, message as seen by n8n-nodes-autotask #107
    // and WYRE-AI/autotask-mcp #169: [community]) counts in throttled().
    const segments = rest.split('/');
    const entity = entityDef(segments[0] ?? '')?.name ?? segments[0] ?? '';
    const child =
      segments[2] && /^\d+$/.test(segments[1] ?? '') ? (canonicalChild(segments[2]) ?? segments[2]) : undefined;
    const endpoint = child ? `${entity}/${child}` : entity;
    const key = `${user.integrationCode}|${endpoint}`;
    const now = (l.concurrency.get(key) ?? 0) + 1;
    l.maxConcurrency.set(key, Math.max(l.maxConcurrency.get(key) ?? 0, now));
    if (now > l.threadLimit) {
      l.throttled++;
      return reply
        .code(429)
        .header('retry-after', '1')
        .send({
          errors: [`The Autotask API thread threshold of ${l.threadLimit} threads has been exceeded for ${endpoint}.`],
        });
    }
    l.concurrency.set(key, now);
    // The thread ends with the request, whoever ends it: answered ('finish'), or its client gone ('close'
    // on the response fires either way, also when the caller died mid-call and the answer is still held).
    // Freed once, so a late answer to a dead socket does not free it twice.
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      l.concurrency.set(key, (l.concurrency.get(key) ?? 1) - 1);
    };
    reply.raw.once('finish', free);
    reply.raw.once('close', free);
    (req as unknown as { apiUser: ApiUser }).apiUser = user;
    if (l.callLatencyMs) {
      const [lo, hi] = l.callLatencyMs;
      await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
    }
  });
}
