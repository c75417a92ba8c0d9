import { heartbeating } from './activity-timeouts';
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import { activityCause } from './progress';
import { Progress } from './progress';
import { fillDelegationDefaults } from '../rules/google-delegation-rules';
import { reverifyDetails } from '../rules/google-delegation-instructions';
import type {
  DelegationInputV1,
  DelegationRequestV1,
  ReverifyResult,
  ReverifyStep,
} from '../contract/google-delegation-messages';
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

const { checkDelegatedScopes } = proxyActivities<OnrampActivities>(
  heartbeating({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  })
);

/**
 * After the vendor created a new service-account key (its business, not Onramp's): prove that delegation
 * works with the new key — same client ID, so no new grant — by minting a token per scope and then one for
 * all scopes. A key Google rejects fails with the fix; a scope missing is reported, not waited for.
 */
export async function googleDelegationReverify(request: DelegationRequestV1): Promise<ReverifyResult> {
  const input = inputV1<DelegationInputV1>(
    request,
    fillDelegationDefaults,
    ['customer', 'adminEmail', 'vendor', 'serviceAccount'],
    'delegation re-verification input'
  );
  const progress = new Progress<ReverifyStep>('verifying');
  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.domain) },
    { key: OnrampVendor, value: input.vendor.name },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleDelegationReverify },
    { key: OnrampStep, value: progress.step },
    { key: OnrampState, value: progress.state },
  ]);
  // Seed 000's check with the new key: a token per scope, then (all granted) one token for all of them.
  const missing = await scopesMissing(input, progress);
  progress.enter(missing.length ? 'scopes-missing' : 'verified', 'completed', reverifyDetails(input, missing));
  return {
    customer: input.customer.domain,
    clientId: input.serviceAccount.clientId,
    verified: missing.length === 0,
    missing,
    checkedAt: new Date().toISOString(),
  };
}

/** Seed 000's whole check in one activity: a token per scope and, when each works, one token for all of them. */
async function scopesMissing(input: DelegationInputV1, progress: Progress<ReverifyStep>): Promise<string[]> {
  try {
    const round = await checkDelegatedScopes({
      subject: input.adminEmail,
      serviceAccount: input.serviceAccount,
      scopes: input.scopes,
      mode: 'each-then-together',
    });
    return round.filter((s) => !s.granted).map((s) => s.scope);
  } catch (err) {
    // A key Google rejects (the old one deleted, or the wrong file): say which fix, as the activity words it.
    const cause = activityCause(err);
    if (cause) return progress.failAs(cause, FailureType.DelegationReverifyFailed);
    progress.enter(progress.step, 'failed');
    throw err;
  }
}
