import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../src/client';
import {
  DEFAULT_DELEGATION_SCOPES,
  delegationWorkflowId,
  parseDelegationInput,
  type DelegationRequest,
} from '../src/domain/google-delegation-schema';
import { InputError } from '../src/domain/field-validators';
import { integration, type Integration, uniqueTaskQueue } from './helpers/integration';

const valid: DelegationRequest = {
  customer: { domain: 'Acme.Example' },
  adminEmail: 'Admin@Acme.Example',
  vendor: { name: 'Atera', supportEmail: 'support@atera.com' },
  serviceAccount: {
    clientId: '1176672883679964981435',
    email: 'autopilot@atera-prod.iam.gserviceaccount.com',
    keyRef: 'file:/etc/onramp/atera-sa.json',
  },
};

type Mutation = [name: string, mutate: (r: DelegationRequest) => unknown, field: RegExp, fix: RegExp];

/** Each bad input must name its field and say how to fix it. */
const BAD: Mutation[] = [
  [
    'client ID too short',
    (r) => ({ ...r, serviceAccount: { ...r.serviceAccount, clientId: '12345' } }),
    /^serviceAccount\.clientId:/,
    /15-25 digits/,
  ],
  [
    'client ID is an email',
    (r) => ({ ...r, serviceAccount: { ...r.serviceAccount, clientId: 'sa@x.iam.gserviceaccount.com' } }),
    /^serviceAccount\.clientId:/,
    /not its email/,
  ],
  ['scope not a URL', (r) => ({ ...r, scopes: ['gmail.send'] }), /^scopes\.0:/, /write it in full/],
  [
    'non-existent aggregate scope',
    (r) => ({ ...r, scopes: ['https://www.googleapis.com/auth/admin.directory'] }),
    /^scopes\.0:/,
    /does not exist/,
  ],
  [
    'duplicate scopes',
    (r) => ({ ...r, scopes: ['https://mail.google.com/', 'https://mail.google.com/'] }),
    /^scopes\.1:/,
    /duplicate of scopes\.0/,
  ],
  ['empty scope list', (r) => ({ ...r, scopes: [] }), /^scopes:/, /at least one scope/],
  ['malformed admin email', (r) => ({ ...r, adminEmail: 'admin-at-acme' }), /^adminEmail:/, /email address/],
  [
    'malformed support email',
    (r) => ({ ...r, vendor: { ...r.vendor, supportEmail: 'support' } }),
    /^vendor\.supportEmail:/,
    /email address/,
  ],
  [
    'domain with scheme',
    (r) => ({ ...r, customer: { domain: 'https://acme.example/' } }),
    /^customer\.domain:/,
    /no scheme/,
  ],
  [
    'missing key reference',
    (r) => ({ ...r, serviceAccount: { clientId: r.serviceAccount.clientId, email: r.serviceAccount.email } }),
    /^serviceAccount\.keyRef:/,
    /file:\/path/,
  ],
  [
    'the key itself instead of a reference',
    (r) => ({ ...r, serviceAccount: { ...r.serviceAccount, keyRef: '{"private_key":"-----BEGIN PRIVATE KEY-----"}' } }),
    /^serviceAccount\.keyRef:/,
    /never the secret itself/,
  ],
  [
    'polling cap below start',
    (r) => ({ ...r, polling: { initialIntervalSeconds: 60, maxIntervalSeconds: 30, deadlineHours: 1 } }),
    /^polling\.maxIntervalSeconds:/,
    /at least initialIntervalSeconds/,
  ],
];

describe('delegation input validation', () => {
  it('normalises a valid request and fills the defaults of the guide', () => {
    const input = parseDelegationInput(valid);
    assert.equal(input.customer.domain, 'acme.example');
    assert.equal(input.adminEmail, 'admin@acme.example');
    assert.deepEqual(input.scopes, [...DEFAULT_DELEGATION_SCOPES]);
    assert.equal(input.scopes.length, 16);
    assert.deepEqual(input.polling, { initialIntervalSeconds: 30, maxIntervalSeconds: 900, deadlineHours: 24 });
  });

  for (const [name, mutate, field, fix] of BAD) {
    it(`rejects ${name}, naming the field and the fix`, () => {
      assert.throws(
        () => parseDelegationInput(mutate(valid)),
        (err: unknown) => {
          assert.ok(err instanceof InputError);
          assert.ok(
            err.problems.some((p) => field.test(p) && fix.test(p)),
            `problems: ${err.problems.join(' | ')}`
          );
          return true;
        }
      );
    });
  }

  it('reports every invalid field at once', () => {
    const err = (() => {
      try {
        parseDelegationInput({
          ...valid,
          adminEmail: 'x',
          scopes: ['nope'],
          serviceAccount: { ...valid.serviceAccount, clientId: '1' },
        });
      } catch (e) {
        return e as InputError;
      }
      return assert.fail('should throw');
    })();
    assert.equal(err.problems.length, 3);
  });
});

describe('bad input at the Temporal boundary (real server)', () => {
  let env: TestWorkflowEnvironment;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('input');
  before(async () => {
    stack = await integration();
    env = stack.env;
    // No activity may run for bad input: an empty activity set proves it.
    await stack.worker({}, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
  });

  it('starts no workflow for an invalid request', async () => {
    const bad = { ...valid, customer: { domain: 'never-started.example' }, adminEmail: 'nope' };
    await assert.rejects(
      startGoogleDelegation(env.client, { temporal: { address: '', namespace: 'default', taskQueue } }, bad),
      InputError
    );
    const id = delegationWorkflowId({
      customer: { domain: 'never-started.example' },
      serviceAccount: valid.serviceAccount,
    });
    await assert.rejects(env.client.workflow.getHandle(id).describe(), WorkflowNotFoundError);
  });

  // The workflow checks only the frozen V1 shape (it loads no zod: src/workflows/input.ts); field rules are
  // the door's, as the test above shows.
  it('a workflow started around the client without a required field fails at once, naming the fields', async () => {
    const { serviceAccount: _omitted, ...withoutServiceAccount } = valid;
    const handle = await env.client.workflow.start('googleDelegationOnboarding', {
      taskQueue,
      workflowId: `raw-bad-input-${taskQueue}`,
      args: [withoutServiceAccount],
    });
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.match(String(err.cause?.message), /missing serviceAccount/);
      return true;
    });
    const history = await handle.fetchHistory();
    assert.ok(!history.events?.some((e) => e.activityTaskScheduledEventAttributes), 'no activity was scheduled');
  });
});
