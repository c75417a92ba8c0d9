/**
 * Client side of offboarding (CLI and intake): gather what an order's onboarding set up — the order itself,
 * the credentials and connection details the operator supplied later through Updates, the Google role
 * ledger, what the ConnectWise sync created — and start `customerOffboarding` with it. Idempotent on the
 * order ID: a running offboarding is joined, a finished one is run again (and then changes nothing).
 */
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import type { OnrampConfig } from '../config';
import { webhookNameFor, type AutotaskCredentials } from '../domain/autotask-schema';
import type { ConnectwiseConnection, SyncSummary } from '../domain/connectwise-schema';
import { customerOnboardingWorkflowId, integrationWorkflowId, type Order } from '../domain/customer-onboarding-schema';
import {
  customerOnboardingStatusQuery,
  type CustomerOnboardingStatus,
  type IntegrationName,
} from '../contract/customer-onboarding-messages';
import { cwCustomerSlug } from '../rules/connectwise-key-rotation-rules';
import { driftScheduleId } from '../domain/drift-schema';
import type { ProvisioningLedger } from '../domain/google-admin-roles-schema';
import {
  offboardingWorkflowId,
  parseOffboardingInput,
  type OffboardingInput,
  type OffboardingIntegration,
  type OffboardingReport,
  type OffboardingRequest,
} from '../domain/offboarding-schema';
import { OperatorActionError, OrderNotFoundError } from './orders';
import { rotationSchedulesFromOrder } from './rotation-schedules';
import { OnrampCustomer, OnrampIntegration, OnrampState, OnrampStep } from '../contract/search-attributes';
import { offboardingOperatorDoneSignal, type customerOffboarding } from '../workflows';

type History = temporal.api.history.v1.IHistory;

/** The first argument the workflow was started with, decoded (and decrypted) by the client's converter. */
async function startArgument<T>(client: Client, history: History): Promise<T> {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [arg] = await decodeArrayFromPayloads(client.workflow.options.loadedDataConverter, started?.input?.payloads);
  return arg as T;
}

/** The arguments of every Update `name` that completed successfully, in the order they were accepted. */
async function acceptedUpdates<T>(client: Client, history: History, name: string): Promise<T[]> {
  const succeeded = new Set<string>();
  for (const e of history.events ?? []) {
    const done = e.workflowExecutionUpdateCompletedEventAttributes;
    if (done?.outcome?.success && done.meta?.updateId) succeeded.add(done.meta.updateId);
  }
  const out: T[] = [];
  for (const e of history.events ?? []) {
    const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (req?.input?.name !== name || !req.meta?.updateId || !succeeded.has(req.meta.updateId)) continue;
    const [arg] = await decodeArrayFromPayloads(client.workflow.options.loadedDataConverter, req.input.args?.payloads);
    out.push(arg as T);
  }
  return out;
}

