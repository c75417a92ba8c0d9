import { Progress, activityCause } from './progress';
import { startedWith } from './identity';
import {
  condition,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { fillAutotaskRotationDefaults } from '../rules/autotask-rules';
import {
  newWebhookNotReady,
  oldWebhooksNotRemoved,
  oldWebhooksStuck,
  operatorActionNeeded,
  rotationDetails,
} from '../rules/autotask-instructions';
import type { WebhookSummary } from '../contract/autotask-onboarding-messages';
import {
  autotaskRotationStatusQuery,
  oldUserReactivatedSignal,
  oldWebhooksDeletedSignal,
  type AutotaskRotationInputV1,
  type AutotaskRotationRequestV1,
  type AutotaskRotationResult,
  type OldWebhookStatus,
  type RotationStep,
} from '../contract/autotask-rotation-messages';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import {
  AUTOTASK_READ,
  AUTOTASK_WRITE,
  type Target,
  type WebhookSet,
  ensureWebhooks,
  pollWebhooksReady,
  verifyUser,
} from './autotask-common';
import { FailureType } from '../contract/failure-types';

const { getAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_READ);
const { deleteAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

/**
 * Seed 004's procedure for changing the integration's API user: create the new webhook(s) with the new
 * user, wait until ready, then delete the old one(s) with the old user. The old webhook is only removed once
 * the new one is ready (never no webhook), and right after (the overlap is as short as the API allows).
 */
export async function autotaskWebhookRotation(request: AutotaskRotationRequestV1): Promise<AutotaskRotationResult> {
  const run = startRotation(request);
  const zoneUrl = await verifyNewUser(run);
  const targets: Targets = {
    newUser: { tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials: run.input.newUser, zoneUrl },
    oldUser: { tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials: run.input.oldUser, zoneUrl },
  };
  await createNewWebhooks(run, targets.newUser);
  await awaitNewWebhooksReady(run, targets.newUser);
  await removeOldWebhooks(run, targets);
  run.instructions = undefined;
  run.progress.enter('done', 'completed', rotationDetails.done(newIds(run)));
  return { newWebhooks: [...run.newWebhooks.values()], oldWebhooks: run.oldWebhooks, reminders: run.reminders };
}

/** One rotation's state: what the status query reports and the steps share. */
interface RotationRun {
  input: AutotaskRotationInputV1;
  tenant: string;
  workflowId: string;
  progress: Progress<RotationStep>;
  instructions?: string;
  reminders: number;
  operator?: 'reactivated' | 'deleted-by-hand';
  newWebhooks: Map<string, WebhookSummary>;
  oldWebhooks: OldWebhookStatus[];
  /** Set by createNewWebhooks: the new user's resource id, excluded from the new webhooks' events. */
  newResourceId?: number;
}

interface Targets {
  newUser: Target;
  oldUser: Target;
}

const newIds = (run: RotationRun) => [...run.newWebhooks.values()].map((h) => h.id);
const isLeft = (w: OldWebhookStatus) => w.state === 'present' || w.state === 'inactive';
const allRemoved = (run: RotationRun) => run.oldWebhooks.every((w) => w.state === 'gone' || w.state === 'deleted');

function startRotation(request: AutotaskRotationRequestV1): RotationRun {
  const input = inputV1<AutotaskRotationInputV1>(
    request,
    fillAutotaskRotationDefaults,
    ['customer', 'vendor', 'integrationId', 'oldUser', 'newUser', 'oldWebhooks', 'webhook'],
    'Autotask webhook rotation input'
  );
  const run: RotationRun = {
    input,
    tenant: input.customer.id,
    workflowId: workflowInfo().workflowId,
    progress: new Progress<RotationStep>('verifying-new-user'),
    reminders: 0,
    newWebhooks: new Map(),
    oldWebhooks: input.oldWebhooks.map((w) => ({ ...w, state: 'present' })),
  };
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, run.tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskWebhookRotation },
  ]);
  setHandler(autotaskRotationStatusQuery, () => ({
    workflowId: run.workflowId,
    customer: run.tenant,
    step: run.progress.step,
    state: run.progress.state,
    newWebhooks: [...run.newWebhooks.values()],
    oldWebhooks: run.oldWebhooks,
    instructions: run.instructions,
    reminders: run.reminders,
    error: run.progress.error,
  }));
  setHandler(oldUserReactivatedSignal, () => void (run.operator = 'reactivated'));
  setHandler(oldWebhooksDeletedSignal, () => void (run.operator = 'deleted-by-hand'));
  return run;
}

/** The new API user works (and where its zone is). */
async function verifyNewUser(run: RotationRun): Promise<string> {
  const { newUser } = run.input;
  run.progress.enter('verifying-new-user', 'running', rotationDetails.verifyingNewUser(newUser.username));
  const v = await verifyUser(
    run.progress,
    { tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials: newUser },
    `Credential check for new API user ${newUser.username}`
  );
  run.newResourceId = v.resourceId;
  return v.zoneUrl;
}

/** The new webhook(s), as the new user: every entity of the new config and of the old webhooks. */
async function createNewWebhooks(run: RotationRun, newTarget: Target): Promise<void> {
  const { input } = run;
  run.progress.enter('creating-new-webhooks', 'running', rotationDetails.creatingNewWebhooks(input.newUser.username));
  const entities = [...new Set([...input.webhook.entities, ...input.oldWebhooks.map((w) => w.entity)])];
  await ensureWebhooks(newWebhookSet(run, newTarget), input.webhook, entities, run.newResourceId);
}

