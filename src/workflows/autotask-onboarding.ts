import { Progress } from './progress';
import { startedWith } from './identity';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { VerifiedCredentials } from '../activities/autotask/activities';
import {
  DEFAULT_WEBHOOK_FIELDS,
  REQUIRED_PERMISSIONS,
  autotaskChecklist,
  describeMissingPermissions,
  describeRestrictedPermissions,
  webhookNameFor,
  fillAutotaskOnboardingDefaults,
  credentialProblems,
  normaliseCredentials,
} from '../rules/autotask-rules';
import type {
  AutotaskCredentials,
  AutotaskOnboardingRequest,
  AutotaskOnboardingInputV1,
  AutotaskOnboardingStatus,
  OnboardingStep,
  PermissionCheck,
  SupplyCredentialsRequest,
  WebhookSummary,
} from '../domain/autotask-schema';
import { inputV1 } from './input';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampVendor,
  type OnboardingState,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';
import { AUTOTASK_READ, AUTOTASK_WRITE, activityCause, pollUntil } from './autotask-common';
import { FailureType } from '../contract/failure-types';

export const autotaskOnboardingStatusQuery = defineQuery<AutotaskOnboardingStatus>('status');
/**
 * The operator supplies the API user's credentials (the secret as a reference). Validated by format, then by
 * Autotask itself, before it is accepted: a rejected update leaves the workflow waiting.
 */
export const supplyAutotaskCredentialsUpdate = defineUpdate<
  { zoneUrl: string; resourceId?: number },
  [SupplyCredentialsRequest]
>('supplyCredentials');

const { verifyAutotaskCredentials, checkAutotaskPermissions, getAutotaskWebhook } =
  proxyActivities<OnrampActivities>(AUTOTASK_READ);
const { ensureAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

export interface AutotaskOnboardingResult {
  customer: string;
  username: string;
  zoneUrl: string;
  webhooks: WebhookSummary[];
}

export async function autotaskOnboarding(request: AutotaskOnboardingRequest): Promise<AutotaskOnboardingResult> {
  const input = inputV1<AutotaskOnboardingInputV1>(
    request,
    fillAutotaskOnboardingDefaults,
    ['customer', 'vendor', 'integrationId', 'webhook'],
    'Autotask onboarding input'
  );
  const { workflowId } = workflowInfo();
  const tenant = input.customer.id;
  const checklist = autotaskChecklist(input);
  const progress = new Progress<OnboardingStep>('awaiting-credentials');
  let credentials: AutotaskCredentials | undefined;
  let verified: VerifiedCredentials | undefined;
  let verifying = false;
  let credentialAttempts = 0;
  let lastCredentialError: string | undefined;
  let permissions: PermissionCheck[] = [];
  const webhooks = new Map<string, WebhookSummary>();

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskOnboarding },
  ]);

  setHandler(autotaskOnboardingStatusQuery, () => ({
    workflowId,
    customer: tenant,
    vendor: input.vendor.name,
    step: progress.step,
    state: progress.state,
    checklist,
    username: credentials?.username,
    zoneUrl: verified?.zoneUrl,
    resourceId: verified?.resourceId,
    permissions,
    missing: describeMissingPermissions(permissions),
    warnings: describeRestrictedPermissions(permissions),
    webhooks: [...webhooks.values()],
    credentialAttempts,
    lastCredentialError,
    error: progress.error,
  }));

  const enter = (s: OnboardingStep, st: OnboardingState, details?: string) => progress.enter(s, st, details);

  const fail = (message: string, type: string): never => progress.fail(message, type);

  /** One credential check: never retried on 401 (the activity marks it non-retryable). */
  const verify = async (c: AutotaskCredentials): Promise<VerifiedCredentials> => {
    credentialAttempts++;
    return verifyAutotaskCredentials.executeWithOptions(
      { ...AUTOTASK_READ, summary: `Zone discovery and credential check for API user ${c.username}` },
      [{ tenant, credentials: c }]
    );
  };

  setHandler(
    supplyAutotaskCredentialsUpdate,
    async (req) => {
      const c = normaliseCredentials(req);
      verifying = true;
      try {
        const v = await verify(c);
        credentials = c;
        verified = v;
        lastCredentialError = undefined;
        return { zoneUrl: v.zoneUrl, resourceId: v.resourceId };
      } catch (err) {
        const cause = activityCause(err);
        lastCredentialError = cause?.message ?? (err as Error).message;
        throw ApplicationFailure.nonRetryable(
          lastCredentialError,
          cause?.type ?? FailureType.AutotaskCredentialsRejected
        );
      } finally {
        verifying = false;
      }
    },
    {
      validator: (req) => {
        if (verified) throw new Error('credentials were already accepted for this onboarding');
        if (verifying) throw new Error('credentials are being checked right now; wait for that answer');
        const problems = credentialProblems(req);
        if (problems.length) throw new Error(`Invalid credentials:\n${problems.join('\n')}`);
      },
    }
  );

  if (input.credentials) {
    enter('verifying-credentials', 'running', `Checking the credentials of API user ${input.credentials.username}.`);
    try {
      verified = await verify(input.credentials);
      credentials = input.credentials;
    } catch (err) {
      const cause = activityCause(err);
      fail(cause?.message ?? (err as Error).message, cause?.type ?? FailureType.AutotaskCredentialsRejected);
    }
  } else {
    enter(
      'awaiting-credentials',
      'waiting-for-operator',
      `**Create the Autotask API user for ${input.vendor.name}, then send its credentials (update "supplyCredentials").**\n\n${checklist.map((l, i) => `${i + 1}. ${l}`).join('\n')}`
    );
    const supplied = await condition(() => verified !== undefined, `${input.timing.operatorDeadlineHours} hours`, {
      summary: 'Wait for the operator to create the API user and send its credentials',
    });
    if (!supplied) {
      fail(
        `No valid Autotask credentials were supplied within ${input.timing.operatorDeadlineHours} h${lastCredentialError ? ` (last attempt: ${lastCredentialError})` : ''}. Start the onboarding again once the API user exists.`,
        FailureType.AutotaskCredentialsNotSupplied
      );
    }
  }
  const creds = credentials!;
  const v = verified!;
  const target = { tenant, credentials: creds, zoneUrl: v.zoneUrl };

  enter('checking-permissions', 'running', `Credentials accepted (zone ${v.zoneUrl}). Checking permissions.`);
  permissions = await checkAutotaskPermissions.executeWithOptions(
    { ...AUTOTASK_READ, summary: `entityInformation for ${REQUIRED_PERMISSIONS.map((r) => r.entity).join(', ')}` },
    [{ ...target, requirements: REQUIRED_PERMISSIONS }]
  );
  const missing = describeMissingPermissions(permissions);
  if (missing.length) {
    fail(
      `API user ${creds.username} is missing ${missing.length} permission(s):\n${missing.map((m) => `  - ${m}`).join('\n')}\nFix the security level, then start this onboarding again.`,
      FailureType.AutotaskPermissionsMissing
    );
  }

  // Restricted (2) is not a failure: the integration can work, but may see fewer records. The warning goes to
  // the status query and the Web UI's current details (neither is a command: recorded histories replay).
  const warnings = describeRestrictedPermissions(permissions);
  enter(
    'creating-webhooks',
    'running',
    `Creating ${input.webhook.entities.length} webhook(s).${warnings.length ? `\n\n**Warning, restricted permissions:**\n${warnings.map((w) => `- ${w}`).join('\n')}` : ''}`
  );
  for (const entity of input.webhook.entities) {
    const name = webhookNameFor(input.webhook.name, entity);
    try {
      const hook = await ensureAutotaskWebhook.executeWithOptions(
        { ...AUTOTASK_WRITE, summary: `Create or finish the ${entity} webhook "${name}"` },
        [
          {
            ...target,
            entity,
            name,
            webhookUrl: input.webhook.webhookUrl,
            deactivationUrl: input.webhook.deactivationUrl,
            signingKeyRef: input.webhook.signingKeyRef,
            fields: input.webhook.fields[entity] ?? DEFAULT_WEBHOOK_FIELDS[entity],
            events: input.webhook.events,
            // The integration's own writes must not echo back to it as events.
            excludedResourceIds: v.resourceId !== undefined ? [v.resourceId] : [],
            notificationEmail: input.webhook.notificationEmail,
          },
        ]
      );
      webhooks.set(entity, hook);
    } catch (err) {
      const cause = activityCause(err);
      fail(cause?.message ?? (err as Error).message, cause?.type ?? FailureType.AutotaskWebhookFailed);
    }
  }

  enter('awaiting-webhook-ready', 'running', 'Waiting for Autotask to mark the webhook(s) ready.');
  const deadlineAt = Date.now() + input.timing.readyDeadlineMinutes * 60_000;
  for (const [entity, hook] of webhooks) {
    const ready = await pollUntil(
      async () => {
        const now = await getAutotaskWebhook.executeWithOptions(
          { ...AUTOTASK_READ, summary: `Is ${entity} webhook ${hook.id} ready?` },
          [{ ...target, entity: hook.entity, id: hook.id }]
        );
        if (now) webhooks.set(entity, now);
        return !!now?.isReady && now.isActive;
      },
      input.timing.readyPollSeconds * 1000,
      deadlineAt
    );
    if (!ready) {
      fail(
        `The ${entity} webhook ${hook.id} is not ready after ${input.timing.readyDeadlineMinutes} min: check it has a subscribed field and is active in Autotask`,
        FailureType.AutotaskWebhookNotReady
      );
    }
  }

  enter(
    'done',
    'completed',
    `Autotask integration for ${input.vendor.name} verified; ${webhooks.size} webhook(s) ready.`
  );
  await condition(allHandlersFinished);
  return { customer: tenant, username: creds.username, zoneUrl: v.zoneUrl, webhooks: [...webhooks.values()] };
}
