import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from './cli-binary';
import { devServerExtraArgs } from './dev-server';
import { ONRAMP_SEARCH_ATTRIBUTES } from '../contract/search-attributes';
import { writeWorkflowBundle } from './workflow-bundle';

/** Test tooling only (devDependencies): the production bundle builder is ./workflow-bundle.ts. */
export { writeWorkflowBundle };

/**
 * What `npm test` and `npm run bench` run against: one real dev server (the CLI found or built, handed to
 * the SDK as an existing path; in-memory SQLite with WAL and synchronous=OFF; Onramp's search attributes
 * and dynamic config) and the workflows bundled once, both started in parallel.
 */
export async function startLocalTestStack(opts: {
  bundlePath: string;
  dataConverter?: DataConverter;
  onProgress?: (line: string) => void;
}): Promise<{ env: TestWorkflowEnvironment; bundlePath: string }> {
  const executable = await ensureTemporalCli({ onProgress: opts.onProgress });
  const [env, bundlePath] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      ...(opts.dataConverter ? { client: { dataConverter: opts.dataConverter } } : {}),
      server: {
        executable,
        searchAttributes: ONRAMP_SEARCH_ATTRIBUTES,
        extraArgs: devServerExtraArgs({ fast: true }),
        log: { format: 'pretty', level: 'error' },
      },
    }),
    writeWorkflowBundle(opts.bundlePath),
  ]);
  return { env, bundlePath };
}
