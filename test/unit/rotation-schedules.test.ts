import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOrder } from '../../src/domain/customer-onboarding-schema';
import { InputError } from '../../src/domain/field-validators';
import { ROTATION_WORKFLOWS, rotationSchedulesFromOrder } from '../../src/services/rotation-schedules';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
};

const autotask = (over: object = {}) => ({
  customer: { id: 'acme' },
  vendor: { name: 'Sophos Central' },
  vendorProfile: 'sophos-central',
  integrationId: 'sophos-central',
  credentials: {
    username: 'api@acme.example',
    secretRef: 'env:AT_SECRET',
  },
  webhook: {
    name: 'sophos-v1',
    webhookUrl: 'https://onramp.example.com/webhooks/autotask/acme',
    deactivationUrl: 'https://onramp.example.com/webhooks/autotask/acme/deactivated',
    signingKeyRef: 'env:AT_SIGNING',
  },
  ...over,
});
const connectwise = (over: object = {}) => ({
  customer: { name: 'Acme MSP' },
  connection: {
    site: 'na.myconnectwise.net',
    companyId: 'acme',
    publicKey: 'AbCdEfGh12345678',
    privateKeyRef: 'env:CW_PRIVATE',
    clientId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  },
  ...over,
});
const order = (schedules: object, integrations: object = { autotask: autotask(), connectwise: connectwise() }) => ({
  orderId: 'SO-9',
  customer: { id: 'acme', name: 'Acme' },
  integrations,
  schedules,
});

describe('rotation cadence in the order (schedules.rotateEveryDays)', () => {
  it('one schedule per integration, each input validated, the Autotask one re-signing the webhooks the order names', () => {
    const specs = rotationSchedulesFromOrder(parseOrder(order({ rotateEveryDays: { autotask: 30, connectwise: 90 } })));
    assert.deepEqual(
      specs.map((s) => [s.workflowType, s.scheduleId, s.everyMs / 86_400_000]),
      [
        ['autotaskSecretRotation', 'rotation:autotask-secret-rotation:acme', 30],
        ['connectwiseKeyRotation', 'rotation:connectwise-key-rotation:acme-msp', 90],
      ]
    );
    const at = specs[0]!.args[0] as { webhooks: unknown; signingKeyRef: string };
    assert.deepEqual(at.webhooks, [{ entity: 'Ticket', name: 'sophos-v1-Ticket' }]);
    assert.equal(at.signingKeyRef, 'env:AT_SIGNING');
    assert.ok(ROTATION_WORKFLOWS.includes('autotaskSecretRotation'));
    assert.equal((specs[1]!.args[0] as { createMissingCompanies?: boolean }).createMissingCompanies, undefined);
  });

  it('an order whose sync creates companies rotates to keys that must be able to, too', () => {
    const specs = rotationSchedulesFromOrder(
      parseOrder(
        order(
          { rotateEveryDays: { connectwise: 90 } },
          { connectwise: connectwise({ sync: { createMissingCompanies: true, companyAddress: { city: 'Milano' } } }) }
        )
      )
    );
    assert.equal((specs[0]!.args[0] as { createMissingCompanies?: boolean }).createMissingCompanies, true);
  });

  it('refused at the door, naming the field', () => {
    const p = problemsOf(() => parseOrder(order({ rotateEveryDays: { autotask: 0, connectwise: 1.5, google: 3 } })));
    assert.ok(
      p.some((x) => x.startsWith('schedules.rotateEveryDays.autotask: must be at least 1 day')),
      p.join('\n')
    );
    assert.ok(
      p.some((x) => x.startsWith('schedules.rotateEveryDays.connectwise: must be a whole number')),
      p.join('\n')
    );
    assert.ok(
      p.some((x) => x.startsWith('schedules.rotateEveryDays') && /google/.test(x)),
      p.join('\n')
    );

    const noCreds = parseOrder(
      order(
        { rotateEveryDays: { autotask: 30, connectwise: 30 } },
        {
          autotask: autotask({ credentials: undefined }),
          connectwise: connectwise({ connection: { site: 'na.myconnectwise.net' } }),
        }
      )
    );
    const q = problemsOf(() => rotationSchedulesFromOrder(noCreds));
    assert.equal(q.length, 2);
    assert.match(q[0]!, /^schedules\.rotateEveryDays\.autotask: .*credentials/);
    assert.match(q[1]!, /^schedules\.rotateEveryDays\.connectwise: .*complete ConnectWise connection/);
    const missing = problemsOf(() =>
      rotationSchedulesFromOrder(parseOrder(order({ rotateEveryDays: { connectwise: 30 } }, { autotask: autotask() })))
    );
    assert.deepEqual(missing, ['schedules.rotateEveryDays.connectwise: the order has no integrations.connectwise']);
  });
});
