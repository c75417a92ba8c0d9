/**
 * src/domain's pure helpers and input schemas, without a Temporal server (part of `npm run test:mutation`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autotaskChecklist,
  autotaskOnboardingWorkflowId,
  autotaskRotationWorkflowId,
  describeMissingPermissions,
  webhookNameFor,
} from '../../src/domain/autotask-schema';
import {
  connectionPatchProblems,
  connectwiseWorkflowId,
  permissionMenuPath,
  REQUIRED_PERMISSIONS,
} from '../../src/domain/connectwise-schema';
import { connectwiseChecklist, formatPermissionTable } from '../../src/rules/connectwise-instructions';
import {
  customerOnboardingWorkflowId,
  integrationWorkflowId,
  parseOrder,
} from '../../src/domain/customer-onboarding-schema';
import { driftFindingWorkflowId, driftScheduleId, parseDriftCheckInput } from '../../src/domain/drift-schema';
import { adminRoleWorkflowId, closeNames, groupIdFromName } from '../../src/domain/google-admin-roles-schema';
import {
  DEFAULT_DELEGATION_SCOPES,
  delegationWorkflowId,
  formatDuration,
  parseDelegationInput,
} from '../../src/domain/google-delegation-schema';
import { formatMemberFailures } from '../../src/rules/google-admin-roles-instructions';
import { delegationInstructions } from '../../src/rules/google-delegation-instructions';
import { InputError } from '../../src/domain/field-validators';

const SA = { clientId: '123456789012345678901', email: 'sa@p.iam.gserviceaccount.com', keyRef: 'env:KEY' };
const delegation = (over: object = {}) => ({
  customer: { domain: 'Contoso.example' },
  adminEmail: 'Admin@Contoso.example',
  vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
  serviceAccount: SA,
  ...over,
});
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
};

describe('google delegation', () => {
  it('durations read as a human writes them', () => {
    assert.equal(formatDuration(24 * 3600_000), '24 h');
    assert.equal(formatDuration(3600_000), '1 h');
    assert.equal(formatDuration(90 * 60_000), '90 min');
    assert.equal(formatDuration(3599_999), '60 min');
    assert.equal(formatDuration(60_000), '1 min');
    assert.equal(formatDuration(59_999), '60 s');
    assert.equal(formatDuration(2000), '2 s');
  });

  it('parses with defaults, normalises, and names the workflow by domain and client ID', () => {
    const input = parseDelegationInput(delegation());
    assert.equal(input.customer.domain, 'contoso.example');
    assert.equal(input.adminEmail, 'admin@contoso.example');
    assert.deepEqual(input.scopes, [...DEFAULT_DELEGATION_SCOPES]);
    assert.deepEqual(input.polling, { initialIntervalSeconds: 30, maxIntervalSeconds: 900, deadlineHours: 24 });
    assert.equal(delegationWorkflowId(input), `google-delegation:contoso.example:${SA.clientId}`);
    const i = delegationInstructions(input);
    assert.equal(i.clientId, SA.clientId);
    assert.equal(i.scopesCsv, DEFAULT_DELEGATION_SCOPES.join(','));
    assert.match(i.consolePath, /Manage Domain Wide Delegation/);
    assert.match(i.text, /Client ID: 123456789012345678901/);
    assert.match(i.text, /admin@contoso\.example/);
    assert.match(i.text, /Atera support \(support@atera\.example\)/);
    // The guide's five steps plus Onramp's two notes: the super-admin check (step 1) and the client ID ↔ key (step 4).
    assert.equal(i.text.split('\n').length, 7);
  });

  it('refuses bad input naming each field', () => {
    const p = problemsOf(() =>
      parseDelegationInput(
        delegation({
          serviceAccount: { ...SA, clientId: 'sa@p.iam.gserviceaccount.com', keyRef: 'raw-key' },
          polling: { initialIntervalSeconds: 60, maxIntervalSeconds: 30, deadlineHours: 1 },
        })
      )
    );
    assert.ok(
      p.some((x) => x.startsWith('serviceAccount.clientId: ') && /numeric/.test(x)),
      p.join('\n')
    );
    assert.ok(
      p.some((x) => x.startsWith('serviceAccount.keyRef: ')),
      p.join('\n')
    );
    assert.ok(
      p.some((x) => x.startsWith('polling.maxIntervalSeconds: ')),
      p.join('\n')
    );
    assert.equal(
      problemsOf(() =>
        parseDelegationInput(
          delegation({ polling: { initialIntervalSeconds: 30, maxIntervalSeconds: 30, deadlineHours: 1 } })
        )
      ).length,
      0,
      'equal intervals are fine'
    );
    assert.ok(problemsOf(() => parseDelegationInput(delegation({ scopes: ['not a scope'] }))).length > 0);
    assert.ok(
      problemsOf(() =>
        parseDelegationInput(delegation({ scopes: [DEFAULT_DELEGATION_SCOPES[0], DEFAULT_DELEGATION_SCOPES[0]] }))
      ).length > 0,
      'a duplicated scope is refused'
    );
    assert.equal(
      problemsOf(() => parseDelegationInput(delegation({ polling: { roundsPerRun: 2 } }))).length,
      0,
      'roundsPerRun is optional'
    );
    assert.ok(problemsOf(() => parseDelegationInput(delegation({ polling: { roundsPerRun: 0 } }))).length > 0);
  });
});

describe('google admin roles', () => {
  it('workflow IDs by customer, group and role; plan and undo runs suffixed', () => {
    const base = {
      customer: { customerId: 'C01' },
      group: { email: 'g@x.example' },
      role: { name: 'Classroom  Analytics' },
    };
    assert.equal(
      adminRoleWorkflowId({ ...base, mode: 'apply' } as never),
      'google-admin-roles:C01:g@x.example:classroom-analytics'
    );
    assert.equal(
      adminRoleWorkflowId({ ...base, mode: 'plan' } as never),
      'google-admin-roles:C01:g@x.example:classroom-analytics:plan'
    );
  });

  it('group IDs from Cloud Identity names', () => {
    assert.equal(groupIdFromName('groups/abc123'), 'abc123');
    assert.equal(groupIdFromName('abc123'), 'abc123');
    assert.equal(groupIdFromName('x/groups/abc'), 'x/groups/abc');
  });

  it('"did you mean": close names first, sharing a word counts, at most max', () => {
    const candidates = ['CLASSROOM_ANALYTICS', 'CLASSROOM_ADMIN', 'USERS_RETRIEVE', 'GROUPS_ALL', 'REPORTS_READ'];
    assert.deepEqual(closeNames('CLASSROOM_ANALYTIC', candidates).slice(0, 2), [
      'CLASSROOM_ANALYTICS',
      'CLASSROOM_ADMIN',
    ]);
    assert.deepEqual(closeNames('ZZZZZZZZZZZZZZZZZZZZZZZZZZZZ', candidates), []);
    assert.equal(closeNames('CLASSROOM', candidates, 1).length, 1);
    assert.deepEqual(closeNames('USERS_RETRIEVE', candidates)[0], 'USERS_RETRIEVE');
  });

  it('member failures listed with reasons, capped with a count', () => {
    const f = (i: number, reason?: string) => ({
      email: `u${i}@x`,
      role: 'MEMBER' as const,
      outcome: 'failed' as const,
      reason,
    });
    assert.equal(formatMemberFailures([f(1, 'nope'), f(2)]), 'u1@x (nope); u2@x (failed)');
    assert.equal(
      formatMemberFailures([f(1), f(2), f(3)], 2),
      "u1@x (failed); u2@x (failed); and 1 more (the status query's membersPage, or onramp status <id> --members)"
    );
    assert.equal(formatMemberFailures([f(1), f(2)], 2), 'u1@x (failed); u2@x (failed)');
  });
});

describe('autotask', () => {
  it('IDs, webhook names (at most 50 chars), missing permissions, checklist', () => {
    assert.equal(
      autotaskOnboardingWorkflowId({ customer: { id: 'c1' }, integrationId: 'sophos' }),
      'autotask-onboarding:c1:sophos'
    );
    assert.equal(
      autotaskRotationWorkflowId({
        customer: { id: 'c1' },
        integrationId: 'sophos',
        newUser: { username: 'u2' },
      } as never),
      'autotask-rotation:c1:sophos:u2'
    );
    assert.equal(webhookNameFor('sophos-v1', 'Ticket'), 'sophos-v1-Ticket');
    assert.equal(webhookNameFor('x'.repeat(60), 'Ticket').length, 50);
    const missing = describeMissingPermissions([
      { entity: 'Tickets', action: 'create', allowed: false, grantedBy: 'Service Desk' },
      { entity: 'Companies', action: 'read', allowed: true, grantedBy: 'CRM' },
    ] as never);
    assert.equal(missing.length, 1, 'only what is not allowed');
    assert.match(missing[0]!, /^Tickets: cannot create.*grant Service Desk/);
    const c = autotaskChecklist(
      {
        profile: 'sophos-central',
        vendorName: 'Sophos Central',
        integrationVendor: 'Sophos Central - Security',
        webhooks: true,
        rights: [{ entity: 'Tickets', actions: ['query'], grantedBy: 'Service Desk > Tickets' }],
        linesOfBusiness: [],
        viewItemsWithoutLineOfBusiness: true,
      },
      7
    );
    assert.ok(c.some((l) => l.includes('at least 7')));
    assert.ok(
      c.some((l) => l.includes('select "Sophos Central - Security"') && l.includes('nobody copies or types a code'))
    );
  });
});

describe('connectwise', () => {
  it('workflow IDs are slugs of the customer, with the company ID lower-cased', () => {
    assert.equal(connectwiseWorkflowId('  Contoso MSP, Inc. ', 'ACME'), 'connectwise-onboarding:contoso-msp-inc:acme');
    assert.equal(connectwiseWorkflowId('Contoso', undefined), 'connectwise-onboarding:contoso');
    assert.equal(connectwiseWorkflowId('--A--', ''), 'connectwise-onboarding:a');
  });

  it('permission table and menu paths', () => {
    assert.equal(
      permissionMenuPath('Admin', 'Finance', 'Agreements', 'add'),
      'System > Security Roles > Admin > Finance > Agreements: set Add Level = All'
    );
    assert.match(permissionMenuPath(undefined, 'M', 'A', 'inquire'), /the API member’s role.*Inquire Level = All/);
    const row = {
      module: 'Finance',
      area: 'Agreements',
      action: 'edit' as const,
      required: 'All' as const,
      menuPath: 'PATH',
    };
    assert.equal(
      formatPermissionTable([
        { ...row, found: 'All', ok: true },
        { ...row, found: 'None', ok: false },
        { ...row, found: 'unknown', ok: 'unverified' },
      ]),
      [
        'OK  Finance › Agreements Edit Level: required All, found All',
        'FIX Finance › Agreements Edit Level: required All, found None → PATH',
        '?   Finance › Agreements Edit Level: required All, found unknown → PATH',
      ].join('\n')
    );
    const checklist = connectwiseChecklist('Sophos').join('\n');
    assert.match(checklist, /Description "Sophos integration"/);
    for (const p of REQUIRED_PERMISSIONS) assert.ok(checklist.includes(`${p.module} › ${p.area}`), p.area);
    assert.match(checklist, /Finance › Agreements \(Add\/Edit\/Inquire = All\)/);
  });

  it('connection patches: problems as lines, none when well-formed', () => {
    assert.deepEqual(connectionPatchProblems({ privateKeyRef: 'env:CW_KEY' }), []);
    assert.match(connectionPatchProblems({})[0]!, /^\(input\): give at least one of/);
    const p = connectionPatchProblems({ privateKeyRef: 'the-key-itself' });
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^privateKeyRef: /);
  });
});

describe('orders and drift', () => {
  it('IDs', () => {
    assert.equal(customerOnboardingWorkflowId('SO-1'), 'customer-onboarding:SO-1');
    assert.equal(integrationWorkflowId('SO-1', 'autotask'), 'customer-onboarding:SO-1:autotask');
    assert.equal(integrationWorkflowId('SO-1', 'autotask', 2), 'customer-onboarding:SO-1:autotask:retry-2');
    assert.equal(driftScheduleId('c1'), 'drift-check:c1');
    assert.equal(driftFindingWorkflowId('c1'), 'drift-finding:c1');
  });

  it('an order needs an integration; admin roles need delegation', () => {
    const base = { orderId: 'SO-1', customer: { id: 'c1', name: 'C' } };
    assert.ok(problemsOf(() => parseOrder({ ...base, integrations: {} })).length > 0);
    assert.equal(problemsOf(() => parseOrder({ ...base, integrations: { googleDelegation: delegation() } })).length, 0);
  });

  it('a drift check needs something to check', () => {
    const p = problemsOf(() => parseDriftCheckInput({ customer: { id: 'c1', name: 'C' } }));
    assert.deepEqual(p, [
      '(input): give orderId, or at least one of googleDelegation, googleAdminRoles, autotask, connectwise to check',
    ]);
    assert.ok(
      problemsOf(() => parseDriftCheckInput({ customer: { id: 'C1', name: 'C' } })).some((x) =>
        x.startsWith('customer.id: ')
      )
    );
  });
});
