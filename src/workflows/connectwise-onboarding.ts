import { reminderDelaysMs } from '../rules/human-mail-text';
import { mailWhileWaiting, withResultMail, type HumanStep } from './human-mail';
import { unverifiedPermissions } from '../rules/status-warnings';
import { HEARTBEAT } from './activity-timeouts';
import { Progress } from './progress';
import { startedWith } from './identity';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget, VerifyConnectionResult } from '../activities/connectwise';
import {
  connectionPatchProblems,
  fillConnectwiseOnboardingDefaults,
  normaliseConnectionPatch,
} from '../rules/connectwise-rules';
import {
  connectwiseChecklist,
  connectwiseMailTopic,
  formatPermissionTable,
  onboardingText,
} from '../rules/connectwise-instructions';
import {
  connectwiseStatusQuery,
  provideConnectionUpdate,
  recheckPermissionsSignal,
  type ConnectwiseConnectionPatchV1,
  type ConnectwiseOnboardingInputV1,
  type ConnectwiseOnboardingRequestV1,
  type ConnectwiseOnboardingResult,
  type ConnectwiseStatus,
  type ConnectwiseStep,
  type PermissionRow,
  type ProvideConnectionResult,
} from '../contract/connectwise-onboarding-messages';
import type { ConnectwiseConnectionV1, SyncSummary } from '../contract/connectwise-sync-messages';
import { formatDuration } from '../rules/google-delegation-rules';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { connectwiseCustomerSync } from './connectwise-customer-sync';
import { FailureType } from '../contract/failure-types';

const VERIFY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 6 },
};
const PERMISSION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
};
const REMINDER_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: HEARTBEAT,
  // A reminder that cannot be delivered must not hold up the wait; the next one will try again.
  retry: { initialInterval: '2s', maximumAttempts: 3 },
};

const { verifyConnectwiseConnection, checkConnectwisePermissions, notifyVendor } =
  proxyActivities<OnrampActivities>(VERIFY_OPTIONS);

const REQUIRED_FIELDS = ['site', 'companyId', 'publicKey', 'privateKeyRef', 'clientId'] as const;

/** One onboarding's state: what the status query reports and the Update and signal change. */
interface Onboarding {
  input: ConnectwiseOnboardingInputV1;
  workflowId: string;
  checklist: string[];
  keyDeadlineAt: number;
  progress: Progress<ConnectwiseStep>;
  conn: Partial<ConnectwiseConnectionV1>;
  /** The verified connection and its site, once the keys worked. */
  target?: CwTarget;
  lastRejection?: string;
  verifying: boolean;
  reminders: number;
  permissionSource?: ConnectwiseStatus['permissionSource'];
  permissions?: PermissionRow[];
  recheck: boolean;
  sync?: SyncSummary;
  /** The admin and the operator, e-mailed while Onramp waits for the key pair (./human-mail.ts). */
  humans?: HumanStep;
}

/** ConnectWise PSA onboarding, seed 002: the operator's key pair, the security role, then the customer sync. */
export async function connectwiseOnboarding(
  request: ConnectwiseOnboardingRequestV1
): Promise<ConnectwiseOnboardingResult> {
  const o = begin(request);
  // The humans of steps 1-8 are e-mailed while Onramp waits for a working key, and hear the result.
  return withResultMail(
    () => o.humans,
    async () => {
      // Seed steps 1-8: the API member and its key pair (the admin, following the checklist); Onramp proves the keys.
      const target = await awaitWorkingKeys(o);
      o.progress.enter('verifying-connection', 'running', onboardingText.keysVerified(target.site));
      // Seed step 9: the member's security role, area by area (Company Maintenance Add when the sync creates companies).
      await awaitSecurityRole(o, target);
      // Then what the keys are for: the vendor's customers synced into ConnectWise.
      if (o.input.customers.length) o.sync = await syncCustomers(o, target);
      o.progress.enter('done', 'completed', onboardingText.done(target.site, o.sync));
      return {
        companyName: target.site.companyName,
        apiBaseUrl: target.site.apiBaseUrl,
        permissions: o.permissions ?? [],
        sync: o.sync,
      };
    },
    (r) => `Connected to ${r.companyName}; ${r.permissions.length} permission(s) checked.`
  );
}

