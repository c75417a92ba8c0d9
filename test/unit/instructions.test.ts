/**
 * The operator and customer texts of src/rules/*-instructions.ts, pinned exactly: each module's texts, rendered
 * by test/unit/instructions-renders.ts with arguments that take every branch, must equal
 * test/unit/golden/instructions.json. A changed word is a change to review:
 * `ONRAMP_UPDATE_GOLDEN=1 npx tsx --test test/unit/instructions.test.ts` rewrites the golden after an intended
 * change (then `npx prettier --write` it, as `npm run format:check` wants, and read the diff). The checks below the golden hold whatever the golden says: a fix names an
 * action, no secret reference given in an input comes out, and the IDs and fields a text names are the ones given.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as at from '../../src/rules/autotask-instructions';
import { pageChecklist, pageText } from '../../src/rules/checklist-page-instructions';
import * as cw from '../../src/rules/connectwise-instructions';
import * as drift from '../../src/rules/drift-instructions';
import * as roles from '../../src/rules/google-admin-roles-instructions';
import * as dg from '../../src/rules/google-delegation-instructions';
import * as off from '../../src/rules/offboarding-instructions';
import * as sales from '../../src/rules/sales-instructions';
import {
  ADMIN_ROLE,
  AUTOTASK_INPUT,
  CHECKS,
  DEAL,
  DELEGATION,
  IDS,
  NEEDS,
  PLAN,
  REFUSED_REASONS,
  ROWS,
  SECRETS,
  SOPHOS,
  renderAll,
} from './instructions-renders';

const GOLDEN = join(__dirname, 'golden', 'instructions.json');

describe('instruction texts match test/unit/golden/instructions.json', () => {
  const actual = JSON.parse(JSON.stringify(renderAll())) as Record<string, unknown>;
  if (process.env.ONRAMP_UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
  const golden = (existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : {}) as Record<string, unknown>;

  it('has exactly the eight modules', () => assert.deepEqual(Object.keys(golden).sort(), Object.keys(actual).sort()));
  for (const [module, texts] of Object.entries(actual))
    it(`src/rules/${module}.ts`, () => assert.deepEqual(texts, golden[module]));
});

/**
 * A fix names what to do: a console/menu path ("System > Security Roles"), an Onramp command, update or signal,
 * what to run/start/send again, or the field of the input to change.
 */
