import { SigningKeyring } from '../webhooks/signing-keyring';
import { CurrentCredentials } from './current-credentials';
import type { RotationState } from './rotation-state';

/** Rotation state in two local directories: the sandbox and a single process (./rotation-state.ts). */
export function fileRotationState(dirs: { keyringDir: string; currentCredentialsDir: string }): RotationState {
  return { keyring: new SigningKeyring(dirs.keyringDir), current: new CurrentCredentials(dirs.currentCredentialsDir) };
}
