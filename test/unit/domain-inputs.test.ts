/**
 * Every input schema of src/domain, field by field, without a Temporal server (part of
 * `npm run test:mutation`): which values each field refuses and under which path, the boundaries it
 * accepts, and the fix each refusal names. The field path of every refusal is asserted here by hand; the
 * full text of the problem lines (the fix the person who typed the value reads) is pinned in
 * test/unit/golden/domain-inputs.json. After an intended change of wording:
 * `ONRAMP_UPDATE_GOLDEN=1 node --import tsx --test test/unit/domain-inputs.test.ts`, then read the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  parseAutotaskOnboardingInput,
  parseAutotaskRotationInput,
  parseAutotaskSecretRotationInput,
} from '../../src/domain/autotask-schema';
import { parseConnectwiseOnboardingInput } from '../../src/domain/connectwise-schema';
import { parseCwKeyRotationInput } from '../../src/domain/connectwise-key-rotation-schema';
import { parseOrder } from '../../src/domain/customer-onboarding-schema';
import { parseDriftCheckInput } from '../../src/domain/drift-schema';
import { parseAdminRoleInput } from '../../src/domain/google-admin-roles-schema';
import { parseDelegationInput } from '../../src/domain/google-delegation-schema';
import { parseOffboardingInput } from '../../src/domain/offboarding-schema';
import * as f from './fixtures-domain';
import { problems, withField } from './fixtures-domain';

const GOLDEN = join(__dirname, 'golden', 'domain-inputs.json');
const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string[]>;
const seen: Record<string, string[]> = {};
after(() => {
  if (process.env.ONRAMP_UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(seen, null, 2)}\n`);
});

type Parse = (value: unknown) => unknown;

const pathOf = (problem: string) => problem.slice(0, problem.indexOf(': '));

/**
 * `[label, field, value, expected paths]`: the base input with `field` set to `value` is refused with one
 * problem per expected path (default: the field itself), in that order.
 */
type Bad = [label: string, field: string, value: unknown, paths?: string[]];

function refuses(name: string, parse: Parse, base: () => unknown, cases: Bad[]): void {
  it(`${name}: each broken field refused under its own path, with its fix`, () => {
    assert.deepEqual(problems(parse, base()), [], 'the base input is valid');
    const wrong: string[] = [];
    for (const [label, field, value, paths = [field]] of cases) {
      const p = problems(parse, withField(base(), field, value));
      const key = `${name}: ${label}`;
      assert.ok(!(key in seen), `one case per label: ${key}`);
      seen[key] = p;
      if (JSON.stringify(p.map(pathOf)) !== JSON.stringify(paths))
        wrong.push(`${key}: expected ${paths.join(', ')}, got\n  ${p.join('\n  ')}`);
      else if (!process.env.ONRAMP_UPDATE_GOLDEN && JSON.stringify(p) !== JSON.stringify(golden[key]))
        wrong.push(`${key}: wording differs from the golden file\n  ${p.join('\n  ')}`);
    }
    assert.deepEqual(wrong, []);
  });
}

/** `[label, field, value]`: accepted (a boundary value, an alternative form). */
function accepts(name: string, parse: Parse, base: () => unknown, cases: [string, string, unknown][]): void {
  it(`${name}: boundary values accepted`, () => {
    const refused = cases
      .map(([label, field, value]) => [label, problems(parse, withField(base(), field, value))] as const)
      .filter(([, p]) => p.length)
      .map(([label, p]) => `${name}: ${label}: ${p.join('; ')}`);
    assert.deepEqual(refused, []);
  });
}

const digits = (n: number) => '1'.repeat(n);
const TOO_LONG_DOMAIN = `${['a', 'b', 'c', 'd'].map((c) => c.repeat(63)).join('.')}.com`;