async function describeOrNull(handle: WorkflowHandle) {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A child's result when it completed, else its `status` query (for what a stopped run had done). */
async function childState<R, S>(client: Client, workflowId: string | undefined) {
  if (!workflowId) return {};
  const handle = client.workflow.getHandle(workflowId);
  const desc = await describeOrNull(handle);
  if (!desc) return {};
  const result = desc.status.name === 'COMPLETED' ? ((await handle.result()) as R) : undefined;
  let status: S | undefined;
  try {
    status = await handle.query<S>('status');
  } catch {
    /* no worker for its task queue, or it never got far: the result (if any) is what we know */
  }
  return { handle, result, status, execution: desc.status.name };
}

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

/** What an order's onboarding has done so far: the offboarding input, the order, what completed. */
export interface OrderFacts {
  input: OffboardingInput;
  order: Order;
  /** Integrations the onboarding completed. */
  completed: IntegrationName[];
  /** The ConnectWise sync ran in apply mode (its companies, agreements and additions exist). */
  syncApplied: boolean;
  /** Customers the (match-only) sync found no company for: nothing was made for them. */
  unmatchedCompanies: string[];
}

export async function orderFacts(
  client: Client,
  orderId: string,
  opts: { mode?: 'plan' | 'apply'; timing?: OffboardingRequest['timing']; allowRunning?: boolean } = {}
): Promise<OrderFacts> {
  let syncApplied = false;
  let unmatchedCompanies: string[] = [];
  const parent = client.workflow.getHandle(customerOnboardingWorkflowId(orderId));
  const desc = await describeOrNull(parent);
  if (!desc) throw new OrderNotFoundError(orderId);
  if (desc.status.name === 'RUNNING' && !opts.allowRunning)
    throw new OperatorActionError(
      `the onboarding of order ${orderId} is still running: cancel it first (onramp cancel ${orderId}), then offboard`
    );
  const history = await parent.fetchHistory();
  const order = await startArgument<Order>(client, history);
  let status: CustomerOnboardingStatus | undefined;
  try {
    status = await parent.query(customerOnboardingStatusQuery);
  } catch {
    /* without a worker the children are found by their first-attempt IDs below */
  }
  const childId = (name: IntegrationName) =>
    status?.integrations.find((x) => x.name === name)?.workflowId ?? integrationWorkflowId(orderId, name);
  const i = order.integrations;
  const request: OffboardingRequest = {
    orderId,
    customer: order.customer,
    mode: opts.mode ?? 'apply',
    ...(opts.timing ? { timing: opts.timing } : {}),
  };

  if (i.googleDelegation) {
    const g = i.googleDelegation;
    request.googleDelegation = {
      domain: g.customer.domain,
      adminEmail: g.adminEmail,
      serviceAccount: g.serviceAccount,
      scopes: g.scopes,
    };
  }
  if (i.googleAdminRoles) {
    // Every attempt (the operator may have retried it): each ledger holds only what that attempt created.
    const attempts = status?.integrations.find((x) => x.name === 'googleAdminRoles')?.attempts ?? 1;
    const ledgers: ProvisioningLedger[] = [];
    for (let n = 1; n <= attempts; n++) {
      const c = await childState<{ ledger: ProvisioningLedger }, { ledger: ProvisioningLedger }>(
        client,
        integrationWorkflowId(orderId, 'googleAdminRoles', n)
      );
      const ledger = c.result?.ledger ?? c.status?.ledger;
      if (ledger) ledgers.push(ledger);
    }
    if (ledgers.length) request.googleAdminRoles = { request: i.googleAdminRoles, ledger: mergeLedgers(ledgers) };
  }
  if (i.autotask) {
    const a = i.autotask;
    let credentials: AutotaskCredentials | undefined = a.credentials;
    const c = await childState(client, childId('autotask'));
    if (!credentials && c.handle) {
      const supplied = await acceptedUpdates<AutotaskCredentials>(
        client,
        await c.handle.fetchHistory(),
        'supplyCredentials'
      );
      credentials = supplied.at(-1);
    }
    request.autotask = {
      tenant: a.customer.id,
      ...(credentials ? { credentials } : {}),
      webhooks: a.webhook.entities.map((entity) => ({ entity, name: webhookNameFor(a.webhook.name, entity) })),
    };
  }
  if (i.connectwise) {
    const cw = i.connectwise;
    const c = await childState<{ sync?: SyncSummary }, { sync?: SyncSummary }>(client, childId('connectwise'));
    let conn: Partial<ConnectwiseConnection> = { ...cw.connection };
    if (c.handle) {
      for (const patch of await acceptedUpdates<Partial<ConnectwiseConnection>>(
        client,
        await c.handle.fetchHistory(),
        'provideConnection'
      ))
        conn = { ...conn, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    }
    let sync = c.result?.sync ?? c.status?.sync;
    if (!sync && c.handle) {
      // The sync child may have finished even when its parent did not.
      const s = await childState<SyncSummary, { summary?: SyncSummary }>(
        client,
        `${c.handle.workflowId}:customer-sync`
      );
      sync = s.result ?? s.status?.summary;
    }
    syncApplied = sync?.mode === 'apply';
    unmatchedCompanies = sync?.unmatchedCompanies ?? [];
    const complete =
      conn.site && conn.companyId && conn.publicKey && conn.privateKeyRef && conn.clientId
        ? (conn as ConnectwiseConnection & { privateKeyRef: string })
        : undefined;
    request.connectwise = {
      ...(complete ? { connection: complete } : {}),
      customers: cw.customers.map((x) => x.identifier),
      agreementName: cw.billing.agreement.name,
      catalogItem: cw.billing.product.identifier,
      ...(cwCustomerSlug(cw.customer.name) ? { rotationKey: cwCustomerSlug(cw.customer.name) } : {}),
      created: {
        companies: sync?.mode === 'apply' ? (sync.createdCompanies ?? []) : [],
        catalogItem: sync?.mode === 'apply' && sync.catalogItem === 'created',
        // A sync that recorded what it created (and every run since) limits the deletes to that.
        ...(sync?.mode === 'apply' && sync.createdAgreements
          ? { agreements: sync.createdAgreements, additions: sync.createdAdditions ?? [] }
          : {}),
      },
    };
  }
  return {
    input: parseOffboardingInput(request),
    order,
    completed: (status?.integrations ?? []).filter((x) => x.state === 'completed').map((x) => x.name),
    syncApplied,
    unmatchedCompanies,
  };
}

function mergeLedgers(ledgers: ProvisioningLedger[]): ProvisioningLedger {
  const created = ledgers.find((l) => l.groupCreated) ?? ledgers.find((l) => l.groupName);
  const role = ledgers.find((l) => l.roleCreated) ?? ledgers.find((l) => l.roleId);
  return {
    groupCreated: ledgers.some((l) => l.groupCreated),
    ...(created?.groupName ? { groupName: created.groupName } : {}),
    membersAdded: [...new Set(ledgers.flatMap((l) => l.membersAdded))],
    roleCreated: ledgers.some((l) => l.roleCreated),
    ...(role?.roleId ? { roleId: role.roleId } : {}),
    assignmentIds: [...new Set(ledgers.flatMap((l) => l.assignmentIds))],
  };
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
  opts: { timing?: OffboardingRequest['timing'] } = {}
): Promise<StartedOffboarding> {
  const workflowId = offboardingWorkflowId(orderId);
  const running = await describeOrNull(client.workflow.getHandle(workflowId));
  if (running?.status.name === 'RUNNING') return { orderId, workflowId };
  const { input, order } = await orderFacts(client, orderId, { mode: 'apply', timing: opts.timing });
  const pausedSchedules = await pauseOrderSchedules(client, order);
  await client.workflow.start<typeof customerOffboarding>('customerOffboarding', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
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
  return client.workflow.execute<typeof customerOffboarding>('customerOffboarding', {
    workflowId: offboardingWorkflowId(orderId, 'plan', randomUUID().slice(0, 8)),
    taskQueue: config.temporal.taskQueue,
    args: [input],
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
