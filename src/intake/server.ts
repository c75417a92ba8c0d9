import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { OnrampConfig } from '../config';
import { INTEGRATIONS, type IntegrationName } from '../domain/customer-onboarding';
import { InputError } from '../domain/validation';
import type { Logger } from '../logger';
import {
  getOrderStatus,
  OperatorActionError,
  orderAction,
  OrderConflictError,
  OrderNotFoundError,
  startOrder,
} from '../orders';
import { IntakeAuthenticator, type IntakeAuthOptions } from './auth';
import { openApiDocument } from './openapi';

export interface IntakeServerOptions {
  client: Client;
  config: Pick<OnrampConfig, 'temporal'>;
  auth: IntakeAuthOptions;
  logger?: Logger;
  /** Largest accepted body; orders carry references, never files. */
  bodyLimitBytes?: number;
}

const ACTIONS = ['check-now', 'retry', 'abandon', 'cancel', 'supply-credential'] as const;

/**
 * The HTTP intake for sales/CRM systems: start an onboarding when a deal closes, read its status, act on
 * it. Every request is authenticated before its body is even parsed; invalid orders get a 400 naming
 * every bad field and start nothing.
 */
export function createIntakeServer(opts: IntakeServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimitBytes ?? 256 * 1024 });
  const auth = new IntakeAuthenticator(opts.auth);
  const openapi = openApiDocument();

  // Keep the raw bytes: the HMAC covers exactly what was sent, not a re-serialisation.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const problem = (reply: FastifyReply, code: number, error: string, message: string, problems?: string[]) =>
    reply.code(code).send({ error, message, ...(problems ? { problems } : {}) });

  app.addHook('preHandler', async (req, reply) => {
    if (req.url === '/healthz' || req.url.startsWith('/v1/openapi')) return;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = auth.check(req.headers, raw);
    if (!result.ok) {
      opts.logger?.warn({ path: req.url, reason: result.reason }, 'intake request refused');
      return problem(reply, 401, 'unauthorized', result.reason);
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return problem(reply, 413, 'body_too_large', 'the body is larger than the intake accepts (256 KiB)');
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
    if (err.statusCode && err.statusCode < 500) return problem(reply, err.statusCode, 'bad_request', err.message);
    opts.logger?.error({ err }, 'intake request failed');
    return problem(reply, 503, 'unavailable', 'Onramp could not reach Temporal; retry with the same order ID');
  });

  const parseJson = (body: unknown): unknown => {
    const raw = Buffer.isBuffer(body) ? body.toString('utf8') : '';
    try {
      return JSON.parse(raw);
    } catch {
      throw new InputError('onboarding order', ['(body): is not valid JSON']);
    }
  };

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/v1/openapi.json', async () => openapi);

  app.post('/v1/onboardings', async (req, reply) => {
    const started = await startOrder(opts.client, opts.config, parseJson(req.body) as never);
    return reply.code(202).send({ ...started, statusUrl: `/v1/onboardings/${encodeURIComponent(started.orderId)}` });
  });

  app.get('/v1/onboardings/:orderId', async (req) =>
    getOrderStatus(opts.client, (req.params as { orderId: string }).orderId)
  );

  app.post('/v1/onboardings/:orderId/actions/:action', async (req, reply) => {
    const { orderId, action } = req.params as { orderId: string; action: string };
    if (!(ACTIONS as readonly string[]).includes(action))
      return problem(reply, 404, 'not_found', `unknown action ${action}: one of ${ACTIONS.join(', ')}`);
    const body = (req.body ? parseJson(req.body) : {}) as { integration?: string; credential?: unknown };
    if (body.integration !== undefined && !(INTEGRATIONS as readonly string[]).includes(body.integration)) {
      throw new InputError('action', [`integration: must be one of ${INTEGRATIONS.join(', ')}`]);
    }
    const message = await orderAction(opts.client, orderId, action as (typeof ACTIONS)[number], {
      integration: body.integration as IntegrationName | undefined,
      credential: body.credential,
    });
    return reply.code(202).send({ orderId, action, message });
  });

  return app;
}
