// The workflow bundle's entry point: every workflow type Onramp registers.
export { googleDelegationOnboarding } from './google-delegation';
export { connectwiseOnboarding } from './connectwise-onboarding';
export { connectwiseCustomerSync } from './connectwise-customer-sync';
export { autotaskOnboarding } from './autotask-onboarding';
export { autotaskWebhookRotation } from './autotask-webhook-rotation';
export { googleAdminRoleProvisioning } from './google-admin-roles';
export { customerOnboarding } from './customer-onboarding';
export { driftCheck, driftFinding } from './drift-check';
export { customerOffboarding } from './customer-offboarding';
export { connectwiseKeyRotation } from './connectwise-key-rotation';
export { googleDelegationReverify } from './google-delegation-reverify';
export { autotaskSecretRotation } from './autotask-secret-rotation';
export { salesDeal } from './sales-deal';
