import { fileRotationState } from './rotation-state-file';
import { storeRotationState } from './rotation-state-store';
import type { RotationState } from './rotation-state-types';
import { secretStore } from './secret-store';

export type { CredentialKind, CurrentCredentialRecords, ReceiverKeyring, RotationState } from './rotation-state-types';

/**
 * The rotation state of this process (./rotation-state-types.ts): the secret store when
 * `ONRAMP_SECRET_STORE_URL` is set (looked up per call through `secretStore()`, opened at worker start), else
 * the two directories.
 */
export function rotationStateFromConfig(config: {
  secretStore: { url?: string };
  autotask: { receiverKeyringDir: string };
  connectwise: { currentCredentialsDir: string };
}): RotationState {
  return config.secretStore.url
    ? storeRotationState(secretStore)
    : fileRotationState({
        keyringDir: config.autotask.receiverKeyringDir,
        currentCredentialsDir: config.connectwise.currentCredentialsDir,
      });
}
