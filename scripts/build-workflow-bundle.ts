// Pre-bundle the workflow code (production workers load it with ONRAMP_WORKFLOW_BUNDLE instead of
// running webpack at every start). Usage: tsx scripts/build-workflow-bundle.ts [out.js]
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../src/temporal/local-stack';

async function main(): Promise<void> {
  const out = await writeWorkflowBundle(resolve(process.argv[2] ?? 'lib/workflow-bundle.js'));
  const kib = Math.round(statSync(out).size / 1024);
  process.stdout.write(`workflow bundle written to ${out} (${kib} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
