import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The cache of tool builds: outside the repo so a fresh clone reuses it (`ONRAMP_CACHE_DIR`, else ~/.cache/onramp). */
export function toolCacheBase(env: NodeJS.ProcessEnv): string {
  return env.ONRAMP_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'onramp');
}

export async function hasGo(env: NodeJS.ProcessEnv): Promise<boolean> {
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

export interface GoInstall {
  /** `module/path/cmd@version`. */
  module: string;
  /** The cache directory the binary lands in (GOBIN). */
  dir: string;
  binary: string;
  /** "the Temporal CLI v1.5.1", for progress lines. */
  label: string;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
}

/**
 * `go install` a pinned module into its cache directory once, under a directory lock (`npm start` and
 * `npm test` may race to build on a fresh machine; a lock older than 30 minutes belongs to a dead build).
 * Returns the binary's path.
 */
export async function goInstallCached(g: GoInstall): Promise<string> {
  const binary = join(g.dir, g.binary);
  if (existsSync(binary)) return binary;
  mkdirSync(g.dir, { recursive: true });
  const lock = join(g.dir, '.build-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(binary)) return binary;
      if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      g.progress(`Another process is building ${g.label}; waiting for it...`);
      await sleep(5000);
    }
  }
  try {
    if (existsSync(binary)) return binary;
    g.progress(`Building ${g.label} with go install (first run only, a few minutes)...`);
    const started = Date.now();
    await execFileAsync('go', ['install', g.module], {
      env: { ...g.env, GOBIN: g.dir, GOFLAGS: `${g.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (!existsSync(binary)) throw new Error(`go install finished but ${binary} is missing`);
    g.progress(`${g.label} built in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
    return binary;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
