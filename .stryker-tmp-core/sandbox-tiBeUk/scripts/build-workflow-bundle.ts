// @ts-nocheck
// Pre-bundle the workflow code from the TypeScript sources (the image builds it from the compiled output
// with `node dist/temporal/workflow-bundle.js`). Usage: tsx scripts/build-workflow-bundle.ts [out.js]
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../src/temporal/workflow-bundle';

async function main(): Promise<void> {
  const out = await writeWorkflowBundle(resolve(process.argv[2] ?? 'lib/workflow-bundle.js'));
  const kib = Math.round(statSync(out).size / 1024);
  process.stdout.write(`workflow bundle written to ${out} (${kib} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