function begin(request: ConnectwiseOnboardingRequestV1): Onboarding {
  const input = inputV1<ConnectwiseOnboardingInputV1>(
    request,
    fillConnectwiseOnboardingDefaults,
    ['customer'],
    'ConnectWise onboarding input'
  );
  const o: Onboarding = {
    input,
    workflowId: workflowInfo().workflowId,
    checklist: connectwiseChecklist(input.vendor.name, input.sync),
    keyDeadlineAt: Date.now() + input.keyWait.deadlineHours * 3600_000,
    progress: new Progress<ConnectwiseStep>('awaiting-connection'),
    conn: { ...input.connection },
    verifying: false,
    reminders: 0,
    recheck: false,
  };
  setHandler(connectwiseStatusQuery, () => status(o));
  setHandler(recheckPermissionsSignal, () => {
    o.recheck = true;
  });
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseOnboarding },
  ]);
  setHandler(provideConnectionUpdate, (patch) => provideConnection(o, patch), {
    validator: (patch) => {
      const problems = connectionPatchProblems(patch);
      if (problems.length) throw new Error(onboardingText.connectionRefused(problems));
      if (o.target) throw new Error(onboardingText.alreadyVerified);
      if (o.verifying) throw new Error(onboardingText.checkRunning);
    },
  });
  return o;
}

function status(o: Onboarding): ConnectwiseStatus {
  const { conn, target } = o;
  return {
    workflowId: o.workflowId,
    customer: o.input.customer.name,
    vendor: o.input.vendor.name,
    step: o.progress.step,
    state: o.progress.state,
    checklist: o.checklist,
    connection: {
      site: conn.site,
      companyId: conn.companyId,
      publicKey: conn.publicKey,
      clientId: conn.clientId,
      privateKey: target ? 'verified' : conn.privateKeyRef ? 'supplied' : 'missing',
    },
    lastRejection: o.lastRejection,
    reminders: o.reminders,
    keyDeadlineAt: new Date(o.keyDeadlineAt).toISOString(),
    site: target?.site,
    permissionSource: o.permissionSource,
    permissions: o.permissions,
    sync: o.sync,
    error: o.progress.error,
  };
}

const missingFields = (o: Onboarding) => REQUIRED_FIELDS.filter((f) => !o.conn[f]);

/** An activity's own failure ends the onboarding with its message and type; anything else is rethrown. */
function failFromActivity(o: Onboarding, err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
    return o.progress.failAs(err.cause, FailureType.ConnectWiseFailed);
  throw err;
}

/** The provideConnection Update: merge the patch; once every field is there, prove the keys (a refusal fails the Update only). */
async function provideConnection(o: Onboarding, patch: ConnectwiseConnectionPatchV1): Promise<ProvideConnectionResult> {
  const p = normaliseConnectionPatch(patch);
  o.conn = { ...o.conn, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) };
  const waitingFor = missingFields(o);
  if (waitingFor.length) return { verified: false, waitingFor };
  const r = await verify(o);
  if (!r.ok) throw ApplicationFailure.nonRetryable(r.message, FailureType.ConnectWiseConnectionRejected);
  return { verified: true, waitingFor: [], companyName: r.site.companyName };
}

/** Prove the merged connection; a wrong value is remembered for the operator, never thrown. */
async function verify(o: Onboarding): Promise<VerifyConnectionResult> {
  // Every required field is present (missingFields() is empty before each call), each as the door or the
  // Update handler normalised it.
  const candidate = o.conn as ConnectwiseConnectionV1;
  o.verifying = true;
  try {
    const r = await verifyConnectwiseConnection.executeWithOptions(
      { ...VERIFY_OPTIONS, summary: onboardingText.verifyKeys(candidate.companyId, candidate.site) },
      [candidate]
    );
    if (r.ok) {
      o.target = { connection: candidate, site: r.site };
      o.lastRejection = undefined;
    } else {
      o.lastRejection = r.message;
      // A rejected key is useless: forget its reference so the status says "missing" again.
      if (r.field === 'keys' || r.field === 'privateKeyRef') o.conn = { ...o.conn, privateKeyRef: undefined };
    }
    return r;
  } finally {
    o.verifying = false;
  }
}

/** Seed steps 1-8: publish the checklist, then wait (with reminders) for a key pair that works, until the deadline. */
async function awaitWorkingKeys(o: Onboarding): Promise<CwTarget> {
  const { input, progress } = o;
  progress.enter('awaiting-connection', 'waiting-for-operator', onboardingText.awaitingConnection(o.checklist));
  if (!missingFields(o).length) {
    try {
      await verify(o);
    } catch (err) {
      failFromActivity(o, err);
    }
  }
  if (!o.target) mailTheAdmin(o);
  while (!o.target) {
    const left = o.keyDeadlineAt - Date.now();
    if (left <= 0) {
      await condition(allHandlersFinished);
      if (o.target) break;
      progress.fail(
        onboardingText.keyDeadline(formatDuration(input.keyWait.deadlineHours * 3600_000), o.lastRejection),
        FailureType.ConnectWiseKeyNotProvided
      );
    }
    const wait = Math.min(input.keyWait.reminderIntervalSeconds * 1000, left);
    const provided = await condition(() => o.target !== undefined, wait, {
      summary: onboardingText.waitingForKey(missingFields(o), wait),
    });
    if (!provided && Date.now() < o.keyDeadlineAt) await remind(o);
  }
  return o.target;
}

