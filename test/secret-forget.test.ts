/**
 * Issue 25, data lifecycle (store side): an offboarded customer's stored credentials and rotation state can be
 * forgotten — the order's supplied credentials, the Autotask tenant's signing keys and receiver keyring, the
 * ConnectWise key rotation's record — each removal audited under its order or customer, nothing of another
 * order or customer touched, and a second call removes nothing. Rotation rows are written through the real
 * rotation state (src/secrets/rotation-state-store.ts), so the names are the ones production writes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { EncryptionCodec, keyRing } from '../src/codec';
import { customerRows, storeRotationState } from '../src/secrets/rotation-state-store';
import { PostgresSecretStore, STORE_PREFIX } from '../src/secrets/secret-store';

const skip = !postgresAvailable() && !process.env.CI;

describe("secret store: forget an offboarded customer's credentials and rotation state", { skip }, () => {
  let pg: ThrowawayPostgres;
  let store: PostgresSecretStore;

  before(async () => {
    pg = await startThrowawayPostgres();
    store = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing([{ id: 'k1', key: randomBytes(32) }])), {
      tablePrefix: `forget_${process.pid}`,
    });
  });
  after(async () => {
    await store.close();
    await pg.stop();
  });

  it('removes exactly that customer’s rows, audited; a second call removes nothing', async () => {
    const by = (orderId: string, integration: string) => ({ actor: 'ops@test', via: 'cli', orderId, integration });
    const mine = [
      await store.supply('at-secret', by('SO-1', 'autotask')),
      await store.supply('cw-private-key', by('SO-1', 'connectwise')),
    ];
    const others = [
      await store.supply('other-order', by('SO-10', 'autotask')),
      await store.supply('other-customer', by('SO-2', 'autotask')),
    ];
    const rotation = storeRotationState(() => store);
    const signing = await rotation.keyring.createKey('acme', 'k-2026-12');
    await rotation.keyring.setKeyRefs('acme', [signing]);
    await rotation.current.write('connectwise-key', 'acme-corp', { publicKey: 'pk', privateKeyRef: 'store:SO-1/x' });
    const otherSigning = await rotation.keyring.createKey('acme-2', 'k-2026-12');
    await rotation.keyring.setKeyRefs('acme-2', [otherSigning]);

    const rows = customerRows({ orderId: 'SO-1', autotaskTenant: 'acme', connectwiseRotationKey: 'acme-corp' });
    const removed = await store.forget(rows, { actor: 'offboarding', via: 'worker' }, 'customer offboarded');
    assert.equal(removed.length, 5, removed.join(', '));
    for (const ref of [...mine, signing]) assert.ok(removed.includes(ref.slice(STORE_PREFIX.length)), ref);
    for (const ref of mine) assert.equal(await store.read(ref.slice(STORE_PREFIX.length)), undefined);
    assert.equal(await rotation.keyring.keyRefs('acme'), undefined, 'the tenant keyring is gone');
    assert.equal(await rotation.current.read('connectwise-key', 'acme-corp'), undefined);

    // Another order (SO-10 shares the "SO-1" prefix, not "SO-1/") and another customer keep everything.
    assert.equal(await store.read(others[0]!.slice(STORE_PREFIX.length)), 'other-order');
    assert.equal(await store.read(others[1]!.slice(STORE_PREFIX.length)), 'other-customer');
    assert.deepEqual(await rotation.keyring.keyRefs('acme-2'), [otherSigning]);

    // Audited under the order (supplied credentials) and the customer (rotation state), never the value.
    const so1 = (await store.audit('SO-1')).filter((r) => r.action === 'removed: customer offboarded');
    assert.deepEqual(so1.map((r) => r.ref).sort(), [...mine].sort());
    assert.ok(so1.every((r) => r.actor === 'offboarding' && r.via === 'worker'));
    assert.equal((await store.audit('acme')).filter((r) => r.action === 'removed: customer offboarded').length, 2);
    assert.equal((await store.audit('acme-corp')).filter((r) => r.action.startsWith('removed')).length, 1);

    assert.deepEqual(await store.forget(rows, { actor: 'offboarding', via: 'worker' }, 'again'), [], 'idempotent');
    await assert.rejects(store.forget({ prefixes: ['SO-1'], names: [] }, { actor: 'x', via: 'cli' }, 'x'), /end with/);
  });
});
