import { heartbeating } from './activity-timeouts';
import {
  ApplicationFailure,
  condition,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget } from '../activities/connectwise';
import type { CwObjectRef } from '../activities/connectwise/cleanup';
import { ADMIN_ROLE_SCOPES } from '../rules/google-admin-roles-rules';
import { fillOffboardingDefaults, offboardingWorkflowId } from '../rules/offboarding-rules';
import {
  adminRolesOffboarding,
  autotaskOffboarding,
  connectwiseOffboarding,
  credentialsOffboarding,
  delegationOffboarding,
  offboardingMarkdown,
  offboardingStopped,
  operatorStepAlreadyDone,
  operatorStepNotDone,
} from '../rules/offboarding-instructions';
import {
  offboardingOperatorDoneSignal,
  offboardingStatusQuery,
  type CustomerOffboardingWorkflow,
  type OffboardingInputV1,
  type OffboardingIntegration,
  type OffboardingReport,
  type OffboardingStatus,
  type OffboardingStep,
} from '../contract/offboarding-messages';
import { ONRAMP_INTEGRATION, OnrampCustomer, OnrampIntegration } from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';
import { activityCause } from './progress';
import { googleAdminRoleProvisioning } from './google-admin-roles';
import { startedWith } from './identity';
import { inputV1 } from './input';
import { Progress, type ProgressView } from './progress';

const READ = heartbeating({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});
const WRITE = heartbeating({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
});
const read = proxyActivities<OnrampActivities>(READ);
const write = proxyActivities<OnrampActivities>(WRITE);

const REJECTED_AUTOTASK = new Set<string>([FailureType.AutotaskCredentialsRejected, FailureType.AutotaskUnknownUser]);

/**
 * One offboarding as it runs: its steps, what the operator must do now, the notes of its report. Progress
 * shows it (search attributes and Web UI details); the status query reads it.
 */
class Offboarding {
  readonly apply: boolean;
  readonly steps: OffboardingStep[] = [];
  readonly instructions = new Map<OffboardingIntegration, string>();
  readonly notes: string[] = [];
  readonly operatorDone = new Set<OffboardingIntegration>();
  readonly progress: Progress<string>;

  constructor(readonly input: OffboardingInputV1) {
    this.apply = input.mode === 'apply';
    this.progress = new Progress<string>(this.idle(), () => this.view());
  }

  private idle(): string {
    return this.apply ? 'offboarding' : 'plan';
  }

  /** The integrations at work now, waiting for the operator while any instruction is open, and the details. */
  private view(): ProgressView<string> {
    const state = this.progress.state;
    const live = state === 'running' || state === 'waiting-for-operator';
    const current = this.steps.filter((s) => s.state === 'running' || s.state === 'waiting-for-operator');
    return {
      step: current.map((s) => s.integration).join(',') || this.idle(),
      state: live ? (this.instructions.size ? 'waiting-for-operator' : 'running') : state,
      details: offboardingMarkdown({
        apply: this.apply,
        orderId: this.input.orderId,
        customerName: this.input.customer.name,
        steps: this.steps,
        instructions: this.instructions,
      }),
    };
  }

  status(): OffboardingStatus {
    return {
      orderId: this.input.orderId,
      customer: this.input.customer.id,
      mode: this.input.mode,
      state: this.progress.state,
      steps: this.steps,
      instructions: [...this.instructions].map(([integration, text]) => ({ integration, text })),
      notes: this.notes,
    };
  }

  step(integration: OffboardingIntegration, action: string, by: OffboardingStep['by'], detail?: string) {
    const s: OffboardingStep = { integration, action, by, state: 'planned', ...(detail ? { detail } : {}) };
    this.steps.push(s);
    this.progress.publish();
    return s;
  }

  /** Move a step on and show it. */
  mark(s: OffboardingStep, state: OffboardingStep['state']): void {
    s.state = state;
    this.progress.publish();
  }

  note(integration: OffboardingIntegration, text: string): void {
    this.notes.push(`${integration}: ${text}`);
  }

