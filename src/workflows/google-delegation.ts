import { HEARTBEAT } from './activity-timeouts';
import { Progress } from './progress';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { ScopeCheck } from '../activities/google/delegation';
import { delegationInstructions, formatDuration, fillDelegationDefaults } from '../rules/google-delegation-rules';
import type {
  DelegationRequest,
  DelegationInputV1,
  DelegationStatus,
  DelegationStep,
  ScopeStatus,
} from '../domain/google-delegation-schema';
import { inputV1 } from './input';
import { type OnboardingState } from '../contract/search-attributes';
import { FailureType } from '../contract/failure-types';

export const delegationStatusQuery = defineQuery<DelegationStatus>('status');
/** The operator's "granted, check now": cuts the current wait short. */
export const checkNowSignal = defineSignal('checkNow');

const CHECK_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  // Network/5xx are retried here; a round whose retries run out is recorded and the polling loop goes on.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};
const NOTIFY_OPTIONS: ActivityOptions = {
  // Just above the webhook call's own 10 s timeout: a worker that dies mid-call is noticed quickly.
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: HEARTBEAT,
  // The vendor must hear of it eventually; the idempotency key makes every retry safe.
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};

const { checkDelegatedScopes, notifyVendor } = proxyActivities<OnrampActivities>(CHECK_OPTIONS);

/** State carried across continue-as-new, so a 24-hour wait never grows one history without bound. */
export interface DelegationCarry {
  startedAt: number;
  checks: number;
  nextDelayMs: number;
  scopes: ScopeStatus[];
}

export interface DelegationResult {
  customer: string;
  adminEmail: string;
  scopes: string[];
  checks: number;
  verifiedAt: string;
  notified: boolean;
}

/** Rounds per run before continuing as new (each round is ~6 events); `polling.roundsPerRun` overrides it. */
const ROUNDS_PER_RUN = 150;

