import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../src/codec';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { devServerExtraArgs } from '../../src/temporal/dev-server';
import { ONRAMP_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
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
  const executable = await ensureTemporalCli({ onProgress: (l) => log(l) });
  const outDir = join(root, '.onramp', 'bench');
  mkdirSync(outDir, { recursive: true });
  const bundlePath = join(outDir, 'workflow-bundle.js');
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      client: { dataConverter: await benchDataConverter() },
      server: {
        executable,
        searchAttributes: ONRAMP_SEARCH_ATTRIBUTES,
        extraArgs: devServerExtraArgs({ fast: true }),
        log: { format: 'pretty', level: 'error' },
      },
    }),
    // Workflows convert their failures inside the bundle: built as production builds it (src/codec).
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    }),
  ]);
  writeFileSync(bundlePath, bundle.code);
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
