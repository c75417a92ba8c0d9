import type { DelegationStatus } from '../domain/google-delegation';

const ICON: Record<string, string> = { granted: 'ok ', missing: 'MISSING', unchecked: '...' };

/** A human table of a delegation onboarding's status. */
export function formatDelegationStatus(s: DelegationStatus): string {
  const lines = [
    `${s.workflowId}`,
    `  customer ${s.customer}   vendor ${s.vendor}   step ${s.step}   state ${s.state}   checks ${s.checks}`,
  ];
  if (s.nextCheckAt) lines.push(`  next check ${s.nextCheckAt}   deadline ${s.deadlineAt}`);
  if (s.error) lines.push(`  error: ${s.error}`);
  const width = Math.max(...s.scopes.map((x) => x.scope.length));
  for (const x of s.scopes)
    lines.push(`  ${(ICON[x.state] ?? x.state).padEnd(7)} ${x.scope.padEnd(width)} ${x.lastCheckedAt ?? ''}`);
  return lines.join('\n');
}
