/**
 * Issue 25, keys and data lifecycle: `onramp secrets rekey` re-seals every secret-store row under the current
 * codec key, after which the retired key can leave the ring and every row still reads. Resumable (rows already
 * under the current key are left alone), idempotent (a second run re-seals nothing), audited (one row per
 * re-sealed secret, under its order's own audit). Real PostgreSQL, real codec.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { EncryptionCodec, keyRing } from '../src/codec';
import { PostgresSecretStore, STORE_PREFIX } from '../src/secrets/secret-store';

const skip = !postgresAvailable() && !process.env.CI;
const key = () => randomBytes(32);

describe('secret store rekey: retire a codec key without losing a secret', { skip }, () => {
  let pg: ThrowawayPostgres;
  const k1 = key();
  const k2 = key();
  const prefix = `rekey_${process.pid}`;
  const stores: PostgresSecretStore[] = [];
  const storeWith = (keys: [string, Buffer][]) => {
    const s = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing(keys.map(([id, k]) => ({ id, key: k })))), {
      tablePrefix: prefix,
    });
    stores.push(s);
    return s;
  };
  const entry = (orderId: string, integration: string) => ({ actor: 'ops@test', via: 'cli', orderId, integration });

  before(async () => {
    pg = await startThrowawayPostgres();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await pg.stop();
  });

  it('rekey, drop the old key, read everything; a second run changes nothing; each row audited', async () => {
    const old = storeWith([['k1', k1]]);
    const values = new Map<string, string>();
    for (const [order, integration] of [
      ['SO-1', 'autotask'],
      ['SO-1', 'connectwise'],
      ['SO-2', 'autotask'],
    ] as const) {
      const v = `secret-${randomBytes(8).toString('hex')}`;
      values.set((await old.supply(v, entry(order, integration))).slice(STORE_PREFIX.length), v);
    }
    const rotationName = 'rotation/current/connectwise-key/acme';
    await old.put(rotationName, '{"publicKey":"pk1"}', entry('acme', 'connectwise'), 'replace');
    values.set(rotationName, '{"publicKey":"pk1"}');

    // k2 becomes current; one row is already written under it (a run stopped half-way looks the same).
    const rotated = storeWith([
      ['k2', k2],
      ['k1', k1],
    ]);
    const fresh = `secret-${randomBytes(8).toString('hex')}`;
    values.set((await rotated.supply(fresh, entry('SO-3', 'autotask'))).slice(STORE_PREFIX.length), fresh);
    assert.deepEqual(await rotated.keyUsage(), { k1: 4, k2: 1 });

    // Without a rekey, dropping k1 loses the rows sealed with it.
    const k2Only = storeWith([['k2', k2]]);
    await assert.rejects(k2Only.read(rotationName));

    const report = await rotated.rekey({ actor: 'ops@test', via: 'cli' }, { batch: 2 });
    assert.equal(report.currentKeyId, 'k2');
    assert.equal(report.rekeyed, 4, 'the four rows under k1, not the one already under k2');
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.usage, { k2: 5 });

    // k1 removed from the ring: every row still reads, with its own value.
    for (const [name, v] of values) assert.equal(await k2Only.read(name), v, name);

    // Audited under each order: who re-sealed which reference, from which key to which; never the value.
    const so1 = await rotated.audit('SO-1');
    const rekeyed = so1.filter((r) => r.action === 'rekeyed k1 -> k2');
    assert.equal(rekeyed.length, 2);
    assert.ok(rekeyed.every((r) => r.actor === 'ops@test' && r.via === 'cli' && r.ref.startsWith('store:SO-1/')));
    assert.equal((await rotated.audit('acme')).filter((r) => r.action === 'rekeyed k1 -> k2').length, 1);
    assert.equal((await rotated.audit('SO-3')).filter((r) => r.action.startsWith('rekeyed')).length, 0);

    // Run again with k1 already gone from the ring: nothing left to do, nothing re-sealed.
    const again = await k2Only.rekey({ actor: 'ops@test', via: 'cli' });
    assert.equal(again.rekeyed, 0, 'idempotent: a second run re-seals nothing');
    assert.deepEqual(again.usage, { k2: 5 });
    assert.equal((await rotated.audit('SO-1')).filter((r) => r.action.startsWith('rekeyed')).length, 2);
  });
});
