/**
 * What rotations leave behind for every worker and the webhook receiver to read: one abstraction, two
 * implementations.
 *
 * - the Autotask **receiver keyring**: per tenant, the signing master keys the receiver accepts (two during a
 *   rotation's overlap, the newest last) and the keys the signing-secret rotation generated;
 * - the **current-credentials record**: per customer and kind, the credential references a rotation switched
 *   to (read by the next rotation, whose schedule still names the key it started with).
 *
 * Files (./rotation-state-file.ts: `ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR`, `ONRAMP_CURRENT_CREDENTIALS_DIR`)
 * serve the sandbox and a single process; with `ONRAMP_SECRET_STORE_URL` the state lives in the secret store
 * (./rotation-state-store.ts: sealed with the codec key ring, audited without values), so N workers in their
 * own containers and a receiver elsewhere see one keyring. ./rotation-state.ts picks one from the configuration.
 */

/** The kinds of credential a current-credentials record holds. */
export type CredentialKind = 'connectwise-key';

export interface ReceiverKeyring {
  /** Where it lives, for log lines and errors (never a value). */
  readonly where: string;
  /** The tenant's accepted key references, newest last; undefined when the tenant has no entry yet. */
  keyRefs(tenant: string): Promise<string[] | undefined>;
  /** Replace what the receiver accepts for the tenant (references only). */
  setKeyRefs(tenant: string, keyRefs: readonly string[]): Promise<void>;
  /** A new master key for the tenant under `keyId`; an existing one is kept (a retried attempt). Returns its reference. */
  createKey(tenant: string, keyId: string): Promise<string>;
}

export interface CurrentCredentialRecords {
  readonly where: string;
  read<T extends Record<string, string>>(kind: CredentialKind, key: string): Promise<T | undefined>;
  /** References and public identifiers only: a secret-named field that is not a reference is refused. */
  write(kind: CredentialKind, key: string, value: Record<string, string>): Promise<void>;
}

export interface RotationState {
  keyring: ReceiverKeyring;
  current: CurrentCredentialRecords;
}
