import { customerRows } from '../../secrets/rotation-state-store';
import { secretStore, STORE_PREFIX } from '../../secrets/secret-store';

/**
 * The last step of an offboarding: forget what the secret store keeps for the order and its customer (the
 * credentials supplied for the order, the Autotask tenant's signing keys and keyring, the ConnectWise key
 * rotation's record), each deletion audited. Idempotent: a retry deletes what is left, none the second time.
 */
export function createCredentialLifecycleActivities() {
  return {
    async forgetStoredCredentials(input: {
      orderId: string;
      autotaskTenant?: string;
      connectwiseRotationKey?: string;
      reason: string;
    }): Promise<{ store: boolean; removed: string[] }> {
      const store = secretStore();
      if (!store) return { store: false, removed: [] };
      const removed = await store.forget(customerRows(input), { actor: 'offboarding', via: 'worker' }, input.reason);
      return { store: true, removed: removed.map((n) => `${STORE_PREFIX}${n}`) };
    },
  };
}
