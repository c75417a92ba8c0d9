import { CurrentCredentials } from './current-credentials';
import { SigningKeyring } from './receiver-keyring-file';
import type { RotationState } from './rotation-state-types';

/** Rotation state in two local directories: the sandbox and a single process (./rotation-state-types.ts). */
export function fileRotationState(dirs: { keyringDir: string; currentCredentialsDir: string }): RotationState {
  return { keyring: new SigningKeyring(dirs.keyringDir), current: new CurrentCredentials(dirs.currentCredentialsDir) };
}
