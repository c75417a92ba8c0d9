import { HEARTBEAT } from './activity-timeouts';
import { Progress } from './progress';
import { startedWith } from './identity';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  log,
  patched,
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
  connectwiseChecklist,
  formatPermissionTable,
  fillConnectwiseOnboardingDefaults,
  normaliseConnectionPatch,
} from '../rules/connectwise-rules';
import type {
  ConnectwiseConnection,
  ConnectwiseConnectionPatch,
  ConnectwiseOnboardingRequest,
  ConnectwiseOnboardingInputV1,
  ConnectwiseStatus,
  ConnectwiseStep,
  PermissionRow,
  SyncSummary,
} from '../domain/connectwise-schema';
import { formatDuration } from '../rules/google-delegation-rules';
import { inputV1 } from './input';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampVendor,
  type OnboardingState,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';
import { connectwiseCustomerSync } from './connectwise-customer-sync';
import { FailureType } from '../contract/failure-types';

export const connectwiseStatusQuery = defineQuery<ConnectwiseStatus>('status');
/** The operator fixed the security role: check again now instead of at the next interval. */
export const recheckPermissionsSignal = defineSignal('recheckPermissions');

export interface ProvideConnectionResult {
  verified: boolean;
  /** Fields still needed before the connection can be verified. */
  waitingFor: string[];
  companyName?: string;
}

/**
 * Connection details, most importantly the private key *reference*. The validator refuses malformed
 * values at once (nothing enters history); the handler proves the keys against ConnectWise through an
 * activity and fails the Update (not the workflow) when they do not work.
 */
export const provideConnectionUpdate = defineUpdate<ProvideConnectionResult, [ConnectwiseConnectionPatch]>(
  'provideConnection'
);

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

export interface ConnectwiseOnboardingResult {
  companyName: string;
  apiBaseUrl: string;
  permissions: PermissionRow[];
  sync?: SyncSummary;
}

const REQUIRED_FIELDS = ['site', 'companyId', 'publicKey', 'privateKeyRef', 'clientId'] as const;