  /**
   * An operator step: skipped when `verify` already holds (a second offboarding never waits), else the
   * instruction is published and the step waits for the signal or the next periodic re-check, then verifies.
   */
  async operatorStep(
    integration: OffboardingIntegration,
    action: string,
    text: string,
    verify: () => Promise<true | string>
  ): Promise<void> {
    const first = await verify();
    if (first === true) return this.note(integration, operatorStepAlreadyDone(action));
    const s = this.step(integration, action, 'operator', first);
    if (!this.apply) return;
    this.instructions.set(integration, text);
    this.mark(s, 'waiting-for-operator');
    const { recheckSeconds, operatorDeadlineHours } = this.input.timing;
    const deadline = Date.now() + operatorDeadlineHours * 3600_000;
    for (;;) {
      await condition(
        () => this.operatorDone.has(integration),
        Math.max(1, Math.min(recheckSeconds * 1000, deadline - Date.now())),
        { summary: `Wait for the operator (${integration}: ${action}) or the next re-check` }
      );
      this.operatorDone.delete(integration);
      const r = await verify();
      if (r === true) break;
      s.detail = r;
      if (Date.now() >= deadline) {
        this.instructions.delete(integration);
        this.mark(s, 'failed');
        throw ApplicationFailure.nonRetryable(
          operatorStepNotDone(integration, action, operatorDeadlineHours, r, text),
          FailureType.OffboardingOperatorStepNotDone
        );
      }
    }
    s.detail = undefined;
    this.instructions.delete(integration);
    this.mark(s, 'verified');
  }

  /** Every step still open failed with the offboarding: no instruction stays up. */
  stopAll(): void {
    for (const s of this.steps) if (s.state === 'running' || s.state === 'waiting-for-operator') s.state = 'failed';
    this.instructions.clear();
  }
}

type AdminRoles = NonNullable<OffboardingInputV1['googleAdminRoles']>;
type Delegation = NonNullable<OffboardingInputV1['googleDelegation']>;
type Autotask = NonNullable<OffboardingInputV1['autotask']>;
type AutotaskTarget = { tenant: string; vendorProfile: string; credentials: NonNullable<Autotask['credentials']> };
type Connectwise = NonNullable<OffboardingInputV1['connectwise']>;
type Connection = NonNullable<Connectwise['connection']>;

/** What the provisioning created, in words: assignments, the role, the group (or the memberships it added). */
function createdRoleItems({ ledger: l, request }: AdminRoles): string[] {
  return [
    ...l.assignmentIds.map((id) => `role assignment ${id}`),
    ...(l.roleCreated && l.roleId ? [`role ${l.roleId}`] : []),
    ...(l.groupCreated && l.groupName
      ? [`group ${request.group.email}`]
      : l.membersAdded.length
        ? [`${l.membersAdded.length} membership(s) of ${request.group.email}`]
        : []),
  ];
}

/** Google 1: the admin roles, undone by their own workflow (as a child) while the delegation still allows it. */
async function undoAdminRoles(run: Offboarding, roles: AdminRoles): Promise<void> {
  const items = createdRoleItems(roles);
  if (!items.length) return run.note('googleAdminRoles', adminRolesOffboarding.nothingCreated);
  // Without the delegation (the admin removed the client ID: a second offboarding, or the customer acted
  // first) Onramp can neither see nor remove the roles: say what to check by hand instead of failing.
  const { adminEmail, serviceAccount } = roles.request;
  const granted = await read.checkDelegatedScopes.executeWithOptions(
    { ...READ, summary: `Can Onramp still act as ${adminEmail}? (role scopes)` },
    [{ subject: adminEmail, serviceAccount, scopes: [...new Set(Object.values(ADMIN_ROLE_SCOPES))], mode: 'each' }]
  );
  const lost = granted.filter((x) => !x.granted).map((x) => x.scope);
  if (lost.length) return run.note('googleAdminRoles', adminRolesOffboarding.delegationLost(lost, items));
  const s = run.step('googleAdminRoles', adminRolesOffboarding.remove(items), 'onramp');
  if (!run.apply) return;
  run.mark(s, 'running');
  const { orderId, customer } = run.input;
  await executeChild(googleAdminRoleProvisioning, {
    // From the order, not workflowInfo(): the same ID on every run of this offboarding (and in replay).
    workflowId: `${offboardingWorkflowId(orderId)}:google-admin-roles-undo`,
    args: [{ ...roles.request, mode: 'undo', undo: { ledger: roles.ledger } }],
    // The order's customer, so `OnrampCustomer = <customer id>` finds the undo with the offboarding.
    typedSearchAttributes: [
      { key: OnrampCustomer, value: startedWith(OnrampCustomer, customer.id) },
      { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleAdminRoleProvisioning },
    ],
    staticSummary: adminRolesOffboarding.undoSummary(customer.name, orderId),
  });
  run.mark(s, 'removed');
}

