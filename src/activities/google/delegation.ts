import { heartbeat } from '@temporalio/activity';
import { mapWithConcurrency } from '../concurrency';
import { permanent } from '../failures';
import { classifyTokenError } from './google-error-classifier';
import {
  createGoogleTransporter,
  loadServiceAccountKeyOrFail,
  mintDelegatedToken,
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

async function loadKey(input: CheckDelegationInput): Promise<ServiceAccountKey> {
  const key = await loadServiceAccountKeyOrFail(input.serviceAccount.keyRef);
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