/** The new webhook(s) ready before anything old is touched: a timeout leaves the old webhook in place. */
async function awaitNewWebhooksReady(run: RotationRun, newTarget: Target): Promise<void> {
  run.progress.enter('awaiting-new-webhook-ready', 'running', rotationDetails.awaitingNewReady);
  // On a timeout the old webhook is untouched: the tenant keeps a working webhook.
  await pollWebhooksReady(newWebhookSet(run, newTarget), run.input.timing, newWebhookNotReady);
}

const newWebhookSet = (run: RotationRun, newTarget: Target): WebhookSet => ({
  progress: run.progress,
  target: newTarget,
  webhooks: run.newWebhooks,
  label: 'new ',
});

/**
 * The old webhook(s) deleted as the old user, right after the new ones are ready. When Autotask rejects the
 * old user, the operator either reactivates it (Onramp deletes again) or deletes by hand (Onramp checks).
 */
async function removeOldWebhooks(run: RotationRun, targets: Targets): Promise<void> {
  const { oldUser, timing } = run.input;
  run.progress.enter('deleting-old-webhooks', 'running', rotationDetails.deletingOldFirst(oldUser.username));
  const operatorDeadline = Date.now() + timing.operatorDeadlineHours * 3600_000;
  while (!(await deleteOld(run, targets.oldUser))) {
    // Autotask deactivates an inactive user's webhooks itself, so there are not two active ones meanwhile.
    await refreshOldStates(run, targets.newUser);
    if (allRemoved(run)) break;
    await awaitOperator(run, operatorDeadline);
    if (run.operator === 'deleted-by-hand') {
      await checkDeletedByHand(run, targets.newUser);
      if (allRemoved(run)) break;
    }
    run.progress.enter('deleting-old-webhooks', 'running', rotationDetails.deletingOldAgain(oldUser.username));
  }
}

/** Delete every old webhook still present with the old user's credentials; false when they are rejected. */
async function deleteOld(run: RotationRun, oldTarget: Target): Promise<boolean> {
  for (const old of run.oldWebhooks.filter(isLeft)) {
    try {
      const outcome = await deleteAutotaskWebhook.executeWithOptions(
        {
          ...AUTOTASK_WRITE,
          summary: `Delete old ${old.entity} webhook ${old.id} as ${oldTarget.credentials.username}`,
        },
        [{ ...oldTarget, entity: old.entity, id: old.id }]
      );
      old.state = outcome === 'deleted' ? 'deleted' : 'gone';
    } catch (err) {
      const type = activityCause(err)?.type;
      if (type === FailureType.AutotaskCredentialsRejected || type === FailureType.AutotaskUnknownUser) return false;
      run.progress.failFrom(err, FailureType.AutotaskWebhookDeleteFailed);
    }
  }
  return true;
}

/** What became of the old webhooks still present, read as the new user. */
async function refreshOldStates(run: RotationRun, newTarget: Target): Promise<void> {
  for (const old of run.oldWebhooks) {
    if (old.state !== 'present') continue;
    const seen = await getAutotaskWebhook.executeWithOptions(
      { ...AUTOTASK_READ, summary: `State of old ${old.entity} webhook ${old.id}` },
      [{ ...newTarget, entity: old.entity, id: old.id }]
    );
    old.state = !seen ? 'gone' : seen.isActive ? 'present' : 'inactive';
  }
}

/** Ask the operator, remind every reminderMinutes, fail at the deadline. */
async function awaitOperator(run: RotationRun, operatorDeadline: number): Promise<void> {
  const { oldUser, timing } = run.input;
  const ids = run.oldWebhooks.filter(isLeft).map((w) => `${w.entity}Webhooks ${w.id}`);
  const instructions = oldWebhooksStuck(oldUser.username, ids, newIds(run));
  run.instructions = instructions;
  run.progress.enter('awaiting-operator', 'waiting-for-operator', operatorActionNeeded(instructions));
  run.operator = undefined;
  while (!run.operator) {
    if (Date.now() >= operatorDeadline) {
      run.progress.fail(
        oldWebhooksNotRemoved(timing.operatorDeadlineHours, instructions),
        FailureType.AutotaskOldWebhookNotRemoved
      );
    }
    const wait = Math.min(timing.reminderMinutes * 60_000, operatorDeadline - Date.now());
    if (
      !(await condition(() => run.operator !== undefined, wait, {
        summary: 'Wait for the operator (reactivate old user or delete by hand)',
      }))
    ) {
      run.reminders++;
      log.warn('Autotask webhook rotation still waits for the operator', {
        workflowId: run.workflowId,
        reminders: run.reminders,
      });
      setCurrentDetails(operatorActionNeeded(instructions, run.reminders));
    }
  }
}

/** The operator says the old webhooks are deleted by hand: check they are gone. */
async function checkDeletedByHand(run: RotationRun, newTarget: Target): Promise<void> {
  run.progress.enter('verifying-old-webhooks-gone', 'running', rotationDetails.checkingOldGone);
  for (const old of run.oldWebhooks.filter(isLeft)) {
    const seen = await getAutotaskWebhook.executeWithOptions(
      { ...AUTOTASK_READ, summary: `Is old ${old.entity} webhook ${old.id} gone?` },
      [{ ...newTarget, entity: old.entity, id: old.id }]
    );
    if (!seen) old.state = 'gone';
  }
}