/** Google 2: the admin removes Onramp's client ID from domain-wide delegation; verified by unauthorized_client. */
async function awaitDelegationRemoved(run: Offboarding, g: Delegation): Promise<void> {
  const { clientId, email } = g.serviceAccount;
  await run.operatorStep(
    'googleDelegation',
    delegationOffboarding.action(g.domain, clientId),
    delegationOffboarding.instruction(g.domain, clientId, email, g.scopes.length),
    async () => {
      const r = await read.checkDelegatedScopes.executeWithOptions(
        { ...READ, summary: `Mint a token as ${g.adminEmail} per scope: expect unauthorized_client` },
        [{ subject: g.adminEmail, serviceAccount: g.serviceAccount, scopes: g.scopes, mode: 'each' }]
      );
      const granted = r.filter((x) => x.granted).length;
      return granted === 0 ? true : delegationOffboarding.stillGranted(granted, g.scopes.length);
    }
  );
}

/** Google: admin roles before the delegation they act through. */
async function offboardGoogle(run: Offboarding): Promise<void> {
  const { googleAdminRoles, googleDelegation } = run.input;
  if (googleAdminRoles) await undoAdminRoles(run, googleAdminRoles);
  if (googleDelegation) await awaitDelegationRemoved(run, googleDelegation);
}

/**
 * Autotask 1: the webhooks Onramp created, looked up by name, deleted and verified gone. Returns whether
 * Autotask already rejects the API user (then its webhooks are deactivated and only noted).
 */
async function deleteAutotaskWebhooks(run: Offboarding, a: Autotask, target: AutotaskTarget): Promise<boolean> {
  if (!a.webhooks.length) return false;
  const username = target.credentials.username;
  let hooks: Awaited<ReturnType<OnrampActivities['findAutotaskWebhooksByName']>> = [];
  try {
    hooks = await read.findAutotaskWebhooksByName.executeWithOptions(
      { ...READ, summary: `Look up ${a.webhooks.length} webhook(s) by name` },
      [{ ...target, webhooks: a.webhooks }]
    );
  } catch (err) {
    if (!REJECTED_AUTOTASK.has(activityCause(err)?.type ?? '')) throw err;
    run.note(
      'autotask',
      autotaskOffboarding.alreadyRejected(
        username,
        a.webhooks.map((w) => w.name)
      )
    );
    return true;
  }
  if (!hooks.length) run.note('autotask', autotaskOffboarding.noWebhook);
  for (const h of hooks) {
    const s = run.step('autotask', autotaskOffboarding.deleteWebhook(h.entity, h.name, h.id), 'onramp');
    if (!run.apply) continue;
    run.mark(s, 'running');
    const outcome = await write.deleteAutotaskWebhook.executeWithOptions(
      { ...WRITE, summary: `Delete ${h.entity} webhook ${h.id} as ${username}` },
      [{ ...target, entity: h.entity, id: h.id }]
    );
    run.mark(s, outcome === 'deleted' ? 'removed' : 'already-gone');
  }
  if (run.apply && hooks.length) {
    const left = await read.findAutotaskWebhooksByName.executeWithOptions(
      { ...READ, summary: 'Verify the webhooks are gone' },
      [{ ...target, webhooks: a.webhooks }]
    );
    if (left.length)
      throw ApplicationFailure.nonRetryable(
        autotaskOffboarding.webhooksLeft(left.map((h) => h.id)),
        FailureType.OffboardingWebhookStillPresent
      );
  }
  return false;
}

/** Autotask 2: the operator deactivates the API user (the UI alone can); verified by Autotask rejecting it. */
async function awaitApiUserDeactivated(run: Offboarding, target: AutotaskTarget, rejected: boolean) {
  const username = target.credentials.username;
  const userRejected = async (): Promise<true | string> => {
    try {
      await read.verifyAutotaskCredentials.executeWithOptions(
        { ...READ, summary: `Is API user ${username} still accepted? (expect 401)` },
        [target]
      );
      return autotaskOffboarding.stillAccepted(username);
    } catch (err) {
      if (REJECTED_AUTOTASK.has(activityCause(err)?.type ?? '')) return true;
      throw err;
    }
  };
  await run.operatorStep(
    'autotask',
    autotaskOffboarding.deactivate(username),
    autotaskOffboarding.deactivateInstruction(username),
    rejected ? async () => true : userRejected
  );
}

/** Autotask: the webhooks Onramp created, then the API user. */
async function offboardAutotask(run: Offboarding): Promise<void> {
  const a = run.input.autotask;
  if (!a) return;
  if (!a.credentials) return run.note('autotask', autotaskOffboarding.nothingCreated);
  const target = { tenant: a.tenant, vendorProfile: a.vendorProfile, credentials: a.credentials };
  const rejected = await deleteAutotaskWebhooks(run, a, target);
  await awaitApiUserDeactivated(run, target, rejected);
}

