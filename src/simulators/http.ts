import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Shared machinery of the vendor simulators: realistic latency, programmable faults (each counts how
 * often it fired, so a fault test can prove its fault happened), request counters, and a fixed-window
 * rate limit answering 429 with Retry-After.
 */
export interface FaultSpec {
  /** HTTP method, or '*' for any. */
  method: string;
  /** Exact path (without query) or a RegExp over it. */
  path: string | RegExp;
  status: number;
  /** How many matching requests fail; afterwards the route answers normally. */
  times: number;
  retryAfterSeconds?: number;
  body?: unknown;
  /** Hold the request this long before answering (a timeout fault when longer than the client's timeout). */
  delayMs?: number;
  /** Drop the connection instead of answering (a network error). */
  drop?: boolean;
}

interface ArmedFault extends FaultSpec {
  id: number;
  fired: number;
}

/**
 * Hold-after-commit: the route runs (its change is committed), then its successful answer is held back.
 * That is the window in which a crashed caller has done the side effect but never learnt of it; fault
 * tests kill the worker from `onCommitted`.
 */
export interface HoldSpec {
  method: string;
  path: string | RegExp;
  /** How many successful (2xx) answers to hold. */
  times: number;
  /** The longest hold; `releaseHolds()` ends every pending hold sooner. */
  holdMs: number;
  onCommitted?: (request: { method: string; path: string; status: number }) => void;
}

interface ArmedHold extends HoldSpec {
  id: number;
  fired: number;
}

/** The first armed fault or hold for this request that has not fired `times` yet, counted as fired once more. */
function takeArmed<A extends ArmedFault | ArmedHold>(armed: A[], method: string, path: string): A | undefined {
  const a = armed.find(
    (x) =>
      x.fired < x.times &&
      (x.method === '*' || x.method === method) &&
      (typeof x.path === 'string' ? x.path === path : x.path.test(path))
  );
  if (a) a.fired++;
  return a;
}

export interface RateLimitSpec {
  /** Requests allowed per window, counted across all routes that match `path`. */
  limit: number;
  windowMs: number;
  path?: RegExp;
  /** The body a vendor answers with when throttling. */
  body?: unknown;
  status?: number;
}

export interface SimulatorOptions {
  name: string;
  /** Uniform random latency per request, e.g. [50, 150] for the benchmark. */
  latencyMs?: [number, number];
  rateLimit?: RateLimitSpec;
  logger?: boolean;
}

export class FaultBook {
  private faults: ArmedFault[] = [];
  private nextId = 1;

  private holds: ArmedHold[] = [];
  private pending = new Set<() => void>();

  add(spec: FaultSpec): number {
    const id = this.nextId++;
    this.faults.push({ ...spec, id, fired: 0 });
    return id;
  }

  /** Arm a hold-after-commit; its id shares the numbering (and `fired`) of the faults. */
  holdAfterCommit(spec: HoldSpec): number {
    const id = this.nextId++;
    this.holds.push({ ...spec, id, fired: 0 });
    return id;
  }

  /** How often fault or hold `id` fired (or all of them, summed). */
  fired(id?: number): number {
    return [...this.faults, ...this.holds]
      .filter((f) => id === undefined || f.id === id)
      .reduce((n, f) => n + f.fired, 0);
  }

  clear(): void {
    this.faults = [];
    this.holds = [];
    this.releaseHolds();
  }

  /** Answer every held request now (after the test has killed the caller, or before closing). */
  releaseHolds(): void {
    for (const release of this.pending) release();
    this.pending.clear();
  }

  takeHold(method: string, path: string): ArmedHold | undefined {
    return takeArmed(this.holds, method, path);
  }

  hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.pending.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pending.add(release);
    });
  }

  take(method: string, path: string): ArmedFault | undefined {
    return takeArmed(this.faults, method, path);
  }
}

export interface Simulator {
  app: FastifyInstance;
  faults: FaultBook;
  /** Requests received, by `METHOD path`. */
  requests: Map<string, number>;
  /** 429s answered because of the configured rate limit (not programmed faults). */
  throttled: () => number;
  options: SimulatorOptions;
}

export function createSimulatorApp(options: SimulatorOptions): Simulator {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  const faults = new FaultBook();
  const requests = new Map<string, number>();
  let throttled = 0;
  let window = { start: Date.now(), count: 0 };

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? req.url;
    const key = `${req.method} ${path}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    if (path.startsWith('/_admin/')) return; // the admin API is never slowed or faulted
    if (options.latencyMs) {
      const [lo, hi] = options.latencyMs;
      await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
    }
    const rl = options.rateLimit;
    if (rl && (!rl.path || rl.path.test(path))) {
      const now = Date.now();
      if (now - window.start >= rl.windowMs) window = { start: now, count: 0 };
      window.count++;
      if (window.count > rl.limit) {
        throttled++;
        const retryAfter = Math.max(1, Math.ceil((window.start + rl.windowMs - now) / 1000));
        return reply
          .code(rl.status ?? 429)
          .header('retry-after', String(retryAfter))
          .send(rl.body ?? { error: 'rate limited' });
      }
    }
    const fault = faults.take(req.method, path);
    if (fault) {
      // A delay is a hold: `releaseHolds()` (and closing the simulator) ends it early.
      if (fault.delayMs) await faults.hold(fault.delayMs);
      if (fault.drop) {
        req.raw.socket.destroy();
        return reply;
      }
      if (fault.retryAfterSeconds !== undefined) void reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send(fault.body ?? { error: { code: fault.status, message: 'injected fault' } });
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0] ?? req.url;
    if (path.startsWith('/_admin/') || reply.statusCode >= 300) return payload;
    const hold = faults.takeHold(req.method, path);
    if (hold) {
      hold.onCommitted?.({ method: req.method, path, status: reply.statusCode });
      await faults.hold(hold.holdMs);
    }
    return payload;
  });
  app.addHook('preClose', async () => faults.releaseHolds());

  return { app, faults, requests, throttled: () => throttled, options };
}

/** Listen on loopback; port 0 picks a free port. Returns the base URL (no trailing slash). */
export async function listen(app: FastifyInstance, port = 0, host = '127.0.0.1'): Promise<string> {
  await app.listen({ port, host });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('simulator did not bind a TCP port');
  return `http://${host}:${addr.port}`;
}
