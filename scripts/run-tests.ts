/**
 * `npm test`: one real Temporal dev server (the CLI found or built by ensureTemporalCli, handed to the
 * SDK as an existing path), the workflow code bundled once, then node's test runner over test/**.
 * Test files reach the server through TEMPORAL_ADDRESS; each uses its own task queue.
 *
 *   npm test                      # everything
 *   npm test -- test/config.test.ts   # some files
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../src/codec';
import { ensureTemporalCli } from '../src/temporal/cli-binary';
import { devServerExtraArgs } from '../src/temporal/dev-server';
import { ONRAMP_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';

function findTests(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? findTests(p) : p.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  const root = resolve(__dirname, '..');
  const files = process.argv.slice(2).length ? process.argv.slice(2) : findTests(join(root, 'test'));
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const t0 = Date.now();
  const executable = await ensureTemporalCli({ onProgress: (l) => console.error(`[test] ${l}`) });
  const outDir = join(root, '.onramp', 'test');
  mkdirSync(outDir, { recursive: true });
  const bundlePath = join(outDir, 'workflow-bundle.js');
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        searchAttributes: ONRAMP_SEARCH_ATTRIBUTES,
        extraArgs: devServerExtraArgs({ fast: true }),
        log: { format: 'pretty', level: 'error' },
      },
    }),
    // Workflows convert their failures inside the bundle: encode them as production does (src/codec).
    bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    }),
  ]);
  writeFileSync(bundlePath, bundle.code);
  console.error(
    `[test] Temporal dev server at ${env.address}, workflows bundled (${Math.round((Date.now() - t0) / 100) / 10} s)`
  );

  try {
    return await new Promise<number>((resolveExit) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
        {
          stdio: 'inherit',
          cwd: root,
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: env.address,
            TEMPORAL_NAMESPACE: env.namespace ?? 'default',
            ONRAMP_WORKFLOW_BUNDLE: bundlePath,
            ONRAMP_TEST_SHARED_SERVER: '1',
          },
        }
      );
      child.on('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await env.teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  }
);
