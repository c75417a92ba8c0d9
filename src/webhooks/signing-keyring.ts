import type { ReceiverKeyring } from '../secrets/rotation-state-types';
import { resolveSecretRef } from '../secrets/secret-ref';
import { deriveAutotaskWebhookSecret } from './autotask-secret';

/**
 * The receiver's `secretsFor`: the secret of the webhook that calls (its name is the callout URL's
 * `webhook` parameter) under every master key the tenant's keyring accepts (old and new during an
 * overlap), or under `defaultKeyRef` for a tenant without an entry. The keyring is rotation state
 * (src/secrets/rotation-state-types.ts): a directory (src/secrets/receiver-keyring-file.ts) or the secret store.
 */
export function keyringSecretsFor(opts: {
  keyring: Pick<ReceiverKeyring, 'keyRefs'>;
  defaultKeyRef: string;
}): (tenant: string, webhook: string | undefined) => Promise<string[]> {
  return async (tenant, webhook) => {
    if (!webhook) return [];
    const refs = (await opts.keyring.keyRefs(tenant)) ?? [opts.defaultKeyRef];
    const masters = await Promise.all(refs.map((r) => resolveSecretRef(r).catch(() => undefined)));
    return masters.filter((m): m is string => !!m).map((m) => deriveAutotaskWebhookSecret(m, webhook));
  };
}