describe('google delegation input', () => {
  refuses('delegation', parseDelegationInput, f.delegation, [
    ['not an object', 'customer', 'contoso.example'],
    ['domain missing', 'customer.domain', undefined],
    ['domain with a scheme', 'customer.domain', 'https://contoso.example', ['customer.domain', 'adminEmail']],
    ['domain with a path', 'customer.domain', 'contoso.example/x', ['customer.domain', 'adminEmail']],
    ['domain without TLD', 'customer.domain', 'contoso', ['customer.domain', 'adminEmail']],
    ['one-letter TLD', 'customer.domain', 'contoso.e', ['customer.domain', 'adminEmail']],
    ['TLD with a digit', 'customer.domain', 'contoso.ex4mple', ['customer.domain', 'adminEmail']],
    ['TLD of 64 letters', 'customer.domain', `contoso.${'e'.repeat(64)}`, ['customer.domain', 'adminEmail']],
    ['label of 64', 'customer.domain', `${'a'.repeat(64)}.example`, ['customer.domain', 'adminEmail']],
    ['label starting with a dash', 'customer.domain', '-contoso.example', ['customer.domain', 'adminEmail']],
    ['label ending with a dash', 'customer.domain', 'contoso-.example', ['customer.domain', 'adminEmail']],
    ['empty label', 'customer.domain', 'contoso..example', ['customer.domain', 'adminEmail']],
    ['over 253 characters', 'customer.domain', TOO_LONG_DOMAIN, ['customer.domain', 'adminEmail']],
    ['underscore', 'customer.domain', 'con_toso.example', ['customer.domain', 'adminEmail']],
    ['secondary domain invalid', 'customer.secondaryDomains', ['x'], ['customer.secondaryDomains.0']],
    ['101 secondary domains', 'customer.secondaryDomains', Array.from({ length: 101 }, (_, i) => `d${i}.example`)],
    ['empty name', 'customer.name', ' '],
    ['name of 201', 'customer.name', 'n'.repeat(201)],
    ['unknown key near a known one', 'customer.domian', 'x'],
    ['unknown key far from any', 'customer.colour', 'x'],
    ['admin of another domain', 'adminEmail', 'admin@fabrikam.example'],
    ['admin on a look-alike domain', 'adminEmail', 'admin@evilcontoso.example'],
    ['admin not an email', 'adminEmail', 'admin'],
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ['support email missing', 'vendor.supportEmail', undefined],
    ['client ID is the email', 'serviceAccount.clientId', 'sa@p.iam.gserviceaccount.com'],
    ['client ID of 14 digits', 'serviceAccount.clientId', digits(14)],
    ['client ID of 26 digits', 'serviceAccount.clientId', digits(26)],
    ['client ID with a letter after the digits', 'serviceAccount.clientId', `${digits(20)}a`],
    ['client ID with a letter before the digits', 'serviceAccount.clientId', `a${digits(20)}`],
    ['key pasted', 'serviceAccount.keyRef', '-----BEGIN PRIVATE KEY-----'],
    ['key missing', 'serviceAccount.keyRef', undefined],
    ['scope not a URL', 'scopes', ['gmail'], ['scopes.0']],
    ['scope over http', 'scopes', ['http://www.googleapis.com/auth/drive'], ['scopes.0']],
    ['scope with a prefix', 'scopes', ['xhttps://www.googleapis.com/auth/drive'], ['scopes.0']],
    ['scope with a suffix', 'scopes', ['https://mail.google.com/x'], ['scopes.0']],
    ['scope with upper case', 'scopes', ['https://www.googleapis.com/auth/Drive'], ['scopes.0']],
    ['scope of another host', 'scopes', ['https://www.example.com/auth/drive'], ['scopes.0']],
    ['aggregate directory scope', 'scopes', ['https://www.googleapis.com/auth/admin.directory'], ['scopes.0']],
    ['aggregate gmail scope', 'scopes', ['https://www.googleapis.com/auth/gmail'], ['scopes.0']],
    [
      'duplicate scope',
      'scopes',
      ['https://mail.google.com/', 'https://www.googleapis.com/auth/drive', 'https://mail.google.com/'],
      ['scopes.2'],
    ],
    ['no scopes', 'scopes', []],
    ['101 scopes', 'scopes', Array.from({ length: 101 }, (_, i) => `https://www.googleapis.com/auth/s${i}`)],
    ['initial interval 0', 'polling.initialIntervalSeconds', 0],
    ['initial interval fractional', 'polling.initialIntervalSeconds', 1.5],
    [
      'initial interval 3601',
      'polling.initialIntervalSeconds',
      3601,
      ['polling.initialIntervalSeconds', 'polling.maxIntervalSeconds'],
    ],
    ['max interval 0', 'polling.maxIntervalSeconds', 0, ['polling.maxIntervalSeconds', 'polling.maxIntervalSeconds']],
    ['max interval over a day', 'polling.maxIntervalSeconds', 86_401],
    ['max below initial', 'polling.maxIntervalSeconds', 9],
    ['deadline 0', 'polling.deadlineHours', 0],
    ['deadline over 30 days', 'polling.deadlineHours', 721],
    ['rounds 0', 'polling.roundsPerRun', 0],
    ['rounds 1001', 'polling.roundsPerRun', 1001],
    ['rounds fractional', 'polling.roundsPerRun', 2.5],
  ]);
  accepts('delegation', parseDelegationInput, f.delegation, [
    ['admin on a subdomain', 'adminEmail', 'admin@eu.contoso.example'],
    ['admin on a secondary domain', 'adminEmail', 'admin@contoso-mail.example'],
    ['one-letter labels', 'customer.secondaryDomains', ['a.b.co']],
    ['label of 63', 'customer.secondaryDomains', [`${'a'.repeat(63)}.example`]],
    ['TLD of 63', 'customer.secondaryDomains', [`contoso.${'e'.repeat(63)}`]],
    ['100 secondary domains', 'customer.secondaryDomains', Array.from({ length: 100 }, (_, i) => `d${i}.example`)],
    ['client ID of 15 digits', 'serviceAccount.clientId', digits(15)],
    ['client ID of 25 digits', 'serviceAccount.clientId', digits(25)],
    ['mail scope', 'scopes', ['https://mail.google.com/']],
    ['www.google.com scope', 'scopes', ['https://www.google.com/m8/feeds']],
    ['100 scopes', 'scopes', Array.from({ length: 100 }, (_, i) => `https://www.googleapis.com/auth/s${i}`)],
    ['equal intervals', 'polling', { initialIntervalSeconds: 60, maxIntervalSeconds: 60 }],
    ['interval bounds', 'polling', { initialIntervalSeconds: 3600, maxIntervalSeconds: 86_400, deadlineHours: 720 }],
    ['smallest', 'polling', { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 0.5, roundsPerRun: 1 }],
    ['rounds 1000', 'polling.roundsPerRun', 1000],
  ]);
});

