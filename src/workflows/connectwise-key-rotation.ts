import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget } from '../activities/connectwise';
import { formatPermissionTable } from '../rules/connectwise-rules';
import type { ConnectwiseConnection, PermissionRow } from '../domain/connectwise-schema';
import {
  cwCustomerSlug,
  fillCwKeyRotationDefaults,
  newKeyProblems,
  normaliseNewKey,
} from '../rules/connectwise-key-rotation-rules';
import type {
  CwKeyRotationInputV1,
  CwKeyRotationRequest,
  CwKeyRotationStatus,
  CwNewKey,
} from '../domain/connectwise-key-rotation-schema';
import {
  ONRAMP_INTEGRATION,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../contract/search-attributes';
import { startedWith } from './identity';
import { inputV1 } from './input';
import { FailureType } from '../contract/failure-types';

export const cwKeyRotationStatusQuery = defineQuery<CwKeyRotationStatus>('status');
/** The operator generated the new key pair (System > Members > API Members > API Keys > +): its public key and the private key's reference. */
export const provideNewKeyUpdate = defineUpdate<{ verified: true }, [CwNewKey]>('provideNewKey');
/** The operator deleted the old key: verify now instead of at the next re-check. */
export const oldKeyDeletedSignal = defineSignal('oldKeyDeleted');

const READ: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};
const NOTIFY: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
const act = proxyActivities<OnrampActivities>(READ);

export interface CwKeyRotationResult {
  customer: string;
  oldPublicKey: string;
  newPublicKey: string;
  newPrivateKeyRef: string;
  permissions: PermissionRow[];
}

/**
 * Rotation of a ConnectWise API member's key pair, create → verify → switch → revoke, never leaving the
 * integration without a working key: the new pair (made by the operator in the UI; ConnectWise shows the
 * private key once) is proved against /system/info and the permission table before it is accepted, the
 * vendor is told to switch to it, and only then is the old key deleted (by the operator) and verified refused.
 */
