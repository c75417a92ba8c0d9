// @ts-nocheck
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processEnv } from '../config';

/**
 * Secrets typed by an operator never travel on argv (shell history, `ps`) nor into Temporal: the CLI reads
 * them from stdin or a file, stores them in the secret directory the workers read (ONRAMP_SECRETS_DIR,
 * a shared mount in production) with mode 0600, and hands the workflow a `file:` reference.
 */
export async function readSecret(opts: { secretStdin?: boolean; secretFile?: string }): Promise<string> {
  if (opts.secretFile) return readFileSync(opts.secretFile, 'utf8').trim();
  if (opts.secretStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const value = Buffer.concat(chunks).toString('utf8').trim();
    if (!value)
      throw new Error('stdin was empty: pipe the secret in, e.g. `pass show autotask | onramp supply-credential ...`');
    return value;
  }
  throw new Error('give the secret with --secret-stdin or --secret-file <path> (never on the command line)');
}

export function storeSecret(name: string, value: string, env: NodeJS.ProcessEnv = processEnv()): string {
  const dir = resolve(env.ONRAMP_SECRETS_DIR ?? join(env.ONRAMP_DATA_DIR ?? '.onramp', 'secrets'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_'));
  writeFileSync(path, value, { mode: 0o600 });
  chmodSync(path, 0o600);
  return `file:${path}`;
}
