/**
 * The production proof's one table of outcomes: every phase that proves something under fire (a fault, the
 * fairness load, the upgrade) appends one row; the proof prints them all at the end and fails if any row failed
 * or an expected row is missing (a fault that did not fire is a failed row, never an absent one).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface ProofRow {
  /** One of the names a reader greps for: kill-worker, restart-temporal, restart-postgresql, partition-worker,
   * rotate-codec-key, fairness, upgrade. */
  row: string;
  ok: boolean;
  /** The figures that show it, e.g. { recoverySeconds: 12.3, ordersCompleted: 8, duplicates: 0 }. */
  figures: Record<string, number | string>;
  /** Why it failed, or what it showed, in one line. */
  detail?: string;
}

export function appendRow(file: string, row: ProofRow): void {
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function readRows(file: string): ProofRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProofRow);
}

/** Markdown, so the table pastes into docs as printed. */
export function formatRows(rows: ProofRow[]): string {
  const lines = ['| row | outcome | figures | detail |', '|---|---|---|---|'];
  for (const r of rows) {
    const figures = Object.entries(r.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(`| ${r.row} | ${r.ok ? 'ok' : 'FAILED'} | ${figures} | ${r.detail ?? ''} |`);
  }
  return lines.join('\n');
}
