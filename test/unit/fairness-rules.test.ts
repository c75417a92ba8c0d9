/**
 * A customer's Temporal priority (src/rules/fairness.ts): its customer ID as the fairness key, every customer with
 * the same weight; none when Temporal would refuse the key (empty, or over 64 bytes). test/fairness.test.ts checks
 * that the key reaches the server; these pin the rule itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CUSTOMER_FAIRNESS_WEIGHT, FAIRNESS_KEY_MAX_BYTES, customerPriority } from '../../src/rules/fairness';

describe('customer priority', () => {
  it('is the customer ID, trimmed, with weight 1', () => {
    assert.deepEqual(customerPriority('contoso-school'), { fairnessKey: 'contoso-school', fairnessWeight: 1 });
    assert.deepEqual(customerPriority('  contoso-school \n'), { fairnessKey: 'contoso-school', fairnessWeight: 1 });
    assert.equal(CUSTOMER_FAIRNESS_WEIGHT, 1);
  });

  it('none without a customer ID', () => {
    assert.equal(customerPriority(undefined), undefined);
    assert.equal(customerPriority(''), undefined);
    assert.equal(customerPriority('   '), undefined);
  });

  it('a key of 64 bytes is kept; one byte more and there is none', () => {
    assert.equal(FAIRNESS_KEY_MAX_BYTES, 64);
    assert.deepEqual(customerPriority('c'.repeat(64)), { fairnessKey: 'c'.repeat(64), fairnessWeight: 1 });
    assert.equal(customerPriority('c'.repeat(65)), undefined);
  });

  it('the limit counts UTF-8 bytes, not characters', () => {
    assert.deepEqual(customerPriority('é'.repeat(32)), { fairnessKey: 'é'.repeat(32), fairnessWeight: 1 });
    assert.equal(customerPriority('é'.repeat(33)), undefined);
  });
});
