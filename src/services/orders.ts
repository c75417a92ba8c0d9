/**
 * Client-side operations on sales orders (customerOnboarding workflows), shared by the intake API and the
 * CLI so both behave the same: validated, idempotent on the order ID, one aggregated status.
 */
import { createHash } from 'node:crypto';
import {
  isGrpcServiceError,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { OnrampConfig } from '../config';
import { autotaskCredentialsSchema } from '../domain/autotask-schema';
import { connectionPatchSchema } from '../domain/connectwise-schema';
import { driftScheduleId } from '../domain/drift-schema';
import { isConnectwiseCloudHost } from '../rules/connectwise-site-rules';
import { OperatorActionError, OrderNotFoundError } from '../rules/order-errors';
import { rotationSchedulesFromOrder } from './rotation-schedules';
import { driftCheckFromOrder, driftSchedule, ensureSchedule, type ScheduleSpecInput } from './schedules';
import {
  customerOnboardingWorkflowId,
  INTEGRATIONS,
  orderIdSchema,
  parseOrder,
  type Order,
  type OrderRequest,
} from '../domain/customer-onboarding-schema';
import { InputError, parseOrThrow } from '../domain/field-validators';
import { checkNowSignal } from '../contract/google-delegation-messages';
import type { SecretStore } from '../secrets/secret-store';
import {
  ONRAMP_INTEGRATION,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../contract/search-attributes';
import {
  abandonIntegrationSignal,
  customerOnboardingStatusQuery,
  retryIntegrationSignal,
  type CustomerOnboardingStatus,
  type CustomerOnboardingWorkflow,
  type IntegrationName,
  type IntegrationStatus,
} from '../contract/customer-onboarding-messages';
import { supplyAutotaskCredentialsUpdate } from '../contract/autotask-onboarding-messages';
import { provideConnectionUpdate } from '../contract/connectwise-onboarding-messages';
import { autotaskProfileOf, type VendorProfilesFile } from '../domain/vendor-profile-schema';
import { loadVendorProfiles } from '../secrets/vendor-profile-file';
import { customerPriority } from '../rules/fairness';

export class OrderConflictError extends Error {
  constructor(readonly orderId: string) {
    super(
      `order ${orderId} was already received with different content: an order ID identifies one order; send changes as a new order ID`
    );
    this.name = 'OrderConflictError';
  }
}

// Found below the services too (reading an order's progress): the doors catch them from here.
export { OperatorActionError, OrderNotFoundError } from '../rules/order-errors';

/**
 * Temporal itself could not be reached (or answered "unavailable"): the one case the intake answers 503
 * and the CLI says "cannot reach Temporal". Everything else is either the client's mistake (4xx) or a bug.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    // gRPC UNAVAILABLE (14), DEADLINE_EXCEEDED (4): no server, or none answering.
    if (isGrpcServiceError(e)) return [14, 4].includes(Number(e.code));
  }
  return false;
}

/** The settings a door check needs: the task queue, and the ConnectWise hosts the workers may reach. */
export type OrderConfig = Pick<OnrampConfig, 'temporal'> & {
  connectwise?: Pick<OnrampConfig['connectwise'], 'allowedHosts'>;
  /** The deployment's vendor profile file: an order naming a profile it does not have is refused at the door. */
  autotask?: Pick<OnrampConfig['autotask'], 'vendorProfilesFile'>;
};

const profileFiles = new Map<string, VendorProfilesFile>();
/** The order's Autotask vendor profile exists in this deployment's file (when the client has one configured). */
function vendorProfileProblem(order: Order, config: OrderConfig): string | undefined {
  const at = order.integrations.autotask;
  const file = config.autotask?.vendorProfilesFile;
  if (!at || !file) return undefined;
  let profiles = profileFiles.get(file);
  if (!profiles) profileFiles.set(file, (profiles = loadVendorProfiles(file)));
  const found = autotaskProfileOf(profiles, at.vendorProfile);
  return found.ok ? undefined : `integrations.autotask.${found.problem}`;
}

/** ConnectWise site allow-list at the door, as the worker applies it (cloud hosts plus configured ones). */
function connectwiseSiteProblem(
  site: string | undefined,
  config: OrderConfig | undefined,
  path: string
): string | undefined {
  if (!site) return undefined;
  const host = site.toLowerCase();
  const allowed = config?.connectwise?.allowedHosts.map((h) => h.toLowerCase()) ?? [];
  if (isConnectwiseCloudHost(host) || allowed.includes(host)) return undefined;
  return `${path}: "${site}" is not a ConnectWise host. Use the host you sign in to: na.myconnectwise.net, eu.myconnectwise.net, au.myconnectwise.net, aus.myconnectwise.net, za.myconnectwise.net or staging.connectwisedev.com; an on-premises server must first be added to ONRAMP_CONNECTWISE_ALLOWED_HOSTS`;
}

/** Validate an order ID taken from a URL or argv, as the order schema does. */
export function parseOrderId(value: unknown): string {
  return parseOrThrow(orderIdSchema, value, 'order ID');
}

/**
 * An order checked at the door, once: the validated order and the schedules it asks for, each schedule's input
 * validated too. Starting it (startAcceptedOrder) works from this and validates nothing again.
 */
export interface AcceptedOrder {
  readonly order: Order;
  /** The order's drift check (`schedules.driftCheckEveryHours`), when it asks for one. */
  readonly driftSchedule?: ScheduleSpecInput;
  /** The order's rotations (`schedules.rotateEveryDays`). */
  readonly rotationSchedules: readonly ScheduleSpecInput[];
}

/**
 * Everything that can be known about an order without the vendor, checked before anything starts: the
 * schema (strict: unknown keys refused), its cross-field rules, the ConnectWise allow-list, each rotation's
 * input (a field it cannot use is named). A drift interval needs nothing checkable at start: the check reads
 * the onboarding's progress at each run.
 */
export function acceptOrder(request: unknown, config: OrderConfig): AcceptedOrder {
  const order = parseOrder(request);
  const problem = connectwiseSiteProblem(
    order.integrations.connectwise?.connection?.site,
    config,
    'integrations.connectwise.connection.site'
  );
  const problems = [problem, vendorProfileProblem(order, config)].filter((p): p is string => !!p);
  if (problems.length) throw new InputError('onboarding order', problems);
  const rotationSchedules = rotationSchedulesFromOrder(order);
  const every = order.schedules?.driftCheckEveryHours;
  return {
    order,
    rotationSchedules,
    // One drift check per order, from its start (each run reads what the onboarding has learnt by then).
    ...(every ? { driftSchedule: driftSchedule(driftCheckFromOrder(order), every * 3600_000) } : {}),
  };
}

/**
 * The intake's own check of an order as a list of problems (empty: it would be accepted). What a sales deal's
 * mapping is checked against before its order starts (src/activities/sales), so nothing is checked twice.
 */
export function orderProblems(request: unknown, config: OrderConfig): string[] {
  try {
    acceptOrder(request, config);
    return [];
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
}

/** An order validated as acceptOrder does, for the commands that need only the order. */
export function validateOrder(request: unknown, config: OrderConfig): Order {
  return acceptOrder(request, config).order;
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

/** Accept an order (acceptOrder) and start it (startAcceptedOrder): the intake's one pass. */
export async function startOrder(client: Client, config: OrderConfig, request: OrderRequest): Promise<StartedOrder> {
  return startAcceptedOrder(client, config, acceptOrder(request, config));
}

/**
 * Start the onboarding of an accepted order, exactly once per order ID: concurrent duplicates meet the server's
 * USE_EXISTING conflict policy, later resends meet REJECT_DUPLICATE and get the existing run. A resend with
 * different content is refused (OrderConflictError) instead of being silently ignored. Then its schedules,
 * idempotent as well: a resend updates each to the same spec.
 */
export async function startAcceptedOrder(
  client: Client,
  config: OrderConfig,
  accepted: AcceptedOrder
): Promise<StartedOrder> {
  const { order } = accepted;
  const workflowId = customerOnboardingWorkflowId(order.orderId);
  const fingerprint = orderFingerprint(order);
  let handle: WorkflowHandle<CustomerOnboardingWorkflow>;
  try {
    handle = await client.workflow.start<CustomerOnboardingWorkflow>('customerOnboarding', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [order],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { orderFingerprint: fingerprint },
      priority: customerPriority(order.customer.id),
      typedSearchAttributes: [
        { key: OnrampCustomer, value: order.customer.id },
        {
          key: OnrampVendor,
          value: INTEGRATIONS.filter((n) => order.integrations[n])
            .map((n) => order.integrations[n]?.vendor?.name ?? n)
            .join(', '),
        },
        { key: OnrampIntegration, value: ONRAMP_INTEGRATION.customerOnboarding },
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
  const { driftSchedule: drift, rotationSchedules } = accepted;
  for (const spec of [...(drift ? [drift] : []), ...rotationSchedules]) await ensureSchedule(client, config, spec);
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
  parseOrderId(orderId);
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

export type OrderActionName = 'check-now' | 'retry' | 'abandon' | 'cancel' | 'supply-credential';

async function orderStatusFor(client: Client, orderId: string): Promise<CustomerOnboardingStatus> {
  parseOrderId(orderId);
  try {
    return await client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).query(customerOnboardingStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
    throw err;
  }
}

/**
 * Check that an integration of an order is waiting for a credential, before anything is written for it
 * (the CLI stores the operator's secret only after this). Returns the child workflow to update.
 */
export async function credentialTarget(
  client: Client,
  orderId: string,
  integration: IntegrationName
): Promise<{ workflowId: string }> {
  const status = await orderStatusFor(client, orderId);
  const i = integrationOf(status, integration);
  if (integration !== 'autotask' && integration !== 'connectwise')
    throw new OperatorActionError(`${integration} takes no credential from the operator`);
  if (i.state !== 'running' || !i.workflowId)
    throw new OperatorActionError(`${integration} is ${i.state}, not waiting for a credential`);
  return { workflowId: i.workflowId };
}

/** The credential's fields, validated at the door (strict) before the workflow's Update sees them. */
export function validateCredential(integration: IntegrationName, credential: unknown, config?: OrderConfig): unknown {
  if (integration === 'autotask') return parseOrThrow(autotaskCredentialsSchema, credential, 'Autotask credential');
  if (integration === 'connectwise') {
    const patch = parseOrThrow(connectionPatchSchema, credential, 'ConnectWise connection');
    const problem = connectwiseSiteProblem(patch.site, config, 'credential.site');
    if (problem) throw new InputError('ConnectWise connection', [problem]);
    return patch;
  }
  throw new OperatorActionError(`${integration} takes no credential from the operator`);
}

/** Pause the customer's drift-check schedule: a cancelled order must not keep checking (and alerting). */
async function pauseSchedulesOf(client: Client, order: CustomerOnboardingStatus): Promise<string[]> {
  const paused: string[] = [];
  const id = driftScheduleId(order.customer.id);
  try {
    await client.schedule.getHandle(id).pause(`order ${order.orderId} was cancelled; unpause to check again`);
    paused.push(id);
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  return paused;
}

/** Operator actions on an order, by name; each checks the integration is in a state where it makes sense. */
export async function orderAction(
  client: Client,
  orderId: string,
  action: OrderActionName,
  opts: { integration?: IntegrationName; credential?: unknown; config?: OrderConfig; secret?: SuppliedSecret } = {}
): Promise<string> {
  const status = await orderStatusFor(client, orderId);
  const parent = client.workflow.getHandle(customerOnboardingWorkflowId(orderId));
  if (action === 'cancel') {
    await parent.cancel();
    const paused = await pauseSchedulesOf(client, status);
    return `cancellation requested for order ${orderId}${paused.length ? `; paused schedule ${paused.join(', ')}` : ''}`;
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
    case 'supply-credential':
      return supplyCredential(client, orderId, name, opts.credential, opts.config, opts.secret);
  }
}

/** A secret value handed over with a credential, to be written to the secret store (never into Temporal). */
export interface SuppliedSecret {
  value: string;
  store: SecretStore;
  /** Who supplies it (the intake's authenticated caller, the CLI's operator) and through what: for the audit. */
  actor: string;
  via: 'intake' | 'cli' | 'checklist-page';
}

/** The credential field that carries the secret's reference. */
export const CREDENTIAL_SECRET_FIELD = { autotask: 'secretRef', connectwise: 'privateKeyRef' } as const;

/**
 * Give a waiting integration its credential. With `secret`, the value is written to the secret store only
 * after every field was checked and the integration was found waiting, and the workflow receives its
 * `store:` reference; a credential the workflow refuses is removed from the store again (both audited).
 */
export async function supplyCredential(
  client: Client,
  orderId: string,
  name: IntegrationName,
  given: unknown,
  config?: OrderConfig,
  secret?: SuppliedSecret
): Promise<string> {
  const field = name === 'autotask' || name === 'connectwise' ? CREDENTIAL_SECRET_FIELD[name] : undefined;
  let credential: Record<string, unknown>;
  if (secret && field) {
    const fields =
      given && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
    if (fields[field] !== undefined)
      throw new InputError('credential', [
        `credential.${field}: give the secret itself in "secret" or a reference in credential.${field}, not both`,
      ]);
    // Every field checked, with a stand-in reference, before anything is written.
    const { [field]: _standIn, ...rest } = validateCredential(
      name,
      given && typeof given === 'object' && !Array.isArray(given) ? { ...fields, [field]: 'store:stand-in' } : given,
      config
    ) as Record<string, unknown>;
    credential = rest;
  } else {
    credential = validateCredential(name, given, config) as Record<string, unknown>;
  }
  const { workflowId } = await credentialTarget(client, orderId, name);
  const entry = secret ? { actor: secret.actor, via: secret.via, orderId, integration: name } : undefined;
  const ref = secret && field ? await secret.store.supply(secret.value, entry!) : undefined;
  if (ref) credential = { ...credential, [field!]: ref };
  const child = client.workflow.getHandle(workflowId);
  try {
    if (name === 'autotask') {
      await child.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [credential as never] });
    } else {
      const r = await child.executeUpdate(provideConnectionUpdate, { args: [credential as never] });
      if (!r.verified) return `accepted (${ref ?? 'no secret'}); still waiting for ${r.waitingFor.join(', ')}`;
    }
  } catch (err) {
    // A credential the workflow did not take is of no use to anyone: do not keep it.
    if (ref) await secret!.store.remove(ref, entry!, 'the workflow did not accept the credential');
    throw err;
  }
  return `credential accepted and verified for ${name} of order ${orderId}${ref ? ` (secret stored as ${ref})` : ''}`;
}
