import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ChecklistClaims, ChecklistKeys } from '../checklist';
import { verifyChecklistToken } from '../checklist';
import type { ChecklistRecords } from '../checklist/checklist-records';
import { checkNowSignal } from '../contract/google-delegation-messages';
import { recheckPermissionsSignal } from '../contract/connectwise-onboarding-messages';
import { InputError } from '../domain/field-validators';
import type { Logger } from '../logger';
import { pageText } from '../rules/checklist-page-instructions';
import { registerSecret } from '../secrets/scrub';
import type { SecretStore } from '../secrets/secret-store';
import {
  isTemporalUnavailable,
  OperatorActionError,
  OrderNotFoundError,
  credentialTarget,
  supplyCredential,
  validateCredential,
  type OrderConfig,
} from '../services/orders';
import { loadPageModel, type PageModel } from './page-model';
import { CHECKLIST_CSS, CHECKLIST_JS, renderError, renderPage, renderStatus, type FormState } from './render';

/**
 * The customer admin's checklist page: one order's integration per signed link (src/checklist), rendered on
 * the server from the workflow's status, with "check now" and, for ConnectWise and Autotask, the form that
 * takes the once-shown secret into the secret store and through the workflow's Update.
 *
 * Refusals never reach Temporal: a malformed, forged or unknown-key token is 401; an expired or revoked one,
 * or one whose order is gone, 410 with the same page (nothing says whether an order exists); a form without
 * this link's CSRF token, or naming another workflow, 403; more than the per-link rate, 429.
 *
 * CSRF: the synchronizer token is HMAC-SHA256(link key, "csrf" + link id): bound to the link, stateless (no
 * session or cookie store, so any replica checks it), and only obtainable by reading the page; a cross-site
 * form carries none (and `Sec-Fetch-Site: cross-site` is refused as well). The link itself is the
 * credential, so no cookie is set at all.
 */
export interface ChecklistPageOptions {
  client: Client;
  keys: ChecklistKeys;
  records: ChecklistRecords;
  /** Task queue and ConnectWise allow-list, for supply-credential's door checks. */
  config: OrderConfig;
  /** Where pasted secrets go: the shared store, or (sandbox, no store) files the workers read. */
  secrets: { store: SecretStore } | { dir: string };
  rateLimitPerMinute?: number;
  /** X-Forwarded-* from a TLS-ending proxy (its address is then the caller's). */
  trustProxy?: boolean;
  https?: { cert: Buffer; key: Buffer };
  logger?: Logger;
  now?: () => Date;
}

export interface ChecklistPageServer {
  app: FastifyInstance;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{1,128}$/;

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

export function createChecklistPageServer(opts: ChecklistPageOptions): ChecklistPageServer {
  const now = opts.now ?? (() => new Date());
  const app = Fastify({
    logger: false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 8192 },
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  // HTML forms post application/x-www-form-urlencoded; nothing else is accepted.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  );
  const limit = opts.rateLimitPerMinute ?? 60;
  const windows = new Map<string, { start: number; count: number }>();

  const csrfFor = (c: ChecklistClaims) =>
    createHmac('sha256', opts.keys.current.key).update(`csrf\0${c.jti}\0${c.wf}`).digest('base64url');

  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
  });

