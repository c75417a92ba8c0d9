/**
 * Every operator/customer text of src/rules/*-instructions.ts, rendered with arguments that take each branch
 * (both sides of every ternary, empty and non-empty lists, boundaries of every count). The fixtures are
 * exported so test/unit/instructions.test.ts can check what a text must contain (the IDs and fields given)
 * and must never contain (the secret references the inputs carry).
 */
import type { AutotaskOnboardingInputV1, PermissionCheck } from '../../src/contract/autotask-onboarding-messages';
import type { PermissionRow } from '../../src/contract/connectwise-onboarding-messages';
import type { ConnectwiseSiteInfo, SyncSummary } from '../../src/contract/connectwise-sync-messages';
import type { DriftFinding } from '../../src/contract/drift-messages';
import type {
  AdminRoleInputV1,
  AdminRolePlan,
  MemberProgress,
  ProvisioningLedger,
} from '../../src/contract/google-admin-roles-messages';
import type { DelegationInputV1, ScopeStatus } from '../../src/contract/google-delegation-messages';
import type { OffboardingIntegration, OffboardingStep } from '../../src/contract/offboarding-messages';
import type { SalesDealStatusV1, SalesFieldNeedV1 } from '../../src/contract/sales-deal-messages';
import type { AutotaskVendorProfileView } from '../../src/contract/vendor-profile-messages';
import { SOPHOS_VIEW } from './fixtures-domain';
import * as at from '../../src/rules/autotask-instructions';
import { INTEGRATION_TITLE, pageChecklist, pageText } from '../../src/rules/checklist-page-instructions';
import * as cw from '../../src/rules/connectwise-instructions';
import * as drift from '../../src/rules/drift-instructions';
import * as roles from '../../src/rules/google-admin-roles-instructions';
import * as dg from '../../src/rules/google-delegation-instructions';
import * as off from '../../src/rules/offboarding-instructions';
import * as sales from '../../src/rules/sales-instructions';

/** Secret-like values the inputs carry: no rendered text may show them. */
export const SECRETS = {
  saKeyRef: 'env:SENTINEL_SA_KEY',
  autotaskSecretRef: 'store:sentinel-autotask-secret',
  signingKeyRef: 'env:SENTINEL_SIGNING',
  adminRoleKeyRef: 'file:/run/secrets/sentinel-sa.json',
  pastedFile: 'file:/etc/onramp/sentinel-cw.key',
  pastedStore: 'store:sentinel-cw-private',
} as const;

export const IDS = {
  clientId: '123456789012345678901',
  apiUser: 'api@acme.example',
  oldApiUser: 'old-api@acme.example',
  publicKey: 'AbCdEfGh12345678',
  newPublicKey: 'ZyXwVuTs98765432',
  apiMember: 'onramp-api',
  orderId: 'hubspot-acme-4242',
  dealId: '4242',
  webhookId: 30012,
} as const;

export const SOPHOS: AutotaskVendorProfileView = {
  ...SOPHOS_VIEW,
  linesOfBusiness: ['General > IT Services', 'General > Security'],
};
/** Seed 001: no webhook step, no line of business. */
export const OFFICE_PROTECT: AutotaskVendorProfileView = {
  ...SOPHOS,
  profile: 'office-protect',
  vendorName: 'Office Protect',
  integrationVendor: 'Office Protect',
  webhooks: false,
  linesOfBusiness: [],
};
/** Lines of business, without "view items with no assigned line of business". */
const ONE_LINE: AutotaskVendorProfileView = {
  ...SOPHOS,
  linesOfBusiness: ['General > IT Services'],
  viewItemsWithoutLineOfBusiness: false,
};

export const CHECKS: PermissionCheck[] = [
  { entity: 'Contacts', action: 'query', allowed: false, access: 'none', grantedBy: 'CRM > Contacts (View)' },
  { entity: 'TicketWebhooks', action: 'create', allowed: false, access: 'none', apiSupports: false, grantedBy: 'x' },
  {
    entity: 'Tickets',
    action: 'update',
    allowed: false,
    access: 'none',
    apiSupports: true,
    grantedBy: 'Tickets (Edit)',
  },
  { entity: 'Tickets', action: 'query', allowed: true, access: 'restricted', grantedBy: 'Tickets (View)' },
  { entity: 'Companies', action: 'query', allowed: true, access: 'all', grantedBy: 'CRM (All)' },
  { entity: 'Resources', action: 'query', allowed: false, access: 'restricted', grantedBy: 'Resources (View)' },
];

