import { reminderDelaysMs } from '../rules/human-mail-text';
import { Progress, activityCause } from './progress';
import { startedWith } from './identity';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { VerifiedCredentials } from '../activities/autotask/activities';
import { fillAutotaskOnboardingDefaults, credentialProblems, normaliseCredentials } from '../rules/autotask-rules';
import {
  autotaskChecklist,
  autotaskMailTopic,
  creatingWebhooks,
  numberedSteps,
  credentialsNotSupplied,
  credentialsRefused,
  credentialsWanted,
  describeMissingPermissions,
  describeRestrictedPermissions,
  guideStepChecks,
  notApiOnly,
  onboardingDetails,
  permissionsMissing,
  webhookNotReady,
} from '../rules/autotask-instructions';
import {
  autotaskOnboardingStatusQuery,
  supplyAutotaskCredentialsUpdate,
  type AutotaskCredentialsV1,
  type AutotaskOnboardingInputV1,
  type AutotaskOnboardingRequestV1,
  type AutotaskOnboardingResult,
  type GuideStepCheck,
  type OnboardingStep,
  type PermissionCheck,
  type WebhookSummary,
} from '../contract/autotask-onboarding-messages';
import { inputV1 } from './input';
import { mailWarnings, mailWhileWaiting, withResultMail, type HumanStep } from './human-mail';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { AUTOTASK_READ, type Target, type WebhookSet, ensureWebhooks, pollWebhooksReady } from './autotask-common';
import { FailureType } from '../contract/failure-types';
import type { AutotaskVendorProfileView } from '../contract/vendor-profile-messages';

const { verifyAutotaskCredentials, checkAutotaskPermissions, readAutotaskVendorProfile } =
  proxyActivities<OnrampActivities>(AUTOTASK_READ);

/**
 * Seeds 001 (Office Protect) and 004 (Sophos Central), as the order's vendor profile describes them: 1. the
 * operator creates a security level and 2. an API user with it, selecting the vendor's Integration Vendor, in
 * Autotask's UI, following the checklist; Onramp then checks the credentials (with the vendor's own tracking
 * identifier), the guide's steps it can read, and the permissions; and, when the guide has a webhook step,
 * creates the webhook(s) and waits until Autotask marks them ready.
 */
export async function autotaskOnboarding(request: AutotaskOnboardingRequestV1): Promise<AutotaskOnboardingResult> {
  const run = startOnboarding(request);
  answerOperator(run);
  await readProfile(run);
  // The humans of steps 1-2 (when Onramp waits for them) hear the result too, done or failed.
  return withResultMail(
    () => run.humans,
    async () => {
      const target = await obtainCredentials(run);
      checkGuideSteps(run);
      await checkPermissions(run, target);
      if (run.profile!.webhooks) {
        await createWebhooks(run, target);
        await awaitWebhooksReady(run, target);
        run.progress.enter('done', 'completed', onboardingDetails.done(run.input.vendor.name, run.webhooks.size));
      } else run.progress.enter('done', 'completed', onboardingDetails.noWebhooks(run.input.vendor.name));
      await condition(allHandlersFinished);
      return {
        customer: run.tenant,
        username: target.credentials.username,
        zoneUrl: target.zoneUrl,
        webhooks: [...run.webhooks.values()],
      };
    },
    () =>
      run.profile?.webhooks === false
        ? onboardingDetails.noWebhooks(run.input.vendor.name)
        : onboardingDetails.done(run.input.vendor.name, run.webhooks.size)
  );
}

/** One onboarding's state: what the status query reports and the steps share. */
interface OnboardingRun {
  input: AutotaskOnboardingInputV1;
  tenant: string;
  checklist: string[];
  profile?: AutotaskVendorProfileView;
  guideSteps: GuideStepCheck[];
  progress: Progress<OnboardingStep>;
  credentials?: AutotaskCredentialsV1;
  verified?: VerifiedCredentials;
  verifying: boolean;
  credentialAttempts: number;
  lastCredentialError?: string;
  permissions: PermissionCheck[];
  webhooks: Map<string, WebhookSummary>;
  /** The admin and the operator, e-mailed while Onramp waits for the credentials (./human-mail.ts). */
  humans?: HumanStep;
}

