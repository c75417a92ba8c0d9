import { heartbeating } from './activity-timeouts';
import { Progress } from './progress';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { ScopeCheck } from '../activities/google/delegation';
import { fillDelegationDefaults } from '../rules/google-delegation-rules';
import * as text from '../rules/google-delegation-instructions';
import {
  checkNowSignal,
  delegationStatusQuery,
  type DelegationCarry,
  type DelegationInputV1,
  type DelegationInstructions,
  type DelegationRequestV1,
  type DelegationResult,
  type DelegationStep,
  type ScopeStatus,
} from '../contract/google-delegation-messages';
import { inputV1 } from './input';
import { reminderDelaysMs } from '../rules/human-mail-text';
import { mailResult, mailWarnings, mailWhileWaiting, type HumanStep } from './human-mail';
import { FailureType } from '../contract/failure-types';

const CHECK_OPTIONS = heartbeating({
  startToCloseTimeout: '2 minutes',
  // Network/5xx are retried here; a round whose retries run out is recorded and the polling loop goes on.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});
const NOTIFY_OPTIONS = heartbeating({
  // Just above the webhook call's own 10 s timeout: a worker that dies mid-call is noticed quickly.
  startToCloseTimeout: '15 seconds',
  // The vendor must hear of it eventually; the idempotency key makes every retry safe.
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const { checkDelegatedScopes, notifyVendor } = proxyActivities<OnrampActivities>(CHECK_OPTIONS);

/** Rounds per run before continuing as new (each round is ~6 events); `polling.roundsPerRun` overrides it. */
const ROUNDS_PER_RUN = 150;

/** One onboarding run's state: what the status query reports and the steps below share. */
interface Delegation {
  request: DelegationRequestV1;
  input: DelegationInputV1;
  workflowId: string;
  instructions: DelegationInstructions;
  progress: Progress<DelegationStep>;
  scopes: Map<string, ScopeStatus>;
  startedAt: number;
  deadlineAt: number;
  checks: number;
  delayMs: number;
  rounds: number;
  nextCheckAt?: number;
  notifiedAt?: string;
  checkNow: boolean;
  /** The admin and the operator, by e-mail (./human-mail.ts). */
  humans: HumanStep;
  waiting: boolean;
}

/**
 * Seed 000: the customer's super admin grants the vendor's service account domain-wide delegation
 * (steps 1-6); Onramp checks until every scope works, then tells the vendor the admin email (step 7).
 */
export async function googleDelegationOnboarding(
  request: DelegationRequestV1,
  carry?: DelegationCarry
): Promise<DelegationResult> {
  const input = inputV1<DelegationInputV1>(
    request,
    fillDelegationDefaults,
    ['customer', 'adminEmail', 'vendor', 'serviceAccount'],
    'Google delegation input'
  );
  const d = openDelegation(request, input, carry);
  // Steps 1-6: the admin grants (told by e-mail, reminded while it waits); Onramp checks each scope, then all
  // together, until the grant holds.
  void mailWhileWaiting(d.humans, () => d.waiting);
  try {
    await awaitGrant(d);
  } catch (err) {
    d.waiting = false;
    if (!isCancellation(err) && !(err instanceof ContinueAsNew))
      await mailResult(d.humans, { done: false, reason: (err as Error).message });
    throw err;
  }
  d.waiting = false;
  // Step 7: the vendor learns the admin email.
  const verifiedAt = await notifyVendorOfGrant(d);
  d.progress.enter('done', 'completed', text.delegationDoneDetails(input));
  // The admin's and the operator's result, and the vendor's e-mail (seed 000 step 7 says e-mail), in one activity.
  await mailResult(
    d.humans,
    { done: true, summary: text.delegationDoneDetails(input) },
    { address: input.vendor.supportEmail, mail: text.vendorGrantMail(input) }
  );
  return {
    customer: input.customer.domain,
    adminEmail: input.adminEmail,
    scopes: input.scopes,
    checks: d.checks,
    verifiedAt,
    notified: true,
  };
}

/** The run's state (carried over a continue-as-new), its status query and its "check now" signal. */
function openDelegation(request: DelegationRequestV1, input: DelegationInputV1, carry?: DelegationCarry): Delegation {
  const startedAt = carry?.startedAt ?? Date.now();
  const scopes = new Map<string, ScopeStatus>(input.scopes.map((s) => [s, { scope: s, state: 'unchecked' }]));
  for (const s of carry?.scopes ?? []) if (scopes.has(s.scope)) scopes.set(s.scope, s);
  const d: Delegation = {
    request,
    input,
    workflowId: workflowInfo().workflowId,
    instructions: text.delegationInstructions(input),
    progress: new Progress<DelegationStep>('validating'),
    scopes,
    startedAt,
    deadlineAt: startedAt + input.polling.deadlineHours * 3600_000,
    checks: carry?.checks ?? 0,
    delayMs: carry?.nextDelayMs ?? input.polling.initialIntervalSeconds * 1000,
    rounds: 0,
    checkNow: false,
    humans: {
      step: 'awaiting-grant',
      integration: 'googleDelegation',
      topic: text.delegationMailTopic(input),
      instructions: text.delegationInstructions(input).text,
      since: startedAt,
      remindAfterMs: reminderDelaysMs(input.mail?.remindAfter),
      warnings: [],
    },
    waiting: true,
  };
  setHandler(delegationStatusQuery, () => ({
    workflowId: d.workflowId,
    customer: input.customer.domain,
    vendor: input.vendor.name,
    step: d.progress.step,
    state: d.progress.state,
    scopes: [...d.scopes.values()],
    checks: d.checks,
    nextCheckAt: d.nextCheckAt ? new Date(d.nextCheckAt).toISOString() : undefined,
    deadlineAt: new Date(d.deadlineAt).toISOString(),
    instructions: d.instructions,
    notifiedAt: d.notifiedAt,
    error: d.progress.error,
    mailWarnings: mailWarnings(d.humans.warnings),
  }));
  d.humans.onWarning = () => d.progress.showWarnings();
  d.progress.warnings = () => d.humans.warnings;
  setHandler(checkNowSignal, () => {
    d.checkNow = true;
  });
  return d;
}

/** Check until every scope is granted, on its own and all together; fails at the deadline. */
async function awaitGrant(d: Delegation): Promise<void> {
  d.progress.enter('awaiting-grant', 'waiting-for-operator', text.awaitingGrantDetails(d.input, d.instructions));
  for (;;) {
    const missing = await checkRound(d);
    if (!missing) return;
    if (Date.now() >= d.deadlineAt)
      d.progress.fail(text.grantMissingMessage(d.input, d.instructions, missing), FailureType.DelegationNotGranted);
    await waitForNextRound(d);
    await continueAsNewWhenLong(d);
  }
}

/**
 * One round, in one activity: a token per scope not yet granted and, once each works, one token for the whole
 * set as the vendor will use it (its verdict then stands for every scope: a scope revoked or flapping sends the
 * whole set back to "check each"). Returns the scopes not granted, or undefined once the grant holds.
 */
async function checkRound(d: Delegation): Promise<ScopeStatus[] | undefined> {
  const pending = [...d.scopes.values()].filter((s) => s.state !== 'granted').map((s) => s.scope);
  const results = await runCheck(d, pending);
  if (results) record(d, results);
  const missing = [...d.scopes.values()].filter((s) => s.state !== 'granted');
  // A round that could not run (retries exhausted) proves nothing, even with every scope granted before it.
  return results && !missing.length ? undefined : missing;
}

/** Back off (doubling up to the cap) until the next round, or until the operator's "check now". */
async function waitForNextRound(d: Delegation): Promise<void> {
  const { polling } = d.input;
  const wait = Math.min(d.delayMs, d.deadlineAt - Date.now());
  d.nextCheckAt = Date.now() + wait;
  const missing = [...d.scopes.values()].filter((s) => s.state === 'missing').length;
  const signalled = await condition(() => d.checkNow, wait, { summary: text.nextCheckSummary(missing, wait) });
  d.checkNow = false;
  d.nextCheckAt = undefined;
  d.delayMs = signalled
    ? polling.initialIntervalSeconds * 1000
    : Math.min(d.delayMs * 2, polling.maxIntervalSeconds * 1000);
}

/** Keep one run's history small over a 24-hour wait: continue as new with the state so far. */
async function continueAsNewWhenLong(d: Delegation): Promise<void> {
  if (++d.rounds >= (d.input.polling.roundsPerRun ?? ROUNDS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
    await continueAsNew<typeof googleDelegationOnboarding>(d.request, {
      startedAt: d.startedAt,
      checks: d.checks,
      nextDelayMs: d.delayMs,
      scopes: [...d.scopes.values()],
    });
  }
}

/** One verification round (./checkRound); undefined when the round could not run (retries exhausted). */
async function runCheck(d: Delegation, pending: string[]): Promise<ScopeCheck[] | undefined> {
  const { input } = d;
  d.checks++;
  try {
    return await checkDelegatedScopes.executeWithOptions(
      {
        ...CHECK_OPTIONS,
        summary: pending.length
          ? `Mint a token as ${input.adminEmail} for each of ${pending.length} scope(s), then one for all ${input.scopes.length}`
          : `Mint one token as ${input.adminEmail} for all ${input.scopes.length} scopes`,
      },
      [
        pending.length
          ? {
              subject: input.adminEmail,
              serviceAccount: input.serviceAccount,
              scopes: pending,
              mode: 'each-then-together',
              together: input.scopes,
            }
          : { subject: input.adminEmail, serviceAccount: input.serviceAccount, scopes: input.scopes, mode: 'together' },
      ]
    );
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.nonRetryable)
      return d.progress.failAs(cause, FailureType.DelegationCheckFailed);
    // Transient trouble that outlasted the activity's retries: note it and keep polling.
    log.warn('delegation check round failed; will try again', { error: (cause ?? (err as Error)).message });
    return undefined;
  }
}

function record(d: Delegation, results: ScopeCheck[]): void {
  for (const r of results) {
    d.scopes.set(r.scope, {
      scope: r.scope,
      state: r.granted ? 'granted' : 'missing',
      lastCheckedAt: r.checkedAt,
      detail: r.detail,
    });
  }
}

/** Step 7: tell the vendor's support the admin email; returns when the grant was verified. */
async function notifyVendorOfGrant(d: Delegation): Promise<string> {
  const { input } = d;
  d.progress.enter('notifying-vendor', 'running', text.notifyingVendorDetails(input));
  const verifiedAt = new Date().toISOString();
  await notifyVendor.executeWithOptions(
    { ...NOTIFY_OPTIONS, summary: `Tell ${input.vendor.supportEmail} the admin email` },
    [
      {
        // The business key, not the run ID: a retried or continued run must not notify twice.
        idempotencyKey: `${d.workflowId}:delegation-verified`,
        event: 'google.delegation.verified',
        payload: {
          customerDomain: input.customer.domain,
          adminEmail: input.adminEmail,
          vendor: input.vendor.name,
          vendorSupportEmail: input.vendor.supportEmail,
          clientId: input.serviceAccount.clientId,
          scopes: input.scopes,
          verifiedAt,
        },
      },
    ]
  );
  d.notifiedAt = new Date().toISOString();
  return verifiedAt;
}
