/**
 * Drift findings as the operator sees them: one workflow per customer and problem (src/workflows/drift-check.ts),
 * found by its search attributes (OnrampCustomer, OnrampIntegration of the onboarding it is about).
 */
import type { Client } from '@temporalio/client';
import { FINDING_INTEGRATION, findingKeyOf } from '../domain/drift-schema';
import { customerIdSchema } from '../domain/customer-onboarding-schema';
import { parseOrThrow } from '../domain/field-validators';
import { OnrampCustomer, OnrampIntegration } from '../contract/search-attributes';
import { driftFindingStatusQuery, type DriftFinding, type DriftIntegration } from '../contract/drift-messages';

export interface FindingRow {
  workflowId: string;
  customer: string;
  /** OnrampIntegration: the onboarding the problem is about (autotask-onboarding, connectwise, ...). */
  integration: string;
  key?: string;
  open: boolean;
  problem?: string;
  fix?: string;
}

/** `--integration` takes an order's integration name (autotask) or an OnrampIntegration value (autotask-onboarding). */
export function findingIntegration(name: string): string {
  return FINDING_INTEGRATION[name as DriftIntegration] ?? name;
}

export async function listFindings(
  client: Client,
  opts: { customer?: string; integration?: string; open?: boolean; limit?: number } = {}
): Promise<FindingRow[]> {
  const q = (v: string) => `"${v.replace(/["\\]/g, '')}"`;
  const parts = ['WorkflowType = "driftFinding"'];
  if (opts.customer) parts.push(`OnrampCustomer = ${q(parseOrThrow(customerIdSchema, opts.customer, '--customer'))}`);
  if (opts.integration) parts.push(`OnrampIntegration = ${q(findingIntegration(opts.integration))}`);
  if (opts.open) parts.push('ExecutionStatus = "Running"');
  const rows: FindingRow[] = [];
  for await (const wf of client.workflow.list({ query: parts.join(' AND ') })) {
    const customer = wf.typedSearchAttributes.get(OnrampCustomer) ?? '';
    let finding: DriftFinding | undefined;
    try {
      finding = (await client.workflow.getHandle(wf.workflowId, wf.runId).query(driftFindingStatusQuery)).findings[0];
    } catch {
      /* no worker answers: the row without its text */
    }
    const key = findingKeyOf(customer, wf.workflowId);
    rows.push({
      workflowId: wf.workflowId,
      customer,
      integration: wf.typedSearchAttributes.get(OnrampIntegration) ?? '-',
      ...(key ? { key } : {}),
      open: wf.status.name === 'RUNNING',
      ...(finding ? { problem: finding.problem, fix: finding.fix } : {}),
    });
    if (rows.length >= (opts.limit ?? 1000)) break;
  }
  return rows;
}
