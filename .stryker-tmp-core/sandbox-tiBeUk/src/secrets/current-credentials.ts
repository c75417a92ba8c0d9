// @ts-nocheck
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isSecretRef } from './secret-ref';

/**
 * The credential references an integration uses *now*, per customer, written by the rotation that
 * switched them and read by the next rotation (a scheduled run keeps the arguments it was created with,
 * so those name a key already rotated away). References and public identifiers only: a value that is not
 * a secret reference is refused for any field named like a secret.
 *
 * `<dir>/<kind>/<key>.json`, replaced whole (temporary file + rename). One writer per key: the rotation's
 * workflow ID is per customer.
 */
export type CredentialKind = 'connectwise-key';

export class CurrentCredentials {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
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
    for (const [field, v] of Object.entries(value))
      if (/secret|private|password/i.test(field) && !isSecretRef(v))
        throw new Error(`${field} must be a secret reference, never the secret itself`);
    const target = this.file(kind, key);
    await mkdir(join(this.dir, kind), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, target);
  }
}
