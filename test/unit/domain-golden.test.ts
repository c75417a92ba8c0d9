/**
 * The text operators and customers act on, pinned exactly: checklists, delegation instructions, the
 * ConnectWise permission table, the normalised inputs with their defaults, and the problems each input
 * schema reports for a set of bad inputs. Those words are the product (a guide an admin follows, the fix a
 * failure names), so a changed word is a change to review: the expected values live in
 * test/unit/golden/domain.json; `ONRAMP_UPDATE_GOLDEN=1 node --import tsx --test test/unit/domain-golden.test.ts`
 * rewrites it after an intended change (then read the diff).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  accessFromCode,
  autotaskChecklist,
  describeMissingPermissions,
  describeRestrictedPermissions,
  parseAutotaskOnboardingInput,
  parseAutotaskRotationInput,
  webhookNameFor,
} from '../../src/domain/autotask-schema';
import {
  connectionPatchProblems,
  parseConnectwiseOnboardingInput,
  permissionMenuPath,
  REQUIRED_PERMISSIONS,
} from '../../src/domain/connectwise-schema';
import { connectwiseChecklist, formatPermissionTable } from '../../src/rules/connectwise-instructions';
import { parseOrder } from '../../src/domain/customer-onboarding-schema';
import { parseDriftCheckInput } from '../../src/domain/drift-schema';
import { closeNames, parseAdminRoleInput } from '../../src/domain/google-admin-roles-schema';
import { formatDuration, parseDelegationInput } from '../../src/domain/google-delegation-schema';
import { formatMemberFailures } from '../../src/rules/google-admin-roles-instructions';
import { delegationInstructions } from '../../src/rules/google-delegation-instructions';
import { InputError } from '../../src/domain/field-validators';
import { SOPHOS_VIEW } from './fixtures-domain';

const GOLDEN = join(__dirname, 'golden', 'domain.json');

const attempt = (fn: () => unknown): unknown => {
  try {
    return { ok: fn() };
  } catch (e) {
    if (e instanceof InputError) return { problems: e.problems };
    throw e;
  }
};

const SA = { clientId: '123456789012345678901', email: 'sa@p.iam.gserviceaccount.com', keyRef: 'env:KEY' };
const delegation = {
  customer: { domain: 'Contoso.example' },
  adminEmail: 'Admin@Contoso.example',
  vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
  serviceAccount: SA,
};
const autotask = {
  customer: { id: 'acme' },
  vendor: { name: 'Office Protect' },
  vendorProfile: 'office-protect',
  integrationId: 'office-protect',
  webhook: {
    name: 'office-protect',
    webhookUrl: 'https://hooks.example.com/webhooks/autotask/acme',
    deactivationUrl: 'https://hooks.example.com/webhooks/autotask/acme/deactivated',
    signingKeyRef: 'env:SIGNING',
  },
};
const adminRole = {
  customer: { domain: 'school.example', customerId: 'C046psxkn' },
  adminEmail: 'admin@school.example',
  serviceAccount: { email: 'sa@p.iam.gserviceaccount.com', keyRef: 'file:/run/secrets/sa.json' },
  group: { email: 'analytics@school.example', displayName: 'Analytics', description: 'Classroom analytics access' },
  role: {
    name: 'Education Admin',
    description: 'Access to view analytics data',
    privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
  },
  scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
};
const connectwise = {
  customer: { name: 'Contoso MSP' },
  vendor: { name: 'Sophos Central' },
  connection: { site: 'na.myconnectwise.net', companyId: 'Contoso', clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
};

/** Inputs that break every field a different way. */
const BAD: unknown[] = [
  undefined,
  {},
  'text',
  { customer: 1, vendor: [], adminEmail: 'x', serviceAccount: { keyRef: 'plain-secret' } },
  {
    customer: { domain: 'not a domain', id: '' },
    adminEmail: 'a@b',
    serviceAccount: { clientId: 'x', email: 'y', keyRef: 'env:' },
  },
];

