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
 * Authenticated googleapis clients for one caller and scope set, cached per worker so the access token
 * is reused; every Directory call waits for the shared quota limiter first.
 */
export function createAdminClientFactory(settings: GoogleAdminSettings) {
  const q = settings.directoryQuota ?? { limit: 2400, windowMs: 60_000 };
  const limiter = new SlidingWindowLimiter(q.limit, q.windowMs, q.guardMs ?? 1000, settings.limiterStore);
  const cache = new Map<string, { jwt: JWT; clients: AdminClients }>();

  async function clientsFor(caller: GoogleAdminCaller, scopes: string[], what: string): Promise<AdminClients> {
    const cacheKey = `${caller.serviceAccount.keyRef}|${caller.adminEmail}|${[...scopes].sort().join(' ')}`;
    let entry = cache.get(cacheKey);
    if (!entry) {
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

  return { clientsFor, limiter };
}
