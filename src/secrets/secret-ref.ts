import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { processEnv } from '../config';
import { registerSecret } from './scrub';
import { secretStore, STORE_PREFIX } from './secret-store';

/**
 * A reference to a secret, never the secret itself: workflow inputs, history, search attributes and
 * logs only ever carry the reference. The worker resolves it at the moment an activity needs it.
 *
 * - `file:/path/to/key.json` (relative paths resolve against the worker's working directory)
 * - `env:NAME` (the value of an environment variable of the worker)
 * - `store:NAME` (a credential an operator supplied, in the secret store every worker shares: ./secret-store.ts)
 */
export type SecretRef = `file:${string}` | `env:${string}` | `store:${string}`;

export { SECRET_REF_PATTERN } from '../domain/field-validators';
import { SECRET_REF_PATTERN } from '../domain/field-validators';

export class SecretRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretRefError';
  }
}

export function isSecretRef(value: string): value is SecretRef {
  return SECRET_REF_PATTERN.test(value);
}

/** Resolve a reference to its value and register that value with the scrubber so it can never be logged. */
export async function resolveSecretRef(ref: string, env: NodeJS.ProcessEnv = processEnv()): Promise<string> {
  if (!isSecretRef(ref)) {
    throw new SecretRefError(
      `"${ref}" is not a secret reference: use file:/path/to/secret, env:VARIABLE_NAME or store:NAME`
    );
  }
  let value: string | undefined;
  if (ref.startsWith(STORE_PREFIX)) {
    const store = secretStore();
    if (!store) {
      throw new SecretRefError(
        `secret reference ${ref}: this worker has no secret store; set ONRAMP_SECRET_STORE_URL on the worker (the same database the intake and CLI write to)`
      );
    }
    try {
      value = await store.read(ref.slice(STORE_PREFIX.length));
    } catch (err) {
      // A key missing from the ring or a tampered row is for a human to fix; a database away is retried.
      if (err instanceof Error && /^(PayloadDecryptionError|SecretStoreError)$/.test(err.name))
        throw new SecretRefError(`secret reference ${ref}: ${err.message}`);
      throw err;
    }
    if (value === undefined) {
      throw new SecretRefError(
        `secret reference ${ref}: the secret store has no such value (removed, or another database); supply the credential again`
      );
    }
  } else if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    value = env[name];
    if (value === undefined || value === '') {
      throw new SecretRefError(
        `secret reference ${ref}: the worker has no environment variable ${name}; set it on the worker`
      );
    }
  } else {
    const path = ref.slice(5);
    const full = isAbsolute(path) ? path : resolve(path);
    try {
      value = await readFile(full, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new SecretRefError(
        `secret reference ${ref}: the worker cannot read ${full} (${code}); put the file there or fix the path`
      );
    }
  }
  registerSecret(value);
  return value;
}
