import { heartbeating } from './activity-timeouts';
import { Progress } from './progress';
import { startedWith } from './identity';
import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { fillAutotaskSecretRotationDefaults } from '../rules/autotask-rules';
import {
  KEYRING_LOST_A_KEY,
  resignedWebhookNotReady,
  secretRotationDetails,
  signingOverlap,
} from '../rules/autotask-instructions';
import type { WebhookSummary } from '../contract/autotask-onboarding-messages';
import {
  autotaskSecretRotationStatusQuery,
  endSigningOverlapSignal,
  type AutotaskSecretRotationInputV1,
  type AutotaskSecretRotationRequestV1,
  type AutotaskSecretRotationResult,
  type SecretRotationStep,
} from '../contract/autotask-rotation-messages';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { AUTOTASK_WRITE, type Target, verifyUser } from './autotask-common';
import { FailureType } from '../contract/failure-types';

/** Keyring reads and writes: local files, retried briefly. */
const KEYRING = heartbeating({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});
const { readAutotaskSigningKeys, createAutotaskSigningKey, setAutotaskSigningKeys } =
  proxyActivities<OnrampActivities>(KEYRING);
const { setAutotaskWebhookSecret } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

/**
 * Rotation of the Autotask webhook signing secret: create → verify → switch → revoke, never a gap.
 * 1. a new master key in the receiver's keyring directory (its reference only ever in history);
 * 2. the receiver accepts the old and the new key (read back);
 * 3. each webhook's secretKey PATCHed to the new derived secret, read back active and ready;
 * 4. overlap: deliveries Autotask signed before the switch (it retries for ~2 min) still verify;
 * 5. the receiver accepts only the new key.
 * A failure before step 5 leaves both keys accepted, so deliveries never fail on the rotation's account.
 * Webhooks keep their IDs: nothing is created that could be orphaned.
 */
export async function autotaskSecretRotation(
  request: AutotaskSecretRotationRequestV1
): Promise<AutotaskSecretRotationResult> {
  const run = startSecretRotation(request);
  const target = await verifyCredentials(run);
  const keys = await openOverlap(run);
  await switchWebhooks(run, target, keys.newKeyRef);
  await overlap(run);
  await revokeOldKeys(run, keys.newKeyRef);
  run.progress.enter('done', 'completed', secretRotationDetails.done(run.switched.length));
  return {
    acceptedKeyRefs: run.acceptedKeyRefs,
    revokedKeyRefs: keys.oldKeyRefs.filter((r) => r !== keys.newKeyRef),
    switched: run.switched,
  };
}

/** One rotation's state: what the status query reports and the steps share. */
interface SecretRotationRun {
  input: AutotaskSecretRotationInputV1;
  tenant: string;
  progress: Progress<SecretRotationStep>;
  acceptedKeyRefs: string[];
  switched: WebhookSummary[];
  endOverlap: boolean;
}

function startSecretRotation(request: AutotaskSecretRotationRequestV1): SecretRotationRun {
  const input = inputV1<AutotaskSecretRotationInputV1>(
    request,
    fillAutotaskSecretRotationDefaults,
    ['customer', 'vendor', 'credentials', 'webhooks', 'signingKeyRef'],
    'Autotask signing-secret rotation input'
  );
  const { workflowId } = workflowInfo();
  const run: SecretRotationRun = {
    input,
    tenant: input.customer.id,
    progress: new Progress<SecretRotationStep>('verifying-credentials'),
    acceptedKeyRefs: [],
    switched: [],
    endOverlap: false,
  };
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, run.tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskSecretRotation },
  ]);
  setHandler(autotaskSecretRotationStatusQuery, () => ({
    workflowId,
    customer: run.tenant,
    step: run.progress.step,
    state: run.progress.state,
    acceptedKeyRefs: run.acceptedKeyRefs,
    switched: run.switched,
    error: run.progress.error,
  }));
  setHandler(endSigningOverlapSignal, () => void (run.endOverlap = true));
  return run;
}

