import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { processEnv } from '../config';
import { goInstallCached, hasGo, toolCacheBase } from './go-install';

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
  return join(toolCacheBase(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
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

  const path = await goInstallCached({
    module: MODULE,
    dir,
    binary: 'temporal',
    label: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    env,
    progress,
  });
  return { type: 'existing-path', path };
}