export const AUTOTASK_INPUT: AutotaskOnboardingInputV1 = {
  customer: { id: 'acme', name: 'Acme' },
  vendor: { name: 'Office Protect' },
  vendorProfile: 'office-protect',
  integrationId: 'office-protect',
  adminEmail: 'it@acme.example',
  credentials: { username: IDS.apiUser, secretRef: SECRETS.autotaskSecretRef },
  webhook: {
    name: 'office-protect',
    entities: ['Ticket'],
    webhookUrl: 'https://hooks.example.com/webhooks/autotask/acme',
    deactivationUrl: 'https://hooks.example.com/webhooks/autotask/acme/deactivated',
    signingKeyRef: SECRETS.signingKeyRef,
    fields: { Ticket: ['status'] },
    events: { create: true, update: true, delete: false },
  },
  maxWebhooks: 7,
  timing: { readyPollSeconds: 5, readyDeadlineMinutes: 10, operatorDeadlineHours: 72, reminderMinutes: 60 },
};

function autotask(): Record<string, unknown> {
  const checklist = at.autotaskChecklist(SOPHOS, 7);
  const instructions = at.oldWebhooksStuck(IDS.oldApiUser, ['301', '302'], [IDS.webhookId, 30013]);
  return {
    SECURITY_LEVELS_PATH: at.SECURITY_LEVELS_PATH,
    checklist: {
      sophos: checklist,
      officeProtect: at.autotaskChecklist(OFFICE_PROTECT, 1),
      oneLineWithoutNoLineItems: at.autotaskChecklist(ONE_LINE, 3),
    },
    guideStepChecks: {
      unreadable: at.guideStepChecks(SOPHOS, undefined),
      apiUser: at.guideStepChecks(OFFICE_PROTECT, 'API User (API-only)'),
      apiUserLowerCase: at.guideStepChecks(OFFICE_PROTECT, 'api user'),
      apiUserNotFirst: at.guideStepChecks(OFFICE_PROTECT, 'Not an API User'),
      fullUser: at.guideStepChecks(ONE_LINE, 'Full'),
    },
    notApiOnly: at.notApiOnly('Full'),
    missing: at.describeMissingPermissions(CHECKS),
    restricted: at.describeRestrictedPermissions(CHECKS),
    onboardingDetails: {
      verifying: at.onboardingDetails.verifying(IDS.apiUser),
      checkingPermissions: at.onboardingDetails.checkingPermissions('https://webservices5.autotask.net'),
      awaitingReady: at.onboardingDetails.awaitingReady,
      done: at.onboardingDetails.done('Sophos Central', 2),
      readingProfile: at.onboardingDetails.readingProfile('sophos-central'),
      noWebhooks: at.onboardingDetails.noWebhooks('Office Protect'),
    },
    credentialsRefused: {
      alreadyAccepted: at.credentialsRefused.alreadyAccepted,
      beingChecked: at.credentialsRefused.beingChecked,
      invalid: at.credentialsRefused.invalid(['username: required', 'secretRef: must be a reference']),
    },
    credentialsWanted: at.credentialsWanted('Sophos Central', checklist.slice(0, 2)),
    credentialsNotSupplied: [at.credentialsNotSupplied(48, undefined), at.credentialsNotSupplied(48, 'HTTP 401')],
    permissionsMissing: at.permissionsMissing(IDS.apiUser, at.describeMissingPermissions(CHECKS)),
    creatingWebhooks: at.creatingWebhooks(2),
    webhookNotReady: at.webhookNotReady('Ticket', IDS.webhookId, 10),
    rotationDetails: {
      verifyingNewUser: at.rotationDetails.verifyingNewUser(IDS.apiUser),
      creatingNewWebhooks: at.rotationDetails.creatingNewWebhooks(IDS.apiUser),
      awaitingNewReady: at.rotationDetails.awaitingNewReady,
      deletingOldFirst: at.rotationDetails.deletingOldFirst(IDS.oldApiUser),
      deletingOldAgain: at.rotationDetails.deletingOldAgain(IDS.oldApiUser),
      checkingOldGone: at.rotationDetails.checkingOldGone,
      done: at.rotationDetails.done([IDS.webhookId, 30013]),
    },
    newWebhookNotReady: at.newWebhookNotReady('Company', 30013, 15),
    oldWebhooksStuck: instructions,
    operatorActionNeeded: [at.operatorActionNeeded(instructions), at.operatorActionNeeded(instructions, 2)],
    oldWebhooksNotRemoved: at.oldWebhooksNotRemoved(72, instructions),
    secretRotationDetails: {
      verifying: at.secretRotationDetails.verifying(IDS.apiUser),
      openingOverlap: at.secretRotationDetails.openingOverlap,
      switching: at.secretRotationDetails.switching(3),
      revoking: at.secretRotationDetails.revoking,
      done: at.secretRotationDetails.done(3),
    },
    KEYRING_LOST_A_KEY: at.KEYRING_LOST_A_KEY,
    resignedWebhookNotReady: at.resignedWebhookNotReady('Ticket', IDS.webhookId),
    signingOverlap: at.signingOverlap(60),
    mailTopic: [
      at.autotaskMailTopic(AUTOTASK_INPUT),
      at.autotaskMailTopic({ customer: { id: 'acme' }, vendor: { name: 'Sophos Central' } }),
    ],
    numberedSteps: at.numberedSteps(['first', 'second', 'third']),
  };
}

