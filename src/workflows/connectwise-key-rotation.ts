import { heartbeating } from './activity-timeouts';
import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget } from '../activities/connectwise';
import type { PermissionRow } from '../contract/connectwise-onboarding-messages';
import type { ConnectwiseConnectionV1 } from '../contract/connectwise-sync-messages';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
  type CwKeyRotationInputV1,
  type CwKeyRotationRequestV1,
  type CwKeyRotationResult,
  type CwKeyRotationStep,
  type CwNewKeyV1,
} from '../contract/connectwise-key-rotation-messages';
import { keyRotationText } from '../rules/connectwise-instructions';
import {
  cwCustomerSlug,
  fillCwKeyRotationDefaults,
  newKeyProblems,
  normaliseNewKey,
} from '../rules/connectwise-key-rotation-rules';
import { ONRAMP_INTEGRATION, OnrampCustomer, OnrampIntegration, OnrampVendor } from '../contract/search-attributes';
import { startedWith } from './identity';
import { inputV1 } from './input';
import { Progress } from './progress';
import { FailureType } from '../contract/failure-types';

const READ = heartbeating({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});
const NOTIFY = heartbeating({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
const act = proxyActivities<OnrampActivities>(READ);

/** One rotation's state: what the query reports and the Update and signal change. */
interface Rotation {
  input: CwKeyRotationInputV1;
  workflowId: string;
  progress: Progress<CwKeyRotationStep>;
  /** The key in use now: the input's, or the one a previous rotation recorded. */
  old: ConnectwiseConnectionV1;
  /** The new key, once verified (by the Update). */
  next?: CwTarget;
  permissions: PermissionRow[];
  lastRejection?: string;
  verifying: boolean;
  oldKeyDeleted: boolean;
  reminders: number;
  /** Both operator waits share one deadline. */
  deadline: number;
}

/**
 * Rotation of a ConnectWise API member's key pair, create → verify → switch → revoke, never leaving the
 * integration without a working key: the new pair (made by the operator in the UI; ConnectWise shows the
 * private key once) is proved against /system/info and the permission table before it is accepted, the
 * vendor is told to switch to it, and only then is the old key deleted (by the operator) and verified refused.
 */
export async function connectwiseKeyRotation(request: CwKeyRotationRequestV1): Promise<CwKeyRotationResult> {
  const r = await begin(request);
  // 1. Create: ConnectWise shows a private key once, in its UI; the operator makes the pair and sends it.
  // 2. Verify: in the provideNewKey Update (keys and role), before the key is accepted.
  const verified = await awaitNewKey(r);
  // 3. Switch: the vendor is told the new key (reference only), once; it is recorded as the key in use.
  await switchToNewKey(r, verified);
  // 4. Revoke: only now is the old key removed (the operator deletes it), then verified refused.
  await awaitOldKeyRefused(r);
  r.progress.enter('done', 'completed', keyRotationText.done(r.old.publicKey, verified.connection.publicKey));
  return {
    customer: r.input.customer.name,
    oldPublicKey: r.old.publicKey,
    newPublicKey: verified.connection.publicKey,
    newPrivateKeyRef: verified.connection.privateKeyRef!,
    permissions: r.permissions,
  };
}

async function begin(request: CwKeyRotationRequestV1): Promise<Rotation> {
  const input = inputV1<CwKeyRotationInputV1>(
    request,
    fillCwKeyRotationDefaults,
    ['customer', 'connection'],
    'ConnectWise key rotation input'
  );
  const progress = new Progress<CwKeyRotationStep>('awaiting-new-key');
  progress.state = 'waiting-for-operator';
  const r: Rotation = {
    input,
    workflowId: workflowInfo().workflowId,
    progress,
    old: input.connection,
    permissions: [],
    verifying: false,
    oldKeyDeleted: false,
    reminders: 0,
    deadline: 0,
  };
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseKeyRotation },
  ]);
  // The key in use now is the one a previous rotation recorded, when there was one: a scheduled run keeps
  // the arguments it was created with, which name a key already rotated away. Read before any handler,
  // so the Update's "not the old key" rule and the revoke step see the current key.
  const recorded = await act.readCurrentConnectwiseKey({ customer: cwCustomerSlug(input.customer.name) });
  if (recorded) r.old = { ...r.old, ...recorded };
  setHandler(cwKeyRotationStatusQuery, () => ({
    workflowId: r.workflowId,
    customer: input.customer.name,
    step: progress.step,
    state: progress.state,
    oldPublicKey: r.old.publicKey,
    newPublicKey: r.next?.connection.publicKey,
    permissions: r.permissions,
    lastRejection: r.lastRejection,
    reminders: r.reminders,
  }));
  setHandler(oldKeyDeletedSignal, () => void (r.oldKeyDeleted = true));
  setHandler(provideNewKeyUpdate, (key) => verifyNewKey(r, key), {
    validator: (key) => {
      const problems = newKeyProblems(key);
      if (problems.length) throw new Error(keyRotationText.keyRefused(problems));
      if (normaliseNewKey(key as CwNewKeyV1).publicKey === r.old.publicKey) throw new Error(keyRotationText.sameAsOld);
      if (r.next) throw new Error(keyRotationText.alreadyVerified);
      if (r.verifying) throw new Error(keyRotationText.checkRunning);
    },
  });
  return r;
}

