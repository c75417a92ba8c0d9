import { request } from 'undici';
import type { ConnectwiseSiteInfo } from '../../contract/connectwise-sync-messages';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import { FailureType } from '../../contract/failure-types';
import { apiHostFor, isConnectwiseCloudHost } from '../../rules/connectwise-site-rules';

export interface SiteSettings {
  /**
   * Extra hosts (host or host:port) Onramp may talk to: on-premises ConnectWise servers, and the loopback
   * simulator in tests and the sandbox. Never defaulted: without it only ConnectWise's own hosts pass.
   */
  extraAllowedHosts?: string[];
  /** Hosts from `extraAllowedHosts` reached over plain http (the loopback simulator only). */
  insecureHttpHosts?: string[];
}

/**
 * The site check runs before any request, so credentials (and even the company ID) never reach a host
 * that is not ConnectWise's. Returns the base URL of the site.
 */
export function siteBaseUrl(site: string, settings: SiteSettings): string {
  const host = site.toLowerCase();
  if (isConnectwiseCloudHost(host)) return `https://${host}`;
  if (settings.extraAllowedHosts?.map((h) => h.toLowerCase()).includes(host)) {
    return `${settings.insecureHttpHosts?.map((h) => h.toLowerCase()).includes(host) ? 'http' : 'https'}://${host}`;
  }
  throw permanent(
    `connection.site: "${site}" is not a ConnectWise host. Use the host you sign in to (na.myconnectwise.net, eu.myconnectwise.net, au.myconnectwise.net, aus.myconnectwise.net, za.myconnectwise.net, staging.connectwisedev.com); an on-premises server must first be added to the worker's allowed ConnectWise hosts. Nothing was sent to it.`,
    FailureType.ConnectWiseSiteNotAllowed
  );
}

interface CompanyInfo {
  CompanyName?: string;
  Codebase?: string;
  VersionCode?: string;
  VersionNumber?: string;
  CompanyID?: string;
  IsCloud?: boolean;
}

/** `GET /login/companyinfo/{companyId}` (no auth): codebase and cloud flag, hence the API root. */
export async function discoverSite(
  site: string,
  companyId: string,
  settings: SiteSettings,
  timeoutMs: number
): Promise<ConnectwiseSiteInfo> {
  const base = siteBaseUrl(site, settings);
  const url = `${base}/login/companyinfo/${encodeURIComponent(companyId)}`;
  let res;
  try {
    res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (err) {
    if (isNetworkError(err))
      throw retryable(
        `ConnectWise site ${site} unreachable (${(err as { code?: string }).code ?? 'network error'}); retrying`,
        FailureType.ConnectWiseUnreachable
      );
    throw err;
  }
  const text = await res.body.text();
  if (isRetryableStatus(res.statusCode)) {
    const ra = res.headers['retry-after'];
    throw retryable(
      `ConnectWise companyinfo answered ${res.statusCode}; retrying`,
      FailureType.ConnectWiseUnavailable,
      parseRetryAfter(Array.isArray(ra) ? ra[0] : ra)
    );
  }
  let info: CompanyInfo | null = null;
  try {
    info = JSON.parse(text) as CompanyInfo | null;
  } catch {
    info = null;
  }
  // ConnectWise answers an unknown company with 200 and an empty body or null.
  if (res.statusCode !== 200 || !info || !info.Codebase) {
    throw permanent(
      `connection.companyId: ConnectWise site ${site} does not know company "${companyId}" (companyinfo answered ${res.statusCode}). Use the Company value typed on the ConnectWise login page.`,
      FailureType.ConnectWiseCompanyUnknown
    );
  }
  const codebase = info.Codebase.endsWith('/') ? info.Codebase : `${info.Codebase}/`;
  if (!/^[A-Za-z0-9_.]+\/$/.test(codebase))
    throw permanent(
      `ConnectWise returned an unexpected codebase "${info.Codebase}"`,
      FailureType.ConnectWiseCodebaseInvalid
    );
  const scheme = base.startsWith('http://') ? 'http' : 'https';
  return {
    apiBaseUrl: `${scheme}://${apiHostFor(site)}/${codebase}apis/3.0`,
    codebase,
    isCloud: info.IsCloud === true,
    companyName: info.CompanyName ?? companyId,
    version: info.VersionNumber,
  };
}
