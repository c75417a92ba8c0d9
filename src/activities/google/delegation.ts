import { heartbeat } from '@temporalio/activity';
import { mapWithConcurrency } from '../concurrency';
import { permanent } from '../failures';
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1';
import { USER_READ_SCOPES } from '../../rules/google-delegation-rules';
import { classifyGoogleApiError, classifyTokenError } from './google-error-classifier';
import {
  createGoogleTransporter,
  delegatedJwt,
  GOOGLE_TOKEN_URL,
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
   * `each-then-together` is one whole round of seed 000's check: each of `scopes`, and once every one of them
   * works, the token for all of `together` (the onboarding's full set; default `scopes`) and the super-admin
   * check. One activity instead of two saves the round two workflow tasks and an activity task.
   */
  mode: 'each' | 'together' | 'each-then-together';
  /** The full scope set of the combined token, for `each-then-together` (default `scopes`). */
  together?: string[];
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
  // Seed 000 step 4: the admin authorizes the client ID the order names; Google honours the grant for the key's
  // own client_id only, so a mismatch would leave the admin granting an ID the vendor never uses.
  const { clientId } = input.serviceAccount;
  if (clientId && key.client_id && key.client_id !== clientId) {
    throw permanent(
      `serviceAccount.clientId is ${clientId}, but the key referenced by serviceAccount.keyRef has client_id ${key.client_id} (service account ${key.client_email}). Fix serviceAccount.clientId: it must be the key's client_id (the service account's unique ID, Google Cloud console > IAM & Admin > Service accounts), or reference the key of the service account whose client ID the admin authorizes.`,
      FailureType.ServiceAccountClientIdMismatch
    );
  }
  return key;
}

/** Seed 000 step 1: is the admin a super admin? `isAdmin` of Directory users.get is true for super admins only. */
async function checkSuperAdmin(
  settings: DelegationSettings,
  key: ServiceAccountKey,
  subject: string,
  scope: string
): Promise<void> {
  const transporter = createGoogleTransporter(settings);
  const auth = delegatedJwt(key, subject, [scope], transporter);
  // Without an API root, a token URL other than Google's is a simulator that serves the APIs beside it.
  const root = settings.apiRootUrl ?? (settings.tokenUrl !== GOOGLE_TOKEN_URL ? new URL(settings.tokenUrl).origin : '');
  const directory = new admin_directory_v1.Admin({
    auth,
    retry: false,
    ...(root ? { rootUrl: root.replace(/\/?$/, '/') } : {}),
  });
  let user: admin_directory_v1.Schema$User;
  try {
    user = (await directory.users.get({ userKey: subject, fields: 'primaryEmail,isAdmin,isDelegatedAdmin' })).data;
  } catch (err) {
    return classifyGoogleApiError(err, `check that ${subject} is a super admin`, scope);
  }
  if (user.isAdmin !== true) {
    throw permanent(
      `adminEmail ${subject} is ${user.isDelegatedAdmin ? 'a delegated admin' : 'not an admin'}, not a super admin: a super admin must authorize domain-wide delegation (seed 000 step 1) and is the admin the vendor acts as. Fix adminEmail: name a super admin of the customer's Workspace (Admin console > Account > Admin roles > Super Admin > Admins), or have ${subject} made a super admin, then start this onboarding again.`,
      FailureType.GoogleAdminNotSuperAdmin
    );
  }
}

export interface DelegationSettings extends GoogleAuthSettings {
  /** googleapis root URL for the super-admin check (the simulator in sandbox/tests); unset means Google's. */
  apiRootUrl?: string;
}

export function createDelegationActivities(settings: DelegationSettings) {
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
      const together = async (scopes: string[]): Promise<ScopeCheck[]> => {
        const r = await check(scopes);
        // Every scope works as the admin: where a Directory user scope is among them, check step 1 too.
        const userScope = scopes.find((s) => USER_READ_SCOPES.includes(s));
        if (r.granted && userScope) await checkSuperAdmin(settings, key, input.subject, userScope);
        const checkedAt = new Date().toISOString();
        return scopes.map((scope) => ({ scope, checkedAt, ...r }));
      };
      if (input.mode === 'together') return together(input.scopes);
      let done = 0;
      const each = await mapWithConcurrency(input.scopes, 4, async (scope) => {
        const r = await check([scope]);
        heartbeat({ checked: ++done });
        return { scope, checkedAt: new Date().toISOString(), ...r };
      });
      if (input.mode === 'each' || !each.every((r) => r.granted)) return each;
      // Each one works: the combined token decides, and its verdict stands for every scope of the set.
      return (await together(input.together ?? input.scopes)).map((r) =>
        r.granted ? r : { ...r, detail: `each scope works alone; the token for all of them was refused: ${r.detail}` }
      );
    },
  };
}