const atCases = (prefix: string): Bad[] => [
  [`${prefix}username not an email`, `${prefix}username`, 'api-user'],
  [`${prefix}secret pasted`, `${prefix}secretRef`, 'Zq8!secret'],
  [`${prefix}secret missing`, `${prefix}secretRef`, undefined],
  [`${prefix}a vendor code typed into the order`, `${prefix}integrationCode`, 'ABCDEFGHIJ0123456789'],
  [`${prefix}unknown field`, `${prefix}password`, 'x'],
];

const webhookCases = (w: string): Bad[] => [
  ['name with a space', `${w}.name`, 'office protect'],
  ['name starting with a dash', `${w}.name`, '-office'],
  ['name of 51', `${w}.name`, 'n'.repeat(51)],
  ['unknown entity', `${w}.entities`, ['Tickets'], [`${w}.entities.0`]],
  ['no entity', `${w}.entities`, []],
  ['URL not absolute', `${w}.webhookUrl`, '/webhooks/autotask/acme'],
  ['URL over http', `${w}.webhookUrl`, 'http://hooks.example.com/webhooks/autotask/acme'],
  ['URL of another scheme', `${w}.webhookUrl`, 'ftp://hooks.example.com/x'],
  ['URL without host', `${w}.webhookUrl`, 'mailto:ops@example.com'],
  ['URL of 401', `${w}.webhookUrl`, `https://hooks.example.com/${'p'.repeat(375)}`],
  ['same URL twice', `${w}.deactivationUrl`, 'https://hooks.example.com/webhooks/autotask/acme'],
  ['signing key pasted', `${w}.signingKeyRef`, 'master-key'],
  ['field list empty', `${w}.fields`, { Ticket: [] }, [`${w}.fields.Ticket`]],
  ['field name empty', `${w}.fields`, { Ticket: [''] }, [`${w}.fields.Ticket.0`]],
  ['event not a boolean', `${w}.events.create`, 'yes'],
  ['unknown event', `${w}.events.close`, true],
  ['notification email invalid', `${w}.notificationEmail`, 'ops'],
];

const timingCases: Bad[] = [
  ['poll 0.1 s', 'timing.readyPollSeconds', 0.1],
  ['poll 601 s', 'timing.readyPollSeconds', 601],
  ['ready deadline 0', 'timing.readyDeadlineMinutes', 0],
  ['ready deadline over a day', 'timing.readyDeadlineMinutes', 1441],
  ['operator deadline 0', 'timing.operatorDeadlineHours', 0],
  ['operator deadline over 30 days', 'timing.operatorDeadlineHours', 721],
  ['reminder 0', 'timing.reminderMinutes', 0],
  ['reminder over a day', 'timing.reminderMinutes', 1441],
];

