// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { heartbeat } from '@temporalio/activity';
import { SecretRefError } from '../../secrets/secret-ref';
import { mapWithConcurrency } from '../concurrency';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import { createGoogleTransporter, loadServiceAccountKey, mintDelegatedToken, ServiceAccountKeyError, tokenErrorInfo, type GoogleAuthSettings, type ServiceAccountKey } from './token';
export interface CheckDelegationInput {
  /** The admin to impersonate (`sub`). */
  subject: string;
  serviceAccount: {
    clientId: string;
    email: string;
    keyRef: string;
  };
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
  if (stryMutAct_9fa48("358")) {
    {}
  } else {
    stryCov_9fa48("358");
    return stryMutAct_9fa48("361") ? error === 'unauthorized_client' && error === 'access_denied' && /not authorized/i.test(description ?? '') : stryMutAct_9fa48("360") ? false : stryMutAct_9fa48("359") ? true : (stryCov_9fa48("359", "360", "361"), (stryMutAct_9fa48("363") ? error !== 'unauthorized_client' : stryMutAct_9fa48("362") ? false : (stryCov_9fa48("362", "363"), error === (stryMutAct_9fa48("364") ? "" : (stryCov_9fa48("364"), 'unauthorized_client')))) || (stryMutAct_9fa48("366") ? error === 'access_denied' || /not authorized/i.test(description ?? '') : stryMutAct_9fa48("365") ? false : (stryCov_9fa48("365", "366"), (stryMutAct_9fa48("368") ? error !== 'access_denied' : stryMutAct_9fa48("367") ? true : (stryCov_9fa48("367", "368"), error === (stryMutAct_9fa48("369") ? "" : (stryCov_9fa48("369"), 'access_denied')))) && /not authorized/i.test(stryMutAct_9fa48("370") ? description && '' : (stryCov_9fa48("370"), description ?? (stryMutAct_9fa48("371") ? "Stryker was here!" : (stryCov_9fa48("371"), '')))))));
  }
}

/**
 * Classify one token-endpoint failure (vendor-apis.md A2): returns a "not granted" detail, or throws the
 * Temporal failure that says whether to retry and what to fix.
 */
