/**
 * Temporal Schedules Onramp keeps: periodic drift checks per onboarded customer, and periodic runs of a
 * rotation workflow. Created idempotently (create, or update the existing one to the wanted spec), with
 * overlap policy SKIP so a slow run is never stacked; visible in the Web UI's Schedules page.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { OnrampConfig } from '../config';
import type { Order } from '../domain/customer-onboarding-schema';
import { driftScheduleId, parseDriftCheckInput, type DriftCheckRequest } from '../domain/drift-schema';
import { InputError } from '../domain/field-validators';
import {
  ONRAMP_INTEGRATION,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
} from '../contract/search-attributes';
import { customerPriority } from '../rules/fairness';

/** Shortest and longest interval of any Onramp schedule: checked before a schedule is created or updated. */
export const SCHEDULE_INTERVAL_MS = { min: 3600_000, max: 365 * 86_400_000 } as const;

export interface ScheduleSpecInput {
  scheduleId: string;
  workflowType: string;
  args: unknown[];
  everyMs: number;
  customerId: string;
  integration: string;
  summary: string;
}

export async function ensureSchedule(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  s: ScheduleSpecInput
): Promise<'created' | 'updated'> {
  // The doors hold intervals to their ranges (order schema, CLI options); this keeps any caller from
  // reaching the SDK with one it cannot represent (Temporal's shortest interval is one second).
  if (!Number.isFinite(s.everyMs) || s.everyMs < 1000 || s.everyMs > SCHEDULE_INTERVAL_MS.max)
    throw new InputError(`schedule ${s.scheduleId}`, [
      `interval: must be from 1 second to 365 days (got ${s.everyMs} ms); orders and the CLI take 1 to 720 hours`,
    ]);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: s.workflowType,
    args: s.args,
    taskQueue: config.temporal.taskQueue,
    workflowId: `${s.scheduleId}:run`,
    priority: customerPriority(s.customerId),
    typedSearchAttributes: [
      { key: OnrampCustomer, value: s.customerId },
      { key: OnrampIntegration, value: s.integration },
      { key: OnrampStep, value: 'scheduled' },
      { key: OnrampState, value: 'running' },
    ],
    staticSummary: s.summary,
  };
  const spec = { intervals: [{ every: Math.round(s.everyMs) }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' };
  try {
    await client.schedule.create({ scheduleId: s.scheduleId, spec, action, policies, memo: { summary: s.summary } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(s.scheduleId).update((prev) => ({ ...prev, spec, action, policies }));
    return 'updated';
  }
}

/**
 * The drift check of an order: its customer and order ID only. Each run reads what the order's onboarding
 * has learnt by then (src/activities/onramp/drift-progress.ts), so the schedule exists from the order's start and never
 * needs refreshing when a credential is supplied or a webhook created.
 */
export function driftCheckFromOrder(order: Pick<Order, 'orderId' | 'customer'>): DriftCheckRequest {
  return { customer: order.customer, orderId: order.orderId };
}

/** The schedule of a drift check, its input validated now. */
export function driftSchedule(request: DriftCheckRequest, everyMs: number): ScheduleSpecInput {
  const input = parseDriftCheckInput(request);
  return {
    scheduleId: driftScheduleId(input.customer.id),
    workflowType: 'driftCheck',
    args: [input],
    everyMs,
    customerId: input.customer.id,
    integration: ONRAMP_INTEGRATION.driftCheck,
    summary: `Drift check of ${input.customer.name}`,
  };
}

export async function ensureDriftSchedule(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  request: DriftCheckRequest,
  everyMs: number
): Promise<{ scheduleId: string; outcome: 'created' | 'updated' }> {
  const spec = driftSchedule(request, everyMs);
  return { scheduleId: spec.scheduleId, outcome: await ensureSchedule(client, config, spec) };
}
