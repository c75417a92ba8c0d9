import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { INTEGRATIONS } from '../domain/customer-onboarding-schema';
import { InputError, parseOrThrow } from '../domain/field-validators';
import type { Logger } from '../logger';
import {
  getOrderStatus,
  isTemporalUnavailable,
  OperatorActionError,
  orderAction,
  OrderConflictError,
  OrderNotFoundError,
  parseOrderId,
  startOrder,
  type OrderConfig,
} from '../services/orders';
import { startOffboarding } from '../services/offboarding';
import { registerSecret } from '../secrets/scrub';
import type { SecretStore } from '../secrets/secret-store';
import { IntakeAuthenticator, type IntakeAuthOptions } from './intake-auth';
import { openApiDocument } from './openapi';
import { duplicateKeys } from './strict-json';
import { registerSalesRoutes, SALES_PATH_PREFIX, type SalesRoutesOptions } from './sales/sales-routes';

export interface IntakeServerOptions {
  client: Client;
  /** Task queue, and the ConnectWise hosts the workers may reach (checked at the door). */
  config: OrderConfig;
  auth: IntakeAuthOptions;
  logger?: Logger;
  /** Largest accepted body; orders carry references, never files. */
  bodyLimitBytes?: number;
  /**
   * Where `supply-credential` writes a secret sent as a value (`"secret"`): the workflow gets its `store:`
   * reference. Unset (sandbox): the intake takes references only.
   */
  secretStore?: SecretStore;
  /** The sales systems' receivers (`POST /v1/sales/<system>`, issue 26); each verifies its sender itself. */
  sales?: Omit<SalesRoutesOptions, 'client' | 'config' | 'logger'>;
}

const ACTIONS = ['check-now', 'retry', 'abandon', 'cancel', 'supply-credential', 'offboard'] as const;

/** The body of an action: optional, and when sent, a JSON object with only these fields. */
const actionBodySchema = z.strictObject(
  {
    integration: z.enum(INTEGRATIONS, { error: `must be one of ${INTEGRATIONS.join(', ')}` }).optional(),
    /** supply-credential: the fields the integration waits for (secrets as references). */
    credential: z.record(z.string(), z.unknown(), { error: 'must be a JSON object of credential fields' }).optional(),
    /** supply-credential: the secret itself (Autotask secret, ConnectWise private key), kept in the secret store. */
    secret: z
      .string({ error: 'must be the secret as a string' })
      .min(1, 'must not be empty')
      .max(16 * 1024, 'must be at most 16 KiB')
      .optional(),
  },
  { error: (iss) => (iss.code === 'invalid_type' ? 'the body must be a JSON object (or empty)' : undefined) }
);

/**
 * Bytes on a connection that Node cannot parse as a request: Fastify's default answers 400 and destroys the
 * socket at once, so when they follow a valid order (stray bytes after its body) the client read only
 * "400 Client Error" while the order started. A client is never told "refused" for work that started: the
 * response in flight is written first, then a separate 400 for the stray bytes, and the connection closes.
 */
function answerAfterInFlight(
  err: Error & { code?: string },
  socket: Socket,
  inFlight: WeakMap<Socket, ServerResponse>
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error: status === 400 ? 'bad_request' : status === 408 ? 'request_timeout' : 'headers_too_large',
    message:
      status === 400
        ? 'bytes on this connection are not an HTTP request (after a request, only the next request may follow its body); the connection is closed'
        : `${STATUS_CODES[status] ?? 'error'}; the connection is closed`,
  });
  const refuse = () => {
    if (!socket.writable) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  };
  const owed = inFlight.get(socket);
  if (owed && !owed.writableFinished) {
    // 'close' follows 'finish' (the answer written) or a connection gone before it.
    owed.once('close', refuse);
    return;
  }
  refuse();
}

/** Path segments longer than this are answered 400 by the validator (naming the field), never 414. */
const MAX_PARAM_LENGTH = 512;

/**
 * The HTTP intake for sales/CRM systems: start an onboarding when a deal closes, read its status, act on
 * it. Every request is authenticated before its body is even parsed; invalid orders get a 400 naming
 * every bad field and start nothing.
 */
