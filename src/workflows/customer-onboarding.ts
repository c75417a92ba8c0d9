import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  DEPENDS_ON,
  INTEGRATION_WORKFLOW,
  INTEGRATIONS,
  OPERATOR_DEADLINE_DAYS,
  dependencyAbandoned,
  integrationUndecided,
  integrationWorkflowId,
  fillOrderDefaults,
  orderDetails,
} from '../rules/customer-onboarding-rules';
import {
  abandonIntegrationSignal,
  customerOnboardingStatusQuery,
  retryIntegrationSignal,
  type CustomerOnboardingResult,
  type IntegrationName,
  type IntegrationStatus,
  type OrderRequestV1,
  type OrderV1,
} from '../contract/customer-onboarding-messages';
import { inputV1 } from './input';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
  type OnboardingState,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

/**
 * One sales order: each integration runs as a child workflow — in dependency order (Google role
 * provisioning after delegation), in parallel where independent. A failed integration keeps the others'
 * progress; the operator retries just that one, or abandons it.
 */
export async function customerOnboarding(request: OrderRequestV1): Promise<CustomerOnboardingResult> {
  const run = startOrder(request);
  publish(run);
  try {
    await Promise.all([...run.status.keys()].map((name) => runIntegration(run, name)));
  } catch (err) {
    run.overall = 'failed';
    await CancellationScope.nonCancellable(async () => {
      upsertSearchAttributes([{ key: OnrampState, value: 'failed' }]);
    });
    throw err;
  }
  run.overall = 'completed';
  publish(run);
  const all = [...run.status.values()];
  return {
    orderId: run.order.orderId,
    completed: all.filter((s) => s.state === 'completed').map((s) => s.name),
    abandoned: all.filter((s) => s.state === 'abandoned').map((s) => s.name),
  };
}

/** One order's state: what the status query reports and each integration's run shares. */
interface OrderRun {
  order: OrderV1;
  status: Map<IntegrationName, IntegrationStatus>;
  retryRequested: Set<IntegrationName>;
  abandonRequested: Set<IntegrationName>;
  overall: OnboardingState;
}

function startOrder(request: OrderRequestV1): OrderRun {
  const order = inputV1<OrderV1>(
    request,
    fillOrderDefaults,
    ['orderId', 'customer', 'integrations'],
    'onboarding order'
  );
  const names = INTEGRATIONS.filter((n) => order.integrations[n] !== undefined);
  const run: OrderRun = {
    order,
    status: new Map(
      names.map((name) => {
        const dep = DEPENDS_ON[name];
        const state = dep && names.includes(dep) ? 'blocked' : 'pending';
        return [name, { name, state, attempts: 0, ...(dep ? { dependsOn: dep } : {}) }];
      })
    ),
    retryRequested: new Set(),
    abandonRequested: new Set(),
    overall: 'running',
  };
  setHandler(customerOnboardingStatusQuery, () => ({
    orderId: order.orderId,
    customer: order.customer,
    state: run.overall,
    integrations: [...run.status.values()],
  }));
  setHandler(retryIntegrationSignal, (name) => {
    if (run.status.get(name)?.state === 'failed') run.retryRequested.add(name);
  });
  setHandler(abandonIntegrationSignal, (name) => {
    if (run.status.get(name)?.state === 'failed') run.abandonRequested.add(name);
  });
  return run;
}

/** The order's state to the status query, the search attributes and the Web UI's details. */
function publish(run: OrderRun): void {
  const all = [...run.status.values()];
  const failed = all.filter((s) => s.state === 'failed').map((s) => s.name);
  run.overall = failed.length
    ? 'waiting-for-operator'
    : all.every((s) => s.state === 'completed' || s.state === 'abandoned')
      ? 'completed'
      : 'running';
  upsertSearchAttributes([
    { key: OnrampState, value: run.overall },
    { key: OnrampStep, value: all.map((s) => `${s.name}:${s.state}`).join(',') },
  ]);
  setCurrentDetails(orderDetails(run.order, all));
}

/** Run one integration to completion, restarting it on the operator's retry; resolves when done or abandoned. */
async function runIntegration(run: OrderRun, name: IntegrationName): Promise<void> {
  const s = run.status.get(name)!;
  if (!(await dependencyDone(run, s))) return;
  for (;;) {
    s.attempts++;
    s.state = 'running';
    s.error = undefined;
    s.workflowId = integrationWorkflowId(run.order.orderId, name, s.attempts);
    publish(run);
    try {
      await runChild(run.order, name, s.workflowId);
      s.state = 'completed';
      s.completedAt = new Date().toISOString();
      publish(run);
      return;
    } catch (err) {
      if (isCancellation(err)) throw err;
      s.state = 'failed';
      s.error = err instanceof ChildWorkflowFailure && err.cause ? err.cause.message : (err as Error).message;
      publish(run);
      if ((await operatorDecision(run, s)) === 'abandon') return;
    }
  }
}

/** Wait for the integration this one depends on; false (and abandoned) when that one was abandoned. */
async function dependencyDone(run: OrderRun, s: IntegrationStatus): Promise<boolean> {
  const dep = s.dependsOn && run.status.get(s.dependsOn);
  if (!dep) return true;
  publish(run);
  await condition(() => dep.state === 'completed' || dep.state === 'abandoned');
  if (dep.state !== 'abandoned') return true;
  s.state = 'abandoned';
  s.error = dependencyAbandoned(dep.name, s.name);
  publish(run);
  return false;
}

/** The integration's vendor workflow as a child, with the order's search attributes; resolves when it succeeds. */
async function runChild(order: OrderV1, name: IntegrationName, workflowId: string): Promise<void> {
  const child = await startChild(INTEGRATION_WORKFLOW[name], {
    workflowId,
    args: [order.integrations[name]],
    typedSearchAttributes: [
      { key: OnrampCustomer, value: order.customer.id },
      { key: OnrampVendor, value: order.integrations[name]?.vendor?.name ?? 'unknown' },
      {
        key: OnrampIntegration,
        value: ONRAMP_INTEGRATION[INTEGRATION_WORKFLOW[name] as keyof typeof ONRAMP_INTEGRATION],
      },
    ],
    staticSummary: `${name} for ${order.customer.name} (order ${order.orderId})`,
  });
  await child.result();
}

/** A failed integration waits for the operator: 'retry' or 'abandon' (marked), or the order fails at the deadline. */
async function operatorDecision(run: OrderRun, s: IntegrationStatus): Promise<'retry' | 'abandon'> {
  const { name } = s;
  const decided = await condition(
    () => run.retryRequested.has(name) || run.abandonRequested.has(name),
    OPERATOR_DEADLINE_DAYS * 24 * 3600_000
  );
  if (!decided)
    throw ApplicationFailure.nonRetryable(integrationUndecided(name, s.error), FailureType.IntegrationFailed);
  if (run.abandonRequested.delete(name)) {
    s.state = 'abandoned';
    publish(run);
    return 'abandon';
  }
  run.retryRequested.delete(name);
  return 'retry';
}