/** The admin and the operator get the checklist by e-mail, with reminders while no working key has come. */
function mailTheAdmin(o: Onboarding): void {
  o.humans = {
    step: 'awaiting-connection',
    integration: 'connectwise',
    topic: connectwiseMailTopic(o.input),
    instructions: o.checklist.map((c, i) => `${i + 1}. ${c}`).join('\n'),
    since: Date.now(),
    remindAfterMs: reminderDelaysMs(o.input.mail?.remindAfter),
    warnings: [],
  };
  void mailWhileWaiting(o.humans, () => o.target === undefined);
}

/** A reminder to the vendor that the key is still needed; one that cannot be delivered is logged, not fatal. */
async function remind(o: Onboarding): Promise<void> {
  o.reminders++;
  try {
    await notifyVendor.executeWithOptions({ ...REMINDER_OPTIONS, summary: onboardingText.reminder(o.reminders) }, [
      {
        idempotencyKey: `${o.workflowId}:connectwise-key-reminder:${o.reminders}`,
        event: 'connectwise.connection.reminder',
        payload: {
          customer: o.input.customer.name,
          missing: missingFields(o),
          lastRejection: o.lastRejection,
          deadlineAt: new Date(o.keyDeadlineAt).toISOString(),
        },
      },
    ]);
  } catch (err) {
    log.warn('reminder not delivered', { error: (err as Error).message });
  }
}

/**
 * Seed step 9: the role's permission table, re-checked at each interval or recheckPermissions signal until no
 * permission is missing, or the deadline. With sync.createMissingCompanies the table also needs Company
 * Maintenance Add (checked here, before anything is written).
 */
async function awaitSecurityRole(o: Onboarding, target: CwTarget): Promise<void> {
  const { input, progress } = o;
  const deadlineAt = Date.now() + input.permissionWait.deadlineHours * 3600_000;
  for (;;) {
    progress.enter('checking-permissions', 'running');
    let report;
    try {
      report = await checkConnectwisePermissions.executeWithOptions(
        { ...PERMISSION_OPTIONS, summary: onboardingText.readRole(target.connection.apiMember) },
        [input.sync.createMissingCompanies ? { ...target, createMissingCompanies: true } : target]
      );
    } catch (err) {
      return failFromActivity(o, err);
    }
    o.permissions = report.rows;
    o.permissionSource = report.source;
    // Rows only a write could prove stay a warning under every later step's details (and in `onramp status`).
    progress.warnings = () => unverifiedPermissions(o.permissions);
    if (report.missing === 0) return;
    const table = formatPermissionTable(report.rows);
    if (Date.now() >= deadlineAt)
      progress.fail(
        onboardingText.permissionsStillMissing(report.missing, table),
        FailureType.ConnectWisePermissionsMissing
      );
    progress.enter(
      'awaiting-permissions',
      'waiting-for-operator',
      onboardingText.permissionsMissing(report.missing, table)
    );
    const wait = Math.min(input.permissionWait.recheckIntervalSeconds * 1000, deadlineAt - Date.now());
    await condition(() => o.recheck, wait, { summary: onboardingText.waitingForPermissions(report.missing) });
    o.recheck = false;
  }
}

/** The customer sync, as a child workflow findable by the same customer filter as this onboarding (and its order). */
async function syncCustomers(o: Onboarding, target: CwTarget): Promise<SyncSummary> {
  const { input, progress } = o;
  progress.enter('syncing-customers', 'running', onboardingText.syncing(input.syncMode, input.customers.length));
  try {
    return await executeChild(connectwiseCustomerSync, {
      workflowId: `${o.workflowId}:customer-sync`,
      args: [
        {
          customer: input.customer.name,
          vendor: input.vendor.name,
          target,
          customers: input.customers,
          billing: input.billing,
          mode: input.syncMode,
          createMissingCompanies: input.sync.createMissingCompanies,
        },
      ],
      staticSummary: onboardingText.syncSummary(input.syncMode, input.customer.name),
      typedSearchAttributes: [{ key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) }],
    });
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure)
      progress.failAs(err.cause, FailureType.ConnectWiseSyncFailed);
    throw err;
  }
}