/** What the connection check says of a pasted value, before the page hides the references in it. */
export const REFUSED_REASONS = [
  `connection.privateKeyRef (${SECRETS.pastedFile}) is not readable; privateKeyRef (${SECRETS.pastedStore}) either`,
  `privateKeyRef (${SECRETS.pastedStore}) is empty`,
  `secretRef (${SECRETS.autotaskSecretRef}) was refused by Autotask, and secretRef (env:A) too`,
  `the worker cannot read ${SECRETS.pastedFile}, ${SECRETS.pastedStore}; or file:/b) or store:c,d`,
  'HTTP 401 from ConnectWise (no reference in it)',
];

function checklistPage(): Record<string, unknown> {
  return {
    INTEGRATION_TITLE,
    title: [
      pageText.title('connectwise', 'Sophos Central', 'Contoso MSP'),
      pageText.title('somethingNew', 'Atera', 'Contoso'),
    ],
    intro: pageText.intro('the Autotask administrator of Acme'),
    headings: [pageText.stepsHeading, pageText.statusHeading, pageText.doneHeading],
    done: pageText.done,
    failed: pageText.failed('No grant after 24 h.'),
    stateLine: pageText.stateLine('awaiting-grant'),
    stepLabel: pageText.stepLabel,
    checkNow: [pageText.checkNowButton, pageText.checkNowHelp, pageText.checkNowSent],
    buttons: [pageText.refresh, pageText.copy, pageText.copied],
    credentialHeading: pageText.credentialHeading('private key'),
    credential: [pageText.credentialHelp, pageText.credentialButton, pageText.credentialAccepted],
    credentialAcceptedWaiting: pageText.credentialAcceptedWaiting('apiMember, clientId'),
    credentialRefused: REFUSED_REASONS.map((r) => pageText.credentialRefused(r)),
    credentialEmpty: pageText.credentialEmpty('Private key'),
    httpsOnly: pageText.httpsOnly,
    notWaiting: pageText.notWaiting('done'),
    link: [pageText.linkInvalid, pageText.linkGone, pageText.formStale, pageText.tooMany, pageText.unavailable],
    scopeState: pageText.scopeState,
    accessState: pageText.accessState,
    permissionOk: [pageText.permissionOk(true), pageText.permissionOk(false), pageText.permissionOk('unverified')],
    privateKeyState: pageText.privateKeyState,
    lastRejection: pageText.lastRejection('HTTP 401'),
    pageChecklist: {
      autotask: pageChecklist(at.autotaskChecklist(SOPHOS, 7)),
      connectwise: pageChecklist(cw.connectwiseChecklist('Sophos Central')),
      otherWordings: pageChecklist([
        'Store it and give its reference somewhere else.',
        'Write down the reference (env:NAME or file:/path) for later.',
        'Keep the reference (file:/path or env:NAME) and the private key reference.',
        'Send Onramp its reference, then wait.',
        'A reference (env:NAME) alone changes nothing.',
      ]),
    },
  };
}

const row = (
  module: string,
  area: string,
  action: PermissionRow['action'],
  ok: PermissionRow['ok'],
  found: PermissionRow['found']
): PermissionRow => ({
  module,
  area,
  action,
  required: 'All',
  found,
  ok,
  menuPath: `System > Security Roles > Onramp API > ${module} > ${area}: set ${action} = All`,
});

export const ROWS: PermissionRow[] = [
  row('Companies', 'Company Maintenance', 'inquire', true, 'All'),
  row('Finance', 'Agreements', 'add', false, 'None'),
  row('Finance', 'Agreements', 'edit', 'unverified', 'unknown'),
  row('Procurement', 'Product Catalog', 'add', 'unverified', 'readable'),
];

const SITE: ConnectwiseSiteInfo = {
  apiBaseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
  codebase: 'v2025_1/',
  isCloud: true,
  companyName: 'Contoso MSP',
};

const summary = (mode: SyncSummary['mode'], unmatched?: string[]): SyncSummary => ({
  mode,
  customers: 25,
  catalogItem: 'created',
  companies: { created: 1, updated: 2, unchanged: 3 },
  agreements: { created: 4, updated: 0, unchanged: 0 },
  plannedChanges: [],
  ...(unmatched ? { unmatchedCompanies: unmatched } : {}),
});

