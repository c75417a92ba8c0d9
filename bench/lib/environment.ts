import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startLocalTestStack } from '../../src/temporal/local-stack';
import { benchDataConverter } from './codec';

/** What every scenario gets: a real Temporal server, a client, and the pre-built workflow bundle. */
export interface BenchContext {
  client: Client;
  address: string;
  namespace: string;
  bundlePath: string;
  /** True when the server is ours alone (the benchmark); false on a shared server (the smoke test). */
  ownServer: boolean;
  log(line: string): void;
  taskQueue(prefix: string): string;
}

export interface BenchEnvironment {
  ctx: BenchContext;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;
function installRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* already installed by the host (the smoke test's helpers) */
  }
  runtimeInstalled = true;
}

const taskQueue = (prefix: string) => `bench-${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * The benchmark's own Temporal dev server, started as `npm test` starts its one (the Onramp-built CLI,
 * Onramp's search attributes, SQLite in memory with WAL and synchronous=OFF), and the workflows bundled once.
 */
export async function startBenchEnvironment(log: (line: string) => void): Promise<BenchEnvironment> {
  installRuntime();
  const root = resolve(__dirname, '..', '..');
  const { env, bundlePath } = await startLocalTestStack({
    bundlePath: join(root, '.onramp', 'bench', 'workflow-bundle.js'),
    dataConverter: await benchDataConverter(),
    onProgress: log,
  });
  return {
    ctx: {
      client: env.client,
      address: env.address,
      namespace: env.namespace ?? 'default',
      bundlePath,
      ownServer: true,
      log,
      taskQueue,
    },
    teardown: () => env.teardown(),
  };
}

/** A context on a server someone else started (the smoke test under `npm test`). */
export function contextOn(
  env: TestWorkflowEnvironment,
  bundlePath: string,
  log: (line: string) => void = () => undefined
): BenchContext {
  return {
    client: env.client,
    address: env.address,
    namespace: env.namespace ?? 'default',
    bundlePath,
    ownServer: false,
    log,
    taskQueue,
  };
}