function outputs(): unknown {
  const d = parseDelegationInput(delegation);
  const checks = [
    { entity: 'Contacts', action: 'query', allowed: false, access: 0 },
    { entity: 'Tickets', action: 'update', allowed: true, access: 2 },
    { entity: 'Companies', action: 'query', allowed: true, access: 4 },
    { entity: 'TicketWebhooks', action: 'create', allowed: false },
  ] as never;
  return {
    delegation: {
      parsed: d,
      instructions: delegationInstructions(d),
      durations: [0, 999, 1000, 59_000, 60_000, 90_000, 3600_000, 5400_000, 86_400_000, 2 * 86_400_000 + 3600_000].map(
        formatDuration
      ),
      bad: BAD.map((b) => attempt(() => parseDelegationInput(b))),
      variants: [
        { ...delegation, scopes: ['https://mail.google.com/', 'https://mail.google.com/'] },
        { ...delegation, scopes: [] },
        { ...delegation, adminEmail: 'admin@other.example' },
        { ...delegation, polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 0 } },
      ].map((v) => attempt(() => parseDelegationInput(v))),
    },
    autotask: {
      parsed: parseAutotaskOnboardingInput(autotask),
      checklists: [
        autotaskChecklist(SOPHOS_VIEW, 7),
        autotaskChecklist({ ...SOPHOS_VIEW, webhooks: false, linesOfBusiness: [] }, 1),
      ],
      access: [-1, 0, 1, 2, 3, 4, 5, '1', null].map(accessFromCode),
      missing: describeMissingPermissions(checks),
      restricted: describeRestrictedPermissions(checks),
      names: [webhookNameFor('office-protect', 'Ticket'), webhookNameFor('x'.repeat(60), 'Company')],
      bad: BAD.map((b) => attempt(() => parseAutotaskOnboardingInput(b))),
      badRotation: BAD.map((b) => attempt(() => parseAutotaskRotationInput(b))),
    },
    connectwise: {
      parsed: attempt(() => parseConnectwiseOnboardingInput(connectwise)),
      checklist: connectwiseChecklist('Sophos Central'),
      required: REQUIRED_PERMISSIONS,
      table: formatPermissionTable(
        REQUIRED_PERMISSIONS.flatMap((r, i) =>
          r.actions.map((action) => ({
            module: r.module,
            area: r.area,
            action,
            required: 'All' as const,
            found: (['All', 'None', 'unknown'] as const)[i % 3]!,
            ok: ([true, false, 'unverified'] as const)[i % 3]!,
            menuPath: permissionMenuPath(i % 2 ? 'Onramp API' : undefined, r.module, r.area, action),
          }))
        )
      ),
      patches: [{}, { privateKeyRef: 'secret' }, { publicKey: 1 }, { privateKeyRef: 'env:K', site: 'x' }].map(
        connectionPatchProblems
      ),
      bad: BAD.map((b) => attempt(() => parseConnectwiseOnboardingInput(b))),
    },
    adminRoles: {
      parsed: attempt(() => parseAdminRoleInput(adminRole)),
      close: closeNames('Educaton Admin', ['Education Admin', 'Help Desk Admin', 'Admin', 'Education', 'Billing']),
      failures: formatMemberFailures(
        Array.from({ length: 12 }, (_, i) => ({
          email: `m${i}@s.example`,
          outcome: 'failed',
          reason: `reason ${i}`,
        })) as never,
        10
      ),
      bad: BAD.map((b) => attempt(() => parseAdminRoleInput(b))),
    },
    order: { bad: BAD.map((b) => attempt(() => parseOrder(b))) },
    drift: { bad: BAD.map((b) => attempt(() => parseDriftCheckInput(b))) },
  };
}

it('domain outputs match test/unit/golden/domain.json', () => {
  const actual = JSON.parse(JSON.stringify(outputs())) as unknown;
  if (process.env.ONRAMP_UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
  assert.deepEqual(actual, JSON.parse(readFileSync(GOLDEN, 'utf8')));
});