/** The API user that owns the webhooks still works (and where its zone is). */
async function verifyCredentials(run: SecretRotationRun): Promise<Target> {
  const { credentials } = run.input;
  run.progress.enter('verifying-credentials', 'running', secretRotationDetails.verifying(credentials.username));
  const v = await verifyUser(
    run.progress,
    { tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials },
    `Credential check for ${credentials.username}`
  );
  return { tenant: run.tenant, vendorProfile: run.input.vendorProfile, credentials, zoneUrl: v.zoneUrl };
}

/** Steps 1-2: a new key, and the receiver accepting the old and the new (read back). */
async function openOverlap(run: SecretRotationRun): Promise<{ oldKeyRefs: string[]; newKeyRef: string }> {
  const { tenant, progress } = run;
  // The key in use now comes from the keyring, not the input: a scheduled run rotates away from the
  // current key. Every key accepted now stays accepted through the overlap (a previous run may have
  // failed mid-overlap with two).
  const oldKeyRefs = await readAutotaskSigningKeys({ tenant, defaultKeyRef: run.input.signingKeyRef });
  progress.enter('opening-overlap', 'running', secretRotationDetails.openingOverlap);
  const newKeyRef = await createAutotaskSigningKey({ tenant, keyId: workflowInfo().runId });
  run.acceptedKeyRefs = await setAutotaskSigningKeys({
    tenant,
    keyRefs: [...oldKeyRefs.filter((r) => r !== newKeyRef), newKeyRef],
  }).catch((err: unknown) => progress.failFrom(err, FailureType.AutotaskKeyringFailed));
  if (!run.acceptedKeyRefs.includes(newKeyRef) || !oldKeyRefs.every((r) => run.acceptedKeyRefs.includes(r)))
    progress.fail(KEYRING_LOST_A_KEY, FailureType.AutotaskKeyringFailed);
  return { oldKeyRefs, newKeyRef };
}

/** Step 3: each webhook's secretKey changed to the new derived secret, read back active and ready. */
async function switchWebhooks(run: SecretRotationRun, target: Target, newKeyRef: string): Promise<void> {
  const { webhooks } = run.input;
  run.progress.enter('switching', 'running', secretRotationDetails.switching(webhooks.length));
  for (const w of webhooks) {
    const hook = await setAutotaskWebhookSecret
      .executeWithOptions({ ...AUTOTASK_WRITE, summary: `New secret for ${w.entity} webhook "${w.name}"` }, [
        { ...target, entity: w.entity, name: w.name, signingKeyRef: newKeyRef },
      ])
      .catch((err: unknown) => run.progress.failFrom(err, FailureType.AutotaskWebhookFailed));
    if (!hook.isActive || !hook.isReady)
      run.progress.fail(resignedWebhookNotReady(w.entity, hook.id), FailureType.AutotaskWebhookNotReady);
    run.switched.push(hook);
  }
}

/** Step 4: deliveries signed before the switch still verify, until the overlap ends or the operator ends it. */
async function overlap(run: SecretRotationRun): Promise<void> {
  const { overlapMinutes } = run.input;
  run.progress.enter('overlap', 'running', signingOverlap(overlapMinutes));
  await condition(() => run.endOverlap, overlapMinutes * 60_000, { summary: 'Overlap: old and new accepted' });
}

/** Step 5: the receiver accepts only the new key. */
async function revokeOldKeys(run: SecretRotationRun, newKeyRef: string): Promise<void> {
  run.progress.enter('revoking', 'running', secretRotationDetails.revoking);
  run.acceptedKeyRefs = await setAutotaskSigningKeys({ tenant: run.tenant, keyRefs: [newKeyRef] }).catch(
    (err: unknown) => run.progress.failFrom(err, FailureType.AutotaskKeyringFailed)
  );
}
