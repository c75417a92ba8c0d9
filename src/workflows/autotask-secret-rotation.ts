import { Progress } from './progress';
import { startedWith } from './identity';
import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { fillAutotaskSecretRotationDefaults } from '../rules/autotask-rules';
import type {
  AutotaskSecretRotationInputV1,
  AutotaskSecretRotationRequest,
  AutotaskSecretRotationStatus,
  SecretRotationStep,
  WebhookSummary,
} from '../domain/autotask-schema';
import { inputV1 } from './input';
import { OnrampCustomer, OnrampIntegration, OnrampVendor, ONRAMP_INTEGRATION } from '../contract/search-attributes';
import { AUTOTASK_READ, AUTOTASK_WRITE, activityCause } from './autotask-common';
import { FailureType } from '../contract/failure-types';

export const autotaskSecretRotationStatusQuery = defineQuery<AutotaskSecretRotationStatus>('status');
/** End the overlap now (the operator knows no delivery signed with the old secret is still on its way). */
export const endSigningOverlapSignal = defineSignal('endSigningOverlap');

/** Keyring reads and writes: local files, retried briefly. */
const KEYRING: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
};
const { readAutotaskSigningKeys, createAutotaskSigningKey, setAutotaskSigningKeys } =
  proxyActivities<OnrampActivities>(KEYRING);
const { verifyAutotaskCredentials } = proxyActivities<OnrampActivities>(AUTOTASK_READ);
const { setAutotaskWebhookSecret } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

export interface AutotaskSecretRotationResult {
  acceptedKeyRefs: string[];
  revokedKeyRefs: string[];
  switched: WebhookSummary[];
}

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
  request: AutotaskSecretRotationRequest
): Promise<AutotaskSecretRotationResult> {
  const input = inputV1<AutotaskSecretRotationInputV1>(
    request,
    fillAutotaskSecretRotationDefaults,
    ['customer', 'vendor', 'credentials', 'webhooks', 'signingKeyRef'],
    'Autotask signing-secret rotation input'
  );
  const { workflowId, runId } = workflowInfo();
  const tenant = input.customer.id;
  const progress = new Progress<SecretRotationStep>('verifying-credentials');
  let acceptedKeyRefs: string[] = [];
  const switched: WebhookSummary[] = [];
  let endOverlap = false;

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, tenant) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.autotaskSecretRotation },
  ]);
  setHandler(autotaskSecretRotationStatusQuery, () => ({
    workflowId,
    customer: tenant,
    step: progress.step,
    state: progress.state,
    acceptedKeyRefs,
    switched,
    error: progress.error,
  }));
  setHandler(endSigningOverlapSignal, () => void (endOverlap = true));
  const fail = (err: unknown, fallbackType: string): never => {
    const cause = activityCause(err);
    return progress.fail(cause?.message ?? (err as Error).message, cause?.type ?? fallbackType);
  };

  progress.enter('verifying-credentials', 'running', `Checking API user ${input.credentials.username}.`);
  const v = await verifyAutotaskCredentials
    .executeWithOptions({ ...AUTOTASK_READ, summary: `Credential check for ${input.credentials.username}` }, [
      { tenant, credentials: input.credentials },
    ])
    .catch((err: unknown) => fail(err, FailureType.AutotaskCredentialsRejected));
  const target = { tenant, credentials: input.credentials, zoneUrl: v.zoneUrl };

  // The key in use now comes from the keyring, not the input: a scheduled run rotates away from the
  // current key. Every key accepted now stays accepted through the overlap (a previous run may have
  // failed mid-overlap with two).
  const oldKeyRefs = await readAutotaskSigningKeys({ tenant, defaultKeyRef: input.signingKeyRef });
  progress.enter('opening-overlap', 'running', 'Creating the new signing key; the receiver accepts old and new.');
  const newKeyRef = await createAutotaskSigningKey({ tenant, keyId: runId });
  acceptedKeyRefs = await setAutotaskSigningKeys({
    tenant,
    keyRefs: [...oldKeyRefs.filter((r) => r !== newKeyRef), newKeyRef],
  }).catch((err: unknown) => fail(err, FailureType.AutotaskKeyringFailed));
  if (!acceptedKeyRefs.includes(newKeyRef) || !oldKeyRefs.every((r) => acceptedKeyRefs.includes(r)))
    fail(new Error('The receiver keyring did not keep the old and the new key'), FailureType.AutotaskKeyringFailed);

  progress.enter('switching', 'running', `Giving ${input.webhooks.length} webhook(s) the new secret.`);
  for (const w of input.webhooks) {
    const hook = await setAutotaskWebhookSecret
      .executeWithOptions({ ...AUTOTASK_WRITE, summary: `New secret for ${w.entity} webhook "${w.name}"` }, [
        { ...target, entity: w.entity, name: w.name, signingKeyRef: newKeyRef },
      ])
      .catch((err: unknown) => fail(err, FailureType.AutotaskWebhookFailed));
    if (!hook.isActive || !hook.isReady)
      fail(
        new Error(
          `The ${w.entity} webhook ${hook.id} is not active and ready after its secret changed; the receiver keeps accepting the old and the new key`
        ),
        FailureType.AutotaskWebhookNotReady
      );
    switched.push(hook);
  }

  progress.enter(
    'overlap',
    'running',
    `Webhooks signed with the new secret. The receiver accepts the old one for ${input.overlapMinutes} min more (Autotask's retries), or until the signal "endSigningOverlap".`
  );
  await condition(() => endOverlap, input.overlapMinutes * 60_000, { summary: 'Overlap: old and new accepted' });

  progress.enter('revoking', 'running', 'The receiver stops accepting the old signing key.');
  acceptedKeyRefs = await setAutotaskSigningKeys({ tenant, keyRefs: [newKeyRef] }).catch((err: unknown) =>
    fail(err, FailureType.AutotaskKeyringFailed)
  );
  progress.enter('done', 'completed', `Signing secret rotated for ${switched.length} webhook(s).`);
  return { acceptedKeyRefs, revokedKeyRefs: oldKeyRefs.filter((r) => r !== newKeyRef), switched };
}
