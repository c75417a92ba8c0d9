/**
 * Behaviour the first mutation run over src/domain showed untested (surviving or uncovered mutants), without
 * a Temporal server (part of `npm run test:mutation`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_WEBHOOK_FIELDS,
  describeMissingPermissions,
  ENTITY_ENDPOINT,
  describeRestrictedPermissions,
  parseAutotaskOnboardingInput,
  parseAutotaskRotationInput,
  parseAutotaskSecretRotationInput,
  SECURITY_LEVELS_PATH,
} from '../../src/domain/autotask-schema';
import { connectionPatchSchema, parseConnectwiseOnboardingInput } from '../../src/domain/connectwise-schema';
import { parseCwKeyRotationInput } from '../../src/domain/connectwise-key-rotation-schema';
import { parseOrder } from '../../src/domain/customer-onboarding-schema';
import { parseDriftCheckInput } from '../../src/domain/drift-schema';
import { parseAdminRoleInput } from '../../src/domain/google-admin-roles-schema';
import { parseDelegationInput } from '../../src/domain/google-delegation-schema';
import { parseOffboardingInput } from '../../src/domain/offboarding-schema';
import { InputError, inputProblems } from '../../src/domain/field-validators';
import * as f from './fixtures-domain';
import { problems, withField } from './fixtures-domain';

describe('autotask', () => {
  it('webhook name and URLs are trimmed before they are checked and stored', () => {
    const parsed = parseAutotaskOnboardingInput(
      withField(
        withField(f.autotask(), 'webhook.name', '  office-protect  '),
        'webhook.webhookUrl',
        '  https://hooks.example.com/a  '
      )
    );
    assert.equal(parsed.webhook.name, 'office-protect');
    assert.equal(parsed.webhook.webhookUrl, 'https://hooks.example.com/a');
    assert.deepEqual(
      problems(
        parseAutotaskOnboardingInput,
        withField(f.autotask(), 'webhook.webhookUrl', ` ${f.webhook().deactivationUrl} `)
      ),
      ['webhook.deactivationUrl: must differ from webhookUrl so a deactivation is not mistaken for an event']
    );
  });

  it('plain http only for loopback, and only http: other schemes are refused even on loopback', () => {
    for (const url of ['ftp://localhost/a', 'ws://127.0.0.1/a', 'http://10.0.0.1/a'])
      assert.deepEqual(
        problems(parseAutotaskOnboardingInput, withField(f.autotask(), 'webhook.webhookUrl', url)).map((p) =>
          p.slice(0, p.indexOf(':'))
        ),
        ['webhook.webhookUrl'],
        url
      );
  });

  it('permissions: an action the API cannot do at all is not a security-level problem; Restricted is a warning', () => {
    const checks = [
      {
        entity: 'TicketWebhooks',
        action: 'delete',
        allowed: false,
        access: 'all',
        apiSupports: false,
        grantedBy: 'Other > Webhooks',
      },
      {
        entity: 'Tickets',
        action: 'update',
        allowed: false,
        access: 'none',
        apiSupports: true,
        grantedBy: 'Service Desk',
      },
      { entity: 'Companies', action: 'query', allowed: true, access: 'restricted', grantedBy: 'CRM' },
      { entity: 'Contacts', action: 'query', allowed: true, access: 'all', grantedBy: 'CRM' },
    ] as const;
    assert.deepEqual(describeMissingPermissions([...checks]), [
      "TicketWebhooks: Autotask's API cannot delete this entity for any user (entityInformation canDelete is false); no security level can fix this",
      `Tickets: cannot update, access None (grant Service Desk on the API user's security level: ${SECURITY_LEVELS_PATH} > the API user's level)`,
    ]);
    assert.deepEqual(describeRestrictedPermissions([...checks]), [
      `Companies: query is Restricted, not All: open ${SECURITY_LEVELS_PATH} > the API user's level > CRM and set it to All, or records outside the restriction stay invisible to the integration`,
    ]);
    assert.deepEqual(
      describeRestrictedPermissions([{ ...checks[2], allowed: false }]),
      [],
      'not allowed at all: a missing permission, not a warning'
    );
  });
});

/** Every path to a string in a JSON-like value (array elements by index). */
function stringPaths(value: unknown, at: string[] = []): string[] {
  if (typeof value === 'string') return [at.join('.')];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
}

/**
 * Typed values arrive with stray spaces (pasted from a console or a spreadsheet): every field is trimmed
 * (accepted, stored without the spaces) except secret references and enum values, which are refused, and
 * values Onramp stores as given: webhook field names and the ledger (IDs an apply run recorded). The drift
 * and offboarding inputs, unlike the delegation order, do not trim the service account's client ID.
 */
const REFUSED_PADDED =
  /(^|\.)(keyRef|secretRef|signingKeyRef|entity|entities\.\d+|mode|initialGroupConfig|role|syncMode|(assignee|scope|members\.\d+)\.type)$/;
