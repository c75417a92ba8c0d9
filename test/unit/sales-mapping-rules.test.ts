/**
 * The sales mapping's pure rules (src/rules/sales-mapping-rules.ts), pinned literally: the order and workflow IDs a
 * deal gets, where each kind of source reads and how it is transformed, which integrations line items select, the
 * whole order request a deal maps to, the needs an operator sees, and the problems of the fields an operator
 * supplies. test/unit/sales-mapping.test.ts covers the mapping file and the sandbox mapping; these use hand-built
 * mappings so that every rule is visible in the test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SalesFieldNeedV1 } from '../../src/contract/sales-deal-messages';
import type { SalesDealV1 } from '../../src/contract/sales-messages';
import {
  describeSource,
  isWonStage,
  mapSalesDeal,
  readSource,
  salesDealWorkflowId,
  salesOrderId,
  selectedIntegrations,
  suppliedFieldProblems,
  type SalesMappingV1,
} from '../../src/rules/sales-mapping-rules';

const deal = (over: Partial<SalesDealV1> = {}): SalesDealV1 => ({
  system: 'hubspot',
  account: '62515',
  dealId: '1000',
  name: 'Workspace renewal',
  stage: 'closedwon',
  properties: {},
  contacts: [],
  lineItems: [],
  ...over,
});

const contoso = { id: '1', name: 'Contoso (record name)', properties: { domain: 'contoso.example' } };
const admin = { id: '2', email: 'admin@contoso.example', role: 'Technical admin', properties: {} };

const mapping: SalesMappingV1 = {
  won: { hubspot: ['closedwon'] },
  products: [
    { sku: 'ONR-AT', integrations: ['autotask'] },
    { sku: 'ONR-AT-SOPHOS', integrations: ['autotask'], vendorProfile: 'sophos-central' },
    { sku: 'ONR-GWS', integrations: ['googleDelegation', 'googleAdminRoles'] },
  ],
  order: {
    'customer.id': { company: 'name', transform: 'slug' },
    'customer.name': { company: 'name' },
  },
  integrations: {
    autotask: {
      adminEmail: { contact: { role: 'Technical admin', field: 'email' } },
      'vendor.name': { constant: 'Sophos Central' },
    },
    googleDelegation: { 'customer.domain': { company: 'domain' } },
  },
};

describe('order and workflow IDs of a deal', () => {
  it('is <system>-<account>-<deal>; characters an order ID refuses become _', () => {
    assert.equal(
      salesOrderId('salesforce', '00D5g000004xyzA', '006/5g:00 1'),
      'salesforce-00D5g000004xyzA-006_5g_00_1'
    );
  });

  it('keeps an ID of exactly 64 characters whole', () => {
    const id = salesOrderId('connectwise', 'northwind-managed-services-and-cloud-consultin', '12345');
    assert.equal(id, 'connectwise-northwind-managed-services-and-cloud-consultin-12345');
    assert.equal(id.length, 64);
  });

  it('cuts a longer one to 55 characters and a stable 8-digit FNV-1a digest, distinct per deal', () => {
    const account = 'northwind-managed-services-and-cloud-consulting-group';
    assert.equal(
      salesOrderId('connectwise', account, '10000'),
      'connectwise-northwind-managed-services-and-cloud-consul-ce137777'
    );
    assert.equal(
      salesOrderId('connectwise', account, '10001'),
      'connectwise-northwind-managed-services-and-cloud-consul-cd1375e4'
    );
    // A digest with a leading zero keeps its eight digits: the ID is still exactly 64 characters.
    const padded = salesOrderId('connectwise', 'northwind-managed-services-and-cloud-consultin', '123456');
    assert.equal(padded, 'connectwise-northwind-managed-services-and-cloud-consul-0a884b02');
    assert.equal(padded.length, 64);
  });

  it('the deal workflow is sales-deal:<order ID>, one per deal', () => {
    assert.equal(salesDealWorkflowId('hubspot', '62515', '1000'), 'sales-deal:hubspot-62515-1000');
    assert.equal(salesDealWorkflowId('salesforce', '00D', '006 1'), 'sales-deal:salesforce-00D-006_1');
  });
});

describe('won stage', () => {
  it('is won only for a stage the mapping lists for that system', () => {
    assert.equal(isWonStage(mapping, 'hubspot', 'closedwon'), true);
    assert.equal(isWonStage(mapping, 'hubspot', 'closedlost'), false);
    assert.equal(isWonStage(mapping, 'hubspot', undefined), false);
    assert.equal(isWonStage(mapping, 'salesforce', 'closedwon'), false);
  });
});

describe('where a source reads, in the operator’s words', () => {
  it('names the deal property, the company field, the contact role and field, or the constant', () => {
    assert.equal(describeSource({ deal: 'amount' }), 'deal property amount');
    assert.equal(describeSource({ company: 'domain', transform: 'lowercase' }), 'company field domain');
    assert.equal(
      describeSource({ contact: { role: 'Billing', field: 'phone' } }),
      'contact with role "Billing", field phone'
    );
    assert.equal(describeSource({ constant: { name: 'Atera' } }), 'a constant of the mapping');
  });
});

describe('reading a source from a deal', () => {
  it('deal: dealname is the property, else the deal’s name; other properties as they are', () => {
    const d = deal({ properties: { dealname: 'Workspace (property)', amount: '1200' } });
    assert.equal(readSource(d, { deal: 'dealname' }), 'Workspace (property)');
    assert.equal(readSource(deal(), { deal: 'dealname' }), 'Workspace renewal');
    assert.equal(readSource(d, { deal: 'amount' }), '1200');
    assert.equal(readSource(deal({ properties: { dealname: 'X' } }), { deal: 'amount' }), undefined);
  });

  it('company: name is the property, else the record’s name; other fields as they are', () => {
    const named = deal({ company: { id: '1', name: 'Contoso', properties: { name: 'Contoso School' } } });
    assert.equal(readSource(named, { company: 'name' }), 'Contoso School');
    assert.equal(readSource(deal({ company: contoso }), { company: 'name' }), 'Contoso (record name)');
    assert.equal(readSource(deal({ company: contoso }), { company: 'domain' }), 'contoso.example');
  });

  it('company: a deal with no company has no value (not an error)', () => {
    assert.equal(readSource(deal(), { company: 'name' }), undefined);
    assert.equal(readSource(deal(), { company: 'domain' }), undefined);
  });

  it('contact: the first contact with the role, case-insensitively; contacts without a role are skipped', () => {
    const d = deal({
      contacts: [
        { id: '7', email: 'nobody@contoso.example', properties: { phone: '000' } },
        { id: '8', email: 'billing@contoso.example', role: 'Billing', properties: { phone: '111' } },
        { id: '9', email: 'it@contoso.example', role: 'TECHNICAL ADMIN', properties: { phone: '555 0100' } },
      ],
    });
    assert.equal(readSource(d, { contact: { role: 'Technical admin', field: 'email' } }), 'it@contoso.example');
    assert.equal(readSource(d, { contact: { role: 'technical admin', field: 'phone' } }), '555 0100');
    assert.equal(readSource(d, { contact: { role: 'Owner', field: 'email' } }), undefined);
  });

  it('contact: email is the record’s email, else its email property; other fields are properties', () => {
    const d = deal({ contacts: [{ id: '9', role: 'Admin', properties: { email: 'prop@contoso.example' } }] });
    assert.equal(readSource(d, { contact: { role: 'Admin', field: 'email' } }), 'prop@contoso.example');
    const e = deal({ contacts: [{ ...admin, properties: { phone: '555 0100' } }] });
    assert.equal(readSource(e, { contact: { role: 'Technical admin', field: 'phone' } }), '555 0100');
  });

  it('text is trimmed; blank text counts as absent; a constant is returned as it is', () => {
    const d = deal({ properties: { ref: '  PO-42  ', blank: '   ' } });
    assert.equal(readSource(d, { deal: 'ref' }), 'PO-42');
    assert.equal(readSource(d, { deal: 'blank' }), undefined);
    const constant = { name: 'Atera', supportEmail: 'support@atera.com' };
    assert.equal(readSource(d, { constant }), constant);
  });

  it('lowercase lowers the text; slug keeps lower-case letters and digits, one dash between words, ≤ 63', () => {
    const of = (name: string, transform: 'slug' | 'lowercase') =>
      readSource(deal({ company: { id: '1', properties: { name } } }), { company: 'name', transform });
    assert.equal(of('Contoso School', 'lowercase'), 'contoso school');
    assert.equal(of('Contoso  &  Partners, Inc.', 'slug'), 'contoso-partners-inc');
    assert.equal(of('(Contoso) -- ', 'slug'), 'contoso');
    // NFKD splits an accented letter in two; the accent is dropped, not turned into a dash.
    assert.equal(of('Café Zürich Écoles', 'slug'), 'cafe-zurich-ecoles');
    assert.equal(
      of('The Northwind Traders Managed Services and Cloud Consulting Group of Greater Seattle', 'slug'),
      'the-northwind-traders-managed-services-and-cloud-consulting-gro'
    );
  });
});

describe('integrations a deal’s line items select', () => {
  it('SKUs are trimmed, items without one ignored; each integration once, in the mapping’s product order', () => {
    const d = deal({
      lineItems: [
        { id: '1', name: 'Support hours', quantity: 10 },
        { id: '2', sku: ' ONR-GWS ', quantity: 1 },
        { id: '3', sku: 'ONR-AT', quantity: 1 },
        { id: '4', sku: 'ONR-AT-SOPHOS', quantity: 1 },
      ],
    });
    assert.deepEqual(selectedIntegrations(d, mapping), ['autotask', 'googleDelegation', 'googleAdminRoles']);
  });
});

describe('mapping a deal to an order request', () => {
  it('builds the whole request; the vendor profile comes from the Autotask product the deal sells', () => {
    const r = mapSalesDeal(
      deal({
        company: { ...contoso, properties: { ...contoso.properties, name: 'Contoso School' } },
        contacts: [admin],
        lineItems: [
          { id: '3', sku: 'ONR-AT-SOPHOS', quantity: 1 },
          { id: '4', sku: 'ONR-GWS', quantity: 1 },
        ],
      }),
      mapping
    );
    assert.deepEqual(r, {
      won: true,
      orderId: 'hubspot-62515-1000',
      integrations: ['autotask', 'googleDelegation', 'googleAdminRoles'],
      request: {
        orderId: 'hubspot-62515-1000',
        customer: { id: 'contoso-school', name: 'Contoso School' },
        integrations: {
          autotask: {
            adminEmail: 'admin@contoso.example',
            vendor: { name: 'Sophos Central' },
            vendorProfile: 'sophos-central',
          },
          googleDelegation: { customer: { domain: 'contoso.example' } },
          googleAdminRoles: {},
        },
      },
      needs: [],
    });
  });

  it('a product selling Google and Autotask gives its vendor profile to Autotask only', () => {
    const bundle: SalesMappingV1 = {
      ...mapping,
      products: [{ sku: 'ONR-BUNDLE', integrations: ['googleDelegation', 'autotask'], vendorProfile: 'datto-rmm' }],
      order: {},
      integrations: {},
    };
    const r = mapSalesDeal(deal({ lineItems: [{ id: '1', sku: 'ONR-BUNDLE', quantity: 1 }] }), bundle);
    assert.deepEqual(r.request, {
      orderId: 'hubspot-62515-1000',
      integrations: { googleDelegation: {}, autotask: { vendorProfile: 'datto-rmm' } },
    });
  });

  it('a deal selling the plain Autotask product gets no vendor profile from another product of the mapping', () => {
    const r = mapSalesDeal(deal({ lineItems: [{ id: '3', sku: 'ONR-AT', quantity: 1 }] }), {
      ...mapping,
      order: {},
      integrations: {},
    });
    assert.deepEqual(r.request, { orderId: 'hubspot-62515-1000', integrations: { autotask: {} } });
  });

  it('an integration no vendor-profile product selects gets no vendorProfile field', () => {
    const r = mapSalesDeal(deal({ lineItems: [{ id: '4', sku: 'ONR-GWS', quantity: 1 }] }), {
      ...mapping,
      order: {},
      integrations: {},
    });
    assert.deepEqual(r.request, {
      orderId: 'hubspot-62515-1000',
      integrations: { googleDelegation: {}, googleAdminRoles: {} },
    });
  });

  it('a deal without company or contact needs each field, named with where the mapping reads it', () => {
    const r = mapSalesDeal(
      deal({ stage: 'qualified', lineItems: [{ id: '3', sku: 'ONR-AT-SOPHOS', quantity: 1 }] }),
      mapping
    );
    const needs: SalesFieldNeedV1[] = [
      { field: 'customer.id', from: 'company field name', problem: 'the deal has no value' },
      { field: 'customer.name', from: 'company field name', problem: 'the deal has no value' },
      {
        field: 'integrations.autotask.adminEmail',
        from: 'contact with role "Technical admin", field email',
        problem: 'the deal has no value',
      },
    ];
    assert.equal(r.won, false);
    assert.deepEqual(r.needs, needs);
    assert.deepEqual(r.request, {
      orderId: 'hubspot-62515-1000',
      integrations: { autotask: { vendor: { name: 'Sophos Central' }, vendorProfile: 'sophos-central' } },
    });
  });

  it('a supplied value wins over the deal’s', () => {
    const r = mapSalesDeal(deal({ company: contoso, lineItems: [{ id: '4', sku: 'ONR-GWS', quantity: 1 }] }), mapping, {
      'customer.name': 'Contoso Ltd',
      'integrations.googleDelegation.customer.domain': 'contoso.example.org',
    });
    assert.deepEqual(r.needs, []);
    assert.deepEqual(r.request.customer, { id: 'contoso-record-name', name: 'Contoso Ltd' });
    assert.deepEqual(r.request.integrations.googleDelegation, { customer: { domain: 'contoso.example.org' } });
  });

  it('no mapped SKU: one need lists the mapping’s SKUs and what the deal sells; the request has no integration', () => {
    const r = mapSalesDeal(
      deal({
        company: contoso,
        lineItems: [
          { id: '6', sku: 'OTHER', quantity: 1 },
          { id: '7', name: 'Support hours', quantity: 10 },
          { id: '8', quantity: 1 },
        ],
      }),
      mapping
    );
    assert.deepEqual(r.integrations, []);
    assert.deepEqual(r.needs, [
      {
        field: 'integrations',
        from: 'line items',
        problem:
          "no line item has a SKU of the mapping's products (ONR-AT, ONR-AT-SOPHOS, ONR-GWS); " +
          'the deal sells: OTHER, (Support hours, no SKU), (8, no SKU)',
      },
    ]);
    assert.deepEqual(r.request, {
      orderId: 'hubspot-62515-1000',
      customer: { id: 'contoso-record-name', name: 'Contoso (record name)' },
      integrations: {},
    });
  });

  it('a deal with no line items sells "none"', () => {
    const r = mapSalesDeal(deal({ company: contoso }), mapping);
    assert.equal(
      r.needs[0]?.problem,
      "no line item has a SKU of the mapping's products (ONR-AT, ONR-AT-SOPHOS, ONR-GWS); the deal sells: none"
    );
  });

  it('an order field a mapping built in code leaves undefined is skipped, not a need', () => {
    const r = mapSalesDeal(deal({ company: contoso, lineItems: [{ id: '4', sku: 'ONR-GWS', quantity: 1 }] }), {
      ...mapping,
      order: { 'customer.id': { constant: 'contoso' }, 'customer.name': undefined },
    });
    assert.deepEqual(r.needs, []);
    assert.deepEqual(r.request.customer, { id: 'contoso' });
  });
});

describe('fields an operator supplies for a waiting deal', () => {
  const needs: SalesFieldNeedV1[] = [
    { field: 'integrations', from: 'line items', problem: 'no line item has a SKU…' },
    { field: 'customer.id', from: 'company field name', problem: 'the deal has no value' },
    { field: 'integrations.autotask.adminEmail', from: 'contact…', problem: 'the deal has no value' },
  ];

  it('accepts non-empty text of at most 500 characters for a field the deal waits for', () => {
    assert.deepEqual(suppliedFieldProblems(needs, { 'customer.id': 'contoso' }), []);
    assert.deepEqual(
      suppliedFieldProblems(needs, {
        'customer.id': 'c'.repeat(500),
        'integrations.autotask.adminEmail': 'it@contoso.example',
      }),
      []
    );
  });

  it('no field at all: lists the fields to give (line items cannot be supplied)', () => {
    assert.deepEqual(suppliedFieldProblems(needs, {}), [
      'fields: give at least one of customer.id, integrations.autotask.adminEmail',
    ]);
    assert.deepEqual(suppliedFieldProblems([needs[0]!], {}), ['fields: give at least one of (nothing is missing)']);
  });

  it('a field the deal does not wait for names what it waits for', () => {
    assert.deepEqual(suppliedFieldProblems(needs, { 'customer.name': 'Contoso', integrations: 'autotask' }), [
      'customer.name: is not a field this deal waits for; it waits for customer.id, integrations.autotask.adminEmail',
      'integrations: is not a field this deal waits for; it waits for customer.id, integrations.autotask.adminEmail',
    ]);
    assert.deepEqual(suppliedFieldProblems([], { 'customer.id': 'contoso' }), [
      'customer.id: is not a field this deal waits for; it waits for nothing',
    ]);
  });

  it('a value that is not text, is blank or is over 500 characters names its field', () => {
    const fix = (field: string) => `${field}: give the value as non-empty text (at most 500 characters)`;
    assert.deepEqual(suppliedFieldProblems(needs, { 'customer.id': 42 }), [fix('customer.id')]);
    assert.deepEqual(suppliedFieldProblems(needs, { 'customer.id': '   ' }), [fix('customer.id')]);
    assert.deepEqual(
      suppliedFieldProblems(needs, { 'customer.id': 'ok', 'integrations.autotask.adminEmail': 'x'.repeat(501) }),
      [fix('integrations.autotask.adminEmail')]
    );
  });
});
