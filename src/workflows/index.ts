// The workflow bundle's entry point: every workflow type Onramp registers.
export { googleDelegationOnboarding, delegationStatusQuery, checkNowSignal } from './google-delegation';