const KEPT_PADDED = /(^|\.)(fields|ledger)\./;
const PADDED: [string, (v: unknown) => unknown, () => unknown, string[]][] = [
  ['delegation', parseDelegationInput, f.delegation, []],
  ['autotask onboarding', parseAutotaskOnboardingInput, f.autotask, []],
  ['autotask rotation', parseAutotaskRotationInput, f.autotaskRotation, []],
  ['autotask secret rotation', parseAutotaskSecretRotationInput, f.autotaskSecretRotation, []],
  ['connectwise onboarding', parseConnectwiseOnboardingInput, f.connectwise, []],
  ['connectwise key rotation', parseCwKeyRotationInput, f.cwKeyRotation, []],
  ['admin roles', parseAdminRoleInput, f.adminRole, []],
  ['order', parseOrder, f.order, []],
  ['drift check', parseDriftCheckInput, f.drift, ['googleDelegation.serviceAccount.clientId']],
  ['offboarding', parseOffboardingInput, f.offboarding, ['googleDelegation.serviceAccount.clientId']],
];

describe('stray spaces', () => {
  for (const [name, parse, base, alsoRefused] of PADDED)
    it(`${name}: trimmed, refused (secret references, enums) or kept as given`, () => {
      const clean = JSON.stringify(parse(base()));
      const expected: string[] = [];
      const actual: string[] = [];
      for (const path of stringPaths(base())) {
        const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], base()) as string;
        const padded = withField(base(), path, `  ${v}  `);
        const outcome = problems(parse, padded).length
          ? 'refused'
          : JSON.stringify(parse(padded)) === clean
            ? 'trimmed'
            : 'kept';
        actual.push(`${path}: ${outcome}`);
        expected.push(
          `${path}: ${REFUSED_PADDED.test(path) || alsoRefused.includes(path) ? 'refused' : KEPT_PADDED.test(path) ? 'kept' : 'trimmed'}`
        );
      }
      assert.deepEqual(actual, expected);
    });
});

describe('secret references', () => {
  it('a missing reference is named by its full path in the message', () => {
    const missing: [(v: unknown) => unknown, () => unknown, string][] = [
      [parseDelegationInput, f.delegation, 'serviceAccount.keyRef'],
      [parseAdminRoleInput, f.adminRole, 'serviceAccount.keyRef'],
      [parseAutotaskOnboardingInput, f.autotask, 'credentials.secretRef'],
      [parseAutotaskOnboardingInput, f.autotask, 'webhook.signingKeyRef'],
      [parseAutotaskSecretRotationInput, f.autotaskSecretRotation, 'signingKeyRef'],
      [parseDriftCheckInput, f.drift, 'googleDelegation.serviceAccount.keyRef'],
      [parseOffboardingInput, f.offboarding, 'googleDelegation.serviceAccount.keyRef'],
    ];
    for (const [parse, base, path] of missing) {
      const what = path.startsWith('credentials.') ? 'secretRef' : path;
      assert.deepEqual(
        problems(parse, withField(base(), path, undefined)),
        [`${path}: ${what} is required: give a reference such as file:/path/to/secret or env:VARIABLE_NAME`],
        path
      );
    }
  });
});

describe('what each parser calls its input', () => {
  it('the InputError names the input, so a caller with several knows which one was refused', () => {
    const titles: [(v: unknown) => unknown, string][] = [
      [parseDelegationInput, 'Google delegation onboarding input'],
      [parseAdminRoleInput, 'Google admin role provisioning input'],
      [parseAutotaskOnboardingInput, 'Autotask onboarding input'],
      [parseAutotaskRotationInput, 'Autotask webhook rotation input'],
      [parseAutotaskSecretRotationInput, 'Autotask signing-secret rotation input'],
      [parseConnectwiseOnboardingInput, 'ConnectWise onboarding input'],
      [parseCwKeyRotationInput, 'ConnectWise key rotation input'],
      [parseOrder, 'onboarding order'],
      [parseDriftCheckInput, 'drift check input'],
      [parseOffboardingInput, 'offboarding input'],
    ];
    for (const [parse, what] of titles)
      assert.throws(
        () => parse({}),
        (e: Error) => e instanceof InputError && e.what === what && e.message.startsWith(`Invalid ${what}:\n  - `),
        what
      );
  });
});

