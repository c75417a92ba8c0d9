import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerExtraArgs, searchAttributeArgs } from '../temporal/dev-server';

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
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (b: Buffer) =>
    b
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => opts.onLog?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let exited = false;
  // Last resort when this process ends without stopping it (an uncaught error, process.exit): a child
  // outlives its parent, and this one would keep the ports the next `npm start` needs.
  const orphanGuard = () => void (exited || child.kill('SIGTERM'));
  process.once('exit', orphanGuard);
  child.on('exit', () => {
    exited = true;
    process.removeListener('exit', orphanGuard);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + 60_000;
  while (!(await reachable(address))) {
    if (exited)
      throw new Error(`the Temporal dev server exited during start (port ${opts.port} or ${opts.uiPort} in use?)`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Temporal dev server did not answer at ${address} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address,
    webUiUrl,
    child,
    stop,
  };
}