const companies = (n: number) => Array.from({ length: n }, (_, i) => `cust-${i + 1}`);

function connectwise(): Record<string, unknown> {
  const unverified = cw.unverifiedPermissions(ROWS, 'role-read-refused', undefined);
  if (!unverified) throw new Error('unverifiedPermissions gave nothing for unverified rows');
  const table = cw.formatPermissionTable(ROWS);
  const o = cw.onboardingText;
  const s = cw.syncText;
  const k = cw.keyRotationText;
  const createKey = k.createKey(IDS.apiMember, 'Sophos Central', IDS.publicKey);
  return {
    checklist: {
      default: cw.connectwiseChecklist('Sophos Central'),
      createAndAccept: cw.connectwiseChecklist('Atera', { createMissingCompanies: true, unverified: 'accept' }),
      block: cw.connectwiseChecklist('Atera', { unverified: 'block' }),
    },
    rightsOnlyTheRoleProves: [
      cw.rightsOnlyTheRoleProves(),
      cw.rightsOnlyTheRoleProves({ createMissingCompanies: true }),
    ],
    securityRolesReadPath: [cw.securityRolesReadPath(), cw.securityRolesReadPath('Onramp API')],
    unverifiedPermissions: {
      roleReadRefused: unverified,
      noApiMemberAccepted: cw.unverifiedPermissions(ROWS, 'no-api-member', 'accept'),
      noApiMemberBlocked: cw.unverifiedPermissions(ROWS, 'no-api-member', 'block'),
      noneUnverified: cw.unverifiedPermissions(ROWS.slice(0, 2), 'no-api-member', 'block') ?? null,
      noReason: cw.unverifiedPermissions(ROWS, undefined, 'block') ?? null,
    },
    table,
    onboarding: {
      awaitingConnection: o.awaitingConnection(['one', 'two']),
      connectionRefused: o.connectionRefused(['publicKey: required', 'site: not a ConnectWise site']),
      alreadyVerified: o.alreadyVerified,
      checkRunning: o.checkRunning,
      waitingForKey: [o.waitingForKey(['publicKey', 'privateKeyRef'], 90_400), o.waitingForKey([], 1_499)],
      reminder: o.reminder(3),
      keyDeadline: [o.keyDeadline('24 h', undefined), o.keyDeadline('24 h', 'HTTP 401')],
      keysVerified: o.keysVerified(SITE),
      verifyKeys: o.verifyKeys('contoso', 'na.myconnectwise.net'),
      readRole: [o.readRole(IDS.apiMember), o.readRole(undefined)],
      permissionsStillMissing: o.permissionsStillMissing(1, table),
      permissionsMissing: o.permissionsMissing(1, table),
      waitingForPermissions: o.waitingForPermissions(1),
      permissionsHeld: [o.permissionsHeld(0, unverified, table), o.permissionsHeld(2, unverified, table)],
      permissionsStillHeld: [
        o.permissionsStillHeld(0, unverified, table),
        o.permissionsStillHeld(2, unverified, table),
      ],
      unverifiedAccepted: o.unverifiedAccepted(unverified),
      syncing: [o.syncing('plan', 25), o.syncing('apply', 25)],
      syncSummary: o.syncSummary('apply', 'Contoso MSP'),
      done: [
        o.done(SITE, undefined),
        o.done(SITE, summary('plan', ['cust-a', 'cust-b'])),
        o.done(SITE, summary('apply', [])),
        o.done(SITE, summary('apply')),
      ],
    },
    sync: {
      verb: [s.verb('plan'), s.verb('apply')],
      catalogItem: s.catalogItem('Sync', 'ONRAMP-SOPHOS'),
      catalogItemActivity: s.catalogItemActivity('Plan', 'ONRAMP-SOPHOS'),
      batch: s.batch('Sync', 1, 50, 120),
      batchActivity: s.batchActivity('Plan', 51, 100, 120),
      plannedCatalogItem: [s.plannedCatalogItem('created', 'X'), s.plannedCatalogItem('updated', 'X')],
      done: [
        s.done('Sync', summary('apply')),
        s.done('Sync', summary('apply', [])),
        s.done('Plan', summary('plan', companies(20))),
        s.done('Plan', summary('plan', companies(21))),
      ],
    },
    keyRotation: {
      createKey: [createKey, k.createKey(undefined, 'Sophos Central', IDS.publicKey)],
      awaitingNewKey: k.awaitingNewKey(createKey),
      reminder: k.reminder(2, createKey),
      keyRefused: k.keyRefused(['publicKey: must be 16 characters', 'privateKeyRef: must be a reference']),
      sameAsOld: k.sameAsOld,
      alreadyVerified: k.alreadyVerified,
      checkRunning: k.checkRunning,
      permissionsMissing: k.permissionsMissing(1, ROWS),
      noNewKey: [k.noNewKey(72, undefined), k.noNewKey(72, 'HTTP 403')],
      switching: k.switching(IDS.newPublicKey, 'Sophos Central'),
      tellVendor: k.tellVendor,
      deleteOldKey: [k.deleteOldKey(IDS.apiMember, IDS.publicKey), k.deleteOldKey(undefined, IDS.publicKey)],
      oldKeyStillWorks: k.oldKeyStillWorks(IDS.publicKey, 24),
      done: k.done(IDS.publicKey, IDS.newPublicKey),
    },
    mailTopic: [
      cw.connectwiseMailTopic({ customer: { name: 'Contoso MSP' }, vendor: { name: 'Sophos Central' } }),
      cw.connectwiseMailTopic({
        customer: { name: 'Contoso MSP' },
        vendor: { name: 'Sophos Central' },
        adminEmail: 'admin@contoso.example',
      }),
    ],
  };
}

