/**
 * `npm test`: one real Temporal dev server (the CLI found or built by ensureTemporalCli, handed to the
 * SDK as an existing path), the workflow code bundled once, then node's test runner over test/**.
 * Test files reach the server through TEMPORAL_ADDRESS; each uses its own task queue.
 *
 *   npm test                      # everything
 *   npm test -- test/config.test.ts   # some files
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startLocalTestStack } from '../src/temporal/local-stack';

function findTests(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? findTests(p) : p.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

function sharedTestCodecKey(): Record<string, string> {
  if (process.env.ONRAMP_CODEC_KEYS) return {};
  return {
    ONRAMP_TEST_CODEC_KEY: randomBytes(32).toString('base64'),
    ONRAMP_CODEC_KEYS: 'test=env:ONRAMP_TEST_CODEC_KEY',
  };
}

async function main(): Promise<number> {
  const root = resolve(__dirname, '..');
  const files = process.argv.slice(2).length ? process.argv.slice(2) : findTests(join(root, 'test'));
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const t0 = Date.now();
  const { env, bundlePath } = await startLocalTestStack({
    bundlePath: join(root, '.onramp', 'test', 'workflow-bundle.js'),
    onProgress: (l) => console.error(`[test] ${l}`),
  });
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
            // One key ring for the one namespace, as in production: schedules and workflows a test file leaves
            // behind stay readable by the next (a schedule list decodes every schedule's memo).
            ...sharedTestCodecKey(),
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