/** ConnectWise 0: the key the customer uses now (after a key rotation the order's own key was deleted). */
async function currentConnection(run: Offboarding, c: Connectwise, connection: Connection): Promise<Connection> {
  if (!c.rotationKey) return connection;
  const rotated = await read.readCurrentConnectwiseKey.executeWithOptions(
    { ...READ, summary: `Which ConnectWise key ${run.input.customer.name} uses now (after a key rotation)` },
    [{ customer: c.rotationKey }]
  );
  return rotated ? { ...connection, ...rotated } : connection;
}

/** What the sync created for billing, as it exists now (newest first). */
const billingInventory = (c: Connectwise, target: CwTarget) =>
  read.inventoryConnectwiseBilling.executeWithOptions(
    { ...READ, summary: `Look up the billing objects of ${c.customers.length} synced companies` },
    [
      {
        ...target,
        customers: c.customers,
        agreementName: c.agreementName,
        catalogItem: c.catalogItem,
        createdCompanies: c.created.companies,
        catalogItemCreated: c.created.catalogItem,
        ...(c.created.agreements
          ? { createdAgreements: c.created.agreements, createdAdditions: c.created.additions ?? [] }
          : {}),
      },
    ]
  );

/** ConnectWise 1: delete each billing object; returns those the API member's role may not delete. */
async function deleteBillingObjects(run: Offboarding, c: Connectwise, target: CwTarget): Promise<CwObjectRef[]> {
  const objects = await billingInventory(c, target);
  if (!objects.length) run.note('connectwise', connectwiseOffboarding.nothingExists);
  const forbidden: CwObjectRef[] = [];
  for (const ref of objects) {
    const s = run.step('connectwise', connectwiseOffboarding.deleteObject(ref.label), 'onramp');
    if (!run.apply) continue;
    run.mark(s, 'running');
    const outcome = await write.deleteConnectwiseObject.executeWithOptions(
      { ...WRITE, summary: `Delete ${ref.label}` },
      [{ ...target, ref }]
    );
    if (outcome === 'forbidden') {
      forbidden.push(ref);
      s.by = 'operator';
      s.detail = connectwiseOffboarding.noDeleteLevel;
      run.mark(s, 'waiting-for-operator');
    } else run.mark(s, outcome);
  }
  return forbidden;
}

/**
 * ConnectWise 2: what the role may not delete is asked of the operator. The first check runs right after the
 * deletes were refused; later ones (the operator's signal or the periodic re-check) try again, so a role
 * given Delete = All meanwhile finishes the job.
 */
async function awaitHandDeletes(run: Offboarding, c: Connectwise, target: CwTarget, forbidden: CwObjectRef[]) {
  const ids = new Set(forbidden.map((f) => `${f.kind}:${f.id}`));
  let checks = 0;
  await run.operatorStep(
    'connectwise',
    connectwiseOffboarding.deleteByHand(forbidden.length),
    connectwiseOffboarding.deleteByHandInstruction(forbidden.map((f) => f.label)),
    async () => {
      let left = (await billingInventory(c, target)).filter((o) => ids.has(`${o.kind}:${o.id}`));
      if (checks++ > 0 && left.length) {
        const still: CwObjectRef[] = [];
        for (const ref of left) {
          const outcome = await write.deleteConnectwiseObject.executeWithOptions(
            { ...WRITE, summary: `Delete ${ref.label} (again)` },
            [{ ...target, ref }]
          );
          if (outcome === 'forbidden') still.push(ref);
        }
        left = still;
      }
      return left.length ? connectwiseOffboarding.stillPresent(left.length) : true;
    }
  );
  for (const s of run.steps)
    if (s.integration === 'connectwise' && s.state === 'waiting-for-operator') s.state = 'removed';
}

/** ConnectWise 3: the operator deletes the API key (the UI alone can); verified by ConnectWise rejecting it. */
async function awaitKeyDeleted(run: Offboarding, connection: Connection, keyLabel: string) {
  await run.operatorStep(
    'connectwise',
    connectwiseOffboarding.deleteKey(keyLabel),
    connectwiseOffboarding.deleteKeyInstruction(connection.publicKey, connection.apiMember),
    async () => {
      const r = await read.verifyConnectwiseConnection.executeWithOptions(
        { ...READ, summary: `Is ${keyLabel} rejected now?` },
        [connection]
      );
      return !r.ok && r.field === 'keys' ? true : connectwiseOffboarding.stillAccepts(keyLabel);
    }
  );
}

