// The workflow bundle's entry point: every workflow type Onramp registers.
export { googleDelegationOnboarding, delegationStatusQuery, checkNowSignal } from './google-delegation';
export {
  connectwiseOnboarding,
  connectwiseStatusQuery,
  provideConnectionUpdate,
  recheckPermissionsSignal,
} from './connectwise-onboarding';
export { connectwiseCustomerSync, connectwiseSyncStatusQuery } from './connectwise-customer-sync';
export { autotaskOnboarding } from './autotask-onboarding';
export { autotaskWebhookRotation } from './autotask-webhook-rotation';
export { googleAdminRoleProvisioning, adminRoleStatusQuery } from './google-admin-roles';
export { customerOnboarding } from './customer-onboarding';
export {
  driftCheck,
  driftFinding,
  driftFindingStatusQuery,
  resolveFindingSignal,
  driftClearedSignal,
} from './drift-check';
export { customerOffboarding, offboardingStatusQuery, offboardingOperatorDoneSignal } from './customer-offboarding';
export {
  connectwiseKeyRotation,
  cwKeyRotationStatusQuery,
  provideNewKeyUpdate,
  oldKeyDeletedSignal,
} from './connectwise-key-rotation';
export { googleDelegationReverify } from './google-delegation-reverify';
export { autotaskSecretRotation } from './autotask-secret-rotation';
