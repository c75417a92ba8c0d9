import { request } from 'undici';
import { isNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable } from '../failures';
import type { TenantLimiter } from './connectwise-limiter';
import { FailureType } from '../../contract/failure-types';

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

/** ConnectWise's error body: `{code, message, errors: [{code, message, field}] | null}`. */
interface CwErrorBody {
  code?: string;
  message?: string;
  errors?: { code?: string; message?: string; field?: string }[] | null;
}

/** POST of a record whose identifier exists already: a lookup, not an error. */
export class CwObjectExists extends Error {
  constructor(readonly field: string | undefined) {
    super(`ConnectWise: object exists${field ? ` (${field})` : ''}`);
    this.name = 'CwObjectExists';
  }
}

export type Query = Record<string, string | number | undefined>;

export function basicAuth(c: CwCredentials): string {
  return `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`;
}

/** RFC 5988 `Link` header → rel → URL. */
export function parseLinkHeader(value: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (m) out[m[2]!.toLowerCase()] = m[1]!;
  }
  return out;
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
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw permanent(
        `ConnectWise returned a link outside its API (${url.origin}); refusing to follow it`,
        FailureType.ConnectWiseForeignLink
      );
    }
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
      if (isNetworkError(err)) {
        throw retryable(
          `ConnectWise ${method} ${url.pathname} failed (${(err as { code?: string }).code ?? 'network error'}); retrying`,
          FailureType.ConnectWiseUnreachable
        );
      }
      throw err;
    }
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text, link: res.headers.link };
    throw classify(
      method,
      url.pathname.slice(base.pathname.length - 1),
      res.statusCode,
      text,
      res.headers['retry-after']
    );
  };

  const classify = (
    method: string,
    path: string,
    status: number,
    text: string,
    retryAfter: string | string[] | undefined
  ): Error => {
    let body: CwErrorBody = {};
    try {
      body = JSON.parse(text) as CwErrorBody;
    } catch {
      /* proxies answer HTML */
    }
    const said = [
      body.code,
      body.message,
      ...(body.errors ?? []).map((e) => `${e.code ?? ''} ${e.field ?? ''} ${e.message ?? ''}`.trim()),
    ]
      .filter(Boolean)
      .join('; ');
    const where = `${method} ${path}`;
    if (status === 429 || isRetryableStatus(status)) {
      const ms = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      if (status === 429) o.limiter.pauseFor(ms ?? 30_000);
      return retryable(
        `ConnectWise ${where} answered ${status}${said ? ` (${said})` : ''}; retrying`,
        status === 429 ? FailureType.ConnectWiseThrottled : FailureType.ConnectWiseUnavailable,
        ms
      );
    }
    const exists = body.errors?.find((e) => e.code === 'ObjectExists');
    if (status === 400 && exists) return new CwObjectExists(exists.field);
    if (status === 400 && /clientid/i.test(said)) {
      return permanent(
        `ConnectWise refused ${where}: ${said}. Fix connection.clientId: the integration's clientId GUID from developer.connectwise.com.`,
        FailureType.ConnectWiseClientIdRejected
      );
    }
    if (status === 401) {
      return permanent(
        `ConnectWise rejected the API keys (401 on ${where}${said ? `: ${said}` : ''}). Check connection.companyId and connection.publicKey; if the private key is wrong or lost, generate a new key pair under System > Members > API Members > API Keys.`,
        FailureType.ConnectWiseAuthRejected
      );
    }
    if (status === 403) {
      return permanent(
        `ConnectWise denied ${where} (403${said ? `: ${said}` : ''}): the API member's security role lacks a permission. Fix it under System > Security Roles.`,
        FailureType.ConnectWisePermissionDenied
      );
    }
    if (status === 404 && o.isCloud && path.startsWith('/system/info')) {
      return permanent(
        `ConnectWise answered 404 to ${where}. On cloud sites this means the credentials were not accepted (not a missing page): check connection.companyId, the public key and the private key, and that the clientId is enabled.`,
        FailureType.ConnectWiseAuthRejected
      );
    }
    return permanent(
      `ConnectWise refused ${where} with ${status}${said ? `: ${said}` : ''}`,
      status === 400 ? FailureType.ConnectWiseBadRequest : FailureType.ConnectWiseRequestRejected
    );
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
