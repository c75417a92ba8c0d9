import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replaceFile } from './replace-file';
import type { CredentialKind, CurrentCredentialRecords } from './rotation-state-types';
import { isSecretRef } from './secret-ref';

/** Refuses a record that would hold a secret: every secret-named field must be a reference. */
export function assertReferencesOnly(value: Record<string, string>): void {
  for (const [field, v] of Object.entries(value))
    if (/secret|private|password/i.test(field) && !isSecretRef(v))
      throw new Error(`${field} must be a secret reference, never the secret itself`);
}

/**
 * The credential references an integration uses *now*, per customer, written by the rotation that
 * switched them and read by the next rotation (a scheduled run keeps the arguments it was created with,
 * so those name a key already rotated away). References and public identifiers only: a value that is not
 * a secret reference is refused for any field named like a secret.
 *
 * `<dir>/<kind>/<key>.json`, replaced whole (temporary file + rename). One writer per key: the rotation's
 * workflow ID is per customer.
 */
export class CurrentCredentials implements CurrentCredentialRecords {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get where(): string {
    return this.dir;
  }

  private file(kind: CredentialKind, key: string): string {
    return join(this.dir, kind, `${encodeURIComponent(key).replace(/\./g, '%2E')}.json`);
  }

  async read<T extends Record<string, string>>(kind: CredentialKind, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.file(kind, key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(kind: CredentialKind, key: string, value: Record<string, string>): Promise<void> {
    assertReferencesOnly(value);
    await replaceFile(this.file(kind, key), `${JSON.stringify(value, null, 2)}\n`);
  }
}