describe('autotask inputs', () => {
  refuses('autotask onboarding', parseAutotaskOnboardingInput, f.autotask, [
    ['customer slug upper case', 'customer.id', 'Acme'],
    ['customer slug starting with a dash', 'customer.id', '-acme'],
    ['customer slug of 64', 'customer.id', 'a'.repeat(64)],
    ['customer slug with a dot', 'customer.id', 'acme.eu'],
    ['customer name empty', 'customer.name', ''],
    ['customer name of 201', 'customer.name', 'n'.repeat(201)],
    ['vendor name empty', 'vendor.name', ' '],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ['integration vendor typed into the order', 'vendor.integrationVendor', 'Office Protect - Alert Integration'],
    ['vendor profile missing', 'vendorProfile', undefined],
    ['vendor profile not a slug', 'vendorProfile', 'Office Protect'],
    ['vendor profile of 64', 'vendorProfile', 'o'.repeat(64)],
    ['integration ID upper case', 'integrationId', 'Office'],
    ['integration ID of 64', 'integrationId', 'o'.repeat(64)],
    ...atCases('credentials.'),
    ...webhookCases('webhook'),
    ['max webhooks 0', 'maxWebhooks', 0],
    ['max webhooks 101', 'maxWebhooks', 101],
    ['max webhooks fractional', 'maxWebhooks', 2.5],
    ...timingCases,
  ]);
  accepts('autotask onboarding', parseAutotaskOnboardingInput, f.autotask, [
    [
      'loopback http',
      'webhook',
      { ...f.webhook(), webhookUrl: 'http://localhost:9/a', deactivationUrl: 'http://127.0.0.1:9/b' },
    ],
    ['IPv6 loopback http', 'webhook.webhookUrl', 'http://[::1]:9/a'],
    ['one-letter slugs', 'customer.id', 'a'],
    ['slug of 63', 'integrationId', 'o'.repeat(63)],
    ['name of 50', 'webhook.name', `a${'._-'.repeat(16)}b`],
    ['URL of 400', 'webhook.webhookUrl', `https://hooks.example.com/${'p'.repeat(374)}`],
    ['vendor profile of 63', 'vendorProfile', 'o'.repeat(63)],
    ['bounds', 'maxWebhooks', 100],
    ['one webhook', 'maxWebhooks', 1],
    [
      'timing bounds',
      'timing',
      { readyPollSeconds: 0.2, readyDeadlineMinutes: 1440, operatorDeadlineHours: 720, reminderMinutes: 1440 },
    ],
    ['timing max poll', 'timing.readyPollSeconds', 600],
  ]);
  refuses('autotask rotation', parseAutotaskRotationInput, f.autotaskRotation, [
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ['integration ID upper case', 'integrationId', 'Sophos'],
    ...atCases('oldUser.'),
    ['same user twice', 'newUser.username', 'OLD@acme.example'],
    ['no old webhooks', 'oldWebhooks', []],
    ['old webhook id 0', 'oldWebhooks', [{ entity: 'Ticket', id: 0 }], ['oldWebhooks.0.id']],
    ['old webhook id fractional', 'oldWebhooks', [{ entity: 'Ticket', id: 1.5 }], ['oldWebhooks.0.id']],
    ['old webhook entity unknown', 'oldWebhooks', [{ entity: 'Tickets', id: 1 }], ['oldWebhooks.0.entity']],
    ['webhook name invalid', 'webhook.name', 'sophos v2'],
    ...timingCases.slice(0, 2),
  ]);
  refuses('autotask secret rotation', parseAutotaskSecretRotationInput, f.autotaskSecretRotation, [
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ...atCases('credentials.'),
    ['no webhooks', 'webhooks', []],
    ['webhook name empty', 'webhooks', [{ entity: 'Ticket', name: ' ' }], ['webhooks.0.name']],
    ['webhook name of 51', 'webhooks', [{ entity: 'Ticket', name: 'n'.repeat(51) }], ['webhooks.0.name']],
    ['webhook entity unknown', 'webhooks', [{ entity: 'Note', name: 'x' }], ['webhooks.0.entity']],
    ['signing key pasted', 'signingKeyRef', 'master'],
    ['signing key missing', 'signingKeyRef', undefined],
    ['overlap under 3 min', 'overlapMinutes', 2.9],
    ['overlap over a week', 'overlapMinutes', 7 * 24 * 60 + 1],
  ]);
  accepts('autotask secret rotation', parseAutotaskSecretRotationInput, f.autotaskSecretRotation, [
    ['overlap 3 min', 'overlapMinutes', 3],
    ['overlap a week', 'overlapMinutes', 7 * 24 * 60],
    ['webhook name of 50', 'webhooks', [{ entity: 'TicketNote', name: 'n'.repeat(50) }]],
  ]);
});

const connectionCases = (c: string): Bad[] => [
  ['site with a path', `${c}.site`, 'na.myconnectwise.net/v4_6_release'],
  ['site with a space', `${c}.site`, 'na myconnectwise.net'],
  ['site starting with a dot', `${c}.site`, '.myconnectwise.net'],
  ['site ending with a dash', `${c}.site`, 'myconnectwise-'],
  ['site with a 6-digit port', `${c}.site`, 'cw.example:123456'],
  ['site with an empty port', `${c}.site`, 'cw.example:'],
  ['site over 253', `${c}.site`, `${'a'.repeat(254)}`],
  ['site empty', `${c}.site`, ''],
  ['company ID with a space', `${c}.companyId`, 'Contoso MSP'],
  ['company ID of 51', `${c}.companyId`, 'c'.repeat(51)],
  ['company ID empty', `${c}.companyId`, ''],
  ['public key of 15', `${c}.publicKey`, 'A'.repeat(15)],
  ['public key of 17', `${c}.publicKey`, 'A'.repeat(17)],
  ['public key with a dash', `${c}.publicKey`, 'AbCdEfGh-2345678'],
  ['private key pasted', `${c}.privateKeyRef`, 'ZyXwVuTs98765432'],
  ['private key not a reference', `${c}.privateKeyRef`, 'the-key'],
  ['client ID not a GUID', `${c}.clientId`, 'sophos'],
  ['client ID without dashes', `${c}.clientId`, '3f2504e04f8911d39a0c0305e82c3301'],
  ['client ID with a prefix', `${c}.clientId`, `x${f.CW_CLIENT_ID}`],
  ['client ID with a suffix', `${c}.clientId`, `${f.CW_CLIENT_ID}0`],
  ['client ID with a g', `${c}.clientId`, 'gf2504e0-4f89-11d3-9a0c-0305e82c3301'],
  ['API member with a space', `${c}.apiMember`, 'onramp api'],
  ['API member of 31', `${c}.apiMember`, 'm'.repeat(31)],
  ['API member empty', `${c}.apiMember`, ''],
  ['unknown field', `${c}.privateKey`, 'ZyXwVuTs98765432'],
];

