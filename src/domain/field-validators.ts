import { z } from 'zod';
import { SECRET_REF_PATTERN } from '../rules/secret-ref-pattern';

/**
 * Validators shared by every entry point (HTTP intake, CLI, schedules, each workflow's start helper). The
 * workflows never import them (no zod in the workflow bundle: src/rules holds what they use). Every message says what is wrong *and* how to fix it, because it is shown to the
 * person who typed the value.
 *
 * Input schemas are zod *strict* objects: an unknown key (a typo such as `scope` for `scopes`) is refused
 * with its path instead of being dropped silently.
 */
export { SECRET_REF_PATTERN };

export const secretRef = (what: string) =>
  z
    .string({ error: `${what} is required: give a reference such as file:/path/to/secret or env:VARIABLE_NAME` })
    .regex(
      SECRET_REF_PATTERN,
      `must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself`
    );

export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a DNS domain like example.com (no scheme, no path)'
  );

export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be an email address like admin@example.com'));

/** The domain part of an (already normalised) email address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** `domain` itself or one of its subdomains (a Workspace's users may live on a subdomain of its primary domain). */
export function isWithinDomain(domain: string, of: string): boolean {
  return domain === of || domain.endsWith(`.${of}`);
}

/** http(s) URL whose host is this machine: only the loopback simulators are reached over plain http. */
export function isLoopbackUrl(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[]
  ) {
    super(`Invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
  }
}

/** Keys that would reach Object.prototype or a constructor when merged: refused wherever they appear. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** `[path, key]` of every forbidden key in a JSON-like value (own keys only; JSON.parse makes `__proto__` one). */
export function forbiddenKeyPaths(value: unknown, path: (string | number)[] = [], depth = 0): string[] {
  if (!value || typeof value !== 'object' || depth > 64) return [];
  const out: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...forbiddenKeyPaths(v, [...path, i], depth + 1)));
    return out;
  }
  for (const key of Object.keys(value)) {
    const at = formatPath([...path, key]);
    if ((FORBIDDEN_KEYS as readonly string[]).includes(key))
      out.push(`${at}: "${key}" is not an accepted field name anywhere in an Onramp input; remove it`);
    else out.push(...forbiddenKeyPaths((value as Record<string, unknown>)[key], [...path, key], depth + 1));
  }
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(input)';
}

/** "did you mean" for a mistyped key: the known key nearest by edit distance, when close enough. */
function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

/** Levenshtein distance, for did-you-mean suggestions (unknown keys, privilege names). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The fix for one unknown key, given the keys the object accepts. */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = nearestKey(key, known);
  return near
    ? `unknown field: did you mean "${near}"? Rename it (unknown fields are refused, not ignored)`
    : `unknown field: remove it${known.length ? ` (accepted here: ${known.join(', ')})` : ''}`;
}

/**
 * Per-parse error map: unknown keys get a "did you mean" from the object's own shape (one line per key,
 * tab-separated, which describeIssues splits back into one problem per key path).
 */
const errorMap = (iss: {
  code?: string;
  keys?: string[];
  inst?: unknown;
  input?: unknown;
  expected?: string;
}): string | undefined => {
  if (iss.code === 'invalid_type' && iss.input === undefined)
    return `is required${iss.expected ? ` (${iss.expected === 'object' ? 'an object' : `a ${iss.expected}`})` : ''}`;
  if (iss.code !== 'unrecognized_keys' || !iss.keys) return undefined;
  const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  const known = shape ? Object.keys(shape) : [];
  return iss.keys.map((k) => `${k}\t${unknownKeyMessage(k, known)}`).join('\n');
};

/** One line per problem, each naming its field path, e.g. `serviceAccount.clientId: must be ...`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      const lines = i.message.split('\n');
      return i.keys.map((k, n) => {
        const [key, msg] = lines[n]?.includes('\t') ? lines[n].split('\t') : [k, unknownKeyMessage(k, [])];
        return `${formatPath([...i.path, key ?? k])}: ${msg}`;
      });
    }
    return [`${formatPath(i.path)}: ${i.message}`];
  });
}

/** Every problem of a value: forbidden keys first, then the schema's (without repeating those keys). */
function problemsOf(schema: z.ZodType, value: unknown): { problems: string[]; data?: unknown } {
  const forbidden = forbiddenKeyPaths(value);
  const parsed = schema.safeParse(value, { error: errorMap });
  if (parsed.success && !forbidden.length) return { problems: [], data: parsed.data };
  const prefixes = forbidden.map((f) => f.slice(0, f.indexOf(':')));
  const rest = parsed.success
    ? []
    : describeIssues(parsed.error).filter((p) => !prefixes.some((f) => p.startsWith(`${f}:`) || p.startsWith(`${f}.`)));
  return { problems: [...forbidden, ...rest] };
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const { problems, data } = problemsOf(schema, value);
  if (problems.length) throw new InputError(what, problems);
  return data as z.infer<T>;
}

/** Problems as lines (empty when valid): for Update validators, which must not throw an InputError. */
export function inputProblems<T extends z.ZodType>(schema: T, value: unknown): string[] {
  return problemsOf(schema, value).problems;
}
