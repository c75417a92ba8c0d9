import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replace `target` whole with `text` (mode 0600, its directory created 0700): written to a temporary file
 * beside it, then renamed, so a reader never sees half a file. For files with one writer each.
 */
export async function replaceFile(target: string, text: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, target);
}