function startOnboarding(request: AutotaskOnboardingRequestV1): OnboardingRun {
  const input = inputV1<AutotaskOnboardingInputV1>(
    request,
    fillAutotaskOnboardingDefaults,
    ['customer', 'vendor', 'vendorProfile', 'integrationId', 'webhook'],
    'Autotask onboarding input'
  );
  const tenant = input.customer.id;
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskOnboarding },
  ]);
  return {
    input,
    tenant,
    checklist: [],
    guideSteps: [],
    progress: new Progress<OnboardingStep>('awaiting-credentials'),
    verifying: false,
    credentialAttempts: 0,
    permissions: [],
    webhooks: new Map(),
  };
}

/** The status query, and the supplyCredentials update the operator answers step 2 with. */
function answerOperator(run: OnboardingRun): void {
  const { workflowId } = workflowInfo();
  setHandler(autotaskOnboardingStatusQuery, () => ({
    workflowId,
    customer: run.tenant,
    vendor: run.input.vendor.name,
    step: run.progress.step,
    state: run.progress.state,
    checklist: run.checklist,
    integrationVendor: run.profile?.integrationVendor,
    webhooksInGuide: run.profile?.webhooks,
    guideSteps: run.guideSteps,
    username: run.credentials?.username,
    zoneUrl: run.verified?.zoneUrl,
    resourceId: run.verified?.resourceId,
    permissions: run.permissions,
    missing: describeMissingPermissions(run.permissions),
    warnings: describeRestrictedPermissions(run.permissions),
    webhooks: [...run.webhooks.values()],
    credentialAttempts: run.credentialAttempts,
    lastCredentialError: run.lastCredentialError,
    error: run.progress.error,
    mailWarnings: mailWarnings(run.humans?.warnings),
  }));
  setHandler(
    supplyAutotaskCredentialsUpdate,
    async (req) => {
      const c = normaliseCredentials(req);
      run.verifying = true;
      try {
        const v = await verify(run, c);
        run.credentials = c;
        run.verified = v;
        run.lastCredentialError = undefined;
        return { zoneUrl: v.zoneUrl, resourceId: v.resourceId };
      } catch (err) {
        const cause = activityCause(err);
        run.lastCredentialError = cause?.message ?? (err as Error).message;
        throw ApplicationFailure.nonRetryable(
          run.lastCredentialError,
          cause?.type ?? FailureType.AutotaskCredentialsRejected
        );
      } finally {
        run.verifying = false;
      }
    },
    {
      validator: (req) => {
        if (run.verified) throw new Error(credentialsRefused.alreadyAccepted);
        if (run.verifying) throw new Error(credentialsRefused.beingChecked);
        const problems = credentialProblems(req);
        if (problems.length) throw new Error(credentialsRefused.invalid(problems));
      },
    }
  );
}

/** One credential check: never retried on 401 (the activity marks it non-retryable). */
async function verify(run: OnboardingRun, c: AutotaskCredentialsV1): Promise<VerifiedCredentials> {
  run.credentialAttempts++;
  return verifyAutotaskCredentials.executeWithOptions(
    { ...AUTOTASK_READ, summary: `Zone discovery and credential check for API user ${c.username}` },
    [{ tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials: c }]
  );
}

/** The vendor profile the order names (held by the worker): the checklist and the steps follow it. */
async function readProfile(run: OnboardingRun): Promise<void> {
  const { input, progress } = run;
  progress.enter('awaiting-credentials', 'running', onboardingDetails.readingProfile(input.vendorProfile));
  run.profile = await readAutotaskVendorProfile
    .executeWithOptions({ ...AUTOTASK_READ, summary: `Vendor profile "${input.vendorProfile}"` }, [
      { vendorProfile: input.vendorProfile },
    ])
    .catch((err: unknown) => progress.failFrom(err, FailureType.VendorProfileUnknown));
  run.checklist = autotaskChecklist(run.profile, input.maxWebhooks);
}

