// @ts-nocheck
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { Agent, fetch as undiciFetch } from 'undici';
import { EncryptionCodec, keyRing } from '../src/codec';
import { codecServerFromConfig, type CodecServer } from '../src/codec-server';
import { loadConfig } from '../src/config';
import { startOidcIssuer, type OidcIssuer } from '../src/simulators/oidc-issuer';

/**
 * The Web UI in production forwards its signed-in user's OIDC access token to the codec server
 * (TEMPORAL_CODEC_PASS_ACCESS_TOKEN); the codec server must accept exactly the tokens the issuer's JWKS
 * signed for it. The local issuer (src/simulators/oidc-issuer.ts: discovery + JWKS over real HTTP) stands in for the identity provider.
 */
describe('codec server: OIDC access tokens verified against the issuer JWKS', () => {
  let issuer: OidcIssuer;
  let server: CodecServer;
  let url = '';
  const sign = (
    claims: { sub?: string; iss?: string; aud?: string; exp?: string | number },
    otherKey = false
  ): Promise<string> => (otherKey ? issuer.strangerSign(claims) : issuer.sign(claims));
  // The codec server loads its key ring from the environment, as in production (ONRAMP_CODEC_KEYS=k1=env:…).
  const key = randomBytes(32);
  process.env.ONRAMP_TEST_OIDC_CODEC_KEY = key.toString('base64');
  const codec = new EncryptionCodec(keyRing([{ id: 'k1', key }]));

  before(async () => {
    issuer = await startOidcIssuer({
      audience: 'temporal-ui',
      clients: [
        { clientId: 'web-ui', clientSecret: 'ui-secret', redirectUris: ['http://127.0.0.1:9/auth/sso/callback'] },
      ],
    });
    const config = loadConfig({
      ONRAMP_MODE: 'live',
      ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.vendor.example/onramp',
      ONRAMP_CODEC_KEYS: 'k1=env:ONRAMP_TEST_OIDC_CODEC_KEY',
      ONRAMP_CODEC_SERVER_OIDC_ISSUER: issuer.url,
      ONRAMP_CODEC_SERVER_OIDC_AUDIENCE: 'temporal-ui',
      ONRAMP_CODEC_SERVER_TOKEN_REF: '', // compose's empty value: no fixed token
    });
    assert.deepEqual(config.codec.server.oidc, { issuer: issuer.url, audience: 'temporal-ui' });
    server = await codecServerFromConfig(config);
    url = await server.listen(0, '127.0.0.1');
  });

  after(async () => {
    await server?.close();
    await issuer?.close();
  });

  const decode = async (authorization?: string) => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ orderId: 'SO-1' })]);
    const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
    const res = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
            data: b64(encrypted!.data!),
          },
        ],
      }),
    });
    return { status: res.status, body: await res.text() };
  };

  it('decodes for a token the issuer signed, for this audience, unexpired', async () => {
    const r = await decode(`Bearer ${await sign({})}`);
    assert.equal(r.status, 200);
    assert.match(
      Buffer.from((JSON.parse(r.body) as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString(),
      /SO-1/
    );
  });

  it('refuses no token, another key, another issuer, another audience, an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['signed by a key not in the JWKS', `Bearer ${await sign({}, true)}`],
      ['another issuer', `Bearer ${await sign({ iss: 'https://evil.example' })}`],
      ['another audience', `Bearer ${await sign({ aud: 'someone-else' })}`],
      ['expired', `Bearer ${await sign({ exp: now - 60 })}`],
      ['not a JWT', 'Bearer not-a-jwt'],
    ];
    for (const [what, auth] of cases) {
      const r = await decode(auth);
      assert.equal(r.status, 401, `${what}: ${r.status} ${r.body}`);
      assert.doesNotMatch(r.body, /SO-1/);
    }
  });

  it("accepts the access token the UI gets through the provider's authorization code flow, not its ID token", async () => {
    // What ui-server does at /auth/sso and /auth/sso/callback (golang.org/x/oauth2 + go-oidc), over HTTP.
    const authorize = new URL(`${issuer.url}/authorize`);
    const q = { client_id: 'web-ui', redirect_uri: 'http://127.0.0.1:9/auth/sso/callback', response_type: 'code' };
    for (const [k, v] of Object.entries({ ...q, scope: 'openid profile email', state: 'st-1', nonce: 'n-1' }))
      authorize.searchParams.set(k, v);
    const redirect = await fetch(authorize, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const back = new URL(redirect.headers.get('location')!);
    assert.equal(back.searchParams.get('state'), 'st-1');
    const token = (body: Record<string, string>, secret = 'ui-secret') =>
      fetch(`${issuer.url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`web-ui:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams(body),
      });
    const grant = {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: q.redirect_uri,
    };
    assert.equal((await token(grant, 'wrong')).status, 401, 'a wrong client secret is refused');
    const res = await token(grant);
    assert.equal(res.status, 200);
    const tokens = (await res.json()) as { access_token: string; id_token: string };
    assert.equal((await token(grant)).status, 400, 'a code is used once');
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as {
      aud: string;
      nonce: string;
    };
    assert.deepEqual([idClaims.aud, idClaims.nonce], ['web-ui', 'n-1']);
    assert.equal((await decode(`Bearer ${tokens.access_token}`)).status, 200);
    assert.equal(
      (await decode(`Bearer ${tokens.id_token}`)).status,
      401,
      'the ID token is for the UI, not the codec server'
    );
  });

  it('serves HTTPS with the certificate make-secrets.sh issues (the UI passes tokens to https:// only)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onramp-codec-tls-'));
    try {
      execFileSync('bash', ['deploy/make-secrets.sh', dir], { stdio: 'ignore' });
      const base = {
        ONRAMP_MODE: 'live',
        ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.vendor.example/onramp',
        ONRAMP_CODEC_KEYS: 'k1=env:ONRAMP_TEST_OIDC_CODEC_KEY',
        ONRAMP_CODEC_SERVER_OIDC_ISSUER: issuer.url,
        ONRAMP_CODEC_SERVER_TLS_CERT_PATH: join(dir, 'codec-tls/server.pem'),
      };
      assert.throws(() => loadConfig(base), /set both/);
      const tlsServer = await codecServerFromConfig(
        loadConfig({ ...base, ONRAMP_CODEC_SERVER_TLS_KEY_PATH: join(dir, 'codec-tls/server.key') })
      );
      try {
        const tlsUrl = await tlsServer.listen(0, '127.0.0.1');
        assert.match(tlsUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
        const ca = readFileSync(join(dir, 'temporal-tls/ca.pem'));
        const res = await undiciFetch(`${tlsUrl}/healthz`, { dispatcher: new Agent({ connect: { ca } }) });
        assert.equal(res.status, 200);
        await assert.rejects(fetch(`${tlsUrl.replace('https:', 'http:')}/healthz`));
      } finally {
        await tlsServer.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