export async function connectwiseOnboarding(
  request: ConnectwiseOnboardingRequest
): Promise<ConnectwiseOnboardingResult> {
  const input = inputV1<ConnectwiseOnboardingInputV1>(
    request,
    fillConnectwiseOnboardingDefaults,
    ['customer'],
    'ConnectWise onboarding input'
  );
  const { workflowId } = workflowInfo();
  const checklist = connectwiseChecklist(input.vendor.name, input.sync);
  const keyDeadlineAt = Date.now() + input.keyWait.deadlineHours * 3600_000;

  const progress = new Progress<ConnectwiseStep>('awaiting-connection');
  let conn: Partial<ConnectwiseConnection> = { ...input.connection };
  let target: CwTarget | undefined;
  let lastRejection: string | undefined;
  let verifying = false;
  let reminders = 0;
  let permissionSource: ConnectwiseStatus['permissionSource'];
  let permissions: PermissionRow[] | undefined;
  let recheck = false;
  let sync: SyncSummary | undefined;

  const missingFields = () => REQUIRED_FIELDS.filter((f) => !conn[f]);

  setHandler(connectwiseStatusQuery, () => ({
    workflowId,
    customer: input.customer.name,
    vendor: input.vendor.name,
    step: progress.step,
    state: progress.state,
    checklist,
    connection: {
      site: conn.site,
      companyId: conn.companyId,
      publicKey: conn.publicKey,
      clientId: conn.clientId,
      privateKey: target ? 'verified' : conn.privateKeyRef ? 'supplied' : 'missing',
    },
    lastRejection,
    reminders,
    keyDeadlineAt: new Date(keyDeadlineAt).toISOString(),
    site: target?.site,
    permissionSource,
    permissions,
    sync,
    error: progress.error,
  }));
  setHandler(recheckPermissionsSignal, () => {
    recheck = true;
  });

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseOnboarding },
  ]);
  const enter = (s: ConnectwiseStep, st: OnboardingState, details?: string) => progress.enter(s, st, details);
  const fail = (message: string, type: string): never => progress.fail(message, type);
  const failFromActivity = (err: unknown): never => {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
      return fail(err.cause.message, err.cause.type ?? FailureType.ConnectWiseFailed);
    throw err;
  };

  /** Prove the merged connection; a wrong value is remembered for the operator, never thrown. */
  const verify = async (): Promise<VerifyConnectionResult> => {
    // Every required field is present (missingFields() is empty before each call), each as the door or the
    // Update handler normalised it.
    const candidate = conn as ConnectwiseConnection;
    verifying = true;
    try {
      const r = await verifyConnectwiseConnection.executeWithOptions(
        {
          ...VERIFY_OPTIONS,
          summary: `Verify ConnectWise keys for company ${candidate.companyId} on ${candidate.site}`,
        },
        [candidate]
      );
      if (r.ok) {
        target = { connection: candidate, site: r.site };
        lastRejection = undefined;
      } else {
        lastRejection = r.message;
        // A rejected key is useless: forget its reference so the status says "missing" again.
        if (r.field === 'keys' || r.field === 'privateKeyRef') conn = { ...conn, privateKeyRef: undefined };
      }
      return r;
    } finally {
      verifying = false;
    }
  };

  setHandler(
    provideConnectionUpdate,
    async (patch) => {
      const p = normaliseConnectionPatch(patch);
      conn = { ...conn, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) };
      const waitingFor = missingFields();
      if (waitingFor.length) return { verified: false, waitingFor };
      const r = await verify();
      if (!r.ok) throw ApplicationFailure.nonRetryable(r.message, FailureType.ConnectWiseConnectionRejected);
      return { verified: true, waitingFor: [], companyName: r.site.companyName };
    },
    {
      validator: (patch) => {
        const problems = connectionPatchProblems(patch);
        if (problems.length) throw new Error(`Connection details refused:\n${problems.join('\n')}`);
        if (target) throw new Error('The ConnectWise connection is already verified; nothing to change.');
        if (verifying) throw new Error('Another connection check is running; wait for its answer, then try again.');
      },
    }
  );

  // ---- 1-2. Operator step: the checklist, then a working key pair ----
  enter(
    'awaiting-connection',
    'waiting-for-operator',
    `**Waiting for the ConnectWise connection details.**\n\n${checklist.map((c, i) => `${i + 1}. ${c}`).join('\n')}`
  );
  if (!missingFields().length) {
    try {
      await verify();
    } catch (err) {
      failFromActivity(err);
    }
  }
  while (!target) {
    const left = keyDeadlineAt - Date.now();
    if (left <= 0) {
      await condition(allHandlersFinished);
      if (target) break;
      fail(
        `No working ConnectWise API key after ${formatDuration(input.keyWait.deadlineHours * 3600_000)}${lastRejection ? ` (last problem: ${lastRejection})` : ''}. The private key is shown only once: generate a new key pair under System > Members > API Members > (the member) > API Keys > +, store the new private key for the worker, and start this onboarding again with the new public key and private key reference.`,
        FailureType.ConnectWiseKeyNotProvided
      );
    }
    const wait = Math.min(input.keyWait.reminderIntervalSeconds * 1000, left);
    const provided = await condition(() => target !== undefined, wait, {
      summary: `Wait for ${missingFields().join(', ') || 'a working key'} (reminder in ${Math.round(wait / 1000)} s)`,
    });
    if (!provided && Date.now() < keyDeadlineAt) {
      reminders++;
      try {
        await notifyVendor.executeWithOptions(
          { ...REMINDER_OPTIONS, summary: `Reminder ${reminders}: ConnectWise key still needed` },
          [
            {
              idempotencyKey: `${workflowId}:connectwise-key-reminder:${reminders}`,
              event: 'connectwise.connection.reminder',
              payload: {
                customer: input.customer.name,
                missing: missingFields(),
                lastRejection,
                deadlineAt: new Date(keyDeadlineAt).toISOString(),
              },
            },
          ]
        );
      } catch (err) {
        log.warn('reminder not delivered', { error: (err as Error).message });
      }
    }
  }
  const verified: CwTarget = target;
  enter(
    'verifying-connection',
    'running',
    `Keys verified: ${verified.site.companyName} at ${verified.site.apiBaseUrl}`
  );

  // ---- 5. Security role, area by area ----
  // Runs recorded before the option (no marker) keep what they did: the seed's table, and a sync that creates
  // and renames companies. Since: match-only unless the input opts in, and then the role needs Company
  // Maintenance Add (checked here, before anything is written).
  const companies = patched('cw-sync-create-missing-companies-opt-in')
    ? { createMissingCompanies: input.sync.createMissingCompanies }
    : undefined;
  const permDeadlineAt = Date.now() + input.permissionWait.deadlineHours * 3600_000;
  for (;;) {
    enter('checking-permissions', 'running');
    let report;
    try {
      report = await checkConnectwisePermissions.executeWithOptions(
        {
          ...PERMISSION_OPTIONS,
          summary: verified.connection.apiMember
            ? `Read the security role of ${verified.connection.apiMember}`
            : 'Probe each required area with reads',
        },
        [companies?.createMissingCompanies ? { ...verified, createMissingCompanies: true } : verified]
      );
    } catch (err) {
      return failFromActivity(err);
    }
    permissions = report.rows;
    permissionSource = report.source;
    if (report.missing === 0) break;
    const table = formatPermissionTable(report.rows);
    if (Date.now() >= permDeadlineAt) {
      fail(
        `The API member's security role still lacks ${report.missing} permission(s) of seed 002:\n${table}`,
        FailureType.ConnectWisePermissionsMissing
      );
    }
    enter(
      'awaiting-permissions',
      'waiting-for-operator',
      `**${report.missing} permission(s) missing.** Fix them, then send recheckPermissions.\n\n${table}`
    );
    const wait = Math.min(input.permissionWait.recheckIntervalSeconds * 1000, permDeadlineAt - Date.now());
    await condition(() => recheck, wait, {
      summary: `Wait for ${report.missing} permission fix(es) or recheckPermissions`,
    });
    recheck = false;
  }

  // ---- 6. Customer sync ----
  if (input.customers.length) {
    enter(
      'syncing-customers',
      'running',
      `${input.syncMode === 'plan' ? 'Planning' : 'Syncing'} ${input.customers.length} customers`
    );
    try {
      sync = await executeChild(connectwiseCustomerSync, {
        workflowId: `${workflowId}:customer-sync`,
        args: [
          {
            customer: input.customer.name,
            vendor: input.vendor.name,
            target: verified,
            customers: input.customers,
            billing: input.billing,
            mode: input.syncMode,
            ...(companies ?? {}),
          },
        ],
        staticSummary: `ConnectWise customer sync (${input.syncMode}) for ${input.customer.name}`,
        // The sync is part of this onboarding (and of its order): findable by the same customer filter.
        typedSearchAttributes: [{ key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) }],
      });
    } catch (err) {
      if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure)
        fail(err.cause.message, err.cause.type ?? FailureType.ConnectWiseSyncFailed);
      throw err;
    }
  }

  const unmatched = sync?.unmatchedCompanies ?? [];
  enter(
    'done',
    'completed',
    `ConnectWise connected (${verified.site.companyName})${sync ? `; ${sync.customers} customers ${sync.mode === 'plan' ? 'planned' : 'synced'}` : ''}.` +
      (unmatched.length
        ? `\n\n**${unmatched.length} customer(s) have no ConnectWise company and were not created** (match-only, as the guide's role allows): ${unmatched.join(', ')}. Create them in ConnectWise (Companies > Company > +) and sync again, or opt in with sync.createMissingCompanies (the role then needs Companies › Company Maintenance Add Level = All).`
        : '')
  );
  return {
    companyName: verified.site.companyName,
    apiBaseUrl: verified.site.apiBaseUrl,
    permissions: permissions ?? [],
    sync,
  };
}
