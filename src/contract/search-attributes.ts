import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Onramp's search attributes. They make onboardings findable in the Web UI and the CLI
 * ("all Autotask onboardings of customer X waiting for an operator").
 *
 * Search attributes are stored in plain text on the server and are never encrypted by a codec,
 * so only non-secret business identifiers may go here: never a key, secret or token.
 */
export const OnrampCustomer = defineSearchAttributeKey('OnrampCustomer', SearchAttributeType.KEYWORD);
export const OnrampVendor = defineSearchAttributeKey('OnrampVendor', SearchAttributeType.KEYWORD);
export const OnrampIntegration = defineSearchAttributeKey('OnrampIntegration', SearchAttributeType.KEYWORD);
export const OnrampStep = defineSearchAttributeKey('OnrampStep', SearchAttributeType.KEYWORD);
export const OnrampState = defineSearchAttributeKey('OnrampState', SearchAttributeType.KEYWORD);

export const ONRAMP_SEARCH_ATTRIBUTES = [OnrampCustomer, OnrampVendor, OnrampIntegration, OnrampStep, OnrampState];

/** Coarse lifecycle states shared by every onboarding, so one filter works across vendors. */
export type OnboardingState = 'running' | 'waiting-for-operator' | 'completed' | 'failed';

/**
 * OnrampIntegration of each workflow type, the same whoever starts it (an order's parent, the CLI, a
 * schedule), so `OnrampIntegration = "autotask-onboarding"` finds every Autotask onboarding.
 */
export const ONRAMP_INTEGRATION = {
  customerOnboarding: 'customer-onboarding',
  googleDelegationOnboarding: 'google-delegation',
  googleAdminRoleProvisioning: 'google-admin-roles',
  autotaskOnboarding: 'autotask-onboarding',
  autotaskWebhookRotation: 'autotask-webhook-rotation',
  autotaskSecretRotation: 'autotask-secret-rotation',
  connectwiseOnboarding: 'connectwise',
  connectwiseCustomerSync: 'connectwise-customer-sync',
  driftCheck: 'drift-check',
  driftFinding: 'drift-finding',
  customerOffboarding: 'customer-offboarding',
  connectwiseKeyRotation: 'connectwise-key-rotation',
  googleDelegationReverify: 'google-delegation-reverify',
  salesDeal: 'sales-deal',
} as const;