export function classifyTokenError(err: unknown, ctx: {
  subject: string;
  serviceAccountEmail: string;
}): string {
  if (stryMutAct_9fa48("372")) {
    {}
  } else {
    stryCov_9fa48("372");
    const info = tokenErrorInfo(err);
    if (stryMutAct_9fa48("374") ? false : stryMutAct_9fa48("373") ? true : (stryCov_9fa48("373", "374"), isNotGrantedYet(info.error, info.description))) {
      if (stryMutAct_9fa48("375")) {
        {}
      } else {
        stryCov_9fa48("375");
        return stryMutAct_9fa48("376") ? `` : (stryCov_9fa48("376"), `${info.error}: not granted yet, or the grant has not propagated`);
      }
    }
    const said = info.error ? stryMutAct_9fa48("377") ? `` : (stryCov_9fa48("377"), `${info.error}${info.description ? stryMutAct_9fa48("378") ? `` : (stryCov_9fa48("378"), `: ${info.description}`) : stryMutAct_9fa48("379") ? "Stryker was here!" : (stryCov_9fa48("379"), '')}`) : stryMutAct_9fa48("380") ? `` : (stryCov_9fa48("380"), `HTTP ${stryMutAct_9fa48("381") ? info.status && '?' : (stryCov_9fa48("381"), info.status ?? (stryMutAct_9fa48("382") ? "" : (stryCov_9fa48("382"), '?')))}`);
    if (stryMutAct_9fa48("385") ? info.error === 'invalid_grant' || /(invalid email|user id|not a valid email|impersonation)/i.test(info.description ?? '') : stryMutAct_9fa48("384") ? false : stryMutAct_9fa48("383") ? true : (stryCov_9fa48("383", "384", "385"), (stryMutAct_9fa48("387") ? info.error !== 'invalid_grant' : stryMutAct_9fa48("386") ? true : (stryCov_9fa48("386", "387"), info.error === (stryMutAct_9fa48("388") ? "" : (stryCov_9fa48("388"), 'invalid_grant')))) && /(invalid email|user id|not a valid email|impersonation)/i.test(stryMutAct_9fa48("389") ? info.description && '' : (stryCov_9fa48("389"), info.description ?? (stryMutAct_9fa48("390") ? "Stryker was here!" : (stryCov_9fa48("390"), '')))))) {
      if (stryMutAct_9fa48("391")) {
        {}
      } else {
        stryCov_9fa48("391");
        throw permanent(stryMutAct_9fa48("392") ? `` : (stryCov_9fa48("392"), `Google does not accept ${ctx.subject} as the user to impersonate (${said}). Fix adminEmail: it must be an existing super admin of the customer's Workspace domain.`), stryMutAct_9fa48("393") ? "" : (stryCov_9fa48("393"), 'GoogleInvalidSubject'));
      }
    }
    if (stryMutAct_9fa48("396") ? info.error === 'invalid_grant' && info.error === 'invalid_client' : stryMutAct_9fa48("395") ? false : stryMutAct_9fa48("394") ? true : (stryCov_9fa48("394", "395", "396"), (stryMutAct_9fa48("398") ? info.error !== 'invalid_grant' : stryMutAct_9fa48("397") ? false : (stryCov_9fa48("397", "398"), info.error === (stryMutAct_9fa48("399") ? "" : (stryCov_9fa48("399"), 'invalid_grant')))) || (stryMutAct_9fa48("401") ? info.error !== 'invalid_client' : stryMutAct_9fa48("400") ? false : (stryCov_9fa48("400", "401"), info.error === (stryMutAct_9fa48("402") ? "" : (stryCov_9fa48("402"), 'invalid_client')))))) {
      if (stryMutAct_9fa48("403")) {
        {}
      } else {
        stryCov_9fa48("403");
        throw permanent(stryMutAct_9fa48("404") ? `` : (stryCov_9fa48("404"), `Google rejected the service account key of ${ctx.serviceAccountEmail} (${said}). Fix: the key referenced by serviceAccount.keyRef was deleted, disabled or belongs to another service account — create a new JSON key and update the reference (a worker clock more than a minute off also causes this).`), stryMutAct_9fa48("405") ? "" : (stryCov_9fa48("405"), 'GoogleServiceAccountKeyRejected'));
      }
    }
    if (stryMutAct_9fa48("408") ? info.status !== undefined || isRetryableStatus(info.status) : stryMutAct_9fa48("407") ? false : stryMutAct_9fa48("406") ? true : (stryCov_9fa48("406", "407", "408"), (stryMutAct_9fa48("410") ? info.status === undefined : stryMutAct_9fa48("409") ? true : (stryCov_9fa48("409", "410"), info.status !== undefined)) && isRetryableStatus(info.status))) {
      if (stryMutAct_9fa48("411")) {
        {}
      } else {
        stryCov_9fa48("411");
        throw retryable(stryMutAct_9fa48("412") ? `` : (stryCov_9fa48("412"), `Google token endpoint answered ${said}; retrying`), stryMutAct_9fa48("413") ? "" : (stryCov_9fa48("413"), 'GoogleTokenEndpointUnavailable'), parseRetryAfter(info.retryAfter));
      }
    }
    if (stryMutAct_9fa48("416") ? info.status === undefined || isNetworkError(err) : stryMutAct_9fa48("415") ? false : stryMutAct_9fa48("414") ? true : (stryCov_9fa48("414", "415", "416"), (stryMutAct_9fa48("418") ? info.status !== undefined : stryMutAct_9fa48("417") ? true : (stryCov_9fa48("417", "418"), info.status === undefined)) && isNetworkError(err))) {
      if (stryMutAct_9fa48("419")) {
        {}
      } else {
        stryCov_9fa48("419");
        throw retryable(stryMutAct_9fa48("420") ? `` : (stryCov_9fa48("420"), `Google token endpoint unreachable (${stryMutAct_9fa48("421") ? info.code && 'network error' : (stryCov_9fa48("421"), info.code ?? (stryMutAct_9fa48("422") ? "" : (stryCov_9fa48("422"), 'network error')))}); retrying`), stryMutAct_9fa48("423") ? "" : (stryCov_9fa48("423"), 'GoogleTokenEndpointUnreachable'));
      }
    }
    if (stryMutAct_9fa48("426") ? info.status === undefined : stryMutAct_9fa48("425") ? false : stryMutAct_9fa48("424") ? true : (stryCov_9fa48("424", "425", "426"), info.status !== undefined)) {
      if (stryMutAct_9fa48("427")) {
        {}
      } else {
        stryCov_9fa48("427");
        throw permanent(stryMutAct_9fa48("428") ? `` : (stryCov_9fa48("428"), `Google token endpoint refused the request (${said}). Check the service account and scopes.`), stryMutAct_9fa48("429") ? "" : (stryCov_9fa48("429"), 'GoogleTokenRequestRejected'));
      }
    }
    // Not an HTTP answer and not a known network error: let the retry policy look at it again.
    throw retryable(stryMutAct_9fa48("430") ? `` : (stryCov_9fa48("430"), `Google token request failed: ${stryMutAct_9fa48("431") ? (err as Error).message && String(err) : (stryCov_9fa48("431"), (err as Error).message ?? String(err))}`), stryMutAct_9fa48("432") ? "" : (stryCov_9fa48("432"), 'GoogleTokenRequestFailed'));
  }
}
async function loadKey(input: CheckDelegationInput): Promise<ServiceAccountKey> {
  let key: ServiceAccountKey;
  try {
    key = await loadServiceAccountKey(input.serviceAccount.keyRef);
  } catch (err) {
    if (err instanceof SecretRefError || err instanceof ServiceAccountKeyError) {
      throw permanent(`serviceAccount.keyRef: ${err.message}`, 'ServiceAccountKeyUnavailable');
    }
    throw err;
  }
  if (key.client_email.toLowerCase() !== input.serviceAccount.email.toLowerCase()) {
    throw permanent(`serviceAccount.keyRef holds a key of ${key.client_email}, but serviceAccount.email is ${input.serviceAccount.email}: reference the key of the service account being onboarded`, 'ServiceAccountKeyMismatch');
  }
  return key;
}
export function createDelegationActivities(settings: GoogleAuthSettings) {
  return {
    /** Verify domain-wide delegation by minting tokens as the admin. Read-only: safe to retry. */
    async checkDelegatedScopes(input: CheckDelegationInput): Promise<ScopeCheck[]> {
      const key = await loadKey(input);
      const transporter = createGoogleTransporter(settings);
      const ctx = {
        subject: input.subject,
        serviceAccountEmail: input.serviceAccount.email
      };
      const check = async (scopes: string[]): Promise<{
        granted: boolean;
        detail?: string;
      }> => {
        try {
          await mintDelegatedToken(settings, key, input.subject, scopes, transporter);
          return {
            granted: true
          };
        } catch (err) {
          return {
            granted: false,
            detail: classifyTokenError(err, ctx)
          };
        }
      };
      if (input.mode === 'together') {
        const r = await check(input.scopes);
        const checkedAt = new Date().toISOString();
        return input.scopes.map(scope => ({
          scope,
          checkedAt,
          ...r
        }));
      }
      let done = 0;
      return mapWithConcurrency(input.scopes, 4, async scope => {
        const r = await check([scope]);
        heartbeat({
          checked: ++done
        });
        return {
          scope,
          checkedAt: new Date().toISOString(),
          ...r
        };
      });
    }
  };
}