export async function connectwiseKeyRotation(request: CwKeyRotationRequest): Promise<CwKeyRotationResult> {
  const input = inputV1<CwKeyRotationInputV1>(
    request,
    fillCwKeyRotationDefaults,
    ['customer', 'connection'],
    'ConnectWise key rotation input'
  );
  const { workflowId } = workflowInfo();
  let old: ConnectwiseConnection = input.connection;
  let step: CwKeyRotationStatus['step'] = 'awaiting-new-key';
  let state: CwKeyRotationStatus['state'] = 'waiting-for-operator';
  let next: CwTarget | undefined;
  let permissions: PermissionRow[] = [];
  let lastRejection: string | undefined;
  let verifying = false;
  let oldKeyDeleted = false;
  let reminders = 0;

  const enter = (s: typeof step, st: typeof state, details: string) => {
    step = s;
    state = st;
    upsertSearchAttributes([
      { key: OnrampStep, value: s },
      { key: OnrampState, value: st },
    ]);
    setCurrentDetails(details);
  };
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.name) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.connectwiseKeyRotation },
  ]);
  // The key in use now is the one a previous rotation recorded, when there was one: a scheduled run keeps
  // the arguments it was created with, which name a key already rotated away. Read before any handler,
  // so the Update's "not the old key" rule and the revoke step see the current key.
  const customerKey = cwCustomerSlug(input.customer.name);
  const recordsCurrentKey = patched('cw-rotation-current-key');
  if (recordsCurrentKey) {
    const recorded = await act.readCurrentConnectwiseKey({ customer: customerKey });
    if (recorded) old = { ...old, ...recorded };
  }
  setHandler(cwKeyRotationStatusQuery, () => ({
    workflowId,
    customer: input.customer.name,
    step,
    state,
    oldPublicKey: old.publicKey,
    newPublicKey: next?.connection.publicKey,
    permissions,
    lastRejection,
    reminders,
  }));
  setHandler(oldKeyDeletedSignal, () => void (oldKeyDeleted = true));

  setHandler(
    provideNewKeyUpdate,
    async (key) => {
      // As the validator accepted it, trimmed as the door's schema trims it (no zod in workflows).
      const candidate: ConnectwiseConnection = { ...old, ...normaliseNewKey(key) };
      verifying = true;
      try {
        const v = await act.verifyConnectwiseConnection(candidate);
        if (!v.ok)
          throw ApplicationFailure.nonRetryable((lastRejection = v.message), FailureType.ConnectWiseConnectionRejected);
        const target: CwTarget = { connection: candidate, site: v.site };
        // The same role check as the onboarding's, company opt-in included (a key that cannot sync is no key).
        const report = await act.checkConnectwisePermissions(
          input.createMissingCompanies ? { ...target, createMissingCompanies: true } : target
        );
        if (report.missing > 0) {
          lastRejection = `the new key's member lacks ${report.missing} permission(s):\n${formatPermissionTable(report.rows)}`;
          throw ApplicationFailure.nonRetryable(lastRejection, FailureType.ConnectWisePermissionsMissing);
        }
        permissions = report.rows;
        lastRejection = undefined;
        next = target;
        return { verified: true as const };
      } finally {
        verifying = false;
      }
    },
    {
      validator: (key) => {
        const problems = newKeyProblems(key);
        if (problems.length) throw new Error(`Key refused:\n${problems.join('\n')}`);
        if (normaliseNewKey(key as { publicKey: string; privateKeyRef: string }).publicKey === old.publicKey)
          throw new Error('that is the old key: generate a new key pair');
        if (next) throw new Error('a new key was already verified for this rotation');
        if (verifying) throw new Error('a key is being checked right now; wait for that answer');
      },
    }
  );

  // 1. Create: ConnectWise shows a private key once, in its UI; the operator makes the pair and sends it.
  const instructions = `In ConnectWise: System > Members > API Members > ${old.apiMember ?? '(the integration member)'} > API Keys > + : Description "${input.vendor.name} integration (rotated)" > Save. Store the private key for the worker and send Onramp the public key and the reference (update "provideNewKey"). The old key ${old.publicKey} keeps working meanwhile.`;
  enter('awaiting-new-key', 'waiting-for-operator', `**New ConnectWise key needed.**\n\n${instructions}`);
  const deadline = Date.now() + input.timing.operatorDeadlineHours * 3600_000;
  while (!next) {
    if (Date.now() >= deadline)
      throw ApplicationFailure.nonRetryable(
        `No verified new ConnectWise key within ${input.timing.operatorDeadlineHours} h${lastRejection ? ` (last: ${lastRejection})` : ''}; the old key was left in place.`,
        FailureType.ConnectWiseKeyNotProvided
      );
    const got = await condition(
      () => next !== undefined,
      Math.min(input.timing.reminderMinutes * 60_000, deadline - Date.now())
    );
    if (!got) {
      reminders++;
      setCurrentDetails(`**New ConnectWise key needed (reminder ${reminders}).**\n\n${instructions}`);
    }
  }
  const verified = next;

  // 2-3. Verified in the Update; switch: the vendor is told the new key (reference only), once.
  enter(
    'switching',
    'running',
    `New key ${verified.connection.publicKey} verified; switching ${input.vendor.name} to it.`
  );
  await act.notifyVendor.executeWithOptions({ ...NOTIFY, summary: 'Tell the vendor to use the new key' }, [
    {
      idempotencyKey: `${workflowId}:connectwise-key-switched:${verified.connection.publicKey}`,
      event: 'connectwise.key.rotated',
      payload: {
        customer: input.customer.name,
        publicKey: verified.connection.publicKey,
        privateKeyRef: verified.connection.privateKeyRef,
        previousPublicKey: old.publicKey,
      },
    },
  ]);

  if (recordsCurrentKey)
    await act.recordCurrentConnectwiseKey({
      customer: customerKey,
      publicKey: verified.connection.publicKey,
      privateKeyRef: verified.connection.privateKeyRef!,
    });

  // 4. Revoke: only now is the old key removed (the operator deletes it), then verified refused.
  const oldRefused = async () => {
    const r = await act.verifyConnectwiseConnection(old);
    return !r.ok && r.field === 'keys';
  };
  enter(
    'awaiting-old-key-removal',
    'waiting-for-operator',
    `**Delete the old key.** System > Members > API Members > ${old.apiMember ?? '(the member)'} > API Keys: delete public key ${old.publicKey}, then signal "oldKeyDeleted". Onramp verifies ConnectWise refuses it.`
  );
  for (;;) {
    if (await oldRefused()) break;
    if (Date.now() >= deadline)
      throw ApplicationFailure.nonRetryable(
        `The old ConnectWise key ${old.publicKey} still works after ${input.timing.operatorDeadlineHours} h: delete it under System > Members > API Members > API Keys. The new key is in use.`,
        FailureType.ConnectWiseOldKeyNotRemoved
      );
    oldKeyDeleted = false;
    await condition(() => oldKeyDeleted, Math.min(input.timing.recheckSeconds * 1000, deadline - Date.now()));
  }
  enter('done', 'completed', `Rotated: ${old.publicKey} → ${verified.connection.publicKey}; the old key is refused.`);
  return {
    customer: input.customer.name,
    oldPublicKey: old.publicKey,
    newPublicKey: verified.connection.publicKey,
    newPrivateKeyRef: verified.connection.privateKeyRef!,
    permissions,
  };
}
