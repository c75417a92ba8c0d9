import {
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CustomerOnboardingWorkflow } from '../contract/customer-onboarding-messages';
import {
  salesDealStatusQuery,
  salesEventSignal,
  supplySalesFieldsUpdate,
  type SalesDealInputV1,
  type SalesDealPlanV1,
  type SalesDealResultV1,
  type SalesDealStatusV1,
} from '../contract/sales-deal-messages';
import {
  ONRAMP_INTEGRATION,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../contract/search-attributes';
import { customerOnboardingWorkflowId } from '../rules/customer-onboarding-rules';
import { salesOrderId, suppliedFieldProblems } from '../rules/sales-mapping-rules';
import {
  dealName,
  salesCancelledNote,
  salesLeftWonAfterWritesNote,
  salesNeedsText,
  salesWaitingDetails,
} from '../rules/sales-instructions';
import { warningsMarkdown } from '../rules/status-warnings';
import { heartbeating } from './activity-timeouts';
import { mailWarnings, mailWhileWaiting, type HumanStep } from './human-mail';

const { planSalesDeal, salesOrderWritten } = proxyActivities<OnrampActivities>(
  heartbeating({
    startToCloseTimeout: '2 minutes',
    // A sales system away for a while is waited out; a refused token or a deleted deal is not retried.
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
  })
);

/** A deal that left won before its order started waits this long for a new won event, then ends. */
const IDLE_AFTER_CANCEL_MS = 30 * 24 * 3600_000;

interface DealRun {
  status: SalesDealStatusV1;
  seen: Set<string>;
  /** A new event or supplied fields: read and map the deal again. */
  dirty: boolean;
  /** Incremented after every plan: an Update waits for the plan after its fields. */
  plans: number;
  supplied: Record<string, string>;
  waits: number;
  /** E-mails to the operator that were not sent, from every step of the deal (the status's `mailWarnings`). */
  mailWarnings: string[];
}

/**
 * One deal of a sales system → one order. Started (or signalled) by the intake's receiver for every verified
 * event of the deal; redeliveries are recognised by their event ID. Each event re-reads the deal: won and
 * complete → the order (customerOnboarding, as a child, ID derived from system + account + deal); won but
 * missing fields → waits for the operator, naming each field; no longer won → cancels the order if nothing
 * was written to a vendor yet (src/rules/sales-deal-rules.ts), else only tells the operator.
 */
export async function salesDeal(input: SalesDealInputV1): Promise<SalesDealResultV1> {
  const run = startDeal(input);
  let order: ChildWorkflowHandle<CustomerOnboardingWorkflow> | undefined;
  let scope: CancellationScope | undefined;
  let orderDone: Promise<void> | undefined;
  for (;;) {
    const ended = () => run.status.state === 'order-completed' || run.status.state === 'order-failed';
    // A deal cancelled before its order waits a while for a new won event, then ends.
    const woke =
      run.status.state === 'cancelled'
        ? await condition(() => run.dirty, IDLE_AFTER_CANCEL_MS)
        : (await condition(() => run.dirty || ended()), true);
    if (!woke || ended()) return { orderId: run.status.orderId, state: run.status.state };
    run.dirty = false;
    const plan = await planSalesDeal({ ...input, supplied: run.supplied });
    try {
      if (!plan.won) {
        if (await leaveWon(run, !!order, () => scope?.cancel())) {
          await orderDone;
          order = undefined;
          scope = undefined;
        }
      } else if (order) {
        // still won: the order runs; nothing to change
      } else if (plan.needs.length) {
        waitForOperator(run, plan);
      } else {
        scope = new CancellationScope();
        order = await scope.run(() => startOrder(run, plan));
        orderDone = watchOrder(run, order);
      }
    } finally {
      // An operator's Update answers with the state this plan led to.
      run.plans++;
    }
  }
}

function startDeal(input: SalesDealInputV1): DealRun {
  const run: DealRun = {
    status: {
      ...input,
      orderId: salesOrderId(input.system, input.account, input.dealId),
      state: 'reading',
      needs: [],
      events: 0,
      supplied: [],
    },
    seen: new Set(),
    dirty: false,
    plans: 0,
    supplied: {},
    waits: 0,
    mailWarnings: [],
  };
  setHandler(salesEventSignal, (event) => {
    if (run.seen.has(event.eventId)) return; // a redelivery: already handled
    run.seen.add(event.eventId);
    run.status.events = run.seen.size;
    run.dirty = true;
  });
  setHandler(salesDealStatusQuery, () => statusOf(run));
  setHandler(
    supplySalesFieldsUpdate,
    async ({ fields }) => {
      Object.assign(run.supplied, fields);
      run.status.supplied = Object.keys(run.supplied);
      run.dirty = true;
      const before = run.plans;
      await condition(() => run.plans > before);
      return statusOf(run);
    },
    {
      validator: ({ fields }) => {
        if (run.status.state !== 'waiting-for-operator')
          throw new Error(`${dealName(run.status)} is ${run.status.state}, not waiting for fields`);
        const problems = suppliedFieldProblems(run.status.needs, (fields as Record<string, unknown> | undefined) ?? {});
        if (problems.length) throw new Error(problems.join('; '));
      },
    }
  );
  publish(run);
  return run;
}

/** The status query's answer (and an Update's): the deal's state with the e-mails that were not sent. */
function statusOf(run: DealRun): SalesDealStatusV1 {
  return { ...run.status, mailWarnings: mailWarnings(run.mailWarnings) };
}

/** The deal's state to the query, the search attributes and the Web UI's details. */
function publish(run: DealRun): void {
  const s = run.status;
  const coarse =
    s.state === 'waiting-for-operator' || s.state === 'left-won-after-writes'
      ? 'waiting-for-operator'
      : s.state === 'order-completed' || s.state === 'cancelled' || s.state === 'not-won'
        ? 'completed'
        : s.state === 'order-failed'
          ? 'failed'
          : 'running';
  upsertSearchAttributes([
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.salesDeal },
    { key: OnrampVendor, value: s.system },
    { key: OnrampState, value: coarse },
    {
      key: OnrampStep,
      value: s.state === 'waiting-for-operator' ? `needs:${s.needs.map((n) => n.field).join(',')}` : s.state,
    },
  ]);
  showDetails(run);
}

