/**
 * The production workflow bundle, built once at image build time (`node dist/temporal/workflow-bundle.js
 * OUT.js`) and loaded by every worker through ONRAMP_WORKFLOW_BUNDLE instead of running webpack at each
 * start. Only production dependencies here: the image's builder must not need test tooling.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
    preloadModules: sharedWorkflowModules(workflowsPath),
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
 * The modules every cached workflow shares instead of evaluating its own copy (the SDK's `preloadModules`: with
 * reuseV8Context each workflow otherwise runs every bundled module's top level again, in its own module cache).
 * Only src/rules (pure, no module state, no clock or randomness at module scope: the layer's rule) and
 * src/contract (message and query definitions, constants) qualify; the workflows' own modules, which hold
 * activity proxies and per-run state, are not shared. Paths are absolute, next to `workflowsPath`, so a bundle
 * built from a copy of the sources (scripts/proof/patched-bundle.ts) preloads the copy's modules.
 */
export function sharedWorkflowModules(workflowsPath: string): string[] {
  const src = resolve(dirname(workflowsPath), '..');
  return ['contract', 'rules'].flatMap((dir) =>
    readdirSync(join(src, dir))
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => join(src, dir, f))
  );
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
