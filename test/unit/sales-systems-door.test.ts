/**
 * The `systems` blocks of the sales mapping file (HubSpot, Salesforce, ConnectWise) read through the door an
 * operator uses, parseSalesMapping: what each accepted block becomes (trimmed, defaults, the HubSpot account ID
 * as digits) and, for each refused value, the exact line `line N: systems.<system>.<field>: the fix`.
 * test/unit/sales-system-schemas.test.ts checks the checksum of organization IDs and the ConnectWise site.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSalesMapping, SalesMappingError } from '../../src/domain/sales-mapping-schema';

const BASE = [
  'won: { hubspot: [closedwon], salesforce: [Closed Won], connectwise: [Won] }',
  'products: [{ sku: ONR-GWS, integrations: [googleDelegation] }]',
  'order: { customer.id: { company: name, transform: slug }, customer.name: { company: name } }',
  'integrations: { googleDelegation: { adminEmail: { contact: { role: Admin, field: email } } } }',
  'systems:',
];
/** The block's line in the file. */
const LINE = BASE.length + 1;

type System = 'hubspot' | 'salesforce' | 'connectwise';
/** The mapping file with one system block, written as a one-line flow map (JSON is YAML). */
const fileWith = (system: System, block: Record<string, unknown>): string =>
  [...BASE, `  ${system}: ${JSON.stringify(block)}`].join('\n');

const accepted = (system: System, block: Record<string, unknown>): unknown =>
  parseSalesMapping(fileWith(system, block), 'sales-mapping.yaml').systems[system];

function problems(system: System, block: Record<string, unknown>): string[] {
  try {
    parseSalesMapping(fileWith(system, block), 'sales-mapping.yaml');
  } catch (err) {
    if (err instanceof SalesMappingError) return err.problems;
    throw err;
  }
  assert.fail('the block was accepted');
}

/** `line N: systems.<system>.<field>: <message>` for each [field, message]. */
const at = (system: System, ...fieldMessages: [string, string][]): string[] =>
  fieldMessages.map(([field, message]) => `line ${LINE}: systems.${system}.${field}: ${message}`);

const REF_FIX = 'is required: give a reference such as file:/path/to/secret or env:VARIABLE_NAME';

describe('systems.hubspot', () => {
  const hs = {
    portalId: '62515',
    clientSecretRef: 'env:HUBSPOT_CLIENT_SECRET',
    accessTokenRef: 'file:/run/secrets/hubspot-token',
    webhookUrl: 'https://onramp.example.com/v1/sales/hubspot',
  };

  it('the account ID given as a YAML number becomes its digits; the API base URL defaults to HubSpot’s', () => {
    assert.deepEqual(accepted('hubspot', { ...hs, portalId: 62515 }), { ...hs, apiBaseUrl: 'https://api.hubapi.com' });
    assert.deepEqual(accepted('hubspot', { ...hs, apiBaseUrl: 'http://127.0.0.1:8496' }), {
      ...hs,
      apiBaseUrl: 'http://127.0.0.1:8496',
    });
  });

  it('a missing or non-scalar account ID asks for the Hub ID; anything but digits is refused', () => {
    const { portalId: _omit, ...noPortal } = hs;
    const required: [string, string] = ['portalId', 'is required: the HubSpot account ID (Hub ID), e.g. "62515"'];
    assert.deepEqual(problems('hubspot', noPortal), at('hubspot', required));
    assert.deepEqual(problems('hubspot', { ...hs, portalId: true }), at('hubspot', required));
    for (const portalId of ['x62515', '62515x', 'Hub 62515'])
      assert.deepEqual(
        problems('hubspot', { ...hs, portalId }),
        at('hubspot', ['portalId', 'must be the HubSpot account ID (Hub ID): digits, e.g. "62515"']),
        portalId
      );
  });

  it('each secret reference missing is named; URLs that are not URLs say which URL is meant', () => {
    assert.deepEqual(
      problems('hubspot', { portalId: '62515', webhookUrl: 'onramp.example.com/hook', apiBaseUrl: 'api.hubapi.com' }),
      at(
        'hubspot',
        ['clientSecretRef', `clientSecretRef ${REF_FIX}`],
        ['accessTokenRef', `accessTokenRef ${REF_FIX}`],
        ['webhookUrl', 'must be the URL HubSpot posts to, e.g. https://onramp.example.com/v1/sales/hubspot'],
        ['apiBaseUrl', 'must be a URL, e.g. https://api.hubapi.com']
      )
    );
  });
});