export function createIntakeServer(opts: IntakeServerOptions): FastifyInstance {
  // The response each connection still owes (one request at a time is being answered per connection).
  const inFlight = new WeakMap<Socket, ServerResponse>();
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimitBytes ?? 256 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: (err, socket) => answerAfterInFlight(err, socket, inFlight),
  });
  app.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(req.socket, res);
    res.once('close', () => inFlight.get(req.socket) === res && inFlight.delete(req.socket));
  });
  const auth = new IntakeAuthenticator(opts.auth);
  const openapi = openApiDocument();
  /** Which configured secret or token authenticated each request (its name): the secret store's audit. */
  const callers = new WeakMap<object, string>();

  // Keep the raw bytes: the HMAC covers exactly what was sent, not a re-serialisation.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const problem = (reply: FastifyReply, code: number, error: string, message: string, problems?: string[]) =>
    reply.code(code).send({ error, message, ...(problems ? { problems } : {}) });

  app.addHook('preHandler', async (req, reply) => {
    if (req.url === '/healthz' || req.url.startsWith('/v1/openapi')) return;
    // The sales systems sign their own way (src/intake/sales): their receivers verify, not the intake's auth.
    if (opts.sales && req.url.startsWith(SALES_PATH_PREFIX)) return;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = auth.check(req.headers, raw);
    if (!result.ok) {
      opts.logger?.warn({ path: req.url, reason: result.reason }, 'intake request refused');
      return problem(reply, 401, 'unauthorized', result.reason);
    }
    callers.set(req, result.caller);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return problem(
        reply,
        413,
        'body_too_large',
        'the body is larger than the intake accepts (256 KiB); a googleAdminRoles group of more than 5,000 members goes by reference: membersFrom: {orgUnit|group|csv}'
      );
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return problem(reply, 415, 'unsupported_media_type', 'send Content-Type: application/json');
    if (err instanceof InputError) return problem(reply, 400, 'invalid_order', err.message, err.problems);
    if (err instanceof OrderConflictError) return problem(reply, 409, 'order_conflict', err.message);
    if (err instanceof OrderNotFoundError) return problem(reply, 404, 'not_found', err.message);
    if (err instanceof OperatorActionError) return problem(reply, 409, 'not_possible', err.message);
    if (err instanceof WorkflowUpdateFailedError) {
      // The workflow's validator or handler refused the credential: say why (its message names the field).
      return problem(reply, 400, 'credential_rejected', err.cause?.message ?? err.message);
    }
    if (err instanceof WorkflowNotFoundError)
      return problem(reply, 409, 'not_possible', 'the integration is not running any more; read the order status');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      return problem(reply, err.statusCode, 'bad_request', err.message);
    if (isTemporalUnavailable(err)) {
      opts.logger?.error({ err }, 'intake: Temporal unreachable');
      return problem(reply, 503, 'unavailable', 'Onramp could not reach Temporal; retry with the same order ID');
    }
    // Not the client's mistake and not Temporal's absence: a bug here. Say so, without the details.
    opts.logger?.error({ err }, 'intake request failed');
    return problem(reply, 500, 'internal', 'Onramp failed to handle this request; it was logged');
  });

  const parseJson = (body: unknown, what: string): unknown => {
    const raw = Buffer.isBuffer(body) ? body.toString('utf8') : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InputError(what, ['(body): is not valid JSON']);
    }
    // An ambiguous body (a key twice: JSON.parse keeps the last) is refused, naming the key.
    const dup = duplicateKeys(raw);
    if (dup.length)
      throw new InputError(
        what,
        dup.map((k) => `${k}: appears more than once in its object; send each key once (an ambiguous body is refused)`)
      );
    return parsed;
  };
  const orderIdParam = (params: unknown): string => parseOrderId((params as { orderId?: unknown }).orderId);

  if (opts.sales)
    registerSalesRoutes(app, { ...opts.sales, client: opts.client, config: opts.config, logger: opts.logger });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/v1/openapi.json', async () => openapi);

  app.post('/v1/onboardings', async (req, reply) => {
    const started = await startOrder(opts.client, opts.config, parseJson(req.body, 'onboarding order') as never);
    return reply.code(202).send({ ...started, statusUrl: `/v1/onboardings/${encodeURIComponent(started.orderId)}` });
  });

  app.get('/v1/onboardings/:orderId', async (req) => getOrderStatus(opts.client, orderIdParam(req.params)));

  app.post('/v1/onboardings/:orderId/actions/:action', async (req, reply) => {
    const { action } = req.params as { action: string };
    if (!(ACTIONS as readonly string[]).includes(action))
      return problem(reply, 404, 'not_found', `unknown action ${action}: one of ${ACTIONS.join(', ')}`);
    const orderId = orderIdParam(req.params);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const body = parseOrThrow(actionBodySchema, raw.length ? parseJson(raw, 'action') : {}, 'action');
    if (action === 'offboard') {
      // Removes what the order's onboarding set up, in reverse order; idempotent on the order ID.
      const extra = Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined);
      if (extra.length)
        throw new InputError(
          'action',
          extra.map(
            (k) => `${k}: offboard removes every integration of the order and takes no ${k}; send an empty body`
          )
        );
      const started = await startOffboarding(opts.client, opts.config, orderId);
      return reply.code(202).send({ action, message: `offboarding ${started.workflowId}`, ...started });
    }
    if (body.secret !== undefined) {
      // From here on, the value is redacted wherever it might be echoed.
      registerSecret(body.secret);
      if (action !== 'supply-credential')
        throw new InputError('action', [`secret: only supply-credential takes a secret`]);
      if (!opts.secretStore)
        return problem(
          reply,
          409,
          'no_secret_store',
          'this intake has no secret store (ONRAMP_SECRET_STORE_URL): send a reference (file:, env:) in the credential instead of the secret'
        );
    }
    const message = await orderAction(opts.client, orderId, action as Exclude<(typeof ACTIONS)[number], 'offboard'>, {
      integration: body.integration,
      credential: body.credential,
      config: opts.config,
      ...(body.secret !== undefined && opts.secretStore
        ? {
            secret: {
              value: body.secret,
              store: opts.secretStore,
              actor: callers.get(req) ?? 'unknown caller',
              via: 'intake' as const,
            },
          }
        : {}),
    });
    return reply.code(202).send({ orderId, action, message });
  });

  return app;
}
