/**
 * The sales mapping file at the door (ONRAMP_SALES_MAPPING, src/domain/sales-mapping-schema.ts), pinned exactly:
 * what a valid file becomes (trimmed names, transforms, several integrations per SKU), and, for each way a file
 * can be wrong, the one line the operator reads: `line N: field.path: the fix`. test/unit/sales-mapping.test.ts
 * checks a few of these by pattern; here the whole text is the assertion.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSalesMapping, SalesMappingError } from '../../src/domain/sales-mapping-schema';

const SOURCE_HINT =
  'must say where the value comes from: { deal: <property> }, { company: <field> }, { contact: { role: <role>, field: email } } or { constant: <value> }';

/** A valid file, one line per entry so each problem's line number is the index + 1. */
const VALID = [
  'won: { hubspot: [closedwon] }', //                                                1
  'products:', //                                                                    2
  '  - sku: ONR-GWS', //                                                             3
  '    integrations: [googleDelegation]', //                                         4
  'order:', //                                                                       5
  '  customer.id: { company: name, transform: slug }', //                            6
  '  customer.name: { company: name }', //                                           7
  'integrations:', //                                                                8
  '  googleDelegation: { adminEmail: { contact: { role: Admin, field: email } } }', // 9
];

/** VALID with line `n` (1-based) replaced by `line`. */
const withLine = (n: number, line: string): string => VALID.map((l, i) => (i === n - 1 ? line : l)).join('\n');

function refusal(text: string): SalesMappingError {
  try {
    parseSalesMapping(text, 'sales-mapping.yaml');
  } catch (err) {
    if (err instanceof SalesMappingError) return err;
    throw err;
  }
  assert.fail('the mapping was accepted');
}

const problems = (text: string): string[] => refusal(text).problems;

describe('sales mapping door: what a valid file becomes', () => {
  it('trims names, keeps transforms and constants, accepts several integrations per SKU; no systems means none', () => {
    const m = parseSalesMapping(
      [
        'won: { hubspot: [closedwon] }',
        'products:',
        '  - sku: "  ONR-AT  "',
        '    integrations: [autotask, googleDelegation]',
        '    vendorProfile: " sophos-central "',
        'order:',
        '  customer.id: { deal: " hs_object_id ", transform: lowercase }',
        '  customer.name: { company: name }',
        'integrations:',
        '  googleDelegation:',
        '    customer.domain: { company: domain, transform: lowercase }',
        '    adminEmail: { contact: { role: " Technical admin ", field: email } }',
        '  autotask:',
        '    integrationId: { constant: sophos-central }',
      ].join('\n'),
      'sales-mapping.yaml'
    );
    assert.deepEqual(m, {
      won: { hubspot: ['closedwon'] },
      products: [{ sku: 'ONR-AT', integrations: ['autotask', 'googleDelegation'], vendorProfile: 'sophos-central' }],
      order: {
        'customer.id': { deal: 'hs_object_id', transform: 'lowercase' },
        'customer.name': { company: 'name' },
      },
      integrations: {
        googleDelegation: {
          'customer.domain': { company: 'domain', transform: 'lowercase' },
          adminEmail: { contact: { role: 'Technical admin', field: 'email' } },
        },
        autotask: { integrationId: { constant: 'sophos-central' } },
      },
      systems: {},
    });
  });
});

