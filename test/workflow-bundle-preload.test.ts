import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { sharedWorkflowModules, writeWorkflowBundle } from '../src/temporal/workflow-bundle';

const repo = resolve(__dirname, '..');
const workflowsPath = require.resolve('../src/workflows');
const shared = sharedWorkflowModules(workflowsPath);

/**
 * Top-level state a module shared by every cached workflow must not have: a `let`/`var` binding (state one run
 * would leave for the next), or a top-level call to the clock or randomness (the workflow sandbox refuses both
 * before a workflow exists, and they would be one run's values for all).
 */
function moduleStateIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  for (const st of source.statements) {
    if (ts.isVariableStatement(st) && !(st.declarationList.flags & ts.NodeFlags.Const))
      found.push(
        `line ${source.getLineAndCharacterOfPosition(st.getStart()).line + 1}: ${st.getText().split('\n')[0]}`
      );
    if (ts.isExpressionStatement(st) || ts.isVariableStatement(st)) {
      const visit = (n: ts.Node): void => {
        // Function bodies run later, inside a workflow; only what runs at module load counts.
        if (ts.isFunctionLike(n)) return;
        if (
          /^(Date\.now|Math\.random|new Date)\b/.test(n.getText()) &&
          (ts.isCallExpression(n) || ts.isNewExpression(n))
        )
          found.push(`line ${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText()}`);
        ts.forEachChild(n, visit);
      };
      visit(st);
    }
  }
  return found;
}

describe('modules every cached workflow shares (src/temporal/workflow-bundle.ts, the SDK preloadModules)', () => {
  it('are src/contract and src/rules, never a workflow module', () => {
    const rel = shared.map((f) => relative(repo, f));
    assert.ok(rel.includes('src/rules/fairness.ts') && rel.includes('src/contract/search-attributes.ts'), rel.join());
    assert.deepEqual(
      rel.filter((f) => !/^src\/(contract|rules)\/[\w-]+\.ts$/.test(f)),
      [],
      'only contract and rules modules are shared'
    );
  });

  it('hold no state of their own at module level', () => {
    const offenders = shared.flatMap((f) => moduleStateIn(f).map((s) => `${relative(repo, f)} ${s}`));
    assert.deepEqual(offenders, [], 'a shared module would carry this from one workflow run to the next');
  });

  const dir = mkdtempSync(join(tmpdir(), 'onramp-bundle-preload-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are preloaded by the production bundle', async () => {
    const code = readFileSync(await writeWorkflowBundle(join(dir, 'workflow-bundle.js')), 'utf8');
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code);
    assert.ok(preload, 'the bundle has a preloadModules function');
    for (const f of shared)
      assert.ok(preload[1]!.includes(relative(repo, f)) || preload[1]!.includes(f), `${f} preloaded`);
  });
});
