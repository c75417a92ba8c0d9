import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const repo = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every module reachable from an entry point through static imports/requires, with the packages each names. */
function closure(entries: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = entries.map((e) => join(repo, e));
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm),
      ...text.matchAll(/^\s*export\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm),
      ...text.matchAll(/\brequire(?:\.resolve)?\('([^']+)'\)/g),
      ...text.matchAll(/\bimport\('([^']+)'\)/g),
    ].map((m) => m[1]!);
    const packages: string[] = [];
    for (const s of specs) {
      if (s.startsWith('.')) {
        const base = resolve(dirname(file), s);
        const f = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
        if (f) stack.push(f);
      } else if (!s.startsWith('node:') && !builtinModules.includes(s)) {
        packages.push(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
      }
    }
    seen.set(file, packages);
  }
  return seen;
}

describe('the production image needs production dependencies only', () => {
  it('worker, intake, codec server, checklist page, CLI and the bundle builder import nothing from devDependencies', () => {
    const graph = closure([
      'src/worker.ts',
      'src/intake/main.ts',
      'src/codec-server/main.ts',
      'src/checklist-page/main.ts',
      'src/cli/main.ts',
      'src/temporal/workflow-bundle.ts',
    ]);
    const offenders: string[] = [];
    for (const [file, packages] of graph) {
      for (const p of packages) {
        if (!pkg.dependencies[p]) offenders.push(`${file.slice(repo.length + 1)} imports ${p}`);
      }
    }
    assert.deepEqual(offenders, []);
    assert.ok(graph.size > 30, `walked ${graph.size} modules`);
    assert.equal(pkg.dependencies['@temporalio/testing'], undefined);
    assert.equal(pkg.dependencies.tsx, undefined);
  });

  it('@temporalio/envconfig is pinned to the same version as the other Temporal packages', () => {
    const versions = new Set(
      Object.entries(pkg.dependencies)
        .filter(([n]) => n.startsWith('@temporalio/'))
        .map(([, v]) => v)
    );
    assert.deepEqual([...versions], [pkg.dependencies['@temporalio/client']]);
    assert.ok(pkg.dependencies['@temporalio/envconfig']);
  });
});
