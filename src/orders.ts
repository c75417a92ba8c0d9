/**
 * Client-side operations on sales orders (customerOnboarding workflows), shared by the intake API and the
 * CLI so both behave the same: validated, idempotent on the order ID, one aggregated status.
 */
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { OnrampConfig } from './config';
import { driftCheckFromOrder, ensureDriftSchedule } from './schedules';
import {
  customerOnboardingWorkflowId,
  INTEGRATIONS,
  parseOrder,
  type CustomerOnboardingStatus,
  type IntegrationName,
  type IntegrationStatus,
  type OrderRequest,
} from './domain/customer-onboarding';
import { OnrampCustomer, OnrampIntegration, OnrampState, OnrampStep, OnrampVendor } from './temporal/search-attributes';
import {
  abandonIntegrationSignal,
  checkNowSignal,
  customerOnboardingStatusQuery,
  provideConnectionUpdate,
  retryIntegrationSignal,
  supplyAutotaskCredentialsUpdate,
  type customerOnboarding,
} from './workflows';

export class OrderConflictError extends Error {
  constructor(readonly orderId: string) {
    super(
      `order ${orderId} was already received with different content: an order ID identifies one order; send changes as a new order ID`
    );
    this.name = 'OrderConflictError';
  }
}

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`no onboarding for order ${orderId}`);
    this.name = 'OrderNotFoundError';
  }
}

export class OperatorActionError extends Error {
  override name = 'OperatorActionError';
}

/** A stable fingerprint of the validated order: a resend of the same order matches, a changed one does not. */
function orderFingerprint(order: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])])
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(order)))
    .digest('hex');
}

export interface StartedOrder {
  orderId: string;
  workflowId: string;
}

/**
 * Start the onboarding of an order, exactly once per order ID: concurrent duplicates meet the server's
 * USE_EXISTING conflict policy, later resends meet REJECT_DUPLICATE and get the existing run. A resend with
 * different content is refused (OrderConflictError) instead of being silently ignored.
 */
export async function startOrder(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  request: OrderRequest
): Promise<StartedOrder> {
  const order = parseOrder(request);
  const workflowId = customerOnboardingWorkflowId(order.orderId);
  const fingerprint = orderFingerprint(order);
  let handle: WorkflowHandle<typeof customerOnboarding>;
  try {
    handle = await client.workflow.start<typeof customerOnboarding>('customerOnboarding', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [order],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { orderFingerprint: fingerprint },
      typedSearchAttributes: [
        { key: OnrampCustomer, value: order.customer.id },
        {
          key: OnrampVendor,
          value: INTEGRATIONS.filter((n) => order.integrations[n])
            .map((n) => order.integrations[n]?.vendor?.name ?? n)
            .join(', '),
        },
        { key: OnrampIntegration, value: 'customer-onboarding' },
        { key: OnrampStep, value: 'starting' },
        { key: OnrampState, value: 'running' },
      ],
      staticSummary: `Onboarding of ${order.customer.name} (order ${order.orderId})`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(workflowId);
  }
  const desc = await handle.describe();
  if (desc.memo?.orderFingerprint !== fingerprint) throw new OrderConflictError(order.orderId);
  const every = order.schedules?.driftCheckEveryHours;
  const drift = every ? driftCheckFromOrder(order) : undefined;
  // Idempotent as well: a resend updates the schedule to the same spec.
  if (every && drift) await ensureDriftSchedule(client, config, drift, every * 3600_000);
  return { orderId: order.orderId, workflowId };
}

export interface OrderStatus extends CustomerOnboardingStatus {
  workflowId: string;
  /** Temporal's view of the parent run: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, ... */
  execution: string;
  /** Each child's own `status` query, when it answers (a child that has not started yet has none). */
  details: Partial<Record<IntegrationName, unknown>>;
}

export async function getOrderStatus(client: Client, orderId: string): Promise<OrderStatus> {
  const workflowId = customerOnboardingWorkflowId(orderId);
  const handle = client.workflow.getHandle(workflowId);
  let status: CustomerOnboardingStatus;
  let execution: string;
  try {
    const [s, d] = await Promise.all([handle.query(customerOnboardingStatusQuery), handle.describe()]);
    status = s;
    execution = d.status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
    throw err;
  }
  const details: OrderStatus['details'] = {};
  await Promise.all(
    status.integrations
      .filter((i) => i.workflowId && i.state !== 'pending' && i.state !== 'blocked')
      .map(async (i) => {
        try {
          details[i.name] = await client.workflow.getHandle(i.workflowId!).query('status');
        } catch {
          /* a child that is gone or not yet running: its state above is what we know */
        }
      })
  );
  return { ...status, workflowId, execution, details };
}

function integrationOf(status: CustomerOnboardingStatus, name: IntegrationName): IntegrationStatus {
  const i = status.integrations.find((x) => x.name === name);
  if (!i) throw new OperatorActionError(`order ${status.orderId} has no ${name} integration`);
  return i;
}

/** Operator actions on an order, by name; each checks the integration is in a state where it makes sense. */
export async function orderAction(
  client: Client,
  orderId: string,
  action: 'check-now' | 'retry' | 'abandon' | 'cancel' | 'supply-credential',
  opts: { integration?: IntegrationName; credential?: unknown } = {}
): Promise<string> {
  const parent = client.workflow.getHandle(customerOnboardingWorkflowId(orderId));
  let status: CustomerOnboardingStatus;
  try {
    status = await parent.query(customerOnboardingStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
    throw err;
  }
  if (action === 'cancel') {
    await parent.cancel();
    return `cancellation requested for order ${orderId}`;
  }
  const name = opts.integration ?? (action === 'check-now' ? 'googleDelegation' : undefined);
  if (!name)
    throw new OperatorActionError(`say which integration: one of ${status.integrations.map((i) => i.name).join(', ')}`);
  const integration = integrationOf(status, name);
  switch (action) {
    case 'retry':
    case 'abandon':
      if (integration.state !== 'failed') {
        throw new OperatorActionError(
          `${name} is ${integration.state}, not failed: only a failed integration can be ${action === 'retry' ? 'retried' : 'abandoned'}`
        );
      }
      await parent.signal(action === 'retry' ? retryIntegrationSignal : abandonIntegrationSignal, name);
      return `${action} requested for ${name} of order ${orderId}`;
    case 'check-now':
      if (name !== 'googleDelegation') throw new OperatorActionError('check-now applies to googleDelegation');
      if (integration.state !== 'running' || !integration.workflowId)
        throw new OperatorActionError(`googleDelegation is ${integration.state}, not waiting for a grant`);
      await client.workflow.getHandle(integration.workflowId).signal(checkNowSignal);
      return `googleDelegation of order ${orderId} checks now`;
    case 'supply-credential': {
      if (integration.state !== 'running' || !integration.workflowId)
        throw new OperatorActionError(`${name} is ${integration.state}, not waiting for a credential`);
      const child = client.workflow.getHandle(integration.workflowId);
      if (name === 'autotask') {
        await child.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [opts.credential as never] });
      } else if (name === 'connectwise') {
        const r = await child.executeUpdate(provideConnectionUpdate, { args: [opts.credential as never] });
        if (!r.verified) return `accepted; still waiting for ${r.waitingFor.join(', ')}`;
      } else {
        throw new OperatorActionError(`${name} takes no credential from the operator`);
      }
      return `credential accepted and verified for ${name} of order ${orderId}`;
    }
  }
}