describe('systems.salesforce', () => {
  const sf = {
    organizationId: '00D5e000000KQ2e',
    loginUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9abcdefghijklmnopqrstuvwxyz0123456789',
    clientSecretRef: 'env:SF_CONSUMER_SECRET',
    outboundPathTokenRef: 'file:/run/secrets/sf-path-token',
  };

  it('values are trimmed, trailing slashes dropped, the API version kept as written', () => {
    assert.deepEqual(
      accepted('salesforce', {
        ...sf,
        organizationId: ' 00D5e000000KQ2e ',
        clientId: ` ${sf.clientId} `,
        loginUrl: '  https://acme.my.salesforce.com//  ',
        apiVersion: ' 61.0 ',
      }),
      { ...sf, organizationId: '00D5e000000KQ2eEAG', apiVersion: '61.0' }
    );
    assert.equal(
      (accepted('salesforce', { ...sf, apiVersion: '100.0' }) as { apiVersion: string }).apiVersion,
      '100.0'
    );
  });

  it('loginUrl: https only (http only on this machine), never with credentials, and a URL at all', () => {
    const fix =
      'loginUrl must be an https URL like https://acme.my.salesforce.com (http only for a simulator on this machine), without credentials';
    for (const loginUrl of [
      'acme.my.salesforce.com',
      'http://acme.my.salesforce.com',
      'ftp://127.0.0.1/',
      'https://user:password@acme.my.salesforce.com',
      'https://user@acme.my.salesforce.com',
      'https://:password@acme.my.salesforce.com',
    ])
      assert.deepEqual(problems('salesforce', { ...sf, loginUrl }), at('salesforce', ['loginUrl', fix]), loginUrl);
  });

  it('clientId must be a Consumer Key: 20 to 256 letters, digits, dots and underscores, nothing around it', () => {
    const key = sf.clientId;
    for (const clientId of ['3MVG9short', `-${key}`, `${key}-`, `${key} ${key}`])
      assert.deepEqual(
        problems('salesforce', { ...sf, clientId }),
        at('salesforce', [
          'clientId',
          "must be the app's Consumer Key (Setup > External Client App Manager > OAuth settings)",
        ]),
        clientId
      );
  });

  it('each secret reference missing says which secret it is', () => {
    const { clientSecretRef: _a, outboundPathTokenRef: _b, ...rest } = sf;
    assert.deepEqual(
      problems('salesforce', rest),
      at(
        'salesforce',
        ['clientSecretRef', `clientSecretRef (the Consumer Secret) ${REF_FIX}`],
        ['outboundPathTokenRef', `outboundPathTokenRef (the endpoint path token) ${REF_FIX}`]
      )
    );
  });

  it('apiVersion must look like 62.0', () => {
    for (const apiVersion of ['v62.0', '62.0.1', '62', '6.0', 'ab.0'])
      assert.deepEqual(
        problems('salesforce', { ...sf, apiVersion }),
        at('salesforce', ['apiVersion', 'must be a Salesforce API version like 62.0']),
        apiVersion
      );
  });
});

describe('systems.connectwise', () => {
  const cw = {
    site: 'na.myconnectwise.net',
    companyId: 'msptest',
    publicKey: 'AbCdEfGhIjKlMnOp',
    privateKeyRef: 'env:CW_PRIVATE_KEY',
    clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    callbackUrl: 'https://onramp.msp.example/v1/sales/connectwise',
  };

  it('an on-premises codebase and a CA file are trimmed and kept', () => {
    assert.deepEqual(accepted('connectwise', { ...cw, codebase: ' v2025_1 ', caFile: ' /etc/onramp/cw-ca.pem ' }), {
      ...cw,
      codebase: 'v2025_1',
      caFile: '/etc/onramp/cw-ca.pem',
    });
  });

  it('codebase: one path segment like v4_6_release', () => {
    for (const codebase of ['4_6_release', 'xv4_6_release', 'v4_6_release/', '/v4_6_release', 'v', 'vV4'])
      assert.deepEqual(
        problems('connectwise', { ...cw, codebase }),
        at('connectwise', ['codebase', 'must be a ConnectWise codebase like v4_6_release (no slashes)']),
        codebase
      );
  });

  it('an empty CA file and a callback URL that is not https are refused, naming the fix', () => {
    assert.deepEqual(
      problems('connectwise', { ...cw, caFile: '  ', callbackUrl: 'onramp.msp.example/v1/sales/connectwise' }),
      at(
        'connectwise',
        ['caFile', 'must be the path of a PEM file'],
        [
          'callbackUrl',
          'callbackUrl must be an https URL like https://onramp.msp.example/v1/sales/connectwise (http only for a simulator on this machine), without credentials',
        ]
      )
    );
  });
});
