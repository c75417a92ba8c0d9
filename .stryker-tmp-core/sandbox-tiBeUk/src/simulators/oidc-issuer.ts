// @ts-nocheck
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
// jose is ESM-only: loaded with import(), which this CommonJS build keeps as a real dynamic import.
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * A local OpenID Connect provider standing in for the operators' identity provider (Keycloak, Entra ID,
 * Okta, Google...) in tests and scripts/prod-proof-driver.ts: the one issuer of the codebase. It serves
 * what the Temporal Web UI (ui-server's go-oidc + golang.org/x/oauth2) and Onramp's codec server (jose)
 * read of a real one, per OpenID Connect Core 1.0 and Discovery 1.0
 * (https://openid.net/specs/openid-connect-core-1_0.html, https://openid.net/specs/openid-connect-discovery-1_0.html):
 * - `/.well-known/openid-configuration`: issuer, endpoints, `jwks_uri`, ES256 as the signing algorithm;
 * - `/jwks`: the public key (ES256, `kid` `local-1`);
 * - `/authorize`: the authorization code flow (`response_type=code`) for a registered client and redirect
 *   URI; the user is taken as already signed in (no login page: what is tested is the relying parties);
 * - `/token`: the code (once) for an ID token (audience the client, the request's `nonce`) and an access
 *   token, a JWT whose audience is `audience` (what the codec server is told to expect); client
 *   authentication by HTTP Basic or form parameters (RFC 6749 §2.3.1).
 * `sign` mints an access token directly, for relying-party tests; `strangerSign` one with a key that is
 * not in the JWKS.
 */
export interface OidcIssuer {
  /** The issuer URL (`iss`), also the discovery base. */
  url: string;
  sign(claims?: AccessTokenClaims): Promise<string>;
  strangerSign(claims?: AccessTokenClaims): Promise<string>;
  /** Access tokens handed out at `/token`, in order (evidence that a relying party got exactly these). */
  issued: string[];
  close(): Promise<void>;
}

export interface AccessTokenClaims {
  sub?: string;
  iss?: string;
  aud?: string;
  /** Seconds since the epoch, or a jose time span such as '5m' (default). */
  exp?: string | number;
}

export interface OidcIssuerOptions {
  /** Registered clients: id, secret (unset: a public client), allowed redirect URIs. */
  clients?: { clientId: string; clientSecret?: string; redirectUris: string[] }[];
  /** Audience of the access tokens (default `temporal-ui`). */
  audience?: string;
  /** The signed-in user. */
  user?: { sub: string; email: string; name: string };
  host?: string;
}

const loadJose = (): Promise<typeof Jose> => import('jose');

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcIssuer(opts: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const { exportJWK, generateKeyPair, SignJWT } = await loadJose();
  const key = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'local-1', alg: 'ES256', use: 'sig' };
  const audience = opts.audience ?? 'temporal-ui';
  const user = opts.user ?? { sub: 'operator-1', email: 'operator@example.com', name: 'Onramp Operator' };
  const clients = new Map((opts.clients ?? []).map((c) => [c.clientId, c]));
  const codes = new Map<string, { clientId: string; redirectUri: string; nonce?: string; scope: string }>();
  const issued: string[] = [];
  let url = '';

  const jwt = (claims: Record<string, unknown>, c: AccessTokenClaims, privateKey = key.privateKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
      .setIssuer(c.iss ?? url)
      .setSubject(c.sub ?? user.sub)
      .setAudience(c.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(c.exp ?? '5m')
      .sign(privateKey);

  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      if (req.method === 'GET' && u.pathname === '/.well-known/openid-configuration')
        return json(200, {
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          jwks_uri: `${url}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          scopes_supported: ['openid', 'profile', 'email'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        });
      if (req.method === 'GET' && u.pathname === '/jwks') return json(200, { keys: [jwk] });
      if (req.method === 'GET' && u.pathname === '/authorize') {
        const q = u.searchParams;
        const client = clients.get(q.get('client_id') ?? '');
        const redirectUri = q.get('redirect_uri') ?? '';
        // An unknown client or redirect URI is never redirected to (RFC 6749 §4.1.2.1).
        if (!client || !client.redirectUris.includes(redirectUri))
          return json(400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
        const back = new URL(redirectUri);
        const state = q.get('state');
        if (state) back.searchParams.set('state', state);
        if (q.get('response_type') !== 'code' || !(q.get('scope') ?? '').split(' ').includes('openid')) {
          back.searchParams.set('error', 'unsupported_response_type');
        } else {
          const code = randomBytes(16).toString('base64url');
          codes.set(code, {
            clientId: client.clientId,
            redirectUri,
            nonce: q.get('nonce') ?? undefined,
            scope: q.get('scope') ?? '',
          });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (req.method === 'POST' && u.pathname === '/token') {
        const form = await formBody(req);
        let clientId = form.get('client_id') ?? '';
        let secret = form.get('client_secret') ?? '';
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        if (basic) {
          const [id, pw] = Buffer.from(basic[1]!, 'base64').toString().split(':');
          clientId = decodeURIComponent(id ?? '');
          secret = decodeURIComponent(pw ?? '');
        }
        const client = clients.get(clientId);
        if (!client || (client.clientSecret !== undefined && client.clientSecret !== secret))
          return json(401, { error: 'invalid_client' });
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (
          form.get('grant_type') !== 'authorization_code' ||
          !code ||
          code.clientId !== clientId ||
          code.redirectUri !== form.get('redirect_uri')
        )
          return json(400, { error: 'invalid_grant' });
        const accessToken = await jwt({ scope: code.scope, client_id: clientId }, {});
        const idToken = await jwt(
          { email: user.email, email_verified: true, name: user.name, ...(code.nonce ? { nonce: code.nonce } : {}) },
          { aud: clientId }
        );
        issued.push(accessToken);
        return json(200, { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 300 });
      }
      json(404, { error: 'not_found' });
    })().catch((err: unknown) => json(500, { error: 'server_error', error_description: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', r));
  const addr = server.address();
  url = `http://${opts.host ?? '127.0.0.1'}:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url,
    issued,
    sign: (c = {}) => jwt({ scope: 'openid' }, c),
    strangerSign: (c = {}) => jwt({ scope: 'openid' }, c, stranger.privateKey),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