export const FINDINGS: DriftFinding[] = [
  { integration: 'autotask', problem: drift.autotaskDrift.permissionLost('Tickets', 'update'), fix: 'restore it' },
  { integration: 'googleDelegation', problem: 'the key is gone', fix: drift.delegationDrift.accessFix },
];

function driftTexts(): Record<string, unknown> {
  const d = drift.delegationDrift;
  const a = drift.autotaskDrift;
  const c = drift.connectwiseDrift;
  const r = drift.adminRolesDrift;
  return {
    delegation: {
      accessFix: d.accessFix,
      scopeLost: d.scopeLost(IDS.clientId, 'https://mail.google.com/'),
      scopeFix: d.scopeFix,
    },
    autotask: {
      credentialsFix: a.credentialsFix,
      permissionLost: a.permissionLost('Tickets', 'update'),
      permissionFix: a.permissionFix('Service Desk > Tickets (Edit)'),
      permissionRestricted: a.permissionRestricted('Tickets', 'query'),
      restrictedFix: a.restrictedFix('Service Desk > Tickets (View)'),
      namedHookBroken: [
        a.namedHookBroken('Ticket', 'acme-tickets', undefined),
        a.namedHookBroken('Ticket', 'acme-tickets', { isActive: false }),
        a.namedHookBroken('Ticket', 'acme-tickets', { isActive: true }),
      ],
      namedHookFix: a.namedHookFix,
      fieldMissing: a.fieldMissing('Ticket', 'acme-tickets', 'status'),
      fieldFix: a.fieldFix,
      hookIdBroken: [a.hookIdBroken('Company', IDS.webhookId, true), a.hookIdBroken('Company', IDS.webhookId, false)],
      hookIdFix: a.hookIdFix,
    },
    connectwise: {
      connectionBroken: c.connectionBroken('publicKey', 'HTTP 401'),
      connectionFix: c.connectionFix,
      permissionLost: c.permissionLost({
        module: 'Finance',
        area: 'Agreements',
        action: 'Add Level',
        required: 'All',
        found: 'None',
      }),
      permissionFix: c.permissionFix('System > Security Roles > Onramp API > Finance > Agreements'),
      syncFix: c.syncFix,
      catalogItemGone: c.catalogItemGone('ONRAMP-SOPHOS'),
      companyGone: c.companyGone('cust-1'),
      companyFix: c.companyFix('cust-1'),
      agreementGone: c.agreementGone('cust-1', 'Sophos Central'),
      additionGone: c.additionGone('cust-1', 'Sophos Central', 'ONRAMP-SOPHOS'),
    },
    adminRoles: {
      accessFix: r.accessFix,
      fix: r.fix,
      groupChanged: [
        r.groupChanged('analytics@school.example', 'absent', []),
        r.groupChanged('analytics@school.example', 'differs', ['name differs', 'not a security group']),
      ],
      memberLeft: r.memberLeft('t@school.example', 'analytics@school.example'),
      roleChanged: [
        r.roleChanged('Education Admin', 'absent', []),
        r.roleChanged('Education Admin', 'differs', ['privilege X missing', 'description differs']),
      ],
      assignmentRemoved: r.assignmentRemoved('/Students'),
    },
    findingsMarkdown: [drift.findingsMarkdown(FINDINGS), drift.findingsMarkdown([])],
    NO_DRIFT: drift.NO_DRIFT,
    NOTHING_TO_CHECK: drift.NOTHING_TO_CHECK,
    NOTHING_CHECKABLE_NOTE: drift.NOTHING_CHECKABLE_NOTE,
    findingSummary: [drift.findingSummary('Acme', 'webhook gone'), drift.findingSummary('Acme', 'x'.repeat(500))],
    CLEARED_BY_CHECK: drift.CLEARED_BY_CHECK,
    resolvedByOperator: [drift.resolvedByOperator(), drift.resolvedByOperator('alice')],
  };
}

