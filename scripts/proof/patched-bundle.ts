/**
 * Version B of the workflow code for the upgrade proof (scripts/proof/upgrade.ts) and its test
 * (test/worker-versioning.test.ts): a copy of src/ in a temporary directory with one real change to
 * googleDelegationOnboarding, bundled exactly as production bundles (src/temporal/workflow-bundle.ts). Nothing of
 * it is committed to src/: the change exists only in the copy.
 *
 * The change: before its first check, B gives the admin's grant 2 s to settle (a new timer, summary
 * UPGRADE_B_TIMER_SUMMARY). A history recorded by A (whose first command is a check or an e-mail, never this timer)
 * does not replay on B: exactly the kind of change Onramp ships without `patched()`, as a new version.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeWorkflowBundle } from '../../src/temporal/workflow-bundle';

export const UPGRADE_B_TIMER_SUMMARY = 'Let the grant settle before the first check (version B)';
const FILE = 'src/workflows/google-delegation.ts';
const ANCHOR = '  const d = openDelegation(request, input, carry);\n';

/** The patched source text of FILE (throws when the anchor moved: the proof must change the code it means to). */
export function patchDelegationSource(source: string): string {
  if (!source.includes(ANCHOR) || !source.includes('  continueAsNew,\n'))
    throw new Error(
      `${FILE}: the upgrade proof's anchor (${ANCHOR.trim()}) is gone: update scripts/proof/patched-bundle.ts`
    );
  return source
    .replace('  continueAsNew,\n', '  continueAsNew,\n  sleep,\n')
    .replace(ANCHOR, `${ANCHOR}  await sleep(2000, { summary: ${JSON.stringify(UPGRADE_B_TIMER_SUMMARY)} });\n`);
}

/** Copy src/ into `dir`, apply the change, bundle it; returns the bundle's path. */
export async function buildPatchedBundle(dir: string): Promise<string> {
  const repo = resolve(__dirname, '..', '..');
  mkdirSync(dir, { recursive: true });
  cpSync(join(repo, 'src'), join(dir, 'src'), { recursive: true });
  // The copy resolves its packages from the repository's node_modules, as the original does.
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(dir, FILE);
  writeFileSync(file, patchDelegationSource(readFileSync(file, 'utf8')));
  return writeWorkflowBundle(join(dir, 'workflow-bundle.js'), join(dir, 'src', 'workflows', 'index.ts'));
}
