/**
 * When a deal that left its won stage may still cancel its order (src/rules/sales-deal-rules.ts): only an order
 * nothing has written to a vendor for is cancelled. Writing = an integration that creates or changes something at a
 * vendor has started (any state but pending/blocked); Google delegation only reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntegrationName, IntegrationState } from '../../src/contract/customer-onboarding-messages';
import { WRITING_INTEGRATIONS, orderWritten } from '../../src/rules/sales-deal-rules';

const status = (name: IntegrationName, state: IntegrationState) => ({ name, state });

describe('has an order written to a vendor?', () => {
  it('role provisioning, Autotask and ConnectWise write; delegation does not', () => {
    assert.deepEqual(WRITING_INTEGRATIONS, ['googleAdminRoles', 'autotask', 'connectwise']);
  });

  it('an order with no integrations, or only waiting ones, has written nothing', () => {
    assert.equal(orderWritten([]), false);
    assert.equal(
      orderWritten([
        status('googleAdminRoles', 'blocked'),
        status('autotask', 'pending'),
        status('connectwise', 'blocked'),
      ]),
      false
    );
  });

  it('a delegation that started (waiting for its grant, or even done) writes nothing', () => {
    for (const state of ['running', 'completed', 'failed', 'abandoned'] as const)
      assert.equal(orderWritten([status('googleDelegation', state), status('googleAdminRoles', 'blocked')]), false);
  });

  it('any writing integration that started, in any state past pending/blocked, has written', () => {
    for (const name of ['googleAdminRoles', 'autotask', 'connectwise'] as const)
      for (const state of ['running', 'completed', 'failed', 'abandoned'] as const)
        assert.equal(orderWritten([status(name, state)]), true, `${name} ${state}`);
  });

  it('one started writer is enough, whatever the others do', () => {
    assert.equal(
      orderWritten([
        status('googleDelegation', 'completed'),
        status('googleAdminRoles', 'running'),
        status('autotask', 'pending'),
      ]),
      true
    );
  });
});
