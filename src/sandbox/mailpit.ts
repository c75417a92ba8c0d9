import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { processEnv } from '../config';
import { goInstallCached, hasGo, toolCacheBase } from '../temporal/go-install';
import { startChildService } from './child-service';

/**
 * Mailpit, the mail catcher of the sandbox and the tests (issue 22): an SMTP server that keeps every message,
 * with a web UI and an HTTP API (`/api/v1/messages`, `/api/v1/message/{ID}`). Built like the Temporal CLI:
 * `go install` of a pinned release from the Go module proxy, cached under ~/.cache/onramp.
 */
export const MAILPIT_VERSION = 'v1.33.1';
const MODULE = `github.com/axllent/mailpit@${MAILPIT_VERSION}`;

export function mailpitCacheDir(env: NodeJS.ProcessEnv = processEnv()): string {
  return join(toolCacheBase(env), `mailpit-${MAILPIT_VERSION}`);
}

/** `MAILPIT_PATH` if set, else the cached build, else `go install` it (minutes, once). */
export async function ensureMailpit(
  opts: { env?: NodeJS.ProcessEnv; onProgress?: (line: string) => void } = {}
): Promise<string> {
  const env = opts.env ?? processEnv();
  const explicit = env.MAILPIT_PATH;
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`MAILPIT_PATH=${explicit} does not exist: point it at a Mailpit binary or unset it.`);
    return explicit;
  }
  const dir = mailpitCacheDir(env);
  if (existsSync(join(dir, 'mailpit'))) return join(dir, 'mailpit');
  if (!(await hasGo(env))) throw new Error('Mailpit is built with Go: install Go (>= 1.25) or set MAILPIT_PATH');
  return goInstallCached({
    module: MODULE,
    dir,
    binary: 'mailpit',
    label: `Mailpit ${MAILPIT_VERSION}`,
    env,
    progress: opts.onProgress ?? (() => undefined),
  });
}

export interface RunningMailpit {
  smtpUrl: string;
  /** Web UI and API root. */
  uiUrl: string;
  stop(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Start Mailpit on loopback (messages in memory, or in `database` to survive a restart); resolves once its API answers. */
export async function startMailpit(opts: {
  binary: string;
  smtpPort: number;
  uiPort: number;
  database?: string;
  /** More Mailpit flags (tests: `--smtp-allowed-recipients` to have it refuse an address with a 5xx). */
  extraArgs?: string[];
  onLog?: (line: string) => void;
}): Promise<RunningMailpit> {
  const args = [
    '--smtp',
    `127.0.0.1:${opts.smtpPort}`,
    '--listen',
    `127.0.0.1:${opts.uiPort}`,
    '--disable-version-check',
    '--quiet',
    ...(opts.database ? ['--database', opts.database] : []),
    ...(opts.extraArgs ?? []),
  ];
  const uiUrl = `http://127.0.0.1:${opts.uiPort}`;
  // `npm start` ending any way (an error included) takes its Mailpit with it (startChildService's guard).
  const { stop } = await startChildService({
    command: opts.binary,
    args,
    ready: () => reachable(`${uiUrl}/api/v1/info`),
    timeoutMs: 30_000,
    pollMs: 100,
    exitedMessage: `Mailpit exited at start (ports ${opts.smtpPort}/${opts.uiPort} in use?)`,
    timeoutMessage: 'Mailpit did not answer within 30 s',
    onLog: opts.onLog,
  });
  return { smtpUrl: `smtp://127.0.0.1:${opts.smtpPort}`, uiUrl, stop };
}
