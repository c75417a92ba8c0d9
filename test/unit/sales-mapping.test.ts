import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { SalesDealV1 } from '../../src/contract/sales-messages';
import { parseSalesMapping, salesMappingV1, SalesMappingError } from '../../src/domain/sales-mapping-schema';
import { mapSalesDeal, salesOrderId } from '../../src/rules/sales-mapping-rules';
import { signHubspotV3 } from '../../src/simulators/hubspot/hubspot-simulator';
import { verifyHubspotV3 } from '../../src/webhooks/sales/hubspot-signature';

const problemsOf = (text: string): string[] => {
  try {
    parseSalesMapping(text, 'm.yaml');
  } catch (err) {
    if (err instanceof SalesMappingError) return err.problems;
    throw err;
  }
  return [];
};

const deal: SalesDealV1 = {
  system: 'hubspot',
  account: '62515',
  dealId: '1000',
  name: 'Workspace',
  stage: 'closedwon',
  properties: { dealname: 'Workspace' },
  company: { id: '1', name: 'Contoso School', properties: { name: 'Contoso School', domain: 'contoso.example' } },
  contacts: [{ id: '2', email: 'admin@contoso.example', role: 'Technical admin', properties: {} }],
  lineItems: [{ id: '3', sku: 'ONR-AT-SOPHOS', quantity: 1 }],
};

describe('sales mapping file', () => {
  it('the sandbox mapping is valid', () => {
    const m = parseSalesMapping(readFileSync('config/sales-mapping.sandbox.yaml', 'utf8'), 'sandbox');
    assert.deepEqual(m.won.hubspot, ['closedwon']);
  });

  it('names the line, the field and the fix of every problem', () => {
    const problems = problemsOf(
      [
        'won:', //                                        1
        '  hubspot: []', //                               2
        'products:', //                                   3
        '  - sku: ONR-X', //                              4
        '    integrations: [googleDelegaton]', //         5
        '  - sku: ONR-AT', //                             6
        '    integrations: [googleDelegation]', //        7
        '    vendorProfile: sophos-central', //           8
        'order:', //                                      9
        '  customer.name: { company: name }', //          10
        '  customer.nam: { company: name }', //           11
        'integrations:', //                               12
        '  googleDelegation:', //                         13
        '    adminEmail: { contact: { role: Admin } }', //14
        'systems:', //                                    15
        '  hubspot:', //                                  16
        '    portalId: abc', //                           17
        '    clientSecretRef: the-secret-itself', //      18
        '    accessTokenRef: env:T', //                   19
        '    webhookUrl: https://onramp.example/v1/sales/hubspot', // 20
      ].join('\n')
    );
    const has = (re: RegExp) =>
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re} in:\n${problems.join('\n')}`
      );
    has(/^line 2: won\.hubspot: list at least one stage value/);
    has(/^line 5: products\.0\.integrations\.0: must be one of googleDelegation/);
    has(/^line 11: order\.customer\.nam: unknown field/);
    has(
      /^line 14: integrations\.googleDelegation\.adminEmail\.contact\.field: is required: the contact field, e.g\. email/
    );
    has(/^line 17: systems\.hubspot\.portalId: must be the HubSpot account ID/);
    has(/^line 18: systems\.hubspot\.clientSecretRef: must be a secret \*reference\*/);
  });

  it('cross-field rules name their line once the fields themselves are valid', () => {
    const problems = problemsOf(
      [
        'won: { hubspot: [closedwon] }', //                  1
        'products:', //                                      2
        '  - sku: ONR-AT', //                                3
        '    integrations: [autotask]', //                   4
        '  - sku: ONR-GWS', //                               5
        '    integrations: [googleDelegation]', //           6
        '    vendorProfile: sophos-central', //              7
        'order:', //                                         8
        '  customer.name: { company: name }', //             9
        'integrations:', //                                 10
        '  googleDelegation: { adminEmail: { constant: a@b.example } }', // 11
      ].join('\n')
    );
    const has = (re: RegExp) =>
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re} in:\n${problems.join('\n')}`
      );
    has(/^line 8: order: customer\.id is required: say where it comes from/);
    has(/^line 4: products\.0\.integrations\.0: add integrations\.autotask to the mapping/);
    has(/^line 7: products\.1\.vendorProfile: is the Autotask vendor profile: add autotask to integrations/);
  });

  it('a YAML syntax error names its line', () => {
    const problems = problemsOf('won:\n  hubspot: [closedwon\nproducts: []\n');
    assert.match(problems[0] ?? '', /^line \d+:/);
  });
});

