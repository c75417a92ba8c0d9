import type { PermissionRow } from '../contract/connectwise-onboarding-messages';

/**
 * Warnings an operator must see wherever a workflow is shown (issue 22 item 3): the plain `onramp status`,
 * the Web UI's current details, the checklist page, not only `status --json`. Derived from the status the
 * workflow already reports, so every view says the same.
 */

/** ConnectWise rows that only a write could prove (Add/Edit): the operator checks them in the role. */
export function unverifiedRowWarnings(rows: readonly PermissionRow[] | undefined): string[] {
  return (rows ?? [])
    .filter((r) => r.ok === 'unverified')
    .map(
      (r) =>
        `${r.module} > ${r.area}: ${r.action} is unverified (needs ${r.required}; Onramp does not write to prove it): check it in ${r.menuPath}`
    );
}

/**
 * The warnings of any Onramp workflow's status: Autotask's Restricted rights, ConnectWise's unverified rows, and
 * the e-mails to its humans that were not sent (`mailWarnings`, every onboarding with a human step and a sales deal).
 */
export function statusWarnings(status: unknown): string[] {
  if (!status || typeof status !== 'object') return [];
  const s = status as { warnings?: unknown; permissions?: unknown; mailWarnings?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : []);
  const rows = Array.isArray(s.permissions) ? (s.permissions as PermissionRow[]) : [];
  return [
    ...strings(s.warnings).map((w) => `Restricted: ${w}`),
    ...unverifiedRowWarnings(rows),
    ...strings(s.mailWarnings),
  ];
}

/** The warnings under the Web UI's current details (markdown), empty when there are none. */
export function warningsMarkdown(warnings: readonly string[]): string {
  return warnings.length ? `\n\n**Warnings:**\n${warnings.map((w) => `- ${w}`).join('\n')}` : '';
}

/** The warnings as plain `onramp status` lines. */
export function warningLines(warnings: readonly string[], indent = '  '): string[] {
  return warnings.map((w) => `${indent}WARNING ${w}`);
}
