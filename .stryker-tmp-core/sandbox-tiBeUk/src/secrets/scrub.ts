/**
 * Last line of defence for secrets inside *strings* (error messages, URLs, echoed bodies), which
 * structured log redaction cannot see. Every secret the process resolves is registered here; the
 * well-known credential shapes are caught even when they were never registered.
 */
// @ts-nocheck

const known = new Set<string>();
const REDACTED = '[REDACTED]';

/** Shapes that are credentials wherever they appear. */
const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // JWTs (signed assertions are bearer credentials for their lifetime) and OAuth access tokens.
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /\bya29\.[A-Za-z0-9._-]+/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._-]{8,}/gi,
  /("?(?:private_key|privateKey|secret|secretKey|password|assertion|access_token)"?\s*[:=]\s*)"[^"]*"/gi,
];

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; they are not credentials anyway.
  if (value.length >= 8) known.add(value);
  // A JSON key file's private_key is what matters; register it too so a partial echo is caught.
  if (value.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      for (const v of Object.values(parsed)) if (typeof v === 'string' && /PRIVATE KEY|secret/i.test(v)) known.add(v);
    } catch {
      /* not JSON: the whole value is registered already */
    }
  }
}

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const p of PATTERNS) {
    out = out.replace(p, (_m, prefix?: string) =>
      typeof prefix === 'string' && /[:=]\s*$/.test(prefix) ? `${prefix}"${REDACTED}"` : REDACTED
    );
  }
  return out;
}

/** For tests: the secret canary searches decoded histories for every value the process resolved. */
export function registeredSecrets(): ReadonlySet<string> {
  return known;
}

/** For tests. */
export function clearRegisteredSecrets(): void {
  known.clear();
}