export const ADMIN_ROLE: AdminRoleInputV1 = {
  mode: 'apply',
  customer: { domain: 'school.example', customerId: 'C046psxkn' },
  adminEmail: 'admin@school.example',
  vendor: { name: 'Classroom Analytics' },
  serviceAccount: { email: 'sa@p.iam.gserviceaccount.com', keyRef: SECRETS.adminRoleKeyRef },
  group: {
    email: 'analytics@school.example',
    displayName: 'Analytics',
    description: 'Classroom analytics access',
    initialGroupConfig: 'EMPTY',
  },
  members: [{ email: 't@school.example', role: 'MEMBER', type: 'USER' }],
  role: { name: 'Education Admin', description: 'Access to analytics', privileges: ['EDU_ANALYTICS_DATA_ACCESS'] },
  assignee: { type: 'group' },
  scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
  membership: { propagationTimeoutMinutes: 30, pollSeconds: 10, batchSize: 100 },
};

export const PLAN: AdminRolePlan = {
  privileges: [{ name: 'EDU_ANALYTICS_DATA_ACCESS', serviceId: '00haapch16h1ysv' }],
  orgUnits: [
    { path: '/Students', orgUnitId: 'id:1' },
    { path: '/Teachers', orgUnitId: 'id:2' },
  ],
  group: { state: 'differs', differences: ['it is not a security group', 'its name is "Old"'] },
  members: { toAdd: ['t@school.example'], present: [], differs: [] },
  role: { state: 'differs', differences: ['privilege X is missing', 'description differs'] },
  assignee: { type: 'group', email: 'analytics@school.example' },
  assignments: { toCreate: ['/Students', '/Teachers'], present: [] },
  summary: ['create group analytics@school.example', 'create role "Education Admin"'],
};

const failed = (n: number, withReason: boolean): MemberProgress[] =>
  Array.from({ length: n }, (_, i) => ({
    email: `m${i}@school.example`,
    role: 'MEMBER',
    outcome: 'failed',
    ...(withReason ? { reason: `reason ${i}` } : {}),
  }));

const LEDGER: ProvisioningLedger = {
  groupCreated: true,
  membersAdded: ['a@school.example', 'b@school.example'],
  roleCreated: true,
  assignmentIds: ['as1', 'as2'],
};

function adminRoles(): Record<string, unknown> {
  const customer: AdminRoleInputV1 = { ...ADMIN_ROLE, scope: { type: 'CUSTOMER' } };
  const counts = { total: 3, added: 2, alreadyPresent: 1, failed: 0, pending: 0 };
  return {
    formatMemberFailures: {
      twelveDefaultMax: roles.formatMemberFailures(failed(12, true)),
      twoOfFive: roles.formatMemberFailures(failed(2, false), 10, 5),
      allShown: roles.formatMemberFailures(failed(3, true), 3),
      countEqualShown: roles.formatMemberFailures(failed(3, true), 2, 2),
    },
    inspecting: roles.inspectingDetails(ADMIN_ROLE),
    plan: roles.planDetails(PLAN),
    groupDiffers: roles.groupDiffersMessage(ADMIN_ROLE, PLAN),
    roleDiffers: roles.roleDiffersMessage(ADMIN_ROLE, PLAN),
    checkingCycles: roles.checkingCyclesDetails(2),
    cyclic: [
      roles.cyclicMembershipMessage(ADMIN_ROLE, [{ member: 'g1@school.example', path: ['g1', 'g2', 'analytics'] }]),
      roles.cyclicMembershipMessage(ADMIN_ROLE, [
        { member: 'g1@school.example', path: ['g1', 'analytics'] },
        { member: 'g3@school.example', path: ['g3', 'g4', 'analytics'] },
      ]),
    ],
    creatingGroup: roles.creatingGroupDetails(ADMIN_ROLE),
    addingMembers: roles.addingMembersDetails(ADMIN_ROLE, 40),
    membersFailed: [
      roles.membersFailedMessage(ADMIN_ROLE, failed(2, true)),
      roles.membersFailedMessage(ADMIN_ROLE, failed(12, false), 40),
    ],
    checkingSource: roles.checkingSourceDetails('orgUnit /Teachers'),
    addingSource: roles.addingSourceDetails(ADMIN_ROLE, 'group all@school.example', 500),
    awaitingPropagation: roles.awaitingPropagationDetails(7),
    notPropagated: roles.notPropagatedMessage(ADMIN_ROLE, companies(7)),
    creatingRole: roles.creatingRoleDetails(ADMIN_ROLE),
    assigningRole: roles.assigningRoleDetails(ADMIN_ROLE, PLAN, ['/Students', '/Teachers']),
    provisioned: [
      roles.provisionedDetails(ADMIN_ROLE, PLAN, counts, 'role-9'),
      roles.provisionedDetails(customer, PLAN, counts, undefined),
    ],
    undoing: [
      roles.undoingDetails(LEDGER),
      roles.undoingDetails({ ...LEDGER, groupCreated: false, roleCreated: false }),
      roles.undoingDetails({ ...LEDGER, groupCreated: false, membersAddedByReference: 1200 }),
      roles.undoingDetails({ ...LEDGER, membersAddedByReference: 1200 }),
    ],
    UNDONE_DETAILS: roles.UNDONE_DETAILS,
  };
}

