import { heartbeating } from './activity-timeouts';
import { reminderDelaysMs } from '../rules/human-mail-text';
import { mailWarnings, mailWhileWaiting, withResultMail, type HumanStep } from './human-mail';
import { unverifiedRowWarnings } from '../rules/status-warnings';
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
  unverifiedPermissions,
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
  type UnverifiedPermissions,
} from '../contract/connectwise-onboarding-messages';
import type { ConnectwiseConnectionV1, SyncSummary } from '../contract/connectwise-sync-messages';
import { formatDuration } from '../rules/google-delegation-rules';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { connectwiseCustomerSync } from './connectwise-customer-sync';
import { FailureType } from '../contract/failure-types';

const VERIFY_OPTIONS = heartbeating({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 6 },
});
const PERMISSION_OPTIONS = heartbeating({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
const REMINDER_OPTIONS = heartbeating({
  startToCloseTimeout: '30 seconds',
  // A reminder that cannot be delivered must not hold up the wait; the next one will try again.
  retry: { initialInterval: '2s', maximumAttempts: 3 },
});

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
  /** Rights the role check could not prove (the role unreadable), and whether they hold the onboarding. */
  unverified?: UnverifiedPermissions;
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
      const accepted =
        o.unverified && !o.unverified.blocking ? `\n\n${onboardingText.unverifiedAccepted(o.unverified)}` : '';
      o.progress.enter('done', 'completed', onboardingText.done(target.site, o.sync) + accepted);
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
    checklist: connectwiseChecklist(input.vendor.name, {
      ...input.sync,
      unverified: input.permissionWait.unverified,
    }),
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
      if (o.target && !apiMemberOnly(o, patch as ConnectwiseConnectionPatchV1))
        throw new Error(onboardingText.alreadyVerified);
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
    unverified: o.unverified,
    sync: o.sync,
    error: o.progress.error,
    mailWarnings: mailWarnings(o.humans?.warnings),
  };
}

const missingFields = (o: Onboarding) => REQUIRED_FIELDS.filter((f) => !o.conn[f]);

/** An activity's own failure ends the onboarding with its message and type; anything else is rethrown. */
function failFromActivity(o: Onboarding, err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
    return o.progress.failAs(err.cause, FailureType.ConnectWiseFailed);
  throw err;
}

/** After verification the Update takes only the API member, while the role check waits (its role can then be read). */
const apiMemberOnly = (o: Onboarding, patch: ConnectwiseConnectionPatchV1) =>
  o.progress.step === 'awaiting-permissions' &&
  Object.entries(patch).every(([k, v]) => k === 'apiMember' || v === undefined) &&
  patch.apiMember !== undefined;

/** The provideConnection Update: merge the patch; once every field is there, prove the keys (a refusal fails the Update only). */
async function provideConnection(o: Onboarding, patch: ConnectwiseConnectionPatchV1): Promise<ProvideConnectionResult> {
  const p = normaliseConnectionPatch(patch);
  if (o.target) {
    // apiMemberOnly (the validator): the role check reads this member's role at once.
    o.conn = { ...o.conn, apiMember: p.apiMember };
    o.recheck = true;
    return { verified: true, waitingFor: [], companyName: o.target.site.companyName };
  }
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
    onWarning: () => o.progress.showWarnings(),
  };
  o.progress.warnings = () => o.humans?.warnings ?? [];
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
    // An apiMember sent (provideConnection) while waiting here: the role can be read from now on.
    const connection = { ...target.connection, ...(o.conn.apiMember ? { apiMember: o.conn.apiMember } : {}) };
    let report;
    try {
      report = await checkConnectwisePermissions.executeWithOptions(
        { ...PERMISSION_OPTIONS, summary: onboardingText.readRole(connection.apiMember) },
        [{ ...target, connection, ...(input.sync.createMissingCompanies ? { createMissingCompanies: true } : {}) }]
      );
    } catch (err) {
      return failFromActivity(o, err);
    }
    o.permissions = report.rows;
    o.permissionSource = report.source;
    o.unverified = unverifiedPermissions(report.rows, report.unverifiedReason, input.permissionWait.unverified);
    // Rows only a write could prove stay a warning under every later step's details (and in `onramp status`).
    progress.warnings = () => [...unverifiedRowWarnings(o.permissions), ...(o.humans?.warnings ?? [])];
    const held = o.unverified?.blocking ? o.unverified : undefined;
    if (report.missing === 0 && !held) return;
    const table = formatPermissionTable(report.rows);
    if (Date.now() >= deadlineAt)
      progress.fail(
        held
          ? onboardingText.permissionsStillHeld(report.missing, held, table)
          : onboardingText.permissionsStillMissing(report.missing, table),
        FailureType.ConnectWisePermissionsMissing
      );
    progress.enter(
      'awaiting-permissions',
      'waiting-for-operator',
      held
        ? onboardingText.permissionsHeld(report.missing, held, table)
        : onboardingText.permissionsMissing(report.missing, table)
    );
    const wait = Math.min(input.permissionWait.recheckIntervalSeconds * 1000, deadlineAt - Date.now());
    const waiting = report.missing + (held?.rights.length ?? 0);
    await condition(() => o.recheck, wait, { summary: onboardingText.waitingForPermissions(waiting) });
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
          ...(input.sync.companyAddress ? { companyAddress: input.sync.companyAddress } : {}),
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
