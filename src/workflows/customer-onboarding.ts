import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  defineQuery,
  defineSignal,
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
  integrationWorkflowId,
  fillOrderDefaults,
} from '../rules/customer-onboarding-rules';
import type {
  CustomerOnboardingStatus,
  IntegrationName,
  IntegrationStatus,
  Order,
  OrderV1,
  OrderRequest,
} from '../domain/customer-onboarding-schema';
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

export const customerOnboardingStatusQuery = defineQuery<CustomerOnboardingStatus>('status');
/** Operator: start a failed integration again (a new child run), leaving the others as they are. */
export const retryIntegrationSignal = defineSignal<[IntegrationName]>('retryIntegration');
/** Operator: give up on a failed integration so the order can finish with the rest. */
export const abandonIntegrationSignal = defineSignal<[IntegrationName]>('abandonIntegration');

export interface CustomerOnboardingResult {
  orderId: string;
  completed: IntegrationName[];
  abandoned: IntegrationName[];
}

/** How long a failed integration waits for the operator's retry or abandon before the order fails. */
const OPERATOR_DEADLINE_MS = 7 * 24 * 3600_000;

/**
 * One sales order: each integration runs as a child workflow — in dependency order (Google role
 * provisioning after delegation), in parallel where independent. A failed integration keeps the others'
 * progress; the operator retries just that one, or abandons it.
 */
export async function customerOnboarding(request: OrderRequest): Promise<CustomerOnboardingResult> {
  const order: OrderV1 = inputV1<OrderV1>(
    request,
    fillOrderDefaults,
    ['orderId', 'customer', 'integrations'],
    'onboarding order'
  );
  const names = INTEGRATIONS.filter((n) => order.integrations[n] !== undefined);
  const status = new Map<IntegrationName, IntegrationStatus>(
    names.map((name) => {
      const dep = DEPENDS_ON[name];
      return [
        name,
        {
          name,
          state: dep && names.includes(dep) ? 'blocked' : 'pending',
          attempts: 0,
          ...(dep ? { dependsOn: dep } : {}),
        },
      ];
    })
  );
  const retryRequested = new Set<IntegrationName>();
  const abandonRequested = new Set<IntegrationName>();
  let overall: OnboardingState = 'running';

  setHandler(customerOnboardingStatusQuery, () => ({
    orderId: order.orderId,
    customer: order.customer,
    state: overall,
    integrations: [...status.values()],
  }));
  setHandler(retryIntegrationSignal, (name) => {
    if (status.get(name)?.state === 'failed') retryRequested.add(name);
  });
  setHandler(abandonIntegrationSignal, (name) => {
    if (status.get(name)?.state === 'failed') abandonRequested.add(name);
  });

  const publish = () => {
    const all = [...status.values()];
    const failed = all.filter((s) => s.state === 'failed').map((s) => s.name);
    overall = failed.length
      ? 'waiting-for-operator'
      : all.every((s) => s.state === 'completed' || s.state === 'abandoned')
        ? 'completed'
        : 'running';
    upsertSearchAttributes([
      { key: OnrampState, value: overall },
      { key: OnrampStep, value: all.map((s) => `${s.name}:${s.state}`).join(',') },
    ]);
    setCurrentDetails(
      [
        `**Order ${order.orderId} for ${order.customer.name}**`,
        ...all.map((s) => `- ${s.name}: ${s.state}${s.error ? ` — ${s.error}` : ''}`),
      ].join('\n')
    );
  };

  /** Run one integration to completion, restarting it on the operator's retry; resolves when done or abandoned. */
  const runIntegration = async (name: IntegrationName): Promise<void> => {
    const s = status.get(name)!;
    const dep = s.dependsOn && status.get(s.dependsOn);
    if (dep) {
      publish();
      await condition(() => dep.state === 'completed' || dep.state === 'abandoned');
      if (dep.state === 'abandoned') {
        s.state = 'abandoned';
        s.error = `${dep.name} was abandoned, and ${name} depends on it`;
        publish();
        return;
      }
    }
    for (;;) {
      s.attempts++;
      s.state = 'running';
      s.error = undefined;
      s.workflowId = integrationWorkflowId(order.orderId, name, s.attempts);
      publish();
      try {
        const child = await startChild(INTEGRATION_WORKFLOW[name], {
          workflowId: s.workflowId,
          args: [order.integrations[name]],
          typedSearchAttributes: [
            { key: OnrampCustomer, value: order.customer.id },
            { key: OnrampVendor, value: vendorOf(order, name) },
            {
              key: OnrampIntegration,
              value: ONRAMP_INTEGRATION[INTEGRATION_WORKFLOW[name] as keyof typeof ONRAMP_INTEGRATION],
            },
          ],
          staticSummary: `${name} for ${order.customer.name} (order ${order.orderId})`,
        });
        await child.result();
        s.state = 'completed';
        s.completedAt = new Date().toISOString();
        publish();
        return;
      } catch (err) {
        if (isCancellation(err)) throw err;
        s.state = 'failed';
        s.error = err instanceof ChildWorkflowFailure && err.cause ? err.cause.message : (err as Error).message;
        publish();
        const decided = await condition(
          () => retryRequested.has(name) || abandonRequested.has(name),
          OPERATOR_DEADLINE_MS
        );
        if (!decided)
          throw ApplicationFailure.nonRetryable(
            `${name} failed and no operator retried or abandoned it within 7 days: ${s.error}`,
            FailureType.IntegrationFailed
          );
        if (abandonRequested.delete(name)) {
          s.state = 'abandoned';
          publish();
          return;
        }
        retryRequested.delete(name);
      }
    }
  };

  publish();
  try {
    await Promise.all(names.map((n) => runIntegration(n)));
  } catch (err) {
    overall = 'failed';
    await CancellationScope.nonCancellable(async () => {
      upsertSearchAttributes([{ key: OnrampState, value: 'failed' }]);
    });
    throw err;
  }
  overall = 'completed';
  publish();
  const all = [...status.values()];
  return {
    orderId: order.orderId,
    completed: all.filter((s) => s.state === 'completed').map((s) => s.name),
    abandoned: all.filter((s) => s.state === 'abandoned').map((s) => s.name),
  };
}

function vendorOf(order: Order, name: IntegrationName): string {
  return order.integrations[name]?.vendor?.name ?? 'unknown';
}