export const DELEGATION: DelegationInputV1 = {
  customer: { domain: 'contoso.example', name: 'Contoso' },
  adminEmail: 'admin@contoso.example',
  vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
  serviceAccount: { clientId: IDS.clientId, email: 'sa@p.iam.gserviceaccount.com', keyRef: SECRETS.saKeyRef },
  scopes: ['https://mail.google.com/', 'https://www.googleapis.com/auth/admin.directory.user.readonly'],
  polling: { initialIntervalSeconds: 30, maxIntervalSeconds: 900, deadlineHours: 24 },
};
/** No scope that reads users, no customer name, a deadline that is not whole hours. */
const DELEGATION_PLAIN: DelegationInputV1 = {
  ...DELEGATION,
  customer: { domain: 'fabrikam.example' },
  scopes: ['https://mail.google.com/', 'https://www.googleapis.com/auth/calendar.readonly'],
  polling: { ...DELEGATION.polling, deadlineHours: 1.5 },
};

function delegation(): Record<string, unknown> {
  const instructions = dg.delegationInstructions(DELEGATION);
  const plain = dg.delegationInstructions(DELEGATION_PLAIN);
  const missing: ScopeStatus[] = [
    { scope: 'https://mail.google.com/', state: 'missing' },
    { scope: 'https://www.googleapis.com/auth/calendar.readonly', state: 'missing' },
  ];
  return {
    instructions: [instructions, plain],
    awaitingGrant: dg.awaitingGrantDetails(DELEGATION, instructions),
    nextCheck: [dg.nextCheckSummary(2, 1_499), dg.nextCheckSummary(1, 90_500)],
    grantMissing: [
      dg.grantMissingMessage(DELEGATION, instructions, missing),
      dg.grantMissingMessage(DELEGATION_PLAIN, plain, missing.slice(0, 1)),
    ],
    notifyingVendor: dg.notifyingVendorDetails(DELEGATION),
    done: dg.delegationDoneDetails(DELEGATION),
    reverify: [dg.reverifyDetails(DELEGATION, []), dg.reverifyDetails(DELEGATION, DELEGATION.scopes)],
    mailTopic: [dg.delegationMailTopic(DELEGATION), dg.delegationMailTopic(DELEGATION_PLAIN)],
    vendorGrantMail: [dg.vendorGrantMail(DELEGATION), dg.vendorGrantMail(DELEGATION_PLAIN)],
  };
}

const STEPS: OffboardingStep[] = [
  { integration: 'autotask', action: 'delete Ticket webhook "acme" (30012)', by: 'onramp', state: 'removed' },
  { integration: 'autotask', action: `deactivate API user ${IDS.apiUser}`, by: 'operator', state: 'planned' },
];

