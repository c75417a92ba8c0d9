import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processEnv } from '../config';
import { resolveSecretRef } from '../secrets/secret-ref';
import { registerSecret } from '../secrets/scrub';
import type { CodecKey, KeyRing } from './key-ring-types';

/** AES-256 keys are 32 bytes. */
export const KEY_BYTES = 32;

export type { CodecKey, KeyRing } from './key-ring-types';

export class CodecKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecKeyError';
  }
}

/** `id=ref`: the id is letters, digits, `.`, `_`, `-` (at most 64). */
const ENTRY = /^([A-Za-z0-9._-]{1,64})=(.*)$/;

export interface KeySpecEntry {
  id: string;
  ref: string;
}

/**
 * Parse `ONRAMP_CODEC_KEYS` (`id=ref,id=ref`, newest first). Only references are accepted: a key written
 * inline would end up in shell history, process listings and config dumps. A malformed entry is named by
 * its position, never repeated: it may be a key pasted inline.
 */
export function parseKeySpec(spec: string, variable = 'ONRAMP_CODEC_KEYS'): KeySpecEntry[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length)
    throw new CodecKeyError(`${variable}: empty; list keys as id=env:NAME or id=file:/path, newest first`);
  const seen = new Set<string>();
  return entries.map((entry, n) => {
    const m = ENTRY.exec(entry);
    if (!m) {
      throw new CodecKeyError(
        `${variable}: entry ${n + 1} needs a key id (letters, digits, . _ -) before "=", e.g. k2026-11=env:ONRAMP_KEY_2026_11`
      );
    }
    const id = m[1]!;
    const ref = m[2]!;
    if (!/^(env|file):./.test(ref)) {
      throw new CodecKeyError(
        `${variable}: entry ${n + 1} (${id.length} characters before "=") must be a secret reference (env:NAME or file:/path), not the key itself`
      );
    }
    if (seen.has(id)) throw new CodecKeyError(`${variable}: key id ${id} is listed twice; key ids must be unique`);
    seen.add(id);
    return { id, ref };
  });
}

/** Decode a base64 key and check its length; the message never includes the value. */
export function decodeKey(id: string, base64: string): Buffer {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new CodecKeyError(
      `codec key ${id}: must be ${KEY_BYTES} random bytes in base64 (got ${key.length} bytes); generate one with: openssl rand -base64 32`
    );
  }
  return key;
}

export function keyRing(keys: CodecKey[]): KeyRing {
  const [current] = keys;
  if (!current) throw new CodecKeyError('a codec key ring needs at least one key');
  return { current, byId: new Map(keys.map((k) => [k.id, k.key])) };
}

/** Resolve every reference of the spec (the values are registered with the log scrubber). */
export async function loadKeyRing(entries: KeySpecEntry[], env: NodeJS.ProcessEnv = processEnv()): Promise<KeyRing> {
  const keys: CodecKey[] = [];
  for (const { id, ref } of entries) {
    const value = await resolveSecretRef(ref, env);
    keys.push({ id, key: decodeKey(id, value) });
  }
  return keyRing(keys);
}

export const SANDBOX_KEY_ID = 'sandbox';

/**
 * The sandbox's own key, generated once and kept beside the sandbox state (mode 0600) so the histories of
 * earlier `npm start` runs stay readable. Never used in live mode.
 */
export function sandboxKeyRing(sandboxDir: string): KeyRing {
  return sandboxKeyFile(sandboxDir, 'codec-key', SANDBOX_KEY_ID);
}

/**
 * A key ring of one sandbox key in `<sandboxDir>/<fileName>`: generated on first use (32 random bytes,
 * base64, mode 0600), the same key on every later start; its value is registered with the log scrubber.
 */
export function sandboxKeyFile(sandboxDir: string, fileName: string, id: string): KeyRing {
  const path = join(sandboxDir, fileName);
  mkdirSync(sandboxDir, { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Created by an earlier run, or by another sandbox process a moment ago: use that one.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  chmodSync(path, 0o600);
  const value = readFileSync(path, 'utf8');
  registerSecret(value.trim());
  return keyRing([{ id, key: decodeKey(id, value) }]);
}
