import { heartbeat } from '@temporalio/activity';
import { SecretRefError } from '../../secrets/secret-ref';
import { mapWithConcurrency } from '../concurrency';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import {
  createGoogleTransporter,
  loadServiceAccountKey,
  mintDelegatedToken,
  ServiceAccountKeyError,
  tokenErrorInfo,
  type GoogleAuthSettings,
  type ServiceAccountKey,
} from './token';
import { FailureType } from '../../contract/failure-types';

export interface CheckDelegationInput {
  /** The admin to impersonate (`sub`). */
  subject: string;
  serviceAccount: { clientId?: string; email: string; keyRef: string };
  scopes: string[];
  /**
   * `each` mints one token per scope, so a missing scope is named exactly; `together` mints a single
   * token for all scopes, the way the vendor's integration will (one unauthorised scope fails it all).
   */
  mode: 'each' | 'together';
}

export interface ScopeCheck {
  scope: string;
  granted: boolean;
  checkedAt: string;
  detail?: string;
}

/** Token-endpoint answers that mean "the grant is not there (yet)": keep waiting, do not fail. */
function isNotGrantedYet(error?: string, description?: string): boolean {
  return error === 'unauthorized_client' || (error === 'access_denied' && /not authorized/i.test(description ?? ''));
}

/**
 * Classify one token-endpoint failure (vendor-apis.md A2): returns a "not granted" detail, or throws the
 * Temporal failure that says whether to retry and what to fix.
 */
export function classifyTokenError(err: unknown, ctx: { subject: string; serviceAccountEmail: string }): string {
  const info = tokenErrorInfo(err);
  if (isNotGrantedYet(info.error, info.description)) {
    return `${info.error}: not granted yet, or the grant has not propagated`;
  }
  const said = info.error
    ? `${info.error}${info.description ? `: ${info.description}` : ''}`
    : `HTTP ${info.status ?? '?'}`;
  if (
    info.error === 'invalid_grant' &&
    /(invalid email|user id|not a valid email|impersonation)/i.test(info.description ?? '')
  ) {
    throw permanent(
      `Google does not accept ${ctx.subject} as the user to impersonate (${said}). Fix adminEmail: it must be an existing super admin of the customer's Workspace domain.`,
      FailureType.GoogleInvalidSubject
    );
  }
  if (info.error === 'invalid_grant' || info.error === 'invalid_client') {
    throw permanent(
      `Google rejected the service account key of ${ctx.serviceAccountEmail} (${said}). Fix: the key referenced by serviceAccount.keyRef was deleted, disabled or belongs to another service account — create a new JSON key and update the reference (a worker clock more than a minute off also causes this).`,
      FailureType.GoogleServiceAccountKeyRejected
    );
  }
  if (info.status !== undefined && isRetryableStatus(info.status)) {
    throw retryable(
      `Google token endpoint answered ${said}; retrying`,
      FailureType.GoogleTokenEndpointUnavailable,
      parseRetryAfter(info.retryAfter)
    );
  }
  if (info.status === undefined && isNetworkError(err)) {
    throw retryable(
      `Google token endpoint unreachable (${info.code ?? 'network error'}); retrying`,
      FailureType.GoogleTokenEndpointUnreachable
    );
  }
  if (info.status !== undefined) {
    throw permanent(
      `Google token endpoint refused the request (${said}). Check the service account and scopes.`,
      FailureType.GoogleTokenRequestRejected
    );
  }
  // Not an HTTP answer and not a known network error: let the retry policy look at it again.
  throw retryable(
    `Google token request failed: ${(err as Error).message ?? String(err)}`,
    FailureType.GoogleTokenRequestFailed
  );
}

async function loadKey(input: CheckDelegationInput): Promise<ServiceAccountKey> {
  let key: ServiceAccountKey;
  try {
    key = await loadServiceAccountKey(input.serviceAccount.keyRef);
  } catch (err) {
    if (err instanceof SecretRefError || err instanceof ServiceAccountKeyError) {
      throw permanent(`serviceAccount.keyRef: ${err.message}`, FailureType.ServiceAccountKeyUnavailable);
    }
    throw err;
  }
  if (key.client_email.toLowerCase() !== input.serviceAccount.email.toLowerCase()) {
    throw permanent(
      `serviceAccount.keyRef holds a key of ${key.client_email}, but serviceAccount.email is ${input.serviceAccount.email}: reference the key of the service account being onboarded`,
      FailureType.ServiceAccountKeyMismatch
    );
  }
  return key;
}

export function createDelegationActivities(settings: GoogleAuthSettings) {
  return {
    /** Verify domain-wide delegation by minting tokens as the admin. Read-only: safe to retry. */
    async checkDelegatedScopes(input: CheckDelegationInput): Promise<ScopeCheck[]> {
      const key = await loadKey(input);
      const transporter = createGoogleTransporter(settings);
      const ctx = { subject: input.subject, serviceAccountEmail: input.serviceAccount.email };
      const check = async (scopes: string[]): Promise<{ granted: boolean; detail?: string }> => {
        try {
          await mintDelegatedToken(settings, key, input.subject, scopes, transporter);
          return { granted: true };
        } catch (err) {
          return { granted: false, detail: classifyTokenError(err, ctx) };
        }
      };
      if (input.mode === 'together') {
        const r = await check(input.scopes);
        const checkedAt = new Date().toISOString();
        return input.scopes.map((scope) => ({ scope, checkedAt, ...r }));
      }
      let done = 0;
      return mapWithConcurrency(input.scopes, 4, async (scope) => {
        const r = await check([scope]);
        heartbeat({ checked: ++done });
        return { scope, checkedAt: new Date().toISOString(), ...r };
      });
    },
  };
}