describe('connectwise inputs', () => {
  refuses('connectwise onboarding', parseConnectwiseOnboardingInput, f.connectwise, [
    ['customer name empty', 'customer.name', '', ['customer.name', 'customer.name']],
    ['customer name with a quote', 'customer.name', 'Contoso "MSP"'],
    ['customer name with a backslash', 'customer.name', 'Contoso\\MSP'],
    ['customer name of 101', 'customer.name', 'c'.repeat(101)],
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ...connectionCases('connection'),
    ['reminder 0', 'keyWait.reminderIntervalSeconds', 0],
    ['reminder fractional', 'keyWait.reminderIntervalSeconds', 1.5],
    ['reminder over a week', 'keyWait.reminderIntervalSeconds', 7 * 24 * 3600 + 1],
    ['key deadline 0', 'keyWait.deadlineHours', 0],
    ['key deadline over 30 days', 'keyWait.deadlineHours', 721],
    ['recheck 0', 'permissionWait.recheckIntervalSeconds', 0],
    ['recheck fractional', 'permissionWait.recheckIntervalSeconds', 1.5],
    ['recheck over a day', 'permissionWait.recheckIntervalSeconds', 86_401],
    ['permission deadline 0', 'permissionWait.deadlineHours', 0],
    ['permission deadline over 30 days', 'permissionWait.deadlineHours', 721],
    ['customer identifier with a space', 'customers.0.identifier', 'Acme Corp'],
    ['customer identifier of 26', 'customers.0.identifier', 'i'.repeat(26)],
    ['listed customer name empty', 'customers.0.name', ' '],
    ['listed customer name of 51', 'customers.0.name', 'n'.repeat(51)],
    ['duplicate customer (case-insensitive)', 'customers.1.identifier', 'ACMECORP', ['customers.1.identifier']],
    ['5001 customers', 'customers', Array.from({ length: 5001 }, (_, i) => ({ identifier: `c${i}`, name: 'C' }))],
    ['agreement name empty', 'billing.agreement.name', '', ['billing.agreement.name', 'billing.agreement.name']],
    ['agreement name with a quote', 'billing.agreement.name', 'A"B'],
    ['agreement name of 51', 'billing.agreement.name', 'a'.repeat(51)],
    ['agreement type of 51', 'billing.agreement.type', 't'.repeat(51)],
    ['product identifier with a space', 'billing.product.identifier', 'EP 1'],
    ['product identifier of 26', 'billing.product.identifier', 'p'.repeat(26)],
    ['product description of 61', 'billing.product.description', 'd'.repeat(61)],
    ['negative price', 'billing.product.price', -1],
    ['price over a million', 'billing.product.price', 1_000_001],
    ['unknown sync mode', 'syncMode', 'dry-run'],
    ['company opt-in without an address', 'sync', { createMissingCompanies: true }, ['sync.companyAddress']],
    ['company address empty', 'sync', { companyAddress: {} }, ['sync.companyAddress']],
    ['company address blank city', 'sync', { companyAddress: { city: ' ' } }, ['sync.companyAddress.city']],
    ['company address zip of 13', 'sync', { companyAddress: { zip: '1'.repeat(13) } }, ['sync.companyAddress.zip']],
    [
      'company address country',
      'sync',
      { companyAddress: { city: 'Milano', country: 'IT' } },
      ['sync.companyAddress.country'],
    ],
  ]);
  accepts('connectwise onboarding', parseConnectwiseOnboardingInput, f.connectwise, [
    ['site as a URL', 'connection.site', ' HTTPS://NA.MyConnectWise.net/ '],
    ['site with a port', 'connection.site', 'cw.example:8443'],
    ['site of one letter', 'connection.site', 'a'],
    ['site of 253', 'connection.site', 'a'.repeat(253)],
    ['company ID of 50', 'connection.companyId', `${'c'.repeat(47)}_.-`],
    ['client ID upper case', 'connection.clientId', f.CW_CLIENT_ID.toUpperCase()],
    ['API member of 30', 'connection.apiMember', 'm'.repeat(30)],
    ['private key by store reference', 'connection.privateKeyRef', 'store:SO-1/cw'],
    ['partial connection', 'connection', { site: 'na.myconnectwise.net' }],
    ['no connection', 'connection', undefined],
    ['customer identifier of 25', 'customers.0.identifier', `${'i'.repeat(22)}_.-`],
    ['5000 customers', 'customers', Array.from({ length: 5000 }, (_, i) => ({ identifier: `c${i}`, name: 'C' }))],
    ['bounds', 'keyWait', { reminderIntervalSeconds: 7 * 24 * 3600, deadlineHours: 720 }],
    ['bounds', 'permissionWait', { recheckIntervalSeconds: 86_400, deadlineHours: 720 }],
    ['smallest', 'permissionWait', { recheckIntervalSeconds: 1, deadlineHours: 0.1 }],
    ['price bounds', 'billing.product.price', 1_000_000],
    ['free', 'billing.product.price', 0],
    ['apply', 'syncMode', 'apply'],
    ['company opt-in with a city', 'sync', { createMissingCompanies: true, companyAddress: { city: 'Milano' } }],
    ['company address bounds', 'sync', { companyAddress: { addressLine1: 'a'.repeat(50), zip: 'z'.repeat(12) } }],
    ['match-only with an address', 'sync', { companyAddress: { zip: '20121' } }],
  ]);
  refuses('connectwise key rotation', parseCwKeyRotationInput, f.cwKeyRotation, [
    ['customer name with a quote', 'customer.name', 'A"B'],
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ['private key missing', 'connection.privateKeyRef', undefined],
    ['private key pasted', 'connection.privateKeyRef', 'ZyXwVuTs98765432'],
    ['reminder 0', 'timing.reminderMinutes', 0],
    ['reminder over a day', 'timing.reminderMinutes', 1441],
    ['recheck 0.1 s', 'timing.recheckSeconds', 0.1],
    ['recheck over a day', 'timing.recheckSeconds', 86_401],
    ['deadline 0', 'timing.operatorDeadlineHours', 0],
    ['deadline over 30 days', 'timing.operatorDeadlineHours', 721],
    ['company opt-in not a boolean', 'createMissingCompanies', 'yes'],
  ]);
  accepts('connectwise key rotation', parseCwKeyRotationInput, f.cwKeyRotation, [
    ['company opt-in', 'createMissingCompanies', true],
    ['timing bounds', 'timing', { reminderMinutes: 1440, recheckSeconds: 86_400, operatorDeadlineHours: 720 }],
    ['smallest recheck', 'timing.recheckSeconds', 0.2],
  ]);
});

