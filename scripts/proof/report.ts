/**
 * The end of the production proof's outcome table (scripts/proof/table.ts): each phase registers the rows it
 * owes before it runs (`expectRows`), appends them as it goes (`appendRow`), and `npx tsx scripts/proof/report.ts
 * <rows file>` prints the one table and exits 1 when a row FAILED or an expected row is missing (a phase that
 * crashed before reporting). The expected names live beside the rows, in `<rows file>.expected`, one a line.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { formatRows, readRows, type ProofRow } from './table';

export function expectRows(file: string, names: readonly string[]): void {
  appendFileSync(`${file}.expected`, names.map((n) => `${n}\n`).join(''));
}

export function expectedRows(file: string): string[] {
  const f = `${file}.expected`;
  return existsSync(f) ? [...new Set(readFileSync(f, 'utf8').split('\n').filter(Boolean))] : [];
}

/** Every row reported plus a FAILED row for each expected one never reported; ok when none failed. */
export function finalRows(file: string): { rows: ProofRow[]; ok: boolean } {
  const rows = readRows(file);
  for (const name of expectedRows(file))
    if (!rows.some((r) => r.row === name))
      rows.push({ row: name, ok: false, figures: {}, detail: 'missing: its phase never reported (see the logs)' });
  return { rows, ok: rows.every((r) => r.ok) };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx scripts/proof/report.ts <rows file>\n');
    process.exit(2);
  }
  const { rows, ok } = finalRows(file);
  process.stdout.write(`${rows.length ? formatRows(rows) : '(no rows: no phase registered one)'}\n`);
  process.exit(ok ? 0 : 1);
}