  const page = (reply: FastifyReply, status: number, html: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(html);

  /** The link's claims, or a Refusal: signature, expiry, revocation, rate. */
  async function claimsOf(req: FastifyRequest): Promise<ChecklistClaims> {
    const { token } = req.params as { token?: string };
    if (!token || !TOKEN.test(token)) throw new Refusal(401, pageText.linkInvalid);
    const r = verifyChecklistToken(token, opts.keys, now());
    if (!r.ok) {
      opts.logger?.warn({ reason: r.reason }, 'checklist link refused');
      throw new Refusal(
        r.reason === 'expired' ? 410 : 401,
        r.reason === 'expired' ? pageText.linkGone : pageText.linkInvalid
      );
    }
    const t = now().getTime();
    const w = windows.get(r.claims.jti);
    if (!w || t - w.start >= 60_000) windows.set(r.claims.jti, { start: t, count: 1 });
    else if (++w.count > limit) throw new Refusal(429, pageText.tooMany);
    if (windows.size > 10_000) for (const [k, v] of windows) if (t - v.start >= 60_000) windows.delete(k);
    if (await opts.records.isRevoked(r.claims)) throw new Refusal(410, pageText.linkGone);
    return r.claims;
  }

  const audit = (c: ChecklistClaims, action: string, detail?: string) =>
    opts.records
      .audit({
        actor: c.sub,
        workflowId: c.wf,
        integration: c.int,
        linkId: c.jti,
        action,
        ...(detail ? { detail } : {}),
      })
      .catch((err: unknown) => opts.logger?.error({ err, action }, 'checklist audit not written'));

  /** A form post of this link: its CSRF token and workflow, not from another site. */
  async function checkForm(req: FastifyRequest, c: ChecklistClaims): Promise<Record<string, string>> {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const given = typeof body.csrf === 'string' ? Buffer.from(body.csrf) : Buffer.alloc(0);
    const want = Buffer.from(csrfFor(c));
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || given.length !== want.length || !timingSafeEqual(given, want) || body.wf !== c.wf) {
      const why =
        site === 'cross-site' ? 'a cross-site post' : body.wf !== c.wf ? 'another workflow' : 'no valid CSRF token';
      await audit(c, 'refused', `${req.routeOptions.url?.split('/').pop() ?? 'form'}: ${why}`);
      throw new Refusal(403, pageText.formStale);
    }
    return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  async function model(c: ChecklistClaims): Promise<PageModel> {
    const m = await loadPageModel(opts.client, c);
    if (!m) throw new Refusal(410, pageText.linkGone);
    return m;
  }

  const base = (token: string) => `/c/${token}`;
  const vendorOf = (m: PageModel) => m.view?.status?.vendor ?? '';
  const insecure = (req: FastifyRequest) => req.protocol !== 'https' && !isLoopback(req.ip);

  async function show(
    req: FastifyRequest,
    reply: FastifyReply,
    c: ChecklistClaims,
    status: number,
    extra: Partial<FormState> = {}
  ) {
    const m = await model(c);
    const { token } = req.params as { token: string };
    return page(
      reply,
      status,
      renderPage(m, {
        base: base(token),
        recipient: c.sub,
        vendor: vendorOf(m),
        csrf: csrfFor(c),
        wf: c.wf,
        insecure: insecure(req),
        ...extra,
      })
    );
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof Refusal) return page(reply, err.status, renderError(err.message));
    if (isTemporalUnavailable(err)) {
      opts.logger?.error({ err }, 'checklist page: Temporal unreachable');
      return page(reply, 503, renderError(pageText.unavailable));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      return page(reply, err.statusCode, renderError(pageText.linkInvalid));
    opts.logger?.error(
      { err: { name: err.name, message: err.message }, path: req.routeOptions.url },
      'checklist page failed'
    );
    return page(reply, 500, renderError(pageText.unavailable));
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/static/checklist.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(CHECKLIST_CSS));
  app.get('/static/checklist.js', async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').send(CHECKLIST_JS)
  );

  app.get('/c/:token', async (req, reply) => {
    const c = await claimsOf(req);
    const q = req.query as { m?: string };
    const message =
      q.m === 'checking'
        ? { kind: 'ok' as const, text: pageText.checkNowSent }
        : q.m === 'accepted'
          ? { kind: 'ok' as const, text: pageText.credentialAccepted }
          : undefined;
    await audit(c, 'viewed');
    return show(req, reply, c, 200, message ? { message } : {});
  });

  app.get('/c/:token/status', async (req, reply) => {
    const c = await claimsOf(req);
    return page(reply, 200, renderStatus(await model(c)));
  });

  app.post('/c/:token/check-now', async (req, reply) => {
    const c = await claimsOf(req);
    await checkForm(req, c);
    const m = await model(c);
    if (!m.canCheckNow || !m.childWorkflowId) {
      await audit(c, 'check-now', 'refused: not waiting');
      return show(req, reply, c, 409, {
        message: { kind: 'error', text: pageText.notWaiting(m.done ? 'completed' : m.state) },
      });
    }
    // What `onramp check-now` does (googleDelegation), or the ConnectWise role's recheck.
    await opts.client.workflow
      .getHandle(m.childWorkflowId)
      .signal(m.view?.kind === 'connectwise' ? recheckPermissionsSignal : checkNowSignal);
    await audit(c, 'check-now');
    const { token } = req.params as { token: string };
    return reply
      .code(303)
      .header('location', `${base(token)}?m=checking`)
      .send();
  });

  app.post('/c/:token/credential', async (req, reply) => {
    const c = await claimsOf(req);
    const body = await checkForm(req, c);
    const secret = (body.secret ?? '').trim();
    // From here on the value is redacted wherever it might be echoed (logs, error messages).
    if (secret) registerSecret(secret);
    if (insecure(req)) {
      await audit(c, 'credential-refused', 'refused: plain HTTP from outside loopback');
      throw new Refusal(403, pageText.httpsOnly);
    }
    const m = await model(c);
    const fields = Object.fromEntries(
      Object.entries(body).filter(([k, v]) => !['csrf', 'wf', 'secret'].includes(k) && v.trim() !== '')
    );
    const again = (status: number, text: string) =>
      show(req, reply, c, status, { fields, message: { kind: 'error', text } });
    if (!m.credential || !m.orderId) {
      await audit(c, 'credential-refused', 'not waiting for a credential');
      return again(409, pageText.notWaiting(m.done ? 'completed' : m.state));
    }
    if (!secret) {
      await audit(c, 'credential-refused', 'empty secret');
      return again(422, pageText.credentialEmpty(m.credential === 'connectwise' ? 'Private key' : 'Secret'));
    }
    const credential =
      m.credential === 'connectwise'
        ? pick(fields, ['site', 'companyId', 'publicKey', 'clientId'])
        : pick(fields, ['username']);
    try {
      const result = await supplyWithSecret(m.orderId, m.credential, credential, secret, c.sub);
      await audit(c, 'credential-accepted', result.split(' (')[0]);
    } catch (err) {
      const reason =
        err instanceof WorkflowUpdateFailedError
          ? (err.cause?.message ?? err.message)
          : err instanceof InputError
            ? err.problems.join('; ')
            : err instanceof OperatorActionError ||
                err instanceof OrderNotFoundError ||
                err instanceof WorkflowNotFoundError
              ? err.message
              : undefined;
      if (reason === undefined) throw err;
      await audit(c, 'credential-refused', reason);
      return again(422, pageText.credentialRefused(reason));
    }
    const { token } = req.params as { token: string };
    return reply
      .code(303)
      .header('location', `${base(token)}?m=accepted`)
      .send();
  });

  /** As `onramp supply-credential` does: into the store (or a 0600 file in the sandbox), then the Update. */
  async function supplyWithSecret(
    orderId: string,
    integration: 'connectwise' | 'autotask',
    credential: Record<string, string>,
    value: string,
    actor: string
  ): Promise<string> {
    if ('store' in opts.secrets)
      return supplyCredential(opts.client, orderId, integration, credential, opts.config, {
        value,
        store: opts.secrets.store,
        actor,
        via: 'checklist-page',
      });
    const field = integration === 'connectwise' ? 'privateKeyRef' : 'secretRef';
    // Every field checked with a stand-in first, so nothing is written for a credential refused at the door.
    validateCredential(integration, { ...credential, [field]: 'file:/checked-before-writing' }, opts.config);
    await credentialTarget(opts.client, orderId, integration);
    mkdirSync(opts.secrets.dir, { recursive: true, mode: 0o700 });
    const path = join(
      resolve(opts.secrets.dir),
      `${orderId}-${integration}-page-${Date.now()}`.replace(/[^A-Za-z0-9._-]/g, '_')
    );
    writeFileSync(path, value, { mode: 0o600 });
    try {
      return await supplyCredential(
        opts.client,
        orderId,
        integration,
        { ...credential, [field]: `file:${path}` },
        opts.config
      );
    } catch (err) {
      rmSync(path, { force: true });
      throw err;
    }
  }

  return {
    app,
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const addr = app.server.address();
      const p = addr && typeof addr === 'object' ? addr.port : port;
      return `${opts.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${p}`;
    },
    close: () => app.close(),
  };
}

function pick(o: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]!.trim()]));
}