describe('google admin role input', () => {
  refuses('admin roles', parseAdminRoleInput, f.adminRole, [
    ['unknown mode', 'mode', 'delete'],
    ['undo without ledger', 'mode', 'undo', ['undo.ledger']],
    ['customer ID a domain', 'customer.customerId', 'contoso.example'],
    ['customer ID my_customer', 'customer.customerId', 'my_customer'],
    ['customer ID of 5', 'customer.customerId', 'C12345'],
    ['customer ID of 13', 'customer.customerId', `C${'1'.repeat(13)}`],
    ['customer ID not C0', 'customer.customerId', 'C1234567a'],
    ['customer ID C0 and 6', 'customer.customerId', 'C0123456'],
    ['customer ID C0 and 9', 'customer.customerId', 'C0123456789'.slice(0, 11)],
    ['customer ID upper case', 'customer.customerId', 'C046PSXKN'],
    ['admin of another domain', 'adminEmail', 'admin@fabrikam.example'],
    ['vendor name empty', 'vendor.name', ''],
    ['vendor name of 101', 'vendor.name', 'v'.repeat(101)],
    ['key pasted', 'serviceAccount.keyRef', 'key'],
    ['group email invalid', 'group.email', 'analytics'],
    ['group name empty', 'group.displayName', ' '],
    ['group name of 121', 'group.displayName', 'g'.repeat(121)],
    ['group description of 4097', 'group.description', 'd'.repeat(4097)],
    ['group config unknown', 'group.initialGroupConfig', 'OWNER'],
    ['member role unknown', 'members.0.role', 'ADMIN'],
    ['member type unknown', 'members.0.type', 'DEVICE'],
    ['group member as owner', 'members.1.role', 'OWNER', ['members.1.role']],
    ['group member as manager', 'members.1.role', 'MANAGER', ['members.1.role']],
    ['member email invalid', 'members.0.email', 'teacher'],
    ['member twice', 'members.1.email', 'TEACHER@contoso.example'],
    ['group its own member', 'members.0.email', 'analytics@contoso.example'],
    ['role name empty', 'role.name', ''],
    ['role name of 101', 'role.name', 'r'.repeat(101)],
    ['role description of 1001', 'role.description', 'd'.repeat(1001)],
    ['no privilege', 'role.privileges', []],
    ['privilege lower case', 'role.privileges', ['edu_analytics'], ['role.privileges.0']],
    ['privilege of one letter', 'role.privileges', ['A'], ['role.privileges.0']],
    ['privilege starting with a digit', 'role.privileges', ['1ANALYTICS'], ['role.privileges.0']],
    ['privilege with a dash', 'role.privileges', ['EDU-ANALYTICS'], ['role.privileges.0']],
    ['privilege twice', 'role.privileges', ['A1', 'A1']],
    ['assignee type unknown', 'assignee', { type: 'team' }, ['assignee.type']],
    ['assignee user without email', 'assignee', { type: 'user' }, ['assignee.email']],
    [
      'assignee user is the group',
      'assignee',
      { type: 'user', email: 'analytics@contoso.example' },
      ['assignee.email'],
    ],
    ['org unit without a slash', 'scope.orgUnitPaths', ['Students'], ['scope.orgUnitPaths.0']],
    ['org unit with a trailing slash', 'scope.orgUnitPaths', ['/Students/'], ['scope.orgUnitPaths.0']],
    ['org unit root', 'scope.orgUnitPaths', ['/'], ['scope.orgUnitPaths.0']],
    ['org unit with a double slash', 'scope.orgUnitPaths', ['//Students'], ['scope.orgUnitPaths.0']],
    ['org unit twice', 'scope.orgUnitPaths', ['/A', '/A']],
    ['no org unit', 'scope.orgUnitPaths', []],
    ['customer scope with paths', 'scope', { type: 'CUSTOMER', orgUnitPaths: ['/A'] }, ['scope.orgUnitPaths']],
    ['propagation 0', 'membership.propagationTimeoutMinutes', 0],
    ['propagation over 2 h', 'membership.propagationTimeoutMinutes', 121],
    ['poll 0', 'membership.pollSeconds', 0],
    ['poll over 10 min', 'membership.pollSeconds', 601],
    ['batch 0', 'membership.batchSize', 0],
    ['batch 1001', 'membership.batchSize', 1001],
    ['batch fractional', 'membership.batchSize', 2.5],
    [
      'ledger incomplete',
      'undo',
      { ledger: { groupCreated: true } },
      ['undo.ledger.membersAdded', 'undo.ledger.roleCreated', 'undo.ledger.assignmentIds'],
    ],
  ]);
  accepts('admin roles', parseAdminRoleInput, f.adminRole, [
    ['customer ID without C', 'customer.customerId', '046psxkn'],
    ['customer ID lower-case c', 'customer.customerId', 'c046psxkn'],
    ['customer ID C0 and 7', 'customer.customerId', 'C03xgje4y'],
    ['customer ID C0 and 8', 'customer.customerId', 'C0123456a'.concat('b')],
    ['org unit of one letter, nested', 'scope.orgUnitPaths', ['/S', '/Students/Grade 1']],
    ['assignee user', 'assignee', { type: 'user', email: 'teacher@contoso.example' }],
    ['plan', 'mode', 'plan'],
    ['undo with ledger', 'undo', { ledger: f.ledger() }],
    ['bounds', 'membership', { propagationTimeoutMinutes: 120, pollSeconds: 600, batchSize: 1000 }],
    ['smallest batch', 'membership.batchSize', 1],
    ['privilege of two', 'role.privileges', ['A1', 'B_2']],
    ['description of 4096', 'group.description', 'd'.repeat(4096)],
  ]);
});