describe('sales mapping door: each refusal names its line, its field and the fix', () => {
  it('an empty file: the three required parts, each with an example, in one error naming the file', () => {
    const err = refusal('');
    assert.equal(err.name, 'SalesMappingError');
    assert.equal(err.source, 'sales-mapping.yaml');
    const expected = [
      'line 1: won: is required: per system, the stage values that mean won, e.g. won: { hubspot: [closedwon] }',
      'line 1: products: is required: the SKUs that mean integrations, e.g. [{ sku: ONR-GWS, integrations: [googleDelegation] }]',
      'line 1: order: is required: where customer.id and customer.name come from',
    ];
    assert.deepEqual(err.problems, expected);
    assert.equal(
      err.message,
      `sales-mapping.yaml: invalid sales mapping:\n${expected.map((p) => `  ${p}`).join('\n')}`
    );
  });

  it('a file that is not a mapping at all is reported against the file', () => {
    assert.deepEqual(problems('closedwon'), ['line 1: (file): Invalid input: expected object, received string']);
  });

  it('a YAML syntax error: its line and the parser’s first message line, nothing else', () => {
    assert.deepEqual(problems('won:\n  hubspot: [closedwon\nproducts: []\n'), [
      'line 3: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('a source that is not one of the four forms gets the list of forms', () => {
    for (const source of ['name', '~', '{ field: name }'])
      assert.deepEqual(problems(withLine(6, `  customer.id: ${source}`)), [
        `line 6: order.customer.id: ${SOURCE_HINT}`,
      ]);
  });

  it('a source of the right form names what is wrong inside it', () => {
    assert.deepEqual(problems(withLine(6, '  customer.id: { company: name, transform: upper }')), [
      'line 6: order.customer.id.transform: must be slug or lowercase',
    ]);
    assert.deepEqual(problems(withLine(7, '  customer.name: { company: "  " }')), [
      'line 7: order.customer.name.company: name the company field (its API name), e.g. domain',
    ]);
  });

  it('an order without customer.id or customer.name: each says where it could come from', () => {
    assert.deepEqual(problems(withLine(6, '  customer.iid: { company: name }')), [
      'line 6: order.customer.iid: unknown field: remove it (customer.iid)',
      'line 5: order: customer.id is required: say where it comes from, e.g. customer.id: { company: name, transform: slug }',
    ]);
    const text = VALID.filter((_, i) => i !== 5 && i !== 6)
      .join('\n')
      .replace('order:', 'order: {}');
    assert.deepEqual(problems(text), [
      'line 5: order: customer.id is required: say where it comes from, e.g. customer.id: { company: name, transform: slug }',
      'line 5: order: customer.name is required: say where it comes from, e.g. customer.name: { company: name }',
    ]);
  });

  it('products: none, an empty SKU, a missing SKU, no integrations or an unknown one', () => {
    assert.deepEqual(problems(withLine(2, 'products: []').replace(/\n {2}- sku: ONR-GWS\n.*googleDelegation]/, '')), [
      'line 2: products: list at least one product',
    ]);
    assert.deepEqual(problems(withLine(3, '  - sku: "  "')), [
      'line 3: products.0.sku: name the SKU of the line item, e.g. ONR-GWS',
    ]);
    assert.deepEqual(problems(withLine(3, '  - vendorProfile: sophos-central')), [
      'line 3: products.0.sku: is required: the SKU of the line item, e.g. ONR-GWS',
    ]);
    assert.deepEqual(problems(withLine(4, '    integrations: []')), [
      'line 4: products.0.integrations: list the integrations it sells, e.g. [googleDelegation]',
    ]);
    assert.deepEqual(problems(withLine(4, '    integrations: [googleDelegation, hubspot]')), [
      'line 4: products.0.integrations.1: must be one of googleDelegation, googleAdminRoles, autotask, connectwise',
    ]);
  });

  it('a SKU listed twice names the second entry', () => {
    const text = [...VALID.slice(0, 4), '  - sku: ONR-GWS', '    integrations: [googleDelegation]', ...VALID.slice(4)];
    assert.deepEqual(problems(text.join('\n')), ['line 5: products.1.sku: ONR-GWS is listed twice: keep one entry']);
  });

  it('an integration’s field must be a field path of the order', () => {
    for (const key of ['1adminEmail', 'admin-email', 'customer.', 'customer..domain'])
      assert.deepEqual(
        problems(withLine(9, `  googleDelegation: { "${key}": { contact: { role: Admin, field: email } } }`)),
        [
          `line 9: integrations.googleDelegation.${key}: must be a field path of the order like "adminEmail" or "customer.domain"`,
        ]
      );
  });

  it('a sales system without its won stages: add them, or no deal of it ever starts', () => {
    const text = [
      ...VALID,
      'systems:',
      '  salesforce:',
      '    organizationId: 00D5e000000KQ2e',
      '    loginUrl: https://acme.my.salesforce.com',
      '    clientId: 3MVG9abcdefghijklmnopqrstuvwxyz0123456789',
      '    clientSecretRef: env:SF_CONSUMER_SECRET',
      '    outboundPathTokenRef: env:SF_PATH_TOKEN',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'line 11: systems.salesforce: add won.salesforce: the salesforce stage values that mean won (without them no deal of salesforce ever starts)',
    ]);
    const won = parseSalesMapping(
      text.replace('won: { hubspot: [closedwon] }', 'won: { hubspot: [closedwon], salesforce: [Closed Won] }'),
      'sales-mapping.yaml'
    ).won;
    assert.deepEqual(won, { hubspot: ['closedwon'], salesforce: ['Closed Won'] });
  });
});
