// Pre-bundle the workflow code (production workers load it with ONRAMP_WORKFLOW_BUNDLE instead of
// running webpack at every start). Usage: tsx scripts/build-workflow-bundle.ts [out.js]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../src/codec';

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'lib/workflow-bundle.js');
  // The failure converter must be inside the bundle: workflows convert their own failures, and without it
  // failure messages and stack traces would be stored in clear.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  process.stdout.write(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
