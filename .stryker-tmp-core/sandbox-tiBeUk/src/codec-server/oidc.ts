// @ts-nocheck
// jose is ESM-only: loaded with import(), which this CommonJS build keeps as a real dynamic import.
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
type JWTVerifyGetKey = ReturnType<typeof Jose.createRemoteJWKSet>;
const loadJose = (): Promise<typeof Jose> => import('jose');

export interface OidcOptions {
  issuer: string;
  /** Default: the issuer's discovery document's `jwks_uri`. */
  jwksUrl?: string;
  audience?: string;
}

/**
 * Verifies the Temporal Web UI user's OIDC access token (a JWT the UI forwards when
 * TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true) against the issuer's published keys, with `jose`: signature by a
 * key of the JWKS (fetched, cached and refreshed on an unknown `kid` by the library), `iss`, `exp`/`nbf`
 * and, when configured, `aud`. Returns the subject, for logs; throws on anything else.
 */
export function oidcVerifier(opts: OidcOptions): (token: string) => Promise<string> {
  let keys: JWTVerifyGetKey | undefined;
  const jwks = async (): Promise<JWTVerifyGetKey> => {
    if (keys) return keys;
    let url = opts.jwksUrl;
    if (!url) {
      const res = await fetch(`${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`OIDC discovery at ${opts.issuer} answered ${res.status}`);
      url = ((await res.json()) as { jwks_uri?: string }).jwks_uri;
      if (!url) throw new Error(`OIDC discovery at ${opts.issuer} has no jwks_uri`);
    }
    keys = (await loadJose()).createRemoteJWKSet(new URL(url));
    return keys;
  };
  return async (token: string) => {
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify(token, await jwks(), {
      issuer: opts.issuer,
      ...(opts.audience ? { audience: opts.audience } : {}),
    });
    return payload.sub ?? '(no sub)';
  };
}
