/**
 * The Salesforce and ConnectWise blocks of a sales mapping file: organization IDs (15/18 characters, checksum,
 * 00D prefix), URLs (https, loopback http only), secrets by reference only, ConnectWise's fields as for an
 * onboarding connection. Each refusal names the field and the fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { salesforceSystemSchema } from '../../src/domain/sales-salesforce-schema';
import { connectwiseSalesSystemSchema } from '../../src/domain/sales-connectwise-schema';
import { inputProblems } from '../../src/domain/field-validators';

const sf = {
  organizationId: '00D5e000000KQ2e',
  loginUrl: 'https://acme.my.salesforce.com/',
  clientId: '3MVG9abcdefghijklmnopqrstuvwxyz0123456789',
  clientSecretRef: 'env:SF_CONSUMER_SECRET',
  outboundPathTokenRef: 'file:/run/secrets/sf-path-token',
};
const cw = {
  site: 'https://na.myconnectwise.net/',
  companyId: 'msptest',
  publicKey: 'AbCdEfGhIjKlMnOp',
  privateKeyRef: 'env:CW_PRIVATE_KEY',
  clientId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  callbackUrl: 'https://onramp.msp.example/v1/sales/connectwise',
};

describe('sales system schemas', () => {
  it('Salesforce: a 15-character org ID becomes its 18-character form; defaults filled; trailing slash dropped', () => {
    const s = salesforceSystemSchema.parse(sf);
    assert.equal(s.organizationId, '00D5e000000KQ2eEAG');
    assert.equal(s.loginUrl, 'https://acme.my.salesforce.com');
    assert.equal(s.apiVersion, '62.0');
  });

  it('Salesforce: wrong checksum, not an org ID, plain-http URL and a pasted secret are refused, naming the field', () => {
    const problems = inputProblems(salesforceSystemSchema, {
      ...sf,
      organizationId: '00D5e000000KQ2eEAX',
      loginUrl: 'http://acme.my.salesforce.com',
      clientSecretRef: 'the-secret-itself',
    });
    assert.ok(
      problems.some((p) => /organizationId.*00D/.test(p)),
      problems.join('\n')
    );
    assert.ok(
      problems.some((p) => /loginUrl.*https/.test(p)),
      problems.join('\n')
    );
    assert.ok(
      problems.some((p) => /clientSecretRef.*reference/.test(p)),
      problems.join('\n')
    );
    assert.ok(inputProblems(salesforceSystemSchema, { ...sf, organizationId: '0015e00000ZkM3hAAF' }).length > 0);
    assert.equal(inputProblems(salesforceSystemSchema, { ...sf, loginUrl: 'http://127.0.0.1:4010' }).length, 0);
  });

  it('ConnectWise: site normalised, codebase defaulted; a pasted private key and an http callback URL refused', () => {
    const s = connectwiseSalesSystemSchema.parse(cw);
    assert.equal(s.site, 'na.myconnectwise.net');
    assert.equal(s.codebase, 'v4_6_release');
    const problems = inputProblems(connectwiseSalesSystemSchema, {
      ...cw,
      privateKeyRef: 'AbCdEfGhIjKlMnOp',
      callbackUrl: 'http://onramp.msp.example/v1/sales/connectwise',
      extra: 1,
    });
    assert.ok(
      problems.some((p) => /^privateKeyRef: .*(private key|reference)/i.test(p)),
      problems.join('\n')
    );
    assert.ok(
      problems.some((p) => /callbackUrl.*https/.test(p)),
      problems.join('\n')
    );
    assert.ok(
      problems.some((p) => /extra/.test(p)),
      problems.join('\n')
    );
  });
});