function offboarding(): Record<string, unknown> {
  const instructions = new Map<OffboardingIntegration, string>([
    ['autotask', off.autotaskOffboarding.deactivateInstruction(IDS.apiUser)],
    ['connectwise', off.connectwiseOffboarding.deleteKeyInstruction(IDS.publicKey)],
  ]);
  const a = off.adminRolesOffboarding;
  const d = off.delegationOffboarding;
  const t = off.autotaskOffboarding;
  const c = off.connectwiseOffboarding;
  const base = { orderId: IDS.orderId, customerName: 'Acme', steps: STEPS, instructions };
  return {
    markdown: [
      off.offboardingMarkdown({ ...base, apply: true }),
      off.offboardingMarkdown({ ...base, apply: false, steps: [], instructions: new Map() }),
    ],
    operatorStepAlreadyDone: off.operatorStepAlreadyDone('deactivate API user x'),
    operatorStepNotDone: off.operatorStepNotDone('autotask', 'deactivate API user x', 72, 'no answer', 'Do it.'),
    credentials: {
      forget: off.credentialsOffboarding.forget(IDS.orderId),
      forgotten: off.credentialsOffboarding.forgotten(4),
      kept: off.credentialsOffboarding.kept(30, '2027-01-04'),
      noStore: off.credentialsOffboarding.noStore,
    },
    stopped: off.offboardingStopped(IDS.orderId, ['autotask: HTTP 500', 'connectwise: HTTP 403']),
    adminRoles: {
      nothingCreated: a.nothingCreated,
      delegationLost: a.delegationLost(['scope-a', 'scope-b'], ['group g@x', 'role "R"']),
      remove: a.remove(['group g@x', 'role "R"']),
      undoSummary: a.undoSummary('Acme', IDS.orderId),
    },
    delegation: {
      action: d.action('contoso.example', IDS.clientId),
      instruction: d.instruction('contoso.example', IDS.clientId, 'sa@p.iam.gserviceaccount.com', 16),
      stillGranted: d.stillGranted(3, 16),
    },
    autotask: {
      nothingCreated: t.nothingCreated,
      alreadyRejected: t.alreadyRejected(IDS.apiUser, ['Ticket 30012', 'Company 30013']),
      noWebhook: t.noWebhook,
      deleteWebhook: t.deleteWebhook('Ticket', 'acme', IDS.webhookId),
      webhooksLeft: t.webhooksLeft([IDS.webhookId, 30013]),
      deactivate: t.deactivate(IDS.apiUser),
      deactivateInstruction: t.deactivateInstruction(IDS.apiUser),
      stillAccepted: t.stillAccepted(IDS.apiUser),
    },
    connectwise: {
      nothingCreated: c.nothingCreated,
      keyLabel: [c.keyLabel(IDS.publicKey), c.keyLabel(IDS.publicKey, IDS.apiMember)],
      keyRejected: c.keyRejected(c.keyLabel(IDS.publicKey), 'Sophos Central', 'ONRAMP-SOPHOS'),
      nothingExists: c.nothingExists,
      deleteObject: c.deleteObject('agreement "Sophos Central" of cust-1'),
      noDeleteLevel: c.noDeleteLevel,
      deleteByHand: c.deleteByHand(3),
      deleteByHandInstruction: c.deleteByHandInstruction(['agreement A', 'company cust-1']),
      stillPresent: c.stillPresent(2),
      deleteKey: c.deleteKey(c.keyLabel(IDS.publicKey, IDS.apiMember)),
      deleteKeyInstruction: [
        c.deleteKeyInstruction(IDS.publicKey),
        c.deleteKeyInstruction(IDS.publicKey, IDS.apiMember),
      ],
      stillAccepts: c.stillAccepts(c.keyLabel(IDS.publicKey)),
    },
  };
}

export const NEEDS: SalesFieldNeedV1[] = [
  { field: 'integrations', from: 'line items', problem: 'no line item maps to an integration' },
  {
    field: 'integrations.googleDelegation.adminEmail',
    from: 'contact with role "Technical admin", field email',
    problem: 'absent from the deal',
  },
  { field: 'customer.domain', from: 'company, field domain', problem: 'not a domain: "acme"' },
];

export const DEAL: SalesDealStatusV1 = {
  system: 'hubspot',
  account: '123456',
  dealId: IDS.dealId,
  orderId: IDS.orderId,
  state: 'waiting-for-operator',
  needs: NEEDS,
  events: 2,
  supplied: [],
};

function salesTexts(): Record<string, unknown> {
  const started: SalesDealStatusV1 = {
    ...DEAL,
    system: 'salesforce',
    state: 'order-started',
    needs: [],
    orderWorkflowId: `customer-onboarding:${IDS.orderId}`,
    note: 'Order started.',
  };
  return {
    dealName: [
      sales.dealName(DEAL),
      sales.dealName({ ...DEAL, system: 'salesforce' }),
      sales.dealName({ ...DEAL, system: 'connectwise' }),
    ],
    needs: [sales.salesNeedsText(DEAL, NEEDS), sales.salesNeedsText(DEAL, NEEDS.slice(0, 1))],
    waiting: [
      sales.salesWaitingDetails(DEAL),
      sales.salesWaitingDetails(started),
      sales.salesWaitingDetails({ ...DEAL, system: 'connectwise', state: 'reading', needs: [] }),
    ],
    cancelled: [sales.salesCancelledNote(IDS.orderId, true), sales.salesCancelledNote(IDS.orderId, false)],
    leftWonAfterWrites: sales.salesLeftWonAfterWritesNote(IDS.orderId),
  };
}

/** Every module's texts, keyed by module then by export. */
export function renderAll(): Record<string, Record<string, unknown>> {
  return {
    'autotask-instructions': autotask(),
    'checklist-page-instructions': checklistPage(),
    'connectwise-instructions': connectwise(),
    'drift-instructions': driftTexts(),
    'google-admin-roles-instructions': adminRoles(),
    'google-delegation-instructions': delegation(),
    'offboarding-instructions': offboarding(),
    'sales-instructions': salesTexts(),
  };
}
