/**
 * Names of rotation-state rows in the secret store (src/secrets/rotation-state-store.ts): one path segment per
 * tenant or customer, inside the `store:` reference alphabet, and injective, so two tenants never share a
 * keyring row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SECRET_REF_PATTERN } from '../../src/domain/field-validators';
import { nameSegment } from '../../src/secrets/rotation-state-store';

describe('rotation-state row names', () => {
  it('a customer slug stays as it is', () => {
    assert.equal(nameSegment('acme-corp'), 'acme-corp');
    assert.equal(nameSegment('sec-1.2'), 'sec-1.2');
  });
  it('anything else is escaped into the store: alphabet, one segment, no two inputs alike', () => {
    const inputs = ['a/b', 'a_2fb', 'a_b', 'a b', 'ä', 'a%2Fb', '../x', 'A'];
    const out = inputs.map(nameSegment);
    assert.equal(new Set(out).size, inputs.length, `collision in ${JSON.stringify(out)}`);
    for (const s of out) {
      assert.ok(!s.includes('/'), `${s} is one path segment`);
      assert.match(`store:rotation/autotask-keyring/${s}`, SECRET_REF_PATTERN);
    }
  });
});
