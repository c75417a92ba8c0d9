import { Gaxios } from 'gaxios';
import { JWT } from 'google-auth-library';
import { FailureType } from '../../contract/failure-types';
import { resolveSecretRef, SecretRefError } from '../../secrets/secret-ref';
import { permanent } from '../failures';

/** The token URL google-auth-library hard-codes (and uses as the JWT audience). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface GoogleAuthSettings {
  /** Where token requests really go: Google, or the simulator in sandbox and tests. */
  tokenUrl: string;
  /** Per-request timeout, so a hung connection becomes a retryable error instead of a stuck activity. */
  timeoutMs?: number;
}

/**
 * A Gaxios transporter for google-auth-library that (1) sends the hard-coded token URL to
 * `settings.tokenUrl` (there is no URL option; `token_uri` in key files is ignored), (2) turns off
 * the library's own retries so Temporal's retry policy is the only one, (3) runs `beforeSend` (the Directory
 * quota limiter's wait) and only then starts the request's timeout, so a wait for the quota never eats
 * into it, and (4) sends with Node's own fetch: gaxios's default in Node, node-fetch v3, emits an
 * unhandled 'error' when a request with a body is aborted (node-fetch/node-fetch#1801, open), which kills
 * the worker process: the prod proof saw it under load, a Directory call aborted by its timeout.
 */
export function createGoogleTransporter(
  settings: GoogleAuthSettings,
  /** Runs before each request; may resolve to a callback called once its answer is in (or it failed). */
  beforeSend?: (config: { url: URL | string }) => Promise<(() => void) | void>
): Gaxios {
  const transporter = new Gaxios({ fetchImplementation: globalThis.fetch });
  transporter.interceptors.request.add({
    resolved: async (config) => {
      if (config.url.toString() === GOOGLE_TOKEN_URL && settings.tokenUrl !== GOOGLE_TOKEN_URL) {
        config.url = new URL(settings.tokenUrl);
      }
      config.retry = false;
      config.retryConfig = { ...config.retryConfig, retry: 0, noResponseRetries: 0 };
      const answered = await beforeSend?.(config);
      if (answered) {
        // gaxios's `adapter` option wraps the send and the reading of the answer: the one place that sees both.
        const inner = config.adapter;
        config.adapter = async (options, send) => {
          try {
            return await (inner ? inner(options, send) : send(options));
          } finally {
            answered();
          }
        };
      }
      // gaxios turns `timeout` into an AbortSignal *before* interceptors run, so setting it here would do
      // nothing: add the timeout signal ourselves, so a hung connection fails fast and is retried.
      const timeout = AbortSignal.timeout(settings.timeoutMs ?? 15_000);
      config.signal = config.signal && !config.signal.aborted ? AbortSignal.any([config.signal, timeout]) : timeout;
      return config;
    },
  });
  return transporter;
}

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  client_id?: string;
}

export class ServiceAccountKeyError extends Error {
  override name = 'ServiceAccountKeyError';
}

/** Resolve a key reference into a service-account key; the key stays in this process's memory only. */
export async function loadServiceAccountKey(keyRef: string): Promise<ServiceAccountKey> {
  const raw = await resolveSecretRef(keyRef);
  let parsed: Partial<ServiceAccountKey>;
  try {
    parsed = JSON.parse(raw) as Partial<ServiceAccountKey>;
  } catch {
    throw new ServiceAccountKeyError(
      `the secret at ${keyRef} is not JSON: it must be a service-account key file downloaded from the Google Cloud console`
    );
  }
  if (
    typeof parsed.client_email !== 'string' ||
    typeof parsed.private_key !== 'string' ||
    !parsed.private_key.includes('PRIVATE KEY')
  ) {
    throw new ServiceAccountKeyError(
      `the secret at ${keyRef} is not a service-account key file (client_email and private_key are required): download a JSON key for the service account`
    );
  }
  return parsed as ServiceAccountKey;
}

/** loadServiceAccountKey for an activity: a reference or key it cannot use is a permanent failure that names it. */
export async function loadServiceAccountKeyOrFail(keyRef: string): Promise<ServiceAccountKey> {
  try {
    return await loadServiceAccountKey(keyRef);
  } catch (err) {
    if (err instanceof SecretRefError || err instanceof ServiceAccountKeyError)
      throw permanent(`serviceAccount.keyRef: ${err.message}`, FailureType.ServiceAccountKeyUnavailable);
    throw err;
  }
}

/** Google auth acting as `subject` for exactly `scopes` (a JWT-bearer grant with `sub`), sent through `transporter`. */
export function delegatedJwt(key: ServiceAccountKey, subject: string, scopes: string[], transporter: Gaxios): JWT {
  return new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes,
    subject,
    transporter,
  });
}

/** Mint an access token as `subject` for exactly `scopes` (a JWT-bearer grant with `sub`). */
export async function mintDelegatedToken(
  settings: GoogleAuthSettings,
  key: ServiceAccountKey,
  subject: string,
  scopes: string[],
  transporter = createGoogleTransporter(settings)
): Promise<string> {
  const { token } = await delegatedJwt(key, subject, scopes, transporter).getAccessToken();
  if (!token) throw new Error('Google token endpoint answered without an access_token');
  return token;
}