export async function googleDelegationOnboarding(
  request: DelegationRequest,
  carry?: DelegationCarry
): Promise<DelegationResult> {
  const input = inputV1<DelegationInputV1>(
    request,
    fillDelegationDefaults,
    ['customer', 'adminEmail', 'vendor', 'serviceAccount'],
    'Google delegation input'
  );
  const { workflowId } = workflowInfo();
  const instructions = delegationInstructions(input);
  const startedAt = carry?.startedAt ?? Date.now();
  const deadlineAt = startedAt + input.polling.deadlineHours * 3600_000;
  const scopes = new Map<string, ScopeStatus>(input.scopes.map((s) => [s, { scope: s, state: 'unchecked' }]));
  for (const s of carry?.scopes ?? []) if (scopes.has(s.scope)) scopes.set(s.scope, s);

  const progress = new Progress<DelegationStep>('validating');
  let checks = carry?.checks ?? 0;
  let nextCheckAt: number | undefined;
  let notifiedAt: string | undefined;
  let checkNow = false;

  setHandler(delegationStatusQuery, () => ({
    workflowId,
    customer: input.customer.domain,
    vendor: input.vendor.name,
    step: progress.step,
    state: progress.state,
    scopes: [...scopes.values()],
    checks,
    nextCheckAt: nextCheckAt ? new Date(nextCheckAt).toISOString() : undefined,
    deadlineAt: new Date(deadlineAt).toISOString(),
    instructions,
    notifiedAt,
    error: progress.error,
  }));
  setHandler(checkNowSignal, () => {
    checkNow = true;
  });

  const enter = (s: DelegationStep, st: OnboardingState, details?: string) => progress.enter(s, st, details);

  const fail = (message: string, type: string): never => progress.fail(message, type);

  const record = (results: ScopeCheck[]) => {
    for (const r of results) {
      scopes.set(r.scope, {
        scope: r.scope,
        state: r.granted ? 'granted' : 'missing',
        lastCheckedAt: r.checkedAt,
        detail: r.detail,
      });
    }
  };

  /** One verification round; returns false when the round could not run (retries exhausted). */
  const runCheck = async (mode: 'each' | 'together', toCheck: string[]): Promise<ScopeCheck[] | undefined> => {
    checks++;
    try {
      return await checkDelegatedScopes.executeWithOptions(
        {
          ...CHECK_OPTIONS,
          summary:
            mode === 'each'
              ? `Mint a token as ${input.adminEmail} for each of ${toCheck.length} scope(s)`
              : `Mint one token as ${input.adminEmail} for all ${toCheck.length} scopes`,
        },
        [{ subject: input.adminEmail, serviceAccount: input.serviceAccount, scopes: toCheck, mode }]
      );
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.nonRetryable)
        return fail(cause.message, cause.type ?? FailureType.DelegationCheckFailed);
      // Transient trouble that outlasted the activity's retries: note it and keep polling.
      log.warn('delegation check round failed; will try again', { error: (cause ?? (err as Error)).message });
      return undefined;
    }
  };

  let delayMs = carry?.nextDelayMs ?? input.polling.initialIntervalSeconds * 1000;
  let rounds = 0;
  enter(
    'awaiting-grant',
    'waiting-for-operator',
    `**Waiting for the admin of ${input.customer.domain} to grant domain-wide delegation.**\n\n${instructions.text}`
  );

  for (;;) {
    const pending = [...scopes.values()].filter((s) => s.state !== 'granted').map((s) => s.scope);
    if (pending.length) {
      const results = await runCheck('each', pending);
      if (results) record(results);
    }
    const missing = [...scopes.values()].filter((s) => s.state !== 'granted');
    if (!missing.length) {
      // Every scope passed on its own: confirm the whole set in one token, as the vendor will use it.
      enter('verifying', 'running');
      const together = await runCheck('together', input.scopes);
      if (together?.every((r) => r.granted)) break;
      if (together) record(together.map((r) => ({ ...r, granted: false })));
      // A scope was revoked or is flapping: start again from "check each".
      for (const s of scopes.values()) s.state = 'unchecked';
      enter('awaiting-grant', 'waiting-for-operator');
    }
    if (Date.now() >= deadlineAt) {
      const names = missing.map((s) => s.scope).join(', ');
      fail(
        `Domain-wide delegation for client ID ${input.serviceAccount.clientId} is still missing ${missing.length} scope(s) after ${formatDuration(input.polling.deadlineHours * 3600_000)}: ${names}. Ask the admin of ${input.customer.domain} to add them in ${instructions.consolePath}, then start this onboarding again.`,
        FailureType.DelegationNotGranted
      );
    }
    const wait = Math.min(delayMs, deadlineAt - Date.now());
    nextCheckAt = Date.now() + wait;
    const missingNow = [...scopes.values()].filter((s) => s.state === 'missing').length;
    const signalled = await condition(() => checkNow, wait, {
      summary: `Wait for the grant (${missingNow} scope(s) missing); next check in ${Math.round(wait / 1000)} s or on "checkNow"`,
    });
    checkNow = false;
    nextCheckAt = undefined;
    delayMs = signalled
      ? input.polling.initialIntervalSeconds * 1000
      : Math.min(delayMs * 2, input.polling.maxIntervalSeconds * 1000);
    if (++rounds >= (input.polling.roundsPerRun ?? ROUNDS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof googleDelegationOnboarding>(request, {
        startedAt,
        checks,
        nextDelayMs: delayMs,
        scopes: [...scopes.values()],
      });
    }
  }

  enter(
    'notifying-vendor',
    'running',
    `All ${input.scopes.length} scopes verified. Notifying ${input.vendor.name} support.`
  );
  const verifiedAt = new Date().toISOString();
  await notifyVendor.executeWithOptions(
    { ...NOTIFY_OPTIONS, summary: `Tell ${input.vendor.supportEmail} the admin email` },
    [
      {
        // The business key, not the run ID: a retried or continued run must not notify twice.
        idempotencyKey: `${workflowId}:delegation-verified`,
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
  notifiedAt = new Date().toISOString();
  enter(
    'done',
    'completed',
    `Delegation verified for all ${input.scopes.length} scopes; ${input.vendor.name} support notified.`
  );
  return {
    customer: input.customer.domain,
    adminEmail: input.adminEmail,
    scopes: input.scopes,
    checks,
    verifiedAt,
    notified: true,
  };
}