describe('patterns hold to the end of the value', () => {
  it('a valid beginning followed by anything else is refused', () => {
    const trailing: [(v: unknown) => unknown, () => unknown, string, string][] = [
      [parseAutotaskOnboardingInput, f.autotask, 'customer.id', 'acme!'],
      [parseAutotaskOnboardingInput, f.autotask, 'integrationId', 'office-protect!'],
      [parseAutotaskOnboardingInput, f.autotask, 'webhook.name', 'office protect'],
      [parseAutotaskOnboardingInput, f.autotask, 'vendorProfile', 'sophos-central!'],
      [parseAutotaskRotationInput, f.autotaskRotation, 'integrationId', 'sophos-central!'],
      [parseAutotaskSecretRotationInput, f.autotaskSecretRotation, 'customer.id', 'acme!'],
      [parseOrder, f.order, 'customer.id', 'acme!'],
      [parseOrder, f.order, 'orderId', 'SO-1!'],
      [parseDriftCheckInput, f.drift, 'customer.id', 'acme!'],
      [parseDriftCheckInput, f.drift, 'autotask.tenant', 'acme!'],
      [parseDriftCheckInput, f.drift, 'googleDelegation.serviceAccount.clientId', `${'1'.repeat(20)}x`],
      [parseOffboardingInput, f.offboarding, 'googleDelegation.serviceAccount.clientId', `${'1'.repeat(20)}x`],
      [parseConnectwiseOnboardingInput, f.connectwise, 'connection.companyId', 'Contoso!'],
      [parseConnectwiseOnboardingInput, f.connectwise, 'connection.apiMember', 'onramp!'],
      [parseConnectwiseOnboardingInput, f.connectwise, 'customers.0.identifier', 'AcmeCorp!'],
      [parseConnectwiseOnboardingInput, f.connectwise, 'billing.product.identifier', 'EP-1!'],
      [parseConnectwiseOnboardingInput, f.connectwise, 'connection.publicKey', 'AbCdEfGh12345678!'],
      [parseAdminRoleInput, f.adminRole, 'customer.customerId', 'C046psxkn!'],
      [parseAdminRoleInput, f.adminRole, 'role.privileges.0', 'EDU_ANALYTICS!'],
      [parseDelegationInput, f.delegation, 'customer.domain', 'contoso.example!'],
    ];
    const accepted = trailing
      .filter(([parse, base, path, value]) => !problems(parse, withField(base(), path, value)).length)
      .map(([, , path, value]) => `${path} = ${value}`);
    assert.deepEqual(accepted, []);
  });

  it('ConnectWise site: at most 253 characters before the port', () => {
    const site = (host: string) => withField(f.connectwise(), 'connection.site', host);
    assert.deepEqual(problems(parseConnectwiseOnboardingInput, site(`${'a'.repeat(250)}:8443`)), []);
    assert.deepEqual(problems(parseConnectwiseOnboardingInput, site(`${'a'.repeat(253)}:8443`)), []);
    assert.equal(problems(parseConnectwiseOnboardingInput, site(`${'a'.repeat(254)}:8443`)).length, 1);
    assert.equal(problems(parseConnectwiseOnboardingInput, site(`${'a'.repeat(250)}:84a3`)).length, 1);
  });
});

describe('ConnectWise connection patch', () => {
  it('a patch whose fields are all unset (a CLI with no option given) is refused, naming what it may carry', () => {
    const expected = ['(input): give at least one of site, companyId, publicKey, privateKeyRef, clientId, apiMember'];
    assert.deepEqual(inputProblems(connectionPatchSchema, { site: undefined, privateKeyRef: undefined }), expected);
    assert.deepEqual(inputProblems(connectionPatchSchema, {}), expected);
    assert.deepEqual(inputProblems(connectionPatchSchema, { apiMember: 'onramp-api' }), []);
  });
});

describe('prototype keys inside a record', () => {
  it('reported once, without the schema also reporting what lies under them', () => {
    assert.deepEqual(
      problems(
        parseAutotaskOnboardingInput,
        withField(f.autotask(), 'webhook.fields', { constructor: [''], Ticket: ['status'] })
      ),
      ['webhook.fields.constructor: "constructor" is not an accepted field name anywhere in an Onramp input; remove it']
    );
  });
});

describe('ConnectWise names and entities', () => {
  it('each plain name says which name it is', () => {
    assert.deepEqual(
      problems(parseConnectwiseOnboardingInput, withField(f.connectwise(), 'billing.agreement.type', 'A"B')),
      ['billing.agreement.type: the agreement type must not contain " or \\ (they break ConnectWise conditions)']
    );
    assert.deepEqual(
      problems(parseConnectwiseOnboardingInput, withField(f.connectwise(), 'billing.product.description', ' ')),
      [
        'billing.product.description: name the product description',
        'billing.product.description: the product description must not contain " or \\ (they break ConnectWise conditions)',
      ]
    );
  });

  it('Autotask: the fields each webhook subscribes to unless the order names them', () => {
    assert.deepEqual(DEFAULT_WEBHOOK_FIELDS, {
      Ticket: ['status', 'priority', 'title'],
      TicketNote: ['description'],
      Company: ['companyName'],
      Contact: ['emailAddress'],
      ConfigurationItem: ['serialNumber'],
    });
  });

  it('Autotask: the REST entity behind each webhook entity', () => {
    assert.deepEqual(ENTITY_ENDPOINT, {
      Company: 'Companies',
      Contact: 'Contacts',
      ConfigurationItem: 'ConfigurationItems',
      Ticket: 'Tickets',
      TicketNote: 'TicketNotes',
    });
  });
});
