/**
 * The order's and the drift check's pure rules (src/rules/customer-onboarding-rules.ts, drift-rules.ts), pinned
 * literally: child workflow types and IDs, dependencies, the operator texts and the search-attribute values a
 * reader queries by. The workflow tests run the same values against Temporal; these are what the mutation run
 * can reach.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEPENDS_ON,
  INTEGRATION_WORKFLOW,
  INTEGRATIONS,
  OPERATOR_DEADLINE_DAYS,
  customerOnboardingWorkflowId,
  dependencyAbandoned,
  integrationUndecided,
  integrationWorkflowId,
  orderDetails,
} from '../../src/rules/customer-onboarding-rules';
import {
  FINDING_INTEGRATION,
  driftFindingWorkflowId,
  driftScheduleId,
  fillDriftCheckDefaults,
  findingKeyOf,
} from '../../src/rules/drift-rules';

describe('customer onboarding rules', () => {
  it('runs each integration as its workflow type; role provisioning waits for the delegation', () => {
    assert.deepEqual(INTEGRATIONS, ['googleDelegation', 'googleAdminRoles', 'autotask', 'connectwise']);
    assert.deepEqual(INTEGRATION_WORKFLOW, {
      googleDelegation: 'googleDelegationOnboarding',
      googleAdminRoles: 'googleAdminRoleProvisioning',
      autotask: 'autotaskOnboarding',
      connectwise: 'connectwiseOnboarding',
    });
    assert.deepEqual(DEPENDS_ON, { googleAdminRoles: 'googleDelegation' });
  });

  it("derives the children's IDs from the order (a retry gets its attempt number)", () => {
    assert.equal(customerOnboardingWorkflowId('SO-7'), 'customer-onboarding:SO-7');
    assert.equal(integrationWorkflowId('SO-7', 'connectwise'), 'customer-onboarding:SO-7:connectwise');
    assert.equal(integrationWorkflowId('SO-7', 'connectwise', 1), 'customer-onboarding:SO-7:connectwise');
    assert.equal(integrationWorkflowId('SO-7', 'connectwise', 3), 'customer-onboarding:SO-7:connectwise:retry-3');
  });

  it("writes the order's details, one line per integration, with its error when there is one", () => {
    assert.equal(
      orderDetails({ orderId: 'SO-7', customer: { name: 'Contoso' } }, [
        { name: 'googleDelegation', state: 'completed', attempts: 1 },
        { name: 'autotask', state: 'failed', attempts: 2, error: 'API user lacks a right' },
      ]),
      '**Order SO-7 for Contoso**\n- googleDelegation: completed\n- autotask: failed — API user lacks a right'
    );
    assert.equal(orderDetails({ orderId: 'SO-8', customer: { name: 'Fabrikam' } }, []), '**Order SO-8 for Fabrikam**');
  });

  it('names the dependency and the deadline in what it tells the operator', () => {
    assert.equal(OPERATOR_DEADLINE_DAYS, 7);
    assert.equal(
      dependencyAbandoned('googleDelegation', 'googleAdminRoles'),
      'googleDelegation was abandoned, and googleAdminRoles depends on it'
    );
    assert.equal(
      integrationUndecided('autotask', 'HTTP 401'),
      'autotask failed and no operator retried or abandoned it within 7 days: HTTP 401'
    );
  });
});

describe('drift rules', () => {
  it('tags a finding with the OnrampIntegration value of the onboarding it is about', () => {
    assert.deepEqual(FINDING_INTEGRATION, {
      googleDelegation: 'google-delegation',
      googleAdminRoles: 'google-admin-roles',
      autotask: 'autotask-onboarding',
      connectwise: 'connectwise',
    });
  });

  it('names schedules and findings per customer and problem key', () => {
    assert.equal(driftScheduleId('acme'), 'drift-check:acme');
    assert.equal(driftFindingWorkflowId('acme'), 'drift-finding:acme');
    assert.equal(driftFindingWorkflowId('acme', 'k1'), 'drift-finding:acme:k1');
    assert.equal(findingKeyOf('acme', 'drift-finding:acme:k1'), 'k1');
    assert.equal(findingKeyOf('acme', 'drift-finding:acme:'), '');
    assert.equal(findingKeyOf('acme', 'drift-finding:acme'), undefined);
  });

  it("fills the schema's defaults: Autotask webhooks empty, ConnectWise site normalised", () => {
    assert.deepEqual(fillDriftCheckDefaults({ customerId: 'acme', autotask: {} }), {
      customerId: 'acme',
      autotask: { webhooks: [] },
    });
    assert.deepEqual(
      fillDriftCheckDefaults({ connectwise: { connection: { site: '  HTTPS://NA.MyConnectWise.net/ ' } } }),
      {
        connectwise: { connection: { site: 'na.myconnectwise.net' } },
      }
    );
    assert.deepEqual(fillDriftCheckDefaults({ autotask: { webhooks: ['Ticket'] } }), {
      autotask: { webhooks: ['Ticket'] },
    });
  });
});
