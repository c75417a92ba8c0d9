import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerExtraArgs, searchAttributeArgs } from '../temporal/dev-server';
import { startChildService } from './child-service';

export interface LocalTemporal {
  address: string;
  webUiUrl: string;
  /** Undefined when we reused a server that was already running. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

async function reachable(address: string): Promise<boolean> {
  try {
    const c = await Connection.connect({ address, connectTimeout: 1000 });
    await c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Start the Temporal CLI's dev server persisting to a SQLite file, so a restart keeps the onboardings
 * that were in flight. Spawned directly (not through the SDK's test environment) so Ctrl-C stops it
 * gracefully instead of with SIGKILL.
 */
export async function startLocalTemporal(opts: {
  cliPath: string;
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  codecEndpoint?: string;
  onLog?: (line: string) => void;
}): Promise<LocalTemporal> {
  const address = `127.0.0.1:${opts.port}`;
  const webUiUrl = `http://localhost:${opts.uiPort}`;
  if (await reachable(address)) {
    opts.onLog?.(`A Temporal server already answers at ${address}; using it.`);
    return { address, webUiUrl, stop: async () => undefined };
  }
  mkdirSync(dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--db-filename',
    opts.dbFile,
    '--log-level',
    'warn',
    ...searchAttributeArgs(),
    ...devServerExtraArgs(),
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
  ];
  const { child, stop } = await startChildService({
    command: opts.cliPath,
    args,
    ready: () => reachable(address),
    timeoutMs: 60_000,
    pollMs: 250,
    exitedMessage: `the Temporal dev server exited during start (port ${opts.port} or ${opts.uiPort} in use?)`,
    timeoutMessage: `the Temporal dev server did not answer at ${address} within 60 s`,
    onLog: opts.onLog,
  });
  return {
    address,
    webUiUrl,
    child,
    stop,
  };
}
