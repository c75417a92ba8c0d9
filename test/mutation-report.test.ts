/**
 * scripts/mutation-report.ts: the stale-report check, the per-module floor with its equivalents list, README's
 * table. Temporal-free; a throwaway directory stands in for the repository.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  expandGlobs,
  globToRegExp,
  mutantCounts,
  parseEquivalents,
  scoreModules,
  staleness,
  tableMarkdown,
  type Report,
  type ReportMutant,
} from '../scripts/mutation-report';

const SOURCE = "export const a = (x: number) => x > 1 ? 'big' : 'small';\n";

function mutant(
  id: string,
  status: ReportMutant['status'],
  mutatorName: string,
  at: [number, number],
  replacement: string
) {
  return {
    id,
    mutatorName,
    replacement,
    status,
    location: { start: { line: 1, column: at[0] }, end: { line: 1, column: at[1] } },
  } satisfies ReportMutant;
}
const col = (text: string) => SOURCE.indexOf(text) + 1;
const big = mutant('1', 'Ignored', 'StringLiteral', [col("'big'"), col("'big'") + 5], '""');
const small = mutant('2', 'Survived', 'StringLiteral', [col("'small'"), col("'small'") + 7], '""');
const cond = mutant('3', 'Killed', 'EqualityOperator', [col('x > 1'), col('x > 1') + 5], 'x >= 1');

const report = (mutants: ReportMutant[]): Report => ({ files: { 'src/a.ts': { source: SOURCE, mutants } } });
const listRow = (original: string, replacement: string, count = 1) =>
  `| File | Line | Mutator | Original | Replacement | Count | Reason |\n| --- | --- | --- | --- | --- | --- | --- |\n` +
  `| \`src/a.ts\` | \`${SOURCE.trim()}\` | StringLiteral | \`${original}\` | \`${replacement}\` | ${count} | never shown |\n`;

describe('scripts/mutation-report.ts', () => {
  const root = mkdtempSync(join(tmpdir(), 'mutation-report-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('expands the mutate globs as Stryker names them (**, *, literal paths)', () => {
    mkdirSync(join(root, 'src/domain/deep'), { recursive: true });
    for (const f of ['src/domain/a.ts', 'src/domain/deep/b.ts', 'src/domain/c.js', 'src/x.ts']) {
      writeFileSync(join(root, f), SOURCE);
    }
    assert.deepEqual(expandGlobs(['src/domain/**/*.ts', 'src/x.ts', 'src/missing.ts'], root), [
      'src/domain/a.ts',
      'src/domain/deep/b.ts',
      'src/x.ts',
    ]);
    assert.equal(globToRegExp('src/*.ts').test('src/a/b.ts'), false);
    assert.throws(() => globToRegExp('src/{a,b}.ts'), /only literal paths/);
  });

  it('finds the report stale for a changed source, a missing entry, a file no longer mutated, a changed test', () => {
    writeFileSync(join(root, 'src/x.ts'), SOURCE);
    const r: Report = {
      files: { 'src/x.ts': { source: SOURCE, mutants: [] }, 'src/gone.ts': { source: '', mutants: [] } },
      testFiles: { 'src/domain/a.ts': { source: SOURCE } },
    };
    assert.deepEqual(staleness(r, ['src/x.ts'], ['src/domain/a.ts'], root), [
      'mutated src/gone.ts: in reports/stryker-incremental.json but no longer mutated',
    ]);
    writeFileSync(join(root, 'src/x.ts'), `${SOURCE}// edited\n`);
    writeFileSync(join(root, 'src/domain/a.ts'), `${SOURCE}// edited\n`);
    assert.deepEqual(staleness(r, ['src/x.ts', 'src/domain/deep/b.ts'], ['src/domain/a.ts'], root), [
      'mutated src/x.ts: changed since the report (source hash differs)',
      'mutated src/domain/deep/b.ts: no entry in reports/stryker-incremental.json',
      'mutated src/gone.ts: in reports/stryker-incremental.json but no longer mutated',
      'test src/domain/a.ts: changed since the report (source hash differs)',
    ]);
  });

  it("expects no entry for a file Stryker's instrumenter makes no mutant of (types only)", async () => {
    writeFileSync(join(root, 'src/types.ts'), 'export type A = { a: string };\n');
    const counts = await mutantCounts(['src/types.ts', 'src/x.ts'], root);
    assert.equal(counts.get('src/types.ts'), 0);
    assert.ok(counts.get('src/x.ts')! > 0);
    const r: Report = { files: {}, testFiles: {} };
    assert.deepEqual(staleness(r, ['src/types.ts', 'src/x.ts'], [], root, ['src/types.ts']), [
      'mutated src/x.ts: no entry in reports/stryker-incremental.json',
    ]);
  });

  it('counts an Ignored mutant as survived unless reports/equivalent-mutants.md lists it', () => {
    const none = scoreModules(report([big, small, cond]), []);
    assert.deepEqual(none.problems, []);
    assert.equal(none.modules[0]!.score, 100 / 3);
    assert.equal(none.modules[0]!.ignoredUnlisted, 1);

    const listed = scoreModules(report([big, small, cond]), parseEquivalents(listRow("'big'", '""')));
    assert.deepEqual(listed.problems, []);
    assert.equal(listed.modules[0]!.equivalent, 1);
    assert.equal(listed.modules[0]!.score, 50);
  });

  it('fails a row whose count does not match the report, and a listed mutant that a test kills', () => {
    const miscounted = scoreModules(report([big, small, cond]), parseEquivalents(listRow("'big'", '""', 2)));
    assert.match(miscounted.problems.join('\n'), /listed 2, the report has 1 such mutant/);
    const killed = scoreModules(report([{ ...big, status: 'Killed' }]), parseEquivalents(listRow("'big'", '""')));
    assert.match(killed.problems.join('\n'), /src\/a.ts: 1 listed mutant\(s\) were killed: not equivalent/);
    assert.throws(() => parseEquivalents(listRow("'big'", '""').replace('never shown', '')), /needs file/);
  });

  it("prints README's table: a row per module and the total", () => {
    const { modules } = scoreModules(report([big, small, cond]), parseEquivalents(listRow("'big'", '""')));
    assert.deepEqual(tableMarkdown(modules).split('\n'), [
      '| Module | Mutants | Killed or timed out | Not killed | Equivalent | Errors | Score % |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| `src/a.ts` | 3 | 1 | 1 | 1 | 0 | 50.00 |',
      '| **all 1 modules** | 3 | 1 | 1 | 1 | 0 | **50.00** |',
    ]);
  });
});
