/**
 * The production workflow bundle, built once at image build time (`node dist/temporal/workflow-bundle.js
 * OUT.js`) and loaded by every worker through ONRAMP_WORKFLOW_BUNDLE instead of running webpack at each
 * start. Only production dependencies here: the image's builder must not need test tooling.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec';

/**
 * Bundle the workflow code as production does: the failure converter must be inside the bundle, because
 * workflows convert their own failures (without it failure messages would be stored in clear).
 */
export async function writeWorkflowBundle(
  outPath: string,
  workflowsPath: string = require.resolve('../workflows')
): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  const heavy = heavyModulesIn(code);
  if (heavy.length)
    throw new Error(
      `the workflow bundle must not load ${heavy.join(', ')}: every bundled module is evaluated once per cached workflow (reuseV8Context), so a validation library costs megabytes per waiting onboarding. Import values from src/rules/* (zod-free) in src/workflows, and types with \`import type\``
    );
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
  return outPath;
}

/**
 * Libraries that must stay out of the workflow bundle: zod's ~600 schema objects were ~2 MB of heap per
 * cached workflow, and were rebuilt on every cache miss (docs/benchmark.md).
 */
const KEPT_OUT = ['zod'];

/** The KEPT_OUT packages webpack put in `code` (its module IDs are the modules' relative paths). */
export function heavyModulesIn(code: string): string[] {
  return KEPT_OUT.filter((name) => code.includes(`node_modules/${name}/`));
}

async function main(): Promise<void> {
  const out = await writeWorkflowBundle(resolve(process.argv[2] ?? 'dist/workflow-bundle.js'));
  const kib = Math.round(statSync(out).size / 1024);
  process.stdout.write(`workflow bundle written to ${out} (${kib} KiB)\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