/** The guide's steps the API cannot change: a wrong license type ends the onboarding, the unreadable ones are asked. */
function checkGuideSteps(run: OnboardingRun): void {
  run.guideSteps = guideStepChecks(run.profile!, run.verified!.licenseType);
  if (run.guideSteps.some((c) => c.step === 'api-only-licence' && c.state === 'missing'))
    run.progress.fail(notApiOnly(run.verified!.licenseType!), FailureType.AutotaskNotApiOnly);
}

/** Steps 1-2: the API user's credentials, from the input or from the operator (checked before accepted). */
async function obtainCredentials(run: OnboardingRun): Promise<Target> {
  const { input, progress } = run;
  if (input.credentials) {
    progress.enter('verifying-credentials', 'running', onboardingDetails.verifying(input.credentials.username));
    try {
      run.verified = await verify(run, input.credentials);
      run.credentials = input.credentials;
    } catch (err) {
      progress.failFrom(err, FailureType.AutotaskCredentialsRejected);
    }
  } else {
    progress.enter('awaiting-credentials', 'waiting-for-operator', credentialsWanted(input.vendor.name, run.checklist));
    run.humans = {
      step: 'awaiting-credentials',
      integration: 'autotask',
      topic: autotaskMailTopic(input),
      instructions: numberedSteps(run.checklist),
      since: Date.now(),
      remindAfterMs: reminderDelaysMs(input.mail?.remindAfter),
      warnings: [],
      onWarning: () => progress.showWarnings(),
    };
    progress.warnings = () => run.humans?.warnings ?? [];
    void mailWhileWaiting(run.humans, () => run.verified === undefined);
    const supplied = await condition(() => run.verified !== undefined, `${input.timing.operatorDeadlineHours} hours`, {
      summary: 'Wait for the operator to create the API user and send its credentials',
    });
    if (!supplied) {
      progress.fail(
        credentialsNotSupplied(input.timing.operatorDeadlineHours, run.lastCredentialError),
        FailureType.AutotaskCredentialsNotSupplied
      );
    }
  }
  return {
    tenant: run.tenant,
    vendorProfile: input.vendorProfile,
    credentials: run.credentials!,
    zoneUrl: run.verified!.zoneUrl,
  };
}

/** The security level of step 1 grants what the integration needs (None fails, Restricted warns). */
async function checkPermissions(run: OnboardingRun, target: Target): Promise<void> {
  run.progress.enter('checking-permissions', 'running', onboardingDetails.checkingPermissions(target.zoneUrl));
  const rights = run.profile!.rights;
  run.permissions = await checkAutotaskPermissions.executeWithOptions(
    { ...AUTOTASK_READ, summary: `entityInformation for ${[...new Set(rights.map((r) => r.entity))].join(', ')}` },
    [{ ...target, requirements: rights }]
  );
  const missing = describeMissingPermissions(run.permissions);
  if (missing.length) {
    run.progress.fail(permissionsMissing(target.credentials.username, missing), FailureType.AutotaskPermissionsMissing);
  }
}

/** One webhook per entity, created (or finished) as the new API user, which its events then exclude. */
async function createWebhooks(run: OnboardingRun, target: Target): Promise<void> {
  const { input, progress } = run;
  // Restricted (2) is not a failure: the integration can work, but may see fewer records. The warning goes to
  // the status query and under every later step's Web UI details (neither is a command: histories replay).
  progress.warnings = () => [
    ...describeRestrictedPermissions(run.permissions).map((w) => `Restricted: ${w}`),
    ...(run.humans?.warnings ?? []),
  ];
  progress.enter('creating-webhooks', 'running', creatingWebhooks(input.webhook.entities.length));
  await ensureWebhooks(webhookSet(run, target), input.webhook, input.webhook.entities, run.verified!.resourceId);
}

/** Autotask marks a webhook ready once it has a subscribed field; polled until the deadline. */
async function awaitWebhooksReady(run: OnboardingRun, target: Target): Promise<void> {
  run.progress.enter('awaiting-webhook-ready', 'running', onboardingDetails.awaitingReady);
  await pollWebhooksReady(webhookSet(run, target), run.input.timing, webhookNotReady);
}

const webhookSet = (run: OnboardingRun, target: Target): WebhookSet => ({
  progress: run.progress,
  target,
  webhooks: run.webhooks,
  label: '',
});
