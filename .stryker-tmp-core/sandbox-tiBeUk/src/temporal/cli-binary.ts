// @ts-nocheck
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processEnv } from '../config';

/** The CLI release we build: later releases carry a `replace` directive that `go install pkg@version` rejects. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines for a human (a Go build takes minutes the first time). */
  onProgress?: (line: string) => void;
}

/** Where the built CLI is cached: outside the repo so a fresh clone reuses it. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = processEnv()): string {
  const base = env.ONRAMP_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'onramp');
  return join(base, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

const execFileAsync = promisify(execFile);

async function hasGo(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await execFileAsync('go', ['version'], { env });
    return true;
  } catch {
    return false;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Find or build a Temporal CLI (dev server + Web UI), in this order:
 * 1. `TEMPORAL_CLI_PATH` if set (it must exist);
 * 2. the cached build in {@link temporalCliCacheDir};
 * 3. `go install` of the pinned release into that cache when Go is available (offline machines reach
 *    the Go module proxy but not temporal.download);
 * 4. otherwise the SDK's own download (`cached-download`), for users with internet and no Go.
 */
export async function ensureTemporalCli(opts: EnsureOptions = {}): Promise<TemporalExecutable> {
  const env = opts.env ?? processEnv();
  const progress = opts.onProgress ?? (() => undefined);
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} does not exist: point it at a Temporal CLI binary or unset it.`);
    }
    return { type: 'existing-path', path: explicit };
  }
  const dir = temporalCliCacheDir(env);
  const binary = join(dir, 'temporal');
  if (existsSync(binary)) return { type: 'existing-path', path: binary };
  if (!(await hasGo(env))) {
    progress('Go not found: falling back to the Temporal SDK download of the dev server (needs internet).');
    return { type: 'cached-download' };
  }

  mkdirSync(dir, { recursive: true });
  // A directory lock: `npm start` and `npm test` may race to build on a fresh machine.
  const lock = join(dir, '.build-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(binary)) return { type: 'existing-path', path: binary };
      // A lock older than 30 minutes belongs to a build that died.
      if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      progress('Another process is building the Temporal CLI; waiting for it...');
      await sleep(5000);
    }
  }
  try {
    if (existsSync(binary)) return { type: 'existing-path', path: binary };
    progress(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)...`);
    const started = Date.now();
    await execFileAsync('go', ['install', MODULE], {
      env: { ...env, GOBIN: dir, GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (!existsSync(binary)) throw new Error(`go install finished but ${binary} is missing`);
    progress(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
    return { type: 'existing-path', path: binary };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
