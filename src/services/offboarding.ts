/**
 * Client side of offboarding (CLI and intake): gather what an order's onboarding set up
 * (src/temporal/order-facts.ts) and start `customerOffboarding` with it. Idempotent on the order ID: a running
 * offboarding is joined, a finished one is run again (and then changes nothing).
 */
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { OnrampConfig } from '../config';
import type { Order } from '../domain/customer-onboarding-schema';
import { driftScheduleId } from '../domain/drift-schema';
import {
  offboardingWorkflowId,
  parseOffboardingInput,
  type OffboardingInput,
  type OffboardingRequest,
} from '../domain/offboarding-schema';
import { orderFacts } from '../temporal/order-facts';
import { describeOrNull } from '../temporal/workflow-reads';
import { rotationSchedulesFromOrder } from './rotation-schedules';
import { OnrampCustomer, OnrampIntegration, OnrampState, OnrampStep } from '../contract/search-attributes';
import {
  offboardingOperatorDoneSignal,
  type CustomerOffboardingWorkflow,
  type OffboardingIntegration,
  type OffboardingReport,
} from '../contract/offboarding-messages';
import { customerPriority } from '../rules/fairness';

/**
 * What the onboarding of `orderId` set up, as the offboarding input. Refuses while the onboarding is still
 * running: cancel it first (`onramp cancel`), so nothing is created while it is being removed.
 */
export async function offboardingInputFor(
  client: Client,
  orderId: string,
  opts: { mode?: 'plan' | 'apply'; timing?: OffboardingRequest['timing']; allowRunning?: boolean } = {}
): Promise<OffboardingInput> {
  return (await orderFacts(client, orderId, opts)).input;
}

export interface StartedOffboarding {
  orderId: string;
  workflowId: string;
  /** The order's schedules (drift check, rotations) paused now: nothing checks or rotates what is removed. */
  pausedSchedules?: string[];
}

/**
 * Pause the schedules an order created: its customer's drift check (else the next run would open a finding
 * for everything the offboarding removes) and its rotations (else one would create new keys or webhooks).
 * Paused, not deleted: their history stays, and an operator can unpause them if the customer returns.
 */
async function pauseOrderSchedules(client: Client, order: Order): Promise<string[]> {
  let rotations: string[] = [];
  try {
    rotations = rotationSchedulesFromOrder(order).map((s) => s.scheduleId);
  } catch {
    /* the order's rotation settings are incomplete: it created no rotation schedule */
  }
  const paused: string[] = [];
  for (const id of [driftScheduleId(order.customer.id), ...rotations]) {
    const handle = client.schedule.getHandle(id);
    try {
      const d = await handle.describe();
      if (!d.state.paused) await handle.pause(`order ${order.orderId} is being offboarded; unpause to check again`);
      paused.push(id);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return paused;
}

/** Start (or join) the offboarding of an order. */
export async function startOffboarding(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  orderId: string,
  opts: { timing?: OffboardingRequest['timing']; retainCredentialsDays?: number } = {}
): Promise<StartedOffboarding> {
  const workflowId = offboardingWorkflowId(orderId);
  const running = await describeOrNull(client.workflow.getHandle(workflowId));
  if (running?.status.name === 'RUNNING') return { orderId, workflowId };
  const { input, order } = await orderFacts(client, orderId, { mode: 'apply', timing: opts.timing });
  const pausedSchedules = await pauseOrderSchedules(client, order);
  await client.workflow.start<CustomerOffboardingWorkflow>('customerOffboarding', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [
      opts.retainCredentialsDays
        ? parseOffboardingInput({ ...input, credentials: { retainDays: opts.retainCredentialsDays } })
        : input,
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    priority: customerPriority(input.customer.id),
    typedSearchAttributes: [
      { key: OnrampCustomer, value: input.customer.id },
      { key: OnrampIntegration, value: 'customer-offboarding' },
      { key: OnrampStep, value: 'starting' },
      { key: OnrampState, value: 'running' },
    ],
    staticSummary: `Offboarding of ${input.customer.name} (order ${orderId})`,
  });
  return { orderId, workflowId, pausedSchedules };
}

/** The plan: what an offboarding would remove now (lookups only, nothing written). */
export async function planOffboarding(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  orderId: string
): Promise<OffboardingReport> {
  const input = await offboardingInputFor(client, orderId, { mode: 'plan' });
  return client.workflow.execute<CustomerOffboardingWorkflow>('customerOffboarding', {
    workflowId: offboardingWorkflowId(orderId, 'plan', randomUUID().slice(0, 8)),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    priority: customerPriority(input.customer.id),
    typedSearchAttributes: [
      { key: OnrampCustomer, value: input.customer.id },
      { key: OnrampIntegration, value: 'customer-offboarding-plan' },
    ],
    staticSummary: `Offboarding plan of ${input.customer.name} (order ${orderId})`,
  });
}

/** The operator did a UI step of the offboarding: verify it now instead of at the next re-check. */
export async function offboardingOperatorDone(
  client: Client,
  orderId: string,
  integration: OffboardingIntegration
): Promise<string> {
  await client.workflow.getHandle(offboardingWorkflowId(orderId)).signal(offboardingOperatorDoneSignal, integration);
  return `offboarding of order ${orderId}: verifying ${integration} now`;
}
