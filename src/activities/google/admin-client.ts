import type { JWT } from 'google-auth-library';
// The two APIs Onramp calls, from the pinned googleapis package's own modules: `import { google } from
// 'googleapis'` loads all ~300 Google APIs, 54 MB of V8 heap and ~90 MB of RSS in every worker for two of
// them (measured; docs/benchmark.md). The per-API packages (@googleapis/admin 37) pull another
// googleapis-common major than googleapis 176 does, so the same version's modules are used instead.
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1';
import { cloudidentity_v1 } from 'googleapis/build/src/apis/cloudidentity/v1';
import type { LimiterStore } from '../limits/limiter-store';
import { SlidingWindowLimiter } from './rate-limiter';
import { classifyAdminTokenError } from './google-error-classifier';
import { createGoogleTransporter, delegatedJwt, loadServiceAccountKeyOrFail, type GoogleAuthSettings } from './token';

export interface GoogleAdminSettings extends GoogleAuthSettings {
  /** googleapis root URL (the simulator in sandbox/tests); unset means Google's own hosts. */
  apiRootUrl?: string;
  /** Directory API quota to stay under (Google's default: 2,400 queries per minute per user). */
  directoryQuota?: { limit: number; windowMs: number; guardMs?: number };
  /** Members inserted in parallel within one activity. */
  memberConcurrency?: number;
  /** Where the quota window is kept (shared by all workers with PostgreSQL); default: this process. */
  limiterStore?: LimiterStore;
}

/** Who Onramp acts as: the customer's admin, through the vendor's service account (domain-wide delegation). */
export interface GoogleAdminCaller {
  customerId: string;
  adminEmail: string;
  serviceAccount: { email: string; keyRef: string };
}

export interface AdminClients {
  directory: admin_directory_v1.Admin;
  cloudIdentity: cloudidentity_v1.Cloudidentity;
}

/**
 * The key of a caller's Directory quota in the limiter store. Google counts "queries per minute per user per Google
 * Cloud project": the user is the customer's admin Onramp impersonates, the project the vendor's service account's.
 * So each customer has a quota of its own, shared by every worker that calls for it, and one customer's burst never
 * spends another's (issue 25: limits per customer). Until issue 25 one key served every customer.
 */
export function directoryQuotaKey(caller: Pick<GoogleAdminCaller, 'adminEmail' | 'serviceAccount'>): string {
  return `google-directory:${caller.serviceAccount.email.toLowerCase()}|${caller.adminEmail.toLowerCase()}`;
}

/**
 * Authenticated googleapis clients for one caller and scope set, cached per worker so the access token
 * is reused; every Directory call waits for its customer's shared quota limiter first.
 */
export function createAdminClientFactory(settings: GoogleAdminSettings) {
  const q = settings.directoryQuota ?? { limit: 2400, windowMs: 60_000 };
  const limiters = new Map<string, SlidingWindowLimiter>();
  const limiterFor = (caller: GoogleAdminCaller): SlidingWindowLimiter => {
    const key = directoryQuotaKey(caller);
    let l = limiters.get(key);
    if (!l) {
      l = new SlidingWindowLimiter(q.limit, q.windowMs, q.guardMs ?? 1000, settings.limiterStore, key);
      limiters.set(key, l);
    }
    return l;
  };
  const cache = new Map<string, { jwt: JWT; clients: AdminClients }>();

  async function clientsFor(caller: GoogleAdminCaller, scopes: string[], what: string): Promise<AdminClients> {
    const cacheKey = `${caller.serviceAccount.keyRef}|${caller.adminEmail}|${[...scopes].sort().join(' ')}`;
    let entry = cache.get(cacheKey);
    if (!entry) {
      const limiter = limiterFor(caller);
      const key = await loadServiceAccountKeyOrFail(caller.serviceAccount.keyRef);
      // Directory calls wait for the shared quota first; their timeout starts once they may be sent, and
      // each stays counted in the window until its answer is in (Google counts it on arrival).
      const transporter = createGoogleTransporter(settings, async (config) =>
        config.url.toString().includes('/admin/directory/') ? limiter.take() : undefined
      );
      const jwt = delegatedJwt(key, caller.adminEmail, scopes, transporter);
      const common = {
        auth: jwt,
        retry: false,
        ...(settings.apiRootUrl ? { rootUrl: settings.apiRootUrl.replace(/\/?$/, '/') } : {}),
      };
      entry = {
        jwt,
        clients: {
          directory: new admin_directory_v1.Admin(common),
          cloudIdentity: new cloudidentity_v1.Cloudidentity(common),
        },
      };
      cache.set(cacheKey, entry);
    }
    try {
      await entry.jwt.getAccessToken();
    } catch (err) {
      cache.delete(cacheKey);
      throw classifyAdminTokenError(err, what, scopes, caller.adminEmail);
    }
    return entry.clients;
  }

  return { clientsFor, limiterFor };
}
