import { ApplicationFailure, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { activityCause } from './autotask-common';
import { fillDelegationDefaults } from '../rules/google-delegation-rules';
import type { DelegationInputV1, DelegationRequest } from '../domain/google-delegation-schema';
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

const { checkDelegatedScopes } = proxyActivities<OnrampActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

export interface ReverifyResult {
  customer: string;
  clientId: string;
  verified: boolean;
  missing: string[];
  checkedAt: string;
}

/**
 * After the vendor created a new service-account key (its business, not Onramp's): prove that delegation
 * works with the new key — same client ID, so no new grant — by minting a token per scope and then one for
 * all scopes. A key Google rejects fails with the fix; a scope missing is reported, not waited for.
 */
export async function googleDelegationReverify(request: DelegationRequest): Promise<ReverifyResult> {
  const input = inputV1<DelegationInputV1>(
    request,
    fillDelegationDefaults,
    ['customer', 'adminEmail', 'vendor', 'serviceAccount'],
    'delegation re-verification input'
  );
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.domain) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleDelegationReverify },
    { key: OnrampStep, value: 'verifying' },
    { key: OnrampState, value: 'running' },
  ]);
  const base = { subject: input.adminEmail, serviceAccount: input.serviceAccount, scopes: input.scopes };
  const check = async (mode: 'each' | 'together') => {
    try {
      return await checkDelegatedScopes({ ...base, mode });
    } catch (err) {
      // A key Google rejects (the old one deleted, or the wrong file): say which fix, as the activity words it.
      const cause = activityCause(err);
      upsertSearchAttributes([{ key: OnrampState, value: 'failed' }]);
      if (cause)
        throw ApplicationFailure.nonRetryable(cause.message, cause.type ?? FailureType.DelegationReverifyFailed);
      throw err;
    }
  };
  const each = await check('each');
  let missing = each.filter((s) => !s.granted).map((s) => s.scope);
  if (!missing.length) {
    const together = await check('together');
    if (!together.every((s) => s.granted)) missing = [...input.scopes];
  }
  const verified = missing.length === 0;
  upsertSearchAttributes([
    { key: OnrampStep, value: verified ? 'verified' : 'scopes-missing' },
    { key: OnrampState, value: 'completed' },
  ]);
  setCurrentDetails(
    verified
      ? `Delegation works with the new key of ${input.serviceAccount.email} for all ${input.scopes.length} scopes.`
      : `With the new key, ${missing.length} scope(s) are not granted: ${missing.join(', ')}`
  );
  return {
    customer: input.customer.domain,
    clientId: input.serviceAccount.clientId,
    verified,
    missing,
    checkedAt: new Date().toISOString(),
  };
}
