import { randomBytes } from 'node:crypto';
import { assertReferencesOnly } from './current-credentials';
import type { CredentialKind, CurrentCredentialRecords, ReceiverKeyring, RotationState } from './rotation-state-types';
import { isSecretRef } from './secret-ref';
import { STORE_PREFIX, SecretStoreError, type SecretAuditEntry, type SecretStore } from './secret-store';

/**
 * Rotation state in the secret store every worker and the receiver share (./rotation-state-types.ts). Rows of the
 * store's own table, each sealed with the codec key ring and audited without its value:
 *
 * - `rotation/autotask-signing-key/<tenant>/<keyId>`: a master key a signing rotation generated, created once
 *   (a retried attempt finds it). The workflow only ever holds its `store:` reference.
 * - `rotation/autotask-keyring/<tenant>`: `{"keyRefs":[…]}`, what the receiver accepts (references, newest last).
 * - `rotation/current/<kind>/<key>`: the current-credentials record (references and public identifiers).
 *
 * Audit rows name the customer (tenant) as the order column, the integration, `rotation` via `worker`:
 * `onramp secrets audit <customer>` lists them.
 */
const KEYS = 'rotation/autotask-signing-key';
const KEYRING = 'rotation/autotask-keyring';
const CURRENT = 'rotation/current';

/** One path segment of a store name ([A-Za-z0-9.-], everything else as `_hh`): injective, so no two keys meet. */
export function nameSegment(s: string): string {
  return Buffer.from(s, 'utf8')
    .toString('latin1')
    .replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const KIND_INTEGRATION: Record<CredentialKind, string> = { 'connectwise-key': 'connectwise' };

export function storeRotationState(
  /** Looked up on every call: the worker opens the store after building its activities (src/worker.ts). */
  store: () => SecretStore | undefined
): RotationState {
  const open = (): SecretStore => {
    const s = store();
    if (!s)
      throw new SecretStoreError(
        'rotation state is kept in the secret store, but this process has none open: set ONRAMP_SECRET_STORE_URL and ONRAMP_CODEC_KEYS'
      );
    return s;
  };
  const audit = (customer: string, integration: string): SecretAuditEntry => ({
    actor: 'rotation',
    via: 'worker',
    orderId: customer,
    integration,
  });
  const readJson = async <T>(name: string): Promise<T | undefined> => {
    const raw = await open().read(name);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  };
  /** Replace a record, unless it already holds exactly this (a retried activity adds no audit row). */
  const writeJson = async (name: string, value: unknown, entry: SecretAuditEntry): Promise<void> => {
    const text = JSON.stringify(value);
    if ((await open().read(name)) === text) return;
    await open().put(name, text, entry, 'replace');
  };

  const keyring: ReceiverKeyring = {
    where: 'the secret store (ONRAMP_SECRET_STORE_URL)',
    async keyRefs(tenant) {
      const r = await readJson<{ keyRefs?: unknown }>(`${KEYRING}/${nameSegment(tenant)}`);
      return Array.isArray(r?.keyRefs) ? r.keyRefs.filter((x): x is string => typeof x === 'string') : undefined;
    },
    async setKeyRefs(tenant, keyRefs) {
      for (const ref of keyRefs)
        if (!isSecretRef(ref)) throw new SecretStoreError('the receiver keyring holds secret references only');
      await writeJson(`${KEYRING}/${nameSegment(tenant)}`, { keyRefs: [...keyRefs] }, audit(tenant, 'autotask'));
    },
    async createKey(tenant, keyId) {
      if (!/^[A-Za-z0-9-]{1,80}$/.test(keyId)) throw new Error(`invalid key id ${JSON.stringify(keyId)}`);
      const name = `${KEYS}/${nameSegment(tenant)}/${keyId}`;
      await open().put(name, randomBytes(32).toString('base64url'), audit(tenant, 'autotask'), 'create');
      return `${STORE_PREFIX}${name}`;
    },
  };

  const current: CurrentCredentialRecords = {
    where: 'the secret store (ONRAMP_SECRET_STORE_URL)',
    read: <T extends Record<string, string>>(kind: CredentialKind, key: string) =>
      readJson<T>(`${CURRENT}/${kind}/${nameSegment(key)}`),
    async write(kind, key, value) {
      assertReferencesOnly(value);
      await writeJson(`${CURRENT}/${kind}/${nameSegment(key)}`, value, audit(key, KIND_INTEGRATION[kind]));
    },
  };

  return { keyring, current };
}

/**
 * The secret-store rows an offboarding forgets for one order's customer: the credentials supplied for the
 * order (`<orderId>/…`), the Autotask tenant's signing keys and receiver keyring, and the ConnectWise key
 * rotation's current-credentials record (by the rotation's customer slug).
 */
export function customerRows(scope: { orderId: string; autotaskTenant?: string; connectwiseRotationKey?: string }): {
  prefixes: string[];
  names: string[];
} {
  const prefixes = [`${scope.orderId}/`];
  const names: string[] = [];
  if (scope.autotaskTenant) {
    prefixes.push(`${KEYS}/${nameSegment(scope.autotaskTenant)}/`);
    names.push(`${KEYRING}/${nameSegment(scope.autotaskTenant)}`);
  }
  if (scope.connectwiseRotationKey)
    names.push(`${CURRENT}/connectwise-key/${nameSegment(scope.connectwiseRotationKey)}`);
  return { prefixes, names };
}
