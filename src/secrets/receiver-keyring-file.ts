import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replaceFile } from './replace-file';
import type { ReceiverKeyring } from './rotation-state-types';

/**
 * Which signing master keys the Autotask webhook receiver accepts, per tenant: the one source of truth the
 * signing-secret rotation writes and the receiver reads. A directory shared by the workers and the receiver:
 *
 * - `<tenant>.json` = `{ "keyRefs": ["file:…/old.key", "file:…/new.key"] }`: secret *references* only, the
 *   newest last. Two during a rotation's overlap, one otherwise. No file: the receiver's default key.
 * - `<tenant>.<keyId>.key`: master keys the rotation generated (mode 0600), never in workflow history.
 *
 * One writer per tenant (the rotation's workflow ID is per tenant), so files are replaced whole (write to a
 * temporary file, then rename: a reader never sees half a file).
 */
export interface TenantKeys {
  keyRefs: string[];
}

const safe = (tenant: string) => encodeURIComponent(tenant).replace(/\./g, '%2E');

export class SigningKeyring implements ReceiverKeyring {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get where(): string {
    return this.dir;
  }

  private file(tenant: string): string {
    return join(this.dir, `${safe(tenant)}.json`);
  }

  /** The tenant's accepted key references, newest last; undefined when the tenant has no entry yet. */
  async keyRefs(tenant: string): Promise<string[] | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file(tenant), 'utf8')) as Partial<TenantKeys>;
      return Array.isArray(parsed.keyRefs) ? parsed.keyRefs.filter((r) => typeof r === 'string') : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async setKeyRefs(tenant: string, keyRefs: readonly string[]): Promise<void> {
    await replaceFile(
      this.file(tenant),
      `${JSON.stringify({ keyRefs: [...keyRefs] } satisfies TenantKeys, null, 2)}\n`
    );
  }

  /** A new master key for the tenant under `keyId`; an existing one is kept (a retried attempt). Returns its reference. */
  async createKey(tenant: string, keyId: string): Promise<string> {
    if (!/^[A-Za-z0-9-]{1,80}$/.test(keyId)) throw new Error(`invalid key id ${JSON.stringify(keyId)}`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${safe(tenant)}.${keyId}.key`);
    try {
      await writeFile(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return `file:${path}`;
  }
}
