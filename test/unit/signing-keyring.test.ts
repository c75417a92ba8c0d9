/**
 * The Autotask receiver's `secretsFor` (src/webhooks/signing-keyring.ts): which master keys a tenant's keyring
 * accepts, and the per-webhook secrets derived from them. Env references only: no secret store, no Temporal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deriveAutotaskWebhookSecret } from '../../src/webhooks/autotask-secret';
import { keyringSecretsFor } from '../../src/webhooks/signing-keyring';

const ENV = {
  ONRAMP_TEST_KEYRING_OLD: 'master-old-0123456789',
  ONRAMP_TEST_KEYRING_NEW: 'master-new-9876543210',
  ONRAMP_TEST_KEYRING_DEFAULT: 'master-default-555',
};

/** A keyring holding `entries`, recording which tenants were asked for. */
function keyring(entries: Record<string, string[]>) {
  const asked: string[] = [];
  return {
    asked,
    keyRefs: async (tenant: string) => {
      asked.push(tenant);
      return entries[tenant];
    },
  };
}

describe('keyringSecretsFor', () => {
  before(() => Object.assign(process.env, ENV));
  after(() => {
    for (const name of Object.keys(ENV)) delete process.env[name];
  });
  const defaultKeyRef = 'env:ONRAMP_TEST_KEYRING_DEFAULT';

  it("derives the calling webhook's secret under every key of the tenant's keyring, in the keyring's order", async () => {
    const ring = keyring({ t1: ['env:ONRAMP_TEST_KEYRING_NEW', 'env:ONRAMP_TEST_KEYRING_OLD'] });
    const secrets = await keyringSecretsFor({ keyring: ring, defaultKeyRef })('t1', 'onramp-ticket-created');
    assert.deepEqual(secrets, [
      deriveAutotaskWebhookSecret(ENV.ONRAMP_TEST_KEYRING_NEW, 'onramp-ticket-created'),
      deriveAutotaskWebhookSecret(ENV.ONRAMP_TEST_KEYRING_OLD, 'onramp-ticket-created'),
    ]);
    assert.deepEqual(ring.asked, ['t1']);
    assert.notEqual(secrets[0], deriveAutotaskWebhookSecret(ENV.ONRAMP_TEST_KEYRING_NEW, 'another-webhook'));
  });

  it('uses the default key for a tenant without an entry, and no key for a tenant whose entry is empty', async () => {
    const secretsFor = keyringSecretsFor({ keyring: keyring({ emptied: [] }), defaultKeyRef });
    assert.deepEqual(await secretsFor('unknown', 'w1'), [
      deriveAutotaskWebhookSecret(ENV.ONRAMP_TEST_KEYRING_DEFAULT, 'w1'),
    ]);
    assert.deepEqual(await secretsFor('emptied', 'w1'), []);
  });

  it('accepts nothing for a callout without a webhook name, without reading the keyring', async () => {
    const ring = keyring({ t1: ['env:ONRAMP_TEST_KEYRING_NEW'] });
    const secretsFor = keyringSecretsFor({ keyring: ring, defaultKeyRef });
    assert.deepEqual(await secretsFor('t1', undefined), []);
    assert.deepEqual(await secretsFor('t1', ''), []);
    assert.deepEqual(ring.asked, []);
  });

  it('skips a key that does not resolve and keeps the others', async () => {
    const ring = keyring({ t1: ['env:ONRAMP_TEST_KEYRING_MISSING', 'env:ONRAMP_TEST_KEYRING_OLD', 'not-a-ref'] });
    const secrets = await keyringSecretsFor({ keyring: ring, defaultKeyRef })('t1', 'w2');
    assert.deepEqual(secrets, [deriveAutotaskWebhookSecret(ENV.ONRAMP_TEST_KEYRING_OLD, 'w2')]);
  });
});