/** Step 2, the provideNewKey Update: the keys answer, and the member's role passes the onboarding's table. */
async function verifyNewKey(r: Rotation, key: CwNewKeyV1): Promise<{ verified: true }> {
  // As the validator accepted it, trimmed as the door's schema trims it (no zod in workflows).
  const candidate: ConnectwiseConnectionV1 = { ...r.old, ...normaliseNewKey(key) };
  r.verifying = true;
  try {
    const v = await act.verifyConnectwiseConnection(candidate);
    if (!v.ok)
      throw ApplicationFailure.nonRetryable((r.lastRejection = v.message), FailureType.ConnectWiseConnectionRejected);
    const target: CwTarget = { connection: candidate, site: v.site };
    // The same role check as the onboarding's, company opt-in included (a key that cannot sync is no key).
    const report = await act.checkConnectwisePermissions(
      r.input.createMissingCompanies ? { ...target, createMissingCompanies: true } : target
    );
    if (report.missing > 0) {
      r.lastRejection = keyRotationText.permissionsMissing(report.missing, report.rows);
      throw ApplicationFailure.nonRetryable(r.lastRejection, FailureType.ConnectWisePermissionsMissing);
    }
    r.permissions = report.rows;
    r.lastRejection = undefined;
    r.next = target;
    return { verified: true as const };
  } finally {
    r.verifying = false;
  }
}

/** Step 1: the operator's instructions, a reminder every `reminderMinutes`, until the Update verified a key. */
async function awaitNewKey(r: Rotation): Promise<CwTarget> {
  const { input, progress } = r;
  const instructions = keyRotationText.createKey(r.old.apiMember, input.vendor.name, r.old.publicKey);
  progress.enter('awaiting-new-key', 'waiting-for-operator', keyRotationText.awaitingNewKey(instructions));
  r.deadline = Date.now() + input.timing.operatorDeadlineHours * 3600_000;
  while (!r.next) {
    if (Date.now() >= r.deadline)
      progress.fail(
        keyRotationText.noNewKey(input.timing.operatorDeadlineHours, r.lastRejection),
        FailureType.ConnectWiseKeyNotProvided
      );
    const got = await condition(
      () => r.next !== undefined,
      Math.min(input.timing.reminderMinutes * 60_000, r.deadline - Date.now())
    );
    if (!got) {
      r.reminders++;
      setCurrentDetails(keyRotationText.reminder(r.reminders, instructions));
    }
  }
  return r.next;
}

/** Step 3: the vendor is told to use the new key, and the key is recorded as the one in use. */
async function switchToNewKey(r: Rotation, verified: CwTarget): Promise<void> {
  const { input, progress } = r;
  const { publicKey, privateKeyRef } = verified.connection;
  progress.enter('switching', 'running', keyRotationText.switching(publicKey, input.vendor.name));
  await act.notifyVendor.executeWithOptions({ ...NOTIFY, summary: keyRotationText.tellVendor }, [
    {
      idempotencyKey: `${r.workflowId}:connectwise-key-switched:${publicKey}`,
      event: 'connectwise.key.rotated',
      payload: { customer: input.customer.name, publicKey, privateKeyRef, previousPublicKey: r.old.publicKey },
    },
  ]);
  await act.recordCurrentConnectwiseKey({
    customer: cwCustomerSlug(input.customer.name),
    publicKey,
    privateKeyRef: privateKeyRef!,
  });
}

/** Step 4: the operator deletes the old key; Onramp checks ConnectWise refuses it (at each re-check or signal). */
async function awaitOldKeyRefused(r: Rotation): Promise<void> {
  const { input, progress } = r;
  progress.enter(
    'awaiting-old-key-removal',
    'waiting-for-operator',
    keyRotationText.deleteOldKey(r.old.apiMember, r.old.publicKey)
  );
  for (;;) {
    // Cleared before the check, not after it: an operator's "deleted" that arrives while ConnectWise is being
    // asked must wake the wait below at once (it was lost until the next re-check, minutes later).
    r.oldKeyDeleted = false;
    const v = await act.verifyConnectwiseConnection(r.old);
    if (!v.ok && v.field === 'keys') return;
    if (Date.now() >= r.deadline)
      progress.fail(
        keyRotationText.oldKeyStillWorks(r.old.publicKey, input.timing.operatorDeadlineHours),
        FailureType.ConnectWiseOldKeyNotRemoved
      );
    await condition(() => r.oldKeyDeleted, Math.min(input.timing.recheckSeconds * 1000, r.deadline - Date.now()));
  }
}