/** ConnectWise: what the sync created for billing (newest first), then the API key. */
async function offboardConnectwise(run: Offboarding): Promise<void> {
  const c = run.input.connectwise;
  if (!c) return;
  if (!c.connection) return run.note('connectwise', connectwiseOffboarding.nothingCreated);
  const connection = await currentConnection(run, c, c.connection);
  const keyLabel = connectwiseOffboarding.keyLabel(connection.publicKey, connection.apiMember);
  const v = await read.verifyConnectwiseConnection.executeWithOptions(
    { ...READ, summary: `Verify the ConnectWise key of ${run.input.customer.name}` },
    [connection]
  );
  if (!v.ok) {
    if (v.field !== 'keys')
      throw ApplicationFailure.nonRetryable(`connectwise: ${v.message}`, FailureType.OffboardingConnectWise);
    return run.note('connectwise', connectwiseOffboarding.keyRejected(keyLabel, c.agreementName, c.catalogItem));
  }
  const target: CwTarget = { connection, site: v.site };
  const forbidden = await deleteBillingObjects(run, c, target);
  if (forbidden.length) await awaitHandDeletes(run, c, target, forbidden);
  await awaitKeyDeleted(run, connection, keyLabel);
}

/** The message of a chain's failure: the activity's cause when there is one. */
const reasonOf = (reason: unknown): string => {
  const err = reason as Error;
  return err.cause instanceof Error ? err.cause.message : err.message;
};

/**
 * The offboarding of one order: each integration's steps undone in reverse order of onboarding (Google
 * admin roles before the delegation they act through; Autotask webhooks before the API user; ConnectWise
 * additions, agreements, the catalog item and companies before the API key). Integrations run side by
 * side. Every removal is preceded by a lookup and treats "already gone" as done, so a partial onboarding
 * loses only what exists and a second offboarding changes nothing. Steps the vendors allow only in their UI
 * (delegation client ID, API user, API key) are asked of the operator, waited for (signal `operatorDone`
 * or a periodic re-check) and then verified. Plan mode lists the steps and writes nothing.
 */
export async function customerOffboarding(request: OffboardingInputV1): Promise<OffboardingReport> {
  const input = inputV1<OffboardingInputV1>(
    request,
    fillOffboardingDefaults,
    ['orderId', 'customer'],
    'offboarding input'
  );
  const run = new Offboarding(input);
  setHandler(offboardingStatusQuery, () => run.status());
  setHandler(offboardingOperatorDoneSignal, (name) => void run.operatorDone.add(name));
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.id) },
    // One value per workflow type (plan runs too: their step says "plan" and their ID ends in :plan:…).
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.customerOffboarding },
  ]);
  run.progress.publish();

  const chains: [string, (run: Offboarding) => Promise<void>][] = [
    ['google', offboardGoogle],
    ['autotask', offboardAutotask],
    ['connectwise', offboardConnectwise],
  ];
  const results = await Promise.allSettled(chains.map(([, offboard]) => offboard(run)));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${chains[i]![0]}: ${reasonOf(r.reason)}`] : []
  );
  if (failures.length) {
    run.stopAll();
    run.progress.fail(offboardingStopped(input.orderId, failures), FailureType.OffboardingFailed);
  }
  run.progress.state = 'completed';
  run.progress.publish();
  await forgetCredentials(run);
  return run.status();
}

/**
 * Last, once everything else is removed: the customer's stored credentials and rotation state are deleted
 * from the secret store (audited), at once or, when the request asked for a retention, after it (a durable
 * timer: the offboarding reports itself completed and stays open until then).
 */
async function forgetCredentials(run: Offboarding): Promise<void> {
  const { input } = run;
  if (!run.apply) return;
  const days = input.credentials?.retainDays;
  if (days) {
    run.notes.push(credentialsOffboarding.kept(days, new Date(Date.now() + days * 86_400_000).toISOString()));
    run.progress.publish();
    await sleep(days * 86_400_000);
  }
  const r = await write.forgetStoredCredentials.executeWithOptions(
    { ...WRITE, summary: credentialsOffboarding.forget(input.orderId) },
    [
      {
        orderId: input.orderId,
        autotaskTenant: input.autotask?.tenant,
        connectwiseRotationKey: input.connectwise?.rotationKey,
        reason: `order ${input.orderId} offboarded`,
      },
    ]
  );
  run.notes.push(r.store ? credentialsOffboarding.forgotten(r.removed.length) : credentialsOffboarding.noStore);
  run.progress.publish();
}

/** The workflow keeps the signature its clients start it by (src/contract/offboarding-messages.ts). */
export const customerOffboardingSignature: CustomerOffboardingWorkflow = customerOffboarding;
