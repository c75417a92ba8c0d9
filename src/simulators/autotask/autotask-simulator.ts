import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerAutotaskAdminRoutes } from './autotask-admin-routes';
import { registerAutotaskRest } from './autotask-dispatch';
import { autotaskLimits, hourlyCount, registerAutotaskDoor } from './autotask-door';
import { changeTicket, deactivateWebhook, setUserActive } from './autotask-events';
import type { AutotaskContext } from './autotask-rest';
import { CalloutQueue, type DeliveryOptions } from './delivery';
import { AutotaskDatabase } from './autotask-state';

/**
 * Autotask PSA REST simulator (vendor-apis.md B): zone discovery, VersionInformation, the three auth headers
 * with Autotask's real (misleading) status codes, entityInformation (`canX` per entity, `userAccessFor*`
 * per the API user's security level), field and UDF metadata, the query language (every documented
 * operator, and/or groups, includeFields, query/count), Companies/Contacts/Tickets, webhook entities with
 * Fields/ExcludedResources children (create, PATCH/PUT, delete) and isReady, the webhook limit,
 * ThresholdInformation, the thread limit (3 per tracking identifier x endpoint) and the rolling hourly
 * limit (429 + Retry-After), and real signed callouts when a ticket changes. Paths ignore case, like the
 * real service. Each behaviour's source (or "guess") is in docs/vendor-contracts.md, section Autotask.
 */
export interface AutotaskSimulatorOptions extends Partial<SimulatorOptions> {
  zoneName?: string;
  threadLimit?: number;
  hourlyLimit?: number;
  /** The "hour" of the rolling window; tests shorten it. */
  hourMs?: number;
  /** Time each authenticated call holds its thread (makes concurrency observable). */
  callLatencyMs?: [number, number];
  readyDelayMs?: number;
  /** Consecutive bad secrets that lock the API user. */
  lockAfterFailures?: number;
  delivery?: Partial<DeliveryOptions>;
  /** Persist the database to this JSON file (the sandbox does, so a restart keeps it). */
  stateFile?: string;
}

export interface AutotaskSimulator extends Simulator {
  db: AutotaskDatabase;
  callouts: CalloutQueue;
  /** Highest concurrency seen per `integrationCode|endpoint`. */
  maxConcurrency: Map<string, number>;
  /** Threads in use now per `integrationCode|endpoint` (read-only view for tests). */
  threadsInUse: ReadonlyMap<string, number>;
  /** Requests rejected for a wrong secret, per username (a lockout risk). */
  authFailures: Map<string, number>;
  hourlyCount(): number;
  /** What a technician does in the UI: create or change a ticket (fires webhooks). */
  changeTicket(id: number | undefined, fields: Record<string, unknown>, actorResourceId?: number): number;
  setUserActive(username: string, active: boolean): Promise<void>;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export function createAutotaskSimulator(opts: AutotaskSimulatorOptions = {}): AutotaskSimulator {
  const sim = createSimulatorApp({ name: 'autotask', ...opts });
  const { app } = sim;
  const db = new AutotaskDatabase(opts.readyDelayMs ?? 0);
  const limits = autotaskLimits(opts);
  const callouts: CalloutQueue = new CalloutQueue(
    { retryDelayMs: 30_000, attempts: 5, timeoutMs: 10_000, ...opts.delivery },
    (hook) => void deactivateWebhook(ctx, hook)
  );
  const ctx: AutotaskContext = { db, callouts };
  let baseUrl = '';

  registerAutotaskDoor(app, db, limits);
  registerAutotaskRest(app, ctx, { zoneName: opts.zoneName, limits, baseUrl: () => baseUrl });
  registerAutotaskAdminRoutes(app, {
    db,
    setUserActive: (username, active) => setUserActive(ctx, username, active),
    deactivateWebhook: (hook) => deactivateWebhook(ctx, hook),
    changeTicket: (id, fields) => changeTicket(ctx, id, fields),
    stateFile: opts.stateFile,
  });

  return {
    ...sim,
    db,
    callouts,
    maxConcurrency: limits.maxConcurrency,
    threadsInUse: limits.concurrency,
    authFailures: limits.authFailures,
    hourlyCount: () => hourlyCount(limits),
    /** 429s answered by the generic rate limit, the hourly threshold or the thread limit. */
    throttled: () => sim.throttled() + limits.throttled,
    changeTicket: (id, fields, actorResourceId) => changeTicket(ctx, id, fields, actorResourceId),
    setUserActive: (username, active) => setUserActive(ctx, username, active),
    listen: async (port?: number) => {
      baseUrl = await listen(app, port);
      return baseUrl;
    },
    close: async () => {
      await callouts.drain();
      await app.close();
    },
  };
}
