import type { Client } from '@temporalio/client';
import { getOrderStatus, type OrderStatus } from '../services/orders';
import type { DelegationStatus } from '../contract/google-delegation-messages';
import { statusWarnings, warningLines } from '../rules/status-warnings';

const ICON: Record<string, string> = { granted: 'ok ', missing: 'MISSING', unchecked: '...' };

/** A human table of a delegation onboarding's status. */
export function formatDelegationStatus(s: DelegationStatus): string {
  const lines = [
    `${s.workflowId}`,
    `  customer ${s.customer}   vendor ${s.vendor}   step ${s.step}   state ${s.state}   checks ${s.checks}`,
  ];
  if (s.nextCheckAt) lines.push(`  next check ${s.nextCheckAt}   deadline ${s.deadlineAt}`);
  if (s.error) lines.push(`  error: ${s.error}`);
  lines.push(...warningLines(s.mailWarnings ?? []));
  const width = Math.max(...s.scopes.map((x) => x.scope.length));
  for (const x of s.scopes)
    lines.push(`  ${(ICON[x.state] ?? x.state).padEnd(7)} ${x.scope.padEnd(width)} ${x.lastCheckedAt ?? ''}`);
  return lines.join('\n');
}

/** A human table of an order: each integration's state, attempts and error. */
export function formatOrderStatus(s: OrderStatus): string {
  const lines = [
    `order ${s.orderId}  customer ${s.customer.name} (${s.customer.id})  state ${s.state}  [${s.execution}]`,
  ];
  for (const i of s.integrations) {
    lines.push(`  ${i.name.padEnd(17)} ${i.state.padEnd(10)} attempts ${i.attempts}  ${i.workflowId ?? ''}`);
    if (i.error) lines.push(`    error: ${i.error}`);
    const d = s.details[i.name] as { step?: string; state?: string } | undefined;
    if (d?.step) lines.push(`    step ${d.step} (${d.state ?? ''})`);
    lines.push(...warningLines(statusWarnings(d), '    '));
  }
  return lines.join('\n');
}

/** Print changes of an order's status until it ends (progress output for long operator waits). */
export async function followOrder(client: Client, orderId: string, print: (s: string) => void): Promise<OrderStatus> {
  let last = '';
  for (;;) {
    const s = await getOrderStatus(client, orderId);
    const line = s.integrations.map((i) => `${i.name}:${i.state}`).join('  ');
    if (line !== last) print(`  [${s.state}] ${line}`);
    last = line;
    if (s.execution !== 'RUNNING') return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Any other workflow's status in plain output: its warnings first, where no one scrolls past them, then the status. */
export function formatOtherStatus(status: unknown, fallback: unknown): string {
  const warnings = warningLines(statusWarnings(status), '');
  return [...warnings, JSON.stringify(status ?? fallback, null, 2)].join('\n');
}
