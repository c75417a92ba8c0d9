import { Progress } from './progress';
import { startedWith } from './identity';
import {
  condition,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { DEFAULT_WEBHOOK_FIELDS, webhookNameFor, fillAutotaskRotationDefaults } from '../rules/autotask-rules';
import type {
  AutotaskRotationRequest,
  AutotaskRotationInputV1,
  AutotaskRotationStatus,
  RotationStep,
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

export const autotaskRotationStatusQuery = defineQuery<AutotaskRotationStatus>('status');
/** The operator reactivated the old API user: Onramp deletes the old webhook(s) with its credentials. */
export const oldUserReactivatedSignal = defineSignal('oldUserReactivated');
/** The operator deleted the old webhook(s) by hand: Onramp verifies they are gone. */
export const oldWebhooksDeletedSignal = defineSignal('oldWebhooksDeleted');

const { verifyAutotaskCredentials, getAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_READ);
const { ensureAutotaskWebhook, deleteAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

export interface AutotaskRotationResult {
  newWebhooks: WebhookSummary[];
  oldWebhooks: AutotaskRotationStatus['oldWebhooks'];
  reminders: number;
}

/**
 * Seed 004's procedure for changing the integration's API user: create the new webhook(s) with the new
 * user, wait until ready, then delete the old one(s) with the old user. The old webhook is only removed once
 * the new one is ready (never no webhook), and right after (the overlap is as short as the API allows).
 */
export async function autotaskWebhookRotation(request: AutotaskRotationRequest): Promise<AutotaskRotationResult> {
  const input = inputV1<AutotaskRotationInputV1>(
    request,
    fillAutotaskRotationDefaults,
    ['customer', 'vendor', 'integrationId', 'oldUser', 'newUser', 'oldWebhooks', 'webhook'],
    'Autotask webhook rotation input'
  );
  const { workflowId } = workflowInfo();
  const tenant = input.customer.id;
  const progress = new Progress<RotationStep>('verifying-new-user');
  let instructions: string | undefined;
  let reminders = 0;
  let operator: 'reactivated' | 'deleted-by-hand' | undefined;
  const newWebhooks = new Map<string, WebhookSummary>();
  const oldWebhooks: AutotaskRotationStatus['oldWebhooks'] = input.oldWebhooks.map((w) => ({ ...w, state: 'present' }));

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskWebhookRotation },
  ]);
  setHandler(autotaskRotationStatusQuery, () => ({
    workflowId,
    customer: tenant,
    step: progress.step,
    state: progress.state,
    newWebhooks: [...newWebhooks.values()],
    oldWebhooks,
    instructions,
    reminders,
    error: progress.error,
  }));
  setHandler(oldUserReactivatedSignal, () => void (operator = 'reactivated'));
  setHandler(oldWebhooksDeletedSignal, () => void (operator = 'deleted-by-hand'));

  const enter = (s: RotationStep, st: OnboardingState, details?: string) => progress.enter(s, st, details);
  const fail = (err: unknown, fallbackType: string): never => {
    const cause = activityCause(err);
    return progress.fail(cause?.message ?? (err as Error).message, cause?.type ?? fallbackType);
  };

  enter('verifying-new-user', 'running', `Checking the new API user ${input.newUser.username}.`);
  const v = await verifyAutotaskCredentials
    .executeWithOptions({ ...AUTOTASK_READ, summary: `Credential check for new API user ${input.newUser.username}` }, [
      { tenant, credentials: input.newUser },
    ])
    .catch((err: unknown) => fail(err, FailureType.AutotaskCredentialsRejected));
  const newTarget = { tenant, credentials: input.newUser, zoneUrl: v.zoneUrl };
  const oldTarget = { tenant, credentials: input.oldUser, zoneUrl: v.zoneUrl };

  enter('creating-new-webhooks', 'running', `Creating the new webhook(s) as ${input.newUser.username}.`);
  const entities = [...new Set([...input.webhook.entities, ...input.oldWebhooks.map((w) => w.entity)])];
  for (const entity of entities) {
    const name = webhookNameFor(input.webhook.name, entity);
    const hook = await ensureAutotaskWebhook
      .executeWithOptions({ ...AUTOTASK_WRITE, summary: `Create or finish the new ${entity} webhook "${name}"` }, [
        {
          ...newTarget,
          entity,
          name,
          webhookUrl: input.webhook.webhookUrl,
          deactivationUrl: input.webhook.deactivationUrl,
          signingKeyRef: input.webhook.signingKeyRef,
          fields: input.webhook.fields[entity] ?? DEFAULT_WEBHOOK_FIELDS[entity],
          events: input.webhook.events,
          excludedResourceIds: v.resourceId !== undefined ? [v.resourceId] : [],
          notificationEmail: input.webhook.notificationEmail,
        },
      ])
      .catch((err: unknown) => fail(err, FailureType.AutotaskWebhookFailed));
    newWebhooks.set(entity, hook);
  }

  enter(
    'awaiting-new-webhook-ready',
    'running',
    'Waiting for the new webhook(s) to be ready; the old one(s) keep working meanwhile.'
  );
  const readyBy = Date.now() + input.timing.readyDeadlineMinutes * 60_000;
  for (const [entity, hook] of newWebhooks) {
    const ready = await pollUntil(
      async () => {
        const now = await getAutotaskWebhook.executeWithOptions(
          { ...AUTOTASK_READ, summary: `Is new ${entity} webhook ${hook.id} ready?` },
          [{ ...newTarget, entity: hook.entity, id: hook.id }]
        );
        if (now) newWebhooks.set(entity, now);
        return !!now?.isReady && now.isActive;
      },
      input.timing.readyPollSeconds * 1000,
      readyBy
    );
    if (!ready) {
      // The old webhook is untouched: the tenant keeps a working webhook.
      fail(
        new Error(
          `The new ${entity} webhook ${hook.id} is not ready after ${input.timing.readyDeadlineMinutes} min; the old webhook was left in place`
        ),
        FailureType.AutotaskWebhookNotReady
      );
    }
  }

  /** Delete every old webhook still present with the old user's credentials; false when they are rejected. */
  const deleteOld = async (): Promise<boolean> => {
    for (const old of oldWebhooks.filter((w) => w.state === 'present' || w.state === 'inactive')) {
      try {
        const outcome = await deleteAutotaskWebhook.executeWithOptions(
          { ...AUTOTASK_WRITE, summary: `Delete old ${old.entity} webhook ${old.id} as ${input.oldUser.username}` },
          [{ ...oldTarget, entity: old.entity, id: old.id }]
        );
        old.state = outcome === 'deleted' ? 'deleted' : 'gone';
      } catch (err) {
        const type = activityCause(err)?.type;
        if (type === FailureType.AutotaskCredentialsRejected || type === FailureType.AutotaskUnknownUser) return false;
        fail(err, FailureType.AutotaskWebhookDeleteFailed);
      }
    }
    return true;
  };

  enter(
    'deleting-old-webhooks',
    'running',
    `New webhook(s) ready. Deleting the old one(s) as ${input.oldUser.username}.`
  );
  const operatorDeadline = Date.now() + input.timing.operatorDeadlineHours * 3600_000;
  while (!(await deleteOld())) {
    // Autotask deactivates an inactive user's webhooks itself, so there are not two active ones meanwhile.
    for (const old of oldWebhooks) {
      if (old.state !== 'present') continue;
      const seen = await getAutotaskWebhook.executeWithOptions(
        { ...AUTOTASK_READ, summary: `State of old ${old.entity} webhook ${old.id}` },
        [{ ...newTarget, entity: old.entity, id: old.id }]
      );
      old.state = !seen ? 'gone' : seen.isActive ? 'present' : 'inactive';
    }
    if (oldWebhooks.every((w) => w.state === 'gone' || w.state === 'deleted')) break;
    const ids = oldWebhooks
      .filter((w) => w.state === 'present' || w.state === 'inactive')
      .map((w) => `${w.entity}Webhooks ${w.id}`);
    instructions = [
      `Autotask rejects the old API user ${input.oldUser.username} (inactive, locked or its secret changed), so Onramp cannot delete its webhook(s) ${ids.join(', ')}.`,
      `Either: reactivate ${input.oldUser.username} in Admin > Resources/Users (Active checked, Locked unchecked), then send the signal "oldUserReactivated";`,
      `or: delete the webhook(s) by hand with the old user's credentials (DELETE /V1.0/<Entity>Webhooks/<id>), then send the signal "oldWebhooksDeleted".`,
      `The new webhook(s) (${[...newWebhooks.values()].map((h) => h.id).join(', ')}) already work.`,
    ].join('\n');
    enter('awaiting-operator', 'waiting-for-operator', `**Operator action needed.**\n\n${instructions}`);
    operator = undefined;
    while (!operator) {
      if (Date.now() >= operatorDeadline) {
        fail(
          new Error(
            `Nobody acted on the old webhook(s) within ${input.timing.operatorDeadlineHours} h.\n${instructions}`
          ),
          FailureType.AutotaskOldWebhookNotRemoved
        );
      }
      const wait = Math.min(input.timing.reminderMinutes * 60_000, operatorDeadline - Date.now());
      if (
        !(await condition(() => operator !== undefined, wait, {
          summary: 'Wait for the operator (reactivate old user or delete by hand)',
        }))
      ) {
        reminders++;
        log.warn('Autotask webhook rotation still waits for the operator', { workflowId, reminders });
        setCurrentDetails(`**Operator action needed (reminder ${reminders}).**\n\n${instructions}`);
      }
    }
    if (operator === 'deleted-by-hand') {
      enter('verifying-old-webhooks-gone', 'running', 'Checking the old webhook(s) are gone.');
      for (const old of oldWebhooks.filter((w) => w.state === 'present' || w.state === 'inactive')) {
        const seen = await getAutotaskWebhook.executeWithOptions(
          { ...AUTOTASK_READ, summary: `Is old ${old.entity} webhook ${old.id} gone?` },
          [{ ...newTarget, entity: old.entity, id: old.id }]
        );
        if (!seen) old.state = 'gone';
      }
      if (oldWebhooks.every((w) => w.state === 'gone' || w.state === 'deleted')) break;
    }
    enter('deleting-old-webhooks', 'running', `Deleting the old webhook(s) as ${input.oldUser.username}.`);
  }
  instructions = undefined;
  enter(
    'done',
    'completed',
    `Rotation done: new webhook(s) ${[...newWebhooks.values()].map((h) => h.id).join(', ')} ready, old ones removed.`
  );
  return { newWebhooks: [...newWebhooks.values()], oldWebhooks, reminders };
}