/** The Web UI's details: the deal's state, and under it the e-mails to the operator that were not sent. */
function showDetails(run: DealRun): void {
  setCurrentDetails(`${salesWaitingDetails(run.status)}${warningsMarkdown(run.mailWarnings)}`);
}

/** A step's e-mails to the operator; their problems go into the deal's status and details. */
function humanStep(run: DealRun, step: Omit<HumanStep, 'warnings' | 'onWarning' | 'integration'>): HumanStep {
  return { ...step, integration: 'salesDeal', warnings: run.mailWarnings, onWarning: () => showDetails(run) };
}

/** Missing or refused fields: name them everywhere, e-mail the operator once per distinct set. */
function waitForOperator(run: DealRun, plan: SalesDealPlanV1): void {
  const same =
    run.status.state === 'waiting-for-operator' &&
    run.status.needs.map((n) => n.field).join() === plan.needs.map((n) => n.field).join();
  run.status.state = 'waiting-for-operator';
  run.status.needs = plan.needs;
  run.status.note = undefined;
  publish(run);
  if (same) return;
  const wait = ++run.waits;
  const step = humanStep(run, {
    step: `sales-fields-${wait}`,
    topic: {
      customer: plan.dealName,
      vendor: dealName(run.status),
      action: `supply ${plan.needs.map((n) => n.field).join(', ')}`,
    },
    instructions: salesNeedsText(run.status, plan.needs),
    since: Date.now(),
  });
  void mailWhileWaiting(step, () => run.status.state === 'waiting-for-operator' && run.waits === wait);
}

/** The order, as a child: the request was checked by planSalesDeal exactly as the intake checks an order. */
async function startOrder(
  run: DealRun,
  plan: SalesDealPlanV1
): Promise<ChildWorkflowHandle<CustomerOnboardingWorkflow>> {
  const workflowId = customerOnboardingWorkflowId(plan.orderId);
  const child = await startChild<CustomerOnboardingWorkflow>('customerOnboarding', {
    workflowId,
    args: [plan.request],
    // A completed order is never started twice; a cancelled one may be started again by a deal won again.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    parentClosePolicy: 'ABANDON',
    typedSearchAttributes: [
      { key: OnrampCustomer, value: plan.request.customer.id },
      { key: OnrampVendor, value: plan.integrations.join(', ') },
      { key: OnrampIntegration, value: ONRAMP_INTEGRATION.customerOnboarding },
      { key: OnrampState, value: 'running' },
      { key: OnrampStep, value: 'starting' },
    ],
    staticSummary: `Onboarding of ${plan.request.customer.name} (order ${plan.orderId}, ${dealName(run.status)})`,
  });
  upsertSearchAttributes([{ key: OnrampCustomer, value: plan.request.customer.id }]);
  run.status.state = 'order-started';
  run.status.needs = [];
  run.status.orderWorkflowId = workflowId;
  run.status.note = `Order ${plan.orderId} started (${plan.integrations.join(', ')}), from the deal "${plan.dealName}" of ${workflowInfo().workflowId}.`;
  publish(run);
  return child;
}

/** The order's end, into the deal's state (a cancellation ours: the state was set by leaveWon). */
async function watchOrder(run: DealRun, order: ChildWorkflowHandle<CustomerOnboardingWorkflow>): Promise<void> {
  try {
    await order.result();
    run.status.state = 'order-completed';
  } catch (err) {
    if (isCancellation(err) || run.status.state === 'cancelled') return;
    run.status.state = 'order-failed';
    run.status.note = (err as Error).message;
  }
  publish(run);
}

/**
 * The deal is not won (any more). Returns true when the order was cancelled. Before an order: cancelled (nothing
 * started). With an order that wrote nothing to a vendor: cancelled. After writes: the operator is told, no more.
 */
async function leaveWon(run: DealRun, hasOrder: boolean, cancel: () => void): Promise<boolean> {
  const s = run.status;
  if (!hasOrder) {
    if (s.state === 'reading') s.state = 'not-won';
    else if (s.state === 'waiting-for-operator') {
      s.state = 'cancelled';
      s.needs = [];
      s.note = salesCancelledNote(s.orderId, false);
    }
    publish(run);
    return false;
  }
  if (s.state === 'left-won-after-writes') return false;
  if (await salesOrderWritten({ orderId: s.orderId })) {
    s.state = 'left-won-after-writes';
    s.note = salesLeftWonAfterWritesNote(s.orderId);
    publish(run);
    await mailOperator(run, s.note);
    return false;
  }
  s.state = 'cancelled';
  s.note = salesCancelledNote(s.orderId, true);
  cancel();
  publish(run);
  return true;
}

async function mailOperator(run: DealRun, text: string): Promise<void> {
  const step = humanStep(run, {
    step: 'sales-left-won',
    topic: { customer: dealName(run.status), vendor: run.status.system, action: 'decide about the order' },
    instructions: text,
    since: Date.now(),
    remindAfterMs: [],
  });
  await mailWhileWaiting(step, () => false);
}
