/**
 * src/domain's pure helpers not pinned elsewhere, without a Temporal server (part of
 * `npm run test:mutation`): workflow and schedule IDs, the shared validators' refusal of prototype keys and
 * their "did you mean" for unknown keys, and the small normalisers the workflows use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { accessFromCode, autotaskSecretRotationWorkflowId, webhookNameFor } from '../../src/domain/autotask-schema';
import { stripSiteUrl } from '../../src/domain/connectwise-schema';
import { cwCustomerSlug, cwKeyRotationWorkflowId } from '../../src/domain/connectwise-key-rotation-schema';
import { driftFindingWorkflowId, findingKeyOf } from '../../src/domain/drift-schema';
import { formatDuration } from '../../src/domain/google-delegation-schema';
import { closeNames, withCustomerIdPrefix } from '../../src/domain/google-admin-roles-schema';
import { offboardingWorkflowId } from '../../src/domain/offboarding-schema';
import {
  describeIssues,
  editDistance,
  emailDomain,
  forbiddenKeyPaths,
  inputProblems,
  isLoopbackUrl,
  isWithinDomain,
  parseOrThrow,
} from '../../src/domain/field-validators';

describe('IDs', () => {
  it('offboarding: apply is the order, plan runs suffixed and tagged', () => {
    assert.equal(offboardingWorkflowId('SO-1'), 'customer-offboarding:SO-1');
    assert.equal(offboardingWorkflowId('SO-1', 'apply', 'x'), 'customer-offboarding:SO-1');
    assert.equal(offboardingWorkflowId('SO-1', 'plan'), 'customer-offboarding:SO-1:plan');
    assert.equal(offboardingWorkflowId('SO-1', 'plan', '17'), 'customer-offboarding:SO-1:plan:17');
    assert.equal(offboardingWorkflowId('SO-1', 'plan', ''), 'customer-offboarding:SO-1:plan');
  });

  it('drift findings: one per problem key, and the key read back from the ID', () => {
    assert.equal(
      driftFindingWorkflowId('acme', 'autotask:webhook:Ticket'),
      'drift-finding:acme:autotask:webhook:Ticket'
    );
    assert.equal(driftFindingWorkflowId('acme', ''), 'drift-finding:acme');
    assert.equal(findingKeyOf('acme', 'drift-finding:acme:autotask:webhook:Ticket'), 'autotask:webhook:Ticket');
    assert.equal(findingKeyOf('acme', 'drift-finding:acme'), undefined);
    assert.equal(findingKeyOf('acme', 'drift-finding:acme-2:k'), undefined, 'another customer sharing a prefix');
    assert.equal(findingKeyOf('acme', 'x-drift-finding:acme:k'), undefined);
  });

  it('ConnectWise key rotation and Autotask secret rotation', () => {
    assert.equal(cwCustomerSlug('  Contoso MSP, Inc. '), 'contoso-msp-inc');
    assert.equal(cwCustomerSlug('--A--B--'), 'a-b');
    assert.equal(
      cwKeyRotationWorkflowId({ customer: { name: 'Contoso MSP' }, connection: { publicKey: 'AbCd' } } as never),
      'connectwise-key-rotation:contoso-msp:AbCd'
    );
    assert.equal(autotaskSecretRotationWorkflowId({ customer: { id: 'acme' } }), 'autotask-secret-rotation:acme');
    assert.equal(webhookNameFor('p', 'TicketNote'), 'p-TicketNote');
  });
});

describe('small normalisers', () => {
  it('Google customer ID: the C prefix added once, whatever its case', () => {
    assert.equal(withCustomerIdPrefix('046psxkn'), 'C046psxkn');
    assert.equal(withCustomerIdPrefix(' c046psxkn '), 'C046psxkn');
    assert.equal(withCustomerIdPrefix('C046psxkn'), 'C046psxkn');
    assert.equal(withCustomerIdPrefix('xC01'), 'CxC01');
  });

  it('ConnectWise site: scheme and trailing slashes removed, nothing else', () => {
    assert.equal(stripSiteUrl('https://na.myconnectwise.net/'), 'na.myconnectwise.net');
    assert.equal(stripSiteUrl('http://cw.example:8443///'), 'cw.example:8443');
    assert.equal(stripSiteUrl('cw.example/https://x'), 'cw.example/https://x');
    assert.equal(stripSiteUrl('xhttps://cw'), 'xhttps://cw');
  });

  it('Autotask access codes: 0, 1, 2 only', () => {
    assert.deepEqual([0, 1, 2, 3, -1, '1', null, undefined].map(accessFromCode), [
      'none',
      'all',
      'restricted',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('durations: whole hours as hours, else minutes from one minute, else seconds', () => {
    assert.deepEqual([3600_000, 7200_000, 5400_000, 60_000, 59_499, 500, 0, 86_400_000 + 60_000].map(formatDuration), [
      '1 h',
      '2 h',
      '90 min',
      '1 min',
      '59 s',
      '1 s',
      '0 s',
      '1441 min',
    ]);
  });

  it('"did you mean" for privileges: within the distance, ties by name, a shared word brings a name closer', () => {
    assert.deepEqual(closeNames('ABCD', ['ABCF', 'ABCE', 'ABCD_X', 'WXYZ_LONGER']), ['ABCD_X', 'ABCE', 'ABCF']);
    assert.deepEqual(closeNames('ABCD', ['ABCF', 'ABCE'], 1), ['ABCE']);
    assert.deepEqual(
      closeNames('EDU_ANALYTICS', ['EDU_ANALYTICS_ABCDEFG', 'EDU_ANALYTICS_ABCDEF', 'ZZZ_ZZZZZZZZZ_ABCD']),
      ['EDU_ANALYTICS_ABCDEF'],
      'distance 7 - 3 for the shared word = 4, the limit for 13 letters'
    );
    assert.deepEqual(closeNames('EDU_ANALYTICS', ['ZZZZZZZZZZZZZZZZZZZZZZZZZZ']), []);
    assert.deepEqual(closeNames('AB_CDEFGHIJKL', ['AB_ZZZZZZZZZZ']), [], 'words of two letters do not count');
  });
});

describe('shared validators', () => {
  it('edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('flaw', 'lawn'), 2);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(editDistance('ab', 'ba'), 2);
  });

  it('domains: an address belongs to a domain or its subdomains, never a look-alike', () => {
    assert.equal(emailDomain('a@b@c.example'), 'c.example');
    assert.equal(emailDomain('nobody'), 'nobody');
    assert.ok(isWithinDomain('contoso.example', 'contoso.example'));
    assert.ok(isWithinDomain('eu.contoso.example', 'contoso.example'));
    assert.ok(!isWithinDomain('evilcontoso.example', 'contoso.example'));
    assert.ok(!isWithinDomain('contoso.example', 'eu.contoso.example'));
  });

  it('loopback URLs: only this machine', () => {
    for (const u of ['http://localhost:1/', 'http://127.0.0.1/', 'http://[::1]:8/x'])
      assert.ok(isLoopbackUrl(new URL(u)), u);
    for (const u of ['http://localhost.example/', 'http://127.0.0.2/', 'http://example.com/'])
      assert.ok(!isLoopbackUrl(new URL(u)), u);
  });

  it('prototype keys refused wherever they appear, once, before the schema speaks about them', () => {
    const input = JSON.parse(
      '{"__proto__":{"x":1},"a":[{"constructor":1},{"ok":{"prototype":2}}],"b":{"c":{"d":1}}}'
    ) as unknown;
    assert.deepEqual(forbiddenKeyPaths(input), [
      '__proto__: "__proto__" is not an accepted field name anywhere in an Onramp input; remove it',
      'a.0.constructor: "constructor" is not an accepted field name anywhere in an Onramp input; remove it',
      'a.1.ok.prototype: "prototype" is not an accepted field name anywhere in an Onramp input; remove it',
    ]);
    for (const v of [null, undefined, 1, 'constructor', []]) assert.deepEqual(forbiddenKeyPaths(v), []);
    let deep: unknown = { constructor: 1 };
    for (let i = 0; i < 64; i++) deep = { n: deep };
    assert.equal(forbiddenKeyPaths(deep).length, 1, 'depth 64 still searched');
    assert.deepEqual(forbiddenKeyPaths({ n: deep }), [], 'deeper than 64: not searched');
    const schema = z.strictObject({ a: z.strictObject({ b: z.string() }), c: z.string() });
    assert.deepEqual(inputProblems(schema, { a: { b: 'x', constructor: { y: 1 } }, c: 'x' }), [
      'a.constructor: "constructor" is not an accepted field name anywhere in an Onramp input; remove it',
    ]);
    assert.deepEqual(inputProblems(schema, JSON.parse('{"a":{"b":"x"},"c":"x","__proto__":1}')), [
      '__proto__: "__proto__" is not an accepted field name anywhere in an Onramp input; remove it',
    ]);
    assert.deepEqual(inputProblems(schema, { a: { b: 'x' }, c: 'x' }), []);
    assert.deepEqual(inputProblems(schema, { a: { b: 'x', constructorx: 1 }, c: 'x' }), [
      'a.constructorx: unknown field: remove it (accepted here: b)',
    ]);
  });

  it('unknown keys: "did you mean" when close, the accepted keys otherwise, one line per key', () => {
    const schema = z.strictObject({
      scopes: z.array(z.string()).optional(),
      deadlineHoursTotal: z.number().optional(),
    });
    assert.deepEqual(inputProblems(schema, { scope: [], SCOPES: [], deadlineHoursTot4x: 1, zz: 1, zzzz: 1 }), [
      'scope: unknown field: did you mean "scopes"? Rename it (unknown fields are refused, not ignored)',
      'SCOPES: unknown field: did you mean "scopes"? Rename it (unknown fields are refused, not ignored)',
      'deadlineHoursTot4x: unknown field: did you mean "deadlineHoursTotal"? Rename it (unknown fields are refused, not ignored)',
      'zz: unknown field: remove it (accepted here: scopes, deadlineHoursTotal)',
      'zzzz: unknown field: remove it (accepted here: scopes, deadlineHoursTotal)',
    ]);
    assert.deepEqual(inputProblems(schema, { scopxyz: 1 }), [
      'scopxyz: unknown field: remove it (accepted here: scopes, deadlineHoursTotal)',
    ]);
    assert.deepEqual(inputProblems(z.strictObject({}), { a: 1 }), ['a: unknown field: remove it']);
    const issue = z.strictObject({ a: z.string() }).safeParse({ a: 'x', b: 1 });
    assert.deepEqual(describeIssues(issue.error!), ['b: unknown field: remove it'], 'without the error map');
  });

  it('missing fields say what is required; other type errors say what was given', () => {
    const schema = z.strictObject({ o: z.strictObject({ n: z.number() }), s: z.string(), b: z.boolean() });
    assert.deepEqual(inputProblems(schema, {}), [
      'o: is required (an object)',
      's: is required (a string)',
      'b: is required (a boolean)',
    ]);
    assert.deepEqual(inputProblems(schema, { o: { n: '1' }, s: 1, b: true }), [
      'o.n: Invalid input: expected number, received string',
      's: Invalid input: expected string, received number',
    ]);
    assert.throws(
      () => parseOrThrow(schema, { o: {}, s: 's', b: false }, 'thing'),
      (e: Error) => e.message === 'Invalid thing:\n  - o.n: is required (a number)'
    );
  });
});
