// @ts-nocheck
import { createPublicKey, verify } from 'node:crypto';

export interface JwtClaims {
  iss?: string;
  sub?: string;
  scope?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

function b64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Decode without verifying: the issuer tells which public key to verify with. */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: JwtClaims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return { header: b64urlJson(parts[0]!), claims: b64urlJson(parts[1]!) };
  } catch {
    return undefined;
  }
}

export function verifyRs256(token: string, publicKeyPem: string): boolean {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return false;
  try {
    return verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(publicKeyPem), Buffer.from(s, 'base64url'));
  } catch {
    return false;
  }
}
