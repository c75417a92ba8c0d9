import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { EncryptionCodec } from '../codec';
import type { Logger } from '../logger';
import { scrubSecrets } from '../secrets/scrub';
import { bearerMatches, isLoopback } from './codec-auth';
import { fromJson, payloadsBody, toJson } from './payload-json';

export interface CodecServerOptions {
  codec: EncryptionCodec;
  /** A fixed bearer token callers may present. Without it and without `verifyAccessToken`, only loopback callers are served (sandbox). */
  token?: string;
  /** Verifies a caller's OIDC access token (the Web UI user's); resolves to the subject, rejects otherwise. */
  verifyAccessToken?: (token: string) => Promise<string>;
  /** Browser origins (the Web UI) allowed to call, e.g. http://localhost:8233. */
  allowedOrigins: string[];
  /** Namespaces whose payloads this server may decode (checked against X-Namespace). */
  namespaces: string[];
  /** Largest request body in bytes (default 4 MiB: a few of Temporal's 2 MB payloads). */
  bodyLimit?: number;
  logger?: Logger;
  /** Serve HTTPS with this certificate (chain) and key, PEM. */
  https?: { cert: Buffer; key: Buffer };
}

export interface CodecServer {
  app: FastifyInstance;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

// The Web UI (2.42.1, data-encoder) sends Authorization-Extras (the user's ID token) beside Authorization when
// it passes the access token: the preflight must allow it, though only the access token is verified.
const ALLOWED_HEADERS = 'content-type, x-namespace, authorization, authorization-extras';

/**
 * The codec server behind the Temporal Web UI (and `temporal --codec-endpoint`): `POST /encode` and
 * `POST /decode`. Anyone who can call it can read every payload, so it is closed by default: a bearer
 * token, or (sandbox, no token configured) loopback callers only; X-Namespace must be one it serves; only
 * the configured UI origins get CORS; bodies are bounded. Payload contents are never logged.
 */
export function createCodecServer(opts: CodecServerOptions): CodecServer {
  const limits = { logger: false, bodyLimit: opts.bodyLimit ?? 4 * 1024 * 1024 } as const;
  // The same routes over HTTPS when given a certificate (the UI sends access tokens to https:// only).
  const app: FastifyInstance = opts.https ? Fastify({ ...limits, https: opts.https }) : Fastify(limits);
  const origins = new Set(opts.allowedOrigins);
  const namespaces = new Set(opts.namespaces);

  const fail = (reply: FastifyReply, status: number, error: string, message: string) =>
    reply.code(status).send({ error, message });

  app.get('/healthz', async () => ({ ok: true }));

  const authorize = async (req: FastifyRequest): Promise<boolean> => {
    if (!opts.token && !opts.verifyAccessToken) return isLoopback(req.socket.remoteAddress);
    if (opts.token && bearerMatches(req.headers.authorization, opts.token)) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!opts.verifyAccessToken || !bearer) return false;
    try {
      const sub = await opts.verifyAccessToken(bearer);
      opts.logger?.debug({ sub }, 'codec server: access token verified');
      return true;
    } catch (err) {
      opts.logger?.warn({ reason: (err as Error).message }, 'codec server: access token refused');
      return false;
    }
  };

  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' && req.url === '/healthz') return;
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      if (!origin || !origins.has(origin))
        return fail(reply, 403, 'origin_not_allowed', 'this origin may not call the codec server');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
    // A browser page from another origin must not use the codec server, even on loopback.
    if (origin && !origins.has(origin))
      return fail(reply, 403, 'origin_not_allowed', 'this origin may not call the codec server');
    if (!(await authorize(req))) {
      reply.header('www-authenticate', 'Bearer realm="onramp-codec"');
      return fail(
        reply,
        401,
        'unauthorized',
        opts.token || opts.verifyAccessToken
          ? 'send Authorization: Bearer <OIDC access token or codec server token>'
          : 'only loopback callers are served without a token'
      );
    }
    const namespace = req.headers['x-namespace'];
    if (typeof namespace !== 'string' || !namespaces.has(namespace)) {
      opts.logger?.warn({ namespace }, 'codec server: namespace refused');
      return fail(reply, 403, 'namespace_not_allowed', `X-Namespace must be one of: ${[...namespaces].join(', ')}`);
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return fail(reply, 413, 'body_too_large', 'the request body is too large');
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) opts.logger?.error({ err }, 'codec server error');
    return fail(reply, status, status === 500 ? 'internal' : 'bad_request', scrubSecrets(err.message));
  });

  const route = (
    path: '/encode' | '/decode',
    transform: (p: ReturnType<typeof fromJson>[]) => Promise<ReturnType<typeof fromJson>[]>
  ) =>
    app.post(path, async (req: FastifyRequest, reply: FastifyReply) => {
      const parsed = payloadsBody.safeParse(req.body);
      if (!parsed.success)
        return fail(reply, 400, 'bad_request', 'body must be {"payloads":[{"metadata":{…base64},"data":"base64"}]}');
      const out = await transform(parsed.data.payloads.map(fromJson));
      return reply.send({ payloads: out.map(toJson) });
    });

  route('/encode', (payloads) => opts.codec.encode(payloads));
  route('/decode', async (payloads) => {
    // One payload the ring cannot open (a key retired too early) must not blank the whole page: it is
    // returned as it is, and the reason logged.
    return Promise.all(
      payloads.map(async (p) => {
        try {
          const [decoded] = await opts.codec.decodeForDisplay([p]);
          return decoded ?? p;
        } catch (err) {
          opts.logger?.warn({ reason: (err as Error).message }, 'codec server: payload left encoded');
          return p;
        }
      })
    );
  });

  return {
    app,
    listen: async (port = 0, host = '127.0.0.1') => {
      await app.listen({ port, host });
      const addr = app.server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      return `${opts.https ? 'https' : 'http'}://${host}:${actualPort}`;
    },
    close: () => app.close(),
  };
}
