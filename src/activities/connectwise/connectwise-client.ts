import { request } from 'undici';
import {
  cwFailedAnswer,
  connectWiseUnreachable,
  foreignLinkFailure,
  parseLinkHeader,
} from './connectwise-error-classifier';
import type { TenantLimiter } from './connectwise-limiter';

// sync.ts looks a record up when its POST meets an existing identifier.

/** The model version Onramp was validated against; ConnectWise keeps deprecated versions 12 months. */
export const CW_ACCEPT = 'application/vnd.connectwise.com+json; version=2025.16';
export const CW_MAX_PAGE_SIZE = 1000;

export interface CwCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export interface CwClientOptions {
  apiBaseUrl: string;
  isCloud: boolean;
  credentials: CwCredentials;
  limiter: TenantLimiter;
  timeoutMs: number;
  pageSize: number;
}

export type Query = Record<string, string | number | undefined>;

export function basicAuth(c: CwCredentials): string {
  return `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`;
}

export interface CwClient {
  call<T>(method: string, path: string, opts?: { query?: Query; body?: unknown }): Promise<T>;
  /** Every record matching `query`, following `Link: rel="next"` (pageSize up to 1,000). */
  listAll<T>(path: string, query?: Query): Promise<T[]>;
}

export function createCwClient(o: CwClientOptions): CwClient {
  const base = new URL(o.apiBaseUrl.endsWith('/') ? o.apiBaseUrl : `${o.apiBaseUrl}/`);
  const headers = {
    authorization: basicAuth(o.credentials),
    clientid: o.credentials.clientId,
    accept: CW_ACCEPT,
  };

  const urlFor = (path: string, query?: Query): URL => {
    const url = new URL(path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  };

  const send = async (
    method: string,
    url: URL,
    body?: unknown
  ): Promise<{ status: number; text: string; link?: string | string[] }> => {
    // A `next` link pointing anywhere but this tenant's API would carry its credentials away.
    const foreign = foreignLinkFailure(url, base);
    if (foreign) throw foreign;
    await o.limiter.acquire();
    let res;
    try {
      res = await request(url, {
        method: method as 'GET',
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
    } catch (err) {
      throw connectWiseUnreachable(err, method, url.pathname);
    }
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text, link: res.headers.link };
    const failed = cwFailedAnswer(
      { method, url, base, status: res.statusCode, text, retryAfter: res.headers['retry-after'] },
      o.isCloud
    );
    if (failed.pauseMs !== undefined) o.limiter.pauseFor(failed.pauseMs);
    throw failed.error;
  };

  return {
    async call<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
      const r = await send(method, urlFor(path, opts.query), opts.body);
      return (r.text ? JSON.parse(r.text) : undefined) as T;
    },
    async listAll<T>(path: string, query: Query = {}): Promise<T[]> {
      const out: T[] = [];
      let url: URL | undefined = urlFor(path, { ...query, page: 1, pageSize: Math.min(o.pageSize, CW_MAX_PAGE_SIZE) });
      for (let pages = 0; url && pages < 10_000; pages++) {
        const r = await send('GET', url);
        out.push(...(JSON.parse(r.text) as T[]));
        const next = parseLinkHeader(r.link).next;
        url = next ? new URL(next, base) : undefined;
      }
      return out;
    },
  };
}

/** A ConnectWise condition string literal. Values Onramp queries by are validated to hold no quote or backslash. */
export function cwString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