describe('orders, drift checks and offboarding', () => {
  refuses('order', parseOrder, f.order, [
    ['order ID missing', 'orderId', undefined],
    ['order ID empty', 'orderId', ' ', ['orderId', 'orderId']],
    ['order ID of 65', 'orderId', 'o'.repeat(65)],
    ['order ID with a colon', 'orderId', 'SO:1'],
    ['order ID with a slash', 'orderId', 'SO/1'],
    ['order ID starting with a dash', 'orderId', '-SO1'],
    ['customer slug invalid', 'customer.id', 'Acme Corp'],
    ['customer name empty', 'customer.name', ''],
    ['customer name of 201', 'customer.name', 'n'.repeat(201)],
    ['no integration', 'integrations', {}],
    ['unknown integration', 'integrations.sophos', {}],
    ['roles without delegation', 'integrations.googleDelegation', undefined, ['integrations.googleAdminRoles']],
    [
      'delegation without the role scopes',
      'integrations.googleDelegation.scopes',
      [
        'https://www.googleapis.com/auth/admin.directory.user.readonly',
        'https://www.googleapis.com/auth/admin.directory.group.member',
      ],
      ['integrations.googleDelegation.scopes'],
    ],
    ['roles for another admin', 'integrations.googleAdminRoles.adminEmail', 'other@contoso.example'],
    [
      'roles for another Workspace',
      'integrations.googleAdminRoles.customer.domain',
      'fabrikam.example',
      ['integrations.googleAdminRoles.adminEmail', 'integrations.googleAdminRoles.customer.domain'],
    ],
    ['drift every 0.5 h', 'schedules.driftCheckEveryHours', 0.5],
    ['drift every 721 h', 'schedules.driftCheckEveryHours', 721],
    ['drift every "24"', 'schedules.driftCheckEveryHours', '24'],
    ['rotate every 0 days', 'schedules.rotateEveryDays.autotask', 0],
    ['rotate every 366 days', 'schedules.rotateEveryDays.connectwise', 366],
    ['rotate every 1.5 days', 'schedules.rotateEveryDays.autotask', 1.5],
    ['rotate every "90"', 'schedules.rotateEveryDays.autotask', '90'],
  ]);
  accepts('order', parseOrder, f.order, [
    ['order ID of 64', 'orderId', `S${'o'.repeat(60)}._-`],
    [
      'roles on a secondary domain',
      'integrations',
      {
        googleDelegation: { ...f.delegation(), adminEmail: 'admin@contoso-mail.example' },
        googleAdminRoles: {
          ...f.adminRole(),
          customer: { domain: 'contoso-mail.example', customerId: 'C046psxkn' },
          adminEmail: 'admin@contoso-mail.example',
        },
      },
    ],
    ['delegation alone', 'integrations', { googleDelegation: f.delegation() }],
    ['autotask alone', 'integrations', { autotask: f.autotask() }],
    ['connectwise alone', 'integrations', { connectwise: f.connectwise() }],
    ['schedule bounds', 'schedules', { driftCheckEveryHours: 1, rotateEveryDays: { autotask: 1, connectwise: 365 } }],
    ['drift every 30 days', 'schedules.driftCheckEveryHours', 720],
  ]);
  refuses('drift check', parseDriftCheckInput, f.drift, [
    ['customer slug invalid', 'customer.id', 'Acme'],
    ['customer name empty', 'customer.name', ''],
    ['order ID invalid', 'orderId', 'SO:1'],
    ['client ID of 14', 'googleDelegation.serviceAccount.clientId', digits(14)],
    ['client ID of 26', 'googleDelegation.serviceAccount.clientId', digits(26)],
    ['key pasted', 'googleDelegation.serviceAccount.keyRef', 'key'],
    ['no scopes', 'googleDelegation.scopes', []],
    ['tenant invalid', 'autotask.tenant', 'Acme'],
    ['tenant of 64', 'autotask.tenant', 'a'.repeat(64)],
    ['webhook id 0', 'autotask.webhooks.0.id', 0],
    ['webhook name of 51', 'autotask.webhookNames.0.name', 'n'.repeat(51)],
    ['webhook fields empty', 'autotask.webhookNames.0.fields', []],
    ['six webhook names', 'autotask.webhookNames', Array.from({ length: 6 }, () => ({ entity: 'Ticket', name: 'x' }))],
    ['private key missing', 'connectwise.connection.privateKeyRef', undefined],
    ['no billed customer', 'connectwise.billing.customers', []],
    ['billed customer invalid', 'connectwise.billing.customers', ['Acme Corp'], ['connectwise.billing.customers.0']],
    ['agreement with a quote', 'connectwise.billing.agreementName', 'A"'],
    ['catalog item invalid', 'connectwise.billing.catalogItem', 'EP 1'],
    ['roles request invalid', 'googleAdminRoles.request.mode', 'x'],
  ]);
  it('drift check: nothing to check is refused, an order ID alone is enough', () => {
    assert.deepEqual(problems(parseDriftCheckInput, { customer: { id: 'acme', name: 'Acme' } }), [
      '(input): give orderId, or at least one of googleDelegation, googleAdminRoles, autotask, connectwise to check',
    ]);
    assert.deepEqual(problems(parseDriftCheckInput, { customer: { id: 'acme', name: 'Acme' }, orderId: 'SO-1' }), []);
    for (const only of ['googleDelegation', 'googleAdminRoles', 'autotask', 'connectwise'] as const)
      assert.deepEqual(
        problems(parseDriftCheckInput, { customer: { id: 'acme', name: 'Acme' }, [only]: f.drift()[only] }),
        [],
        only
      );
  });
  refuses('offboarding', parseOffboardingInput, f.offboarding, [
    ['order ID invalid', 'orderId', 'SO/1'],
    ['customer slug invalid', 'customer.id', 'A'],
    ['customer name empty', 'customer.name', ''],
    ['customer name of 201', 'customer.name', 'n'.repeat(201)],
    ['unknown mode', 'mode', 'undo'],
    ['ledger missing', 'googleAdminRoles.ledger', undefined],
    ['domain invalid', 'googleDelegation.domain', 'contoso'],
    ['client ID of 14', 'googleDelegation.serviceAccount.clientId', digits(14)],
    ['client ID of 26', 'googleDelegation.serviceAccount.clientId', digits(26)],
    ['key pasted', 'googleDelegation.serviceAccount.keyRef', 'key'],
    ['no scopes', 'googleDelegation.scopes', []],
    ['tenant invalid', 'autotask.tenant', 'Acme'],
    ['webhook name invalid', 'autotask.webhooks.0.name', 'a b'],
    ['six webhooks', 'autotask.webhooks', Array.from({ length: 6 }, () => ({ entity: 'Ticket', name: 'x' }))],
    ['private key missing', 'connectwise.connection.privateKeyRef', undefined],
    ['customer invalid', 'connectwise.customers', ['a b'], ['connectwise.customers.0']],
    ['5001 customers', 'connectwise.customers', Array.from({ length: 5001 }, (_, i) => `c${i}`)],
    ['agreement with a backslash', 'connectwise.agreementName', 'A\\'],
    ['catalog item invalid', 'connectwise.catalogItem', 'EP 1'],
    ['created companies invalid', 'connectwise.created.companies', ['a b'], ['connectwise.created.companies.0']],
    ['5001 created companies', 'connectwise.created.companies', Array.from({ length: 5001 }, (_, i) => `c${i}`)],
    ['created catalog item not a boolean', 'connectwise.created.catalogItem', 'yes'],
    ['created agreements invalid', 'connectwise.created.agreements', ['a b'], ['connectwise.created.agreements.0']],
    ['created agreements not a list', 'connectwise.created.agreements', 'OF0001'],
    ['5001 created additions', 'connectwise.created.additions', Array.from({ length: 5001 }, (_, i) => `c${i}`)],
    ['recheck 0.1 s', 'timing.recheckSeconds', 0.1],
    ['recheck over a day', 'timing.recheckSeconds', 86_401],
    ['deadline 0', 'timing.operatorDeadlineHours', 0],
    ['deadline over 30 days', 'timing.operatorDeadlineHours', 721],
  ]);
  accepts('offboarding', parseOffboardingInput, f.offboarding, [
    ['no connection', 'connectwise.connection', undefined],
    ['no credentials', 'autotask.credentials', undefined],
    [
      'five webhooks',
      'autotask.webhooks',
      ['Company', 'Contact', 'ConfigurationItem', 'Ticket', 'TicketNote'].map((entity) => ({ entity, name: 'x' })),
    ],
    ['timing bounds', 'timing', { recheckSeconds: 86_400, operatorDeadlineHours: 720 }],
    ['smallest recheck', 'timing.recheckSeconds', 0.2],
    ['5000 companies', 'connectwise.created.companies', Array.from({ length: 5000 }, (_, i) => `c${i}`)],
    ['created agreements and additions', 'connectwise.created', { agreements: ['OF0001'], additions: [] }],
  ]);
});