describe('mapping a deal', () => {
  const mapping = salesMappingV1(
    parseSalesMapping(readFileSync('config/sales-mapping.sandbox.yaml', 'utf8'), 'sandbox')
  );

  it('maps company, contact by role, constants and the SKU’s integration and vendor profile', () => {
    const r = mapSalesDeal(deal, mapping);
    assert.equal(r.won, true);
    assert.equal(r.orderId, 'hubspot-62515-1000');
    assert.deepEqual(r.needs, []);
    assert.deepEqual(r.request.customer, { id: 'contoso-school', name: 'Contoso School' });
    assert.equal(r.request.integrations.autotask?.adminEmail, 'admin@contoso.example');
    assert.equal(r.request.integrations.autotask?.vendorProfile, 'sophos-central');
  });

  it('names each missing field and where the mapping reads it; a supplied value fills it', () => {
    const r = mapSalesDeal({ ...deal, contacts: [] }, mapping);
    assert.deepEqual(r.needs, [
      {
        field: 'integrations.autotask.adminEmail',
        from: 'contact with role "Technical admin", field email',
        problem: 'the deal has no value',
      },
    ]);
    const s = mapSalesDeal({ ...deal, contacts: [] }, mapping, {
      'integrations.autotask.adminEmail': 'it@contoso.example',
    });
    assert.deepEqual(s.needs, []);
    assert.equal(s.request.integrations.autotask?.adminEmail, 'it@contoso.example');
  });

  it('a deal selling no mapped SKU needs a line item; a stage not listed is not won', () => {
    const r = mapSalesDeal(
      { ...deal, stage: 'closedlost', lineItems: [{ id: '9', sku: 'OTHER', quantity: 1 }] },
      mapping
    );
    assert.equal(r.won, false);
    assert.equal(r.needs[0]?.field, 'integrations');
    assert.match(r.needs[0]?.problem ?? '', /the deal sells: OTHER/);
  });

  it('order IDs stay within the order schema (64 characters, safe characters)', () => {
    assert.equal(salesOrderId('hubspot', '62515', '1000'), 'hubspot-62515-1000');
    const long = salesOrderId('salesforce', '00D'.padEnd(40, 'x'), '006/'.padEnd(40, 'y'));
    assert.ok(long.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(long), long);
  });
});

describe('HubSpot v3 signature', () => {
  const base = {
    secret: 's3cret',
    method: 'POST',
    uri: 'https://onramp.example/v1/sales/hubspot',
    body: Buffer.from('[]'),
  };
  it('accepts what the documented recipe signs; refuses a forged one, a stale one and one from the future', () => {
    const now = 1_700_000_000_000;
    const sig = (ts: number, secret = 's3cret') => signHubspotV3(secret, 'POST', base.uri, '[]', ts);
    assert.deepEqual(verifyHubspotV3({ ...base, signature: sig(now - 1000), timestamp: String(now - 1000), now }), {
      ok: true,
    });
    assert.equal(verifyHubspotV3({ ...base, signature: sig(now, 'x'), timestamp: String(now), now }).ok, false);
    const stale = now - 5 * 60_000 - 1;
    assert.equal(
      (verifyHubspotV3({ ...base, signature: sig(stale), timestamp: String(stale), now }) as { reason: string }).reason,
      'stale_timestamp'
    );
    const future = now + 10 * 60_000;
    assert.equal(verifyHubspotV3({ ...base, signature: sig(future), timestamp: String(future), now }).ok, false);
    assert.equal(verifyHubspotV3({ ...base, signature: undefined, timestamp: String(now), now }).ok, false);
  });
});