const NAMES_AN_ACTION = new RegExp(
  [
    /\S > \S/,
    /`onramp [a-z]+|onramp sales supply/,
    /"(operatorDone [a-zA-Z]+|old[A-Za-z]+|supplyCredentials|provideNewKey|endSigningOverlap)"/,
    /recheckPermissions|provideConnection/,
    /\b(run|start|send|sync)\b[^.]*\bagain\b/,
    /\bin the input\b|\bfrom members\b|\bgroup email\b/,
  ]
    .map((r) => r.source)
    .join('|'),
  'i'
);

describe('each fix names an action', () => {
  const gb = 'Service Desk > Tickets (Edit)';
  const unverified = cw.unverifiedPermissions(ROWS, 'role-read-refused', 'block');
  const noMember = cw.unverifiedPermissions(ROWS, 'no-api-member', 'block');
  const fixes: Record<string, string> = {
    'drift delegation.accessFix': drift.delegationDrift.accessFix,
    'drift delegation.scopeFix': drift.delegationDrift.scopeFix,
    'drift autotask.credentialsFix': drift.autotaskDrift.credentialsFix,
    'drift autotask.permissionFix': drift.autotaskDrift.permissionFix(gb),
    'drift autotask.restrictedFix': drift.autotaskDrift.restrictedFix(gb),
    'drift autotask.namedHookFix': drift.autotaskDrift.namedHookFix,
    'drift autotask.fieldFix': drift.autotaskDrift.fieldFix,
    'drift autotask.hookIdFix': drift.autotaskDrift.hookIdFix,
    'drift connectwise.connectionFix': drift.connectwiseDrift.connectionFix,
    'drift connectwise.permissionFix': drift.connectwiseDrift.permissionFix('Finance > Agreements'),
    'drift connectwise.syncFix': drift.connectwiseDrift.syncFix,
    'drift connectwise.companyFix': drift.connectwiseDrift.companyFix('cust-1'),
    'drift adminRoles.accessFix': drift.adminRolesDrift.accessFix,
    'drift adminRoles.fix': drift.adminRolesDrift.fix,
    'autotask notApiOnly': at.notApiOnly('Full'),
    'autotask permissionsMissing': at.permissionsMissing(IDS.apiUser, ['Contacts: cannot query']),
    'autotask credentialsNotSupplied': at.credentialsNotSupplied(48, undefined),
    'autotask oldWebhooksStuck': at.oldWebhooksStuck(IDS.oldApiUser, ['301'], [IDS.webhookId]),
    'autotask signingOverlap': at.signingOverlap(60),
    'autotask credentialsWanted': at.credentialsWanted('Sophos Central', ['step']),
    'connectwise keyDeadline': cw.onboardingText.keyDeadline('24 h', undefined),
    'connectwise permissionsMissing': cw.onboardingText.permissionsMissing(1, 'table'),
    'connectwise done with unmatched': cw.onboardingText.done(
      { apiBaseUrl: 'https://x', codebase: 'v/', isCloud: true, companyName: 'C' },
      {
        mode: 'apply',
        customers: 1,
        catalogItem: 'unchanged',
        companies: { created: 0, updated: 0, unchanged: 0 },
        agreements: { created: 0, updated: 0, unchanged: 0 },
        plannedChanges: [],
        unmatchedCompanies: ['cust-1'],
      }
    ),
    'connectwise createKey': cw.keyRotationText.createKey(undefined, 'Sophos Central', IDS.publicKey),
    'connectwise deleteOldKey': cw.keyRotationText.deleteOldKey(undefined, IDS.publicKey),
    'connectwise oldKeyStillWorks': cw.keyRotationText.oldKeyStillWorks(IDS.publicKey, 24),
    'connectwise howToVerify role-read-refused': unverified?.howToVerify ?? '',
    'connectwise howToVerify no-api-member': noMember?.howToVerify ?? '',
    'delegation grantMissingMessage': dg.grantMissingMessage(DELEGATION, dg.delegationInstructions(DELEGATION), []),
    'admin roles groupDiffers': roles.groupDiffersMessage(ADMIN_ROLE, PLAN),
    'admin roles roleDiffers': roles.roleDiffersMessage(ADMIN_ROLE, PLAN),
    'admin roles cyclic': roles.cyclicMembershipMessage(ADMIN_ROLE, [{ member: 'g@x', path: ['g'] }]),
    'admin roles membersFailed': roles.membersFailedMessage(ADMIN_ROLE, []),
    'admin roles notPropagated': roles.notPropagatedMessage(ADMIN_ROLE, ['a@x']),
    'offboarding stopped': off.offboardingStopped(IDS.orderId, ['x']),
    'offboarding adminRoles.delegationLost': off.adminRolesOffboarding.delegationLost(['s'], ['group g']),
    'offboarding delegation.instruction': off.delegationOffboarding.instruction('c.example', IDS.clientId, 'sa@x', 1),
    'offboarding autotask.nothingCreated': off.autotaskOffboarding.nothingCreated,
    'offboarding autotask.alreadyRejected': off.autotaskOffboarding.alreadyRejected(IDS.apiUser, ['1']),
    'offboarding autotask.deactivateInstruction': off.autotaskOffboarding.deactivateInstruction(IDS.apiUser),
    'offboarding connectwise.nothingCreated': off.connectwiseOffboarding.nothingCreated,
    'offboarding connectwise.deleteByHandInstruction': off.connectwiseOffboarding.deleteByHandInstruction(['a']),
    'offboarding connectwise.deleteKeyInstruction': off.connectwiseOffboarding.deleteKeyInstruction(IDS.publicKey),
    'sales needs with fields': sales.salesNeedsText(DEAL, NEEDS),
    'sales leftWonAfterWrites': sales.salesLeftWonAfterWritesNote(IDS.orderId),
    'checklist page credentialRefused': pageText.credentialRefused('HTTP 401'),
    'checklist page credentialEmpty': pageText.credentialEmpty('Private key'),
  };
  for (const m of at.describeMissingPermissions(CHECKS).filter((t) => !t.includes('no security level can fix')))
    fixes[`autotask missing ${m.slice(0, 30)}`] = m;
  for (const r of at.describeRestrictedPermissions(CHECKS)) fixes[`autotask restricted ${r.slice(0, 30)}`] = r;

  for (const [name, text] of Object.entries(fixes))
    it(name, () => assert.match(text, NAMES_AN_ACTION, `${name} names no action: ${text}`));

  /** Fixes that once named no menu path, command or rerun (found by this test). */
  const gaps: Record<string, string> = {
    'sales needs without fields (add a line item: where in the CRM)': sales.salesNeedsText(DEAL, NEEDS.slice(0, 1)),
    'autotask webhookNotReady (what to check, or rerun)': at.webhookNotReady('Ticket', 1, 10),
  };
  for (const [name, text] of Object.entries(gaps)) it(name, () => assert.match(text, NAMES_AN_ACTION));
});

describe('no secret given in an input comes out', () => {
  const rendered = JSON.stringify(renderAll());

  it('no rendered text holds a secret reference of the inputs', () => {
    for (const secret of Object.values(SECRETS)) assert.ok(!rendered.includes(secret), `${secret} was rendered`);
    assert.doesNotMatch(rendered, /sentinel/i);
  });

  it('the checklist page says a pasted reference as what the admin pasted, whatever the reason holds', () => {
    for (const reason of REFUSED_REASONS) {
      const shown = pageText.credentialRefused(reason);
      assert.doesNotMatch(shown, /(file|store):|privateKeyRef|secretRef/, shown);
      assert.ok(shown.startsWith('Not accepted: ') && shown.endsWith(' Correct it and send it again.'), shown);
    }
  });

  it('the mail topics carry no credentials', () => {
    const topic = at.autotaskMailTopic(AUTOTASK_INPUT);
    assert.deepEqual(Object.keys(topic).sort(), ['action', 'adminEmail', 'customer', 'vendor']);
    assert.ok(!JSON.stringify(dg.delegationMailTopic(DELEGATION)).includes(DELEGATION.serviceAccount.keyRef));
    assert.ok(!JSON.stringify(dg.vendorGrantMail(DELEGATION)).includes(DELEGATION.serviceAccount.keyRef));
  });

  it('the checklist page never asks the admin for a reference', () => {
    const page = [
      ...pageChecklist(at.autotaskChecklist(SOPHOS, 7)),
      ...pageChecklist(cw.connectwiseChecklist('Sophos Central')),
    ].join('\n');
    assert.doesNotMatch(page, /env:NAME|file:\/path|its reference/);
    assert.match(page, /Paste the private key in the form on this page/);
    assert.match(page, /Paste the API user's username and its secret in the form on this page/);
  });

  it('the checklist page does not ask for "the private key reference" either', () =>
    assert.doesNotMatch(pageChecklist(cw.connectwiseChecklist('Sophos Central')).join('\n'), /reference/));
});

/** Each text with the arguments it must show. */
const NAMES: [string, string, (string | number)[]][] = [
  ['autotask webhookNotReady', at.webhookNotReady('Ticket', IDS.webhookId, 10), ['Ticket', IDS.webhookId, '10 min']],
  ['autotask newWebhookNotReady', at.newWebhookNotReady('Company', IDS.webhookId, 15), ['Company', IDS.webhookId]],
  ['autotask resignedWebhookNotReady', at.resignedWebhookNotReady('Ticket', IDS.webhookId), [IDS.webhookId]],
  [
    'autotask oldWebhooksStuck',
    at.oldWebhooksStuck(IDS.oldApiUser, ['301', '302'], [IDS.webhookId]),
    [IDS.oldApiUser, '301, 302', IDS.webhookId],
  ],
  ['autotask notApiOnly', at.notApiOnly('Full Resource'), ['"Full Resource"']],
  ['autotask permissionsMissing', at.permissionsMissing(IDS.apiUser, ['a', 'b']), [IDS.apiUser, '  - a', '  - b']],
  ['autotask rotation done', at.rotationDetails.done([IDS.webhookId, 30013]), [`${IDS.webhookId}, 30013`]],
  ['autotask checklist vendor', at.autotaskChecklist(SOPHOS, 7).join('\n'), [SOPHOS.integrationVendor, 7]],
  ['drift delegation.scopeLost', drift.delegationDrift.scopeLost(IDS.clientId, 'scope-x'), [IDS.clientId, 'scope-x']],
  ['drift autotask.fieldMissing', drift.autotaskDrift.fieldMissing('Ticket', 'hook', 'status'), ['hook', 'status']],
  ['drift autotask.hookIdBroken', drift.autotaskDrift.hookIdBroken('Ticket', IDS.webhookId, false), [IDS.webhookId]],
  ['drift autotask.permissionFix', drift.autotaskDrift.permissionFix('CRM > Contacts'), ['CRM > Contacts']],
  ['drift connectwise.companyFix', drift.connectwiseDrift.companyFix('cust-77'), ['cust-77']],
  ['drift connectwise.permissionFix', drift.connectwiseDrift.permissionFix('Finance > X'), ['Finance > X']],
  [
    'connectwise createKey',
    cw.keyRotationText.createKey(IDS.apiMember, 'V', IDS.publicKey),
    [IDS.apiMember, IDS.publicKey],
  ],
  [
    'connectwise deleteOldKey',
    cw.keyRotationText.deleteOldKey(IDS.apiMember, IDS.publicKey),
    [IDS.apiMember, IDS.publicKey],
  ],
  ['connectwise oldKeyStillWorks', cw.keyRotationText.oldKeyStillWorks(IDS.publicKey, 24), [IDS.publicKey, '24 h']],
  ['connectwise switching', cw.keyRotationText.switching(IDS.newPublicKey, 'V'), [IDS.newPublicKey]],
  ['connectwise done', cw.keyRotationText.done(IDS.publicKey, IDS.newPublicKey), [IDS.publicKey, IDS.newPublicKey]],
  [
    'connectwise verifyKeys',
    cw.onboardingText.verifyKeys('contoso', 'na.myconnectwise.net'),
    ['contoso', 'na.myconnectwise.net'],
  ],
  ['connectwise readRole', cw.onboardingText.readRole(IDS.apiMember), [IDS.apiMember]],
  ['connectwise securityRolesReadPath', cw.securityRolesReadPath('Onramp API'), ['Onramp API', 'Security Roles']],
  [
    'offboarding connectwise.deleteKeyInstruction',
    off.connectwiseOffboarding.deleteKeyInstruction(IDS.publicKey, IDS.apiMember),
    [IDS.publicKey, `API Members > ${IDS.apiMember} > API Keys`],
  ],
  [
    'offboarding connectwise.keyLabel',
    off.connectwiseOffboarding.keyLabel(IDS.publicKey, IDS.apiMember),
    [IDS.publicKey, IDS.apiMember],
  ],
  [
    'offboarding autotask.deactivateInstruction',
    off.autotaskOffboarding.deactivateInstruction(IDS.apiUser),
    [IDS.apiUser],
  ],
  [
    'offboarding autotask.deleteWebhook',
    off.autotaskOffboarding.deleteWebhook('Ticket', 'acme', IDS.webhookId),
    ['"acme"', IDS.webhookId],
  ],
  [
    'offboarding autotask.webhooksLeft',
    off.autotaskOffboarding.webhooksLeft([IDS.webhookId, 30013]),
    [`${IDS.webhookId}, 30013`],
  ],
  [
    'offboarding delegation.instruction',
    off.delegationOffboarding.instruction('contoso.example', IDS.clientId, 'sa@p.example', 16),
    ['contoso.example', IDS.clientId, 'sa@p.example', '16 scope(s)'],
  ],
  ['offboarding credentials.forget', off.credentialsOffboarding.forget(IDS.orderId), [IDS.orderId]],
  ['offboarding stopped', off.offboardingStopped(IDS.orderId, ['a', 'b']), [IDS.orderId, 'a; b']],
  ['sales cancelled', sales.salesCancelledNote(IDS.orderId, true), [IDS.orderId]],
  ['sales not started', sales.salesCancelledNote(IDS.orderId, false), [IDS.orderId]],
  [
    'sales leftWonAfterWrites',
    sales.salesLeftWonAfterWritesNote(IDS.orderId),
    [`onramp cancel ${IDS.orderId}`, `onramp offboard ${IDS.orderId}`],
  ],
  [
    'admin roles inspecting',
    roles.inspectingDetails(ADMIN_ROLE),
    [ADMIN_ROLE.group.email, ADMIN_ROLE.role.name, ADMIN_ROLE.customer.domain],
  ],
  [
    'admin roles notPropagated',
    roles.notPropagatedMessage(ADMIN_ROLE, ['m@x']),
    [ADMIN_ROLE.group.email, 'm@x', '30 min'],
  ],
];

describe('a text that names an ID or a field shows the one given', () => {
  for (const [name, text, wanted] of NAMES)
    it(name, () => {
      for (const w of wanted) assert.ok(text.includes(String(w)), `${name} lacks ${w}: ${text}`);
    });

  it('the delegation checklist and the vendor mail name the client ID, the admin and every scope', () => {
    const instructions = dg.delegationInstructions(DELEGATION);
    assert.equal(instructions.clientId, IDS.clientId);
    assert.equal(instructions.scopesCsv, DELEGATION.scopes.join(','));
    const mail = dg.vendorGrantMail(DELEGATION).text;
    for (const text of [instructions.text, mail])
      for (const w of [IDS.clientId, DELEGATION.adminEmail, DELEGATION.customer.domain, ...DELEGATION.scopes])
        assert.ok(text.includes(w), `lacks ${w}: ${text}`);
  });

  it('the grant failure names the client ID and every missing scope', () => {
    const missing = DELEGATION.scopes.map((scope) => ({ scope, state: 'missing' as const }));
    const text = dg.grantMissingMessage(DELEGATION, dg.delegationInstructions(DELEGATION), missing);
    for (const w of [IDS.clientId, ...DELEGATION.scopes]) assert.ok(text.includes(w), `lacks ${w}`);
  });

  it("the sales command supplies exactly the deal's missing fields, not the line items", () => {
    const text = sales.salesNeedsText(DEAL, NEEDS);
    const command = text.split('\n').at(-1) ?? '';
    assert.ok(command.includes(`onramp sales supply hubspot ${DEAL.account} ${DEAL.dealId} `), command);
    const supplied = [...command.matchAll(/--field ([^=\s]+)=<value>/g)].map((m) => m[1]);
    assert.deepEqual(
      supplied,
      NEEDS.filter((n) => n.field !== 'integrations').map((n) => n.field)
    );
    for (const n of NEEDS) assert.ok(text.includes(`  - ${n.field} (from ${n.from}): ${n.problem}`), n.field);
  });

  it('the permission table sends each row that is not OK to its menu path, and only those', () => {
    const table = cw.formatPermissionTable(ROWS).split('\n');
    assert.equal(table.length, ROWS.length);
    ROWS.forEach((r, i) => assert.equal(table[i]?.includes(r.menuPath), r.ok !== true, table[i]));
  });

  it('a cyclic membership names every member and the group', () => {
    const cycles = [
      { member: 'g1@school.example', path: ['g1'] },
      { member: 'g3@school.example', path: ['g3'] },
    ];
    const text = roles.cyclicMembershipMessage(ADMIN_ROLE, cycles);
    for (const w of ['g1@school.example', 'g3@school.example', ADMIN_ROLE.group.email]) assert.ok(text.includes(w), w);
  });
});
