import { createSimulatorApp, listen, type Simulator, type SimulatorOptions } from '../http';
import { registerGoogleAdminRoutes } from './google-admin-routes';
import { AccessTokenBook } from './access-tokens';
import { registerDirectoryRoutes } from './directory-routes';
import { DEFAULT_CUSTOMER_ID, DirectoryState, type DirectorySimOptions } from './directory-state';
import { decodeJwt, verifyRs256 } from './jwt';
import { GoogleTenantState, type GoogleStateOptions } from './google-state';

export const GOOGLE_TOKEN_AUDIENCES = [
  'https://oauth2.googleapis.com/token',
  'https://www.googleapis.com/oauth2/v4/token',
];
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google allows a little clock skew on iat/exp. */
const SKEW_S = 60;

export interface GoogleSimulatorOptions extends Partial<SimulatorOptions>, GoogleStateOptions {
  /** The Cloud Identity / Directory tenant (groups, roles, org units, quotas, consistency delays). */
  directory?: DirectorySimOptions;
  /** Persist the Directory tenant (groups, roles, assignments, org units) to this JSON file. */
  directoryStateFile?: string;
}

export interface GoogleSimulator extends Simulator {
  state: GoogleTenantState;
  directory: DirectoryState;
  /** Token requests answered, by outcome, for assertions and the benchmark. */
  tokenOutcomes: Map<string, number>;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

// Google's real error bodies (vendor-apis.md A2).
const UNAUTHORIZED_CLIENT = {
  error: 'unauthorized_client',
  error_description:
    'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
};

export function createGoogleSimulator(opts: GoogleSimulatorOptions = {}): GoogleSimulator {
  const sim = createSimulatorApp({ name: 'google', ...opts });
  const state = new GoogleTenantState({
    primaryCustomerId: opts.directory?.customerId ?? DEFAULT_CUSTOMER_ID,
    ...opts,
  });
  // With a tenant state file, the directory (groups, roles, assignments…) is kept beside it unless told otherwise.
  const directoryFile =
    opts.directoryStateFile ??
    opts.directory?.stateFile ??
    (opts.stateFile ? opts.stateFile.replace(/(\.json)?$/, '-directory.json') : undefined);
  const directory = new DirectoryState({ ...opts.directory, stateFile: directoryFile }, opts.now);
  const accessTokens = new AccessTokenBook(opts.now);
  const tokenOutcomes = new Map<string, number>();
  const count = (k: string) => tokenOutcomes.set(k, (tokenOutcomes.get(k) ?? 0) + 1);
  const { app } = sim;

  // OAuth 2.0 token endpoint, JWT-bearer grant (service account, optionally impersonating `sub`).
  app.post('/token', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const invalidGrant = (description: string) => {
      count('invalid_grant');
      return reply.code(400).send({ error: 'invalid_grant', error_description: description });
    };
    if (body.grant_type !== JWT_BEARER) {
      count('unsupported_grant_type');
      return reply
        .code(400)
        .send({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + String(body.grant_type) });
    }
    const assertion = body.assertion ?? '';
    const decoded = decodeJwt(assertion);
    if (!decoded)
      return invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe');
    const { header, claims } = decoded;
    const sa = claims.iss ? state.serviceAccount(claims.iss) : undefined;
    if (header.alg !== 'RS256' || !sa) return invalidGrant('Invalid JWT: No valid verifier found for issuer.');
    if (!verifyRs256(assertion, sa.publicKeyPem)) return invalidGrant('Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (
      typeof claims.iat !== 'number' ||
      typeof claims.exp !== 'number' ||
      claims.iat > now + SKEW_S ||
      claims.exp < now - SKEW_S ||
      claims.exp - claims.iat > 3600
    ) {
      return invalidGrant(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'
      );
    }
    if (!claims.aud || !GOOGLE_TOKEN_AUDIENCES.includes(claims.aud))
      return invalidGrant('Invalid JWT: Failed audience check.');
    const requested = (claims.scope ?? '').split(/\s+/).filter(Boolean);
    if (!requested.length) return invalidGrant('Invalid JWT: no scope requested.');
    if (claims.sub) {
      if (!state.hasUser(claims.sub)) return invalidGrant('Invalid email or User ID');
      const granted = state.effectiveScopes(sa.clientId, claims.sub.split('@')[1]);
      if (!requested.every((s) => granted.has(s))) {
        count('unauthorized_client');
        return reply.code(401).send(UNAUTHORIZED_CLIENT);
      }
    }
    count('ok');
    return {
      access_token: accessTokens.issue(claims.sub ?? sa.email, requested, 3599, sa.email),
      expires_in: 3599,
      token_type: 'Bearer',
    };
  });

  registerDirectoryRoutes(app, {
    state: directory,
    tokens: accessTokens,
    tenant: state,
    isUser: (email) => state.hasUser(email),
    users: () => state.listUsers(),
  });
  registerGoogleAdminRoutes(app, { state, directory });

  return {
    ...sim,
    state,
    directory,
    tokenOutcomes,
    listen: (port?: number) => listen(app, port),
    close: () => app.close(),
  };
}
