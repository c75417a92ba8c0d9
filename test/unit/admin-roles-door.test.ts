/**
 * The Google admin roles input (seed 003) at the door, beyond test/unit/domain-inputs.test.ts: members by
 * reference (`membersFrom`: exactly one of orgUnit, group, csv), the inline-member limit, the member defaults,
 * the ledger's by-reference count, pages per run, the forms of customer ID and org unit path that only look
 * right, and the "did you mean" list for privileges. Each refusal is asserted with its exact field path and fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeNames, parseAdminRoleInput } from '../../src/domain/google-admin-roles-schema';
import * as f from './fixtures-domain';
import { problems, withField } from './fixtures-domain';

const withOne = (field: string, value: unknown) => withField(f.adminRole(), field, value);
const refused = (field: string, value: unknown) => problems(parseAdminRoleInput, withOne(field, value));
const parsed = (field: string, value: unknown) => parseAdminRoleInput(withOne(field, value));

const EXACTLY_ONE =
  'membersFrom: give exactly one of orgUnit ("/Teachers"), group ("all-teachers@…") or csv ("file:/path/members.csv")';

describe('admin roles: members by reference (membersFrom)', () => {
  it('accepts one source each, normalised, with an optional role for an org unit or a group', () => {
    assert.deepEqual(parsed('membersFrom', { orgUnit: ' /Teachers ', role: 'MANAGER' }).membersFrom, {
      orgUnit: '/Teachers',
      role: 'MANAGER',
    });
    assert.deepEqual(parsed('membersFrom', { group: ' All-Teachers@Contoso.example ' }).membersFrom, {
      group: 'all-teachers@contoso.example',
    });
    assert.deepEqual(parsed('membersFrom', { csv: ' file:/srv/onramp/Members.CSV ' }).membersFrom, {
      csv: 'file:/srv/onramp/Members.CSV',
    });
    assert.equal(parsed('membersFrom', undefined).membersFrom, undefined);
  });

  it('refuses none or several sources, naming the ones given', () => {
    assert.deepEqual(refused('membersFrom', {}), [EXACTLY_ONE]);
    assert.deepEqual(refused('membersFrom', { role: 'OWNER' }), [EXACTLY_ONE]);
    assert.deepEqual(refused('membersFrom', { orgUnit: '/Teachers', group: 'all@contoso.example' }), [
      `${EXACTLY_ONE}, not orgUnit and group`,
    ]);
    assert.deepEqual(
      refused('membersFrom', { orgUnit: '/Teachers', group: 'all@contoso.example', csv: 'file:/m.csv' }),
      [`${EXACTLY_ONE}, not orgUnit and group and csv`]
    );
  });

  it('a group cannot draw its members from itself (compared after normalisation)', () => {
    assert.deepEqual(refused('membersFrom', { group: 'Analytics@CONTOSO.example' }), [
      'membersFrom.group: is the group itself (group.email): a group cannot draw its members from itself',
    ]);
  });

  it('a CSV carries each row its role: membersFrom.role with csv is refused', () => {
    assert.deepEqual(refused('membersFrom', { csv: 'file:/m.csv', role: 'MEMBER' }), [
      'membersFrom.role: a CSV gives each row its role (email,role,type): remove membersFrom.role',
    ]);
  });

  it('each field of membersFrom is checked on its own', () => {
    const csvFix =
      'must be file:/absolute/path/members.csv, a file on the worker (one member per line: email[,role[,type]])';
    for (const csv of ['members.csv', 'xfile:/m.csv', 'file:/m.csv.bak', 'file:m.csv', 'file:/m.txt'])
      assert.deepEqual(refused('membersFrom', { csv }), [`membersFrom.csv: ${csvFix}`], csv);
    assert.deepEqual(refused('membersFrom', { orgUnit: '/Teachers', role: 'ADMIN' }), [
      'membersFrom.role: must be MEMBER, MANAGER or OWNER',
    ]);
    assert.deepEqual(refused('membersFrom', { orgUnit: 'Teachers/' }), [
      'membersFrom.orgUnit: must be an org unit path like /Students (leading slash, no trailing slash)',
    ]);
    assert.deepEqual(refused('membersFrom', { group: 'all-teachers' }), [
      'membersFrom.group: must be an email address like admin@example.com',
    ]);
    assert.deepEqual(refused('membersFrom', { orgUnit: '/T', users: ['a@contoso.example'] }), [
      'membersFrom.users: unknown field: remove it (accepted here: orgUnit, group, csv, role)',
    ]);
  });
});

describe('admin roles: inline members', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `m${i}@contoso.example` }));

  it('a member without role and type is a MEMBER and a USER', () => {
    assert.deepEqual(parsed('members', [{ email: 'Teacher@contoso.example' }]).members, [
      { email: 'teacher@contoso.example', role: 'MEMBER', type: 'USER' },
    ]);
    assert.deepEqual(parsed('members', [{ email: 'staff@contoso.example', type: 'GROUP' }]).members, [
      { email: 'staff@contoso.example', role: 'MEMBER', type: 'GROUP' },
    ]);
  });

  it('5,000 inline members are accepted; 5,001 are refused with the way out (membersFrom)', () => {
    assert.equal(parsed('members', members(5000)).members.length, 5000);
    assert.deepEqual(refused('members', members(5001)), [
      "members: 5,001 inline, more than 5,000; give membersFrom: {orgUnit|group|csv} instead (an org unit path, another group's email, or file:/path/members.csv), or split the list",
    ]);
  });
});

describe('admin roles: forms that only look right', () => {
  it('a customer ID with something before it is refused, not found inside it', () => {
    assert.deepEqual(refused('customer.customerId', 'xC046psxkn'), [
      'customer.customerId: must be the Google customer ID from Admin console > Account > Account settings: "C0" and 7 letters or digits (e.g. C046psxkn, or 046psxkn without the C), not "my_customer" (Cloud Identity needs the ID itself) or a domain',
    ]);
  });

  it('an org unit path must start with its slash, not merely end with "/X"', () => {
    assert.deepEqual(refused('scope.orgUnitPaths', ['Students/A']), [
      'scope.orgUnitPaths.0: must be an org unit path like /Students (leading slash, no trailing slash)',
    ]);
  });

  it("the ledger's count of members added by reference is a whole number from 0", () => {
    const ledger = (membersAddedByReference: number) => ({ ledger: { ...f.ledger(), membersAddedByReference } });
    assert.equal(parsed('undo', ledger(0)).undo?.ledger.membersAddedByReference, 0);
    assert.equal(parsed('undo', ledger(1200)).undo?.ledger.membersAddedByReference, 1200);
    assert.deepEqual(refused('undo', ledger(-1)), [
      'undo.ledger.membersAddedByReference: Too small: expected number to be >=0',
    ]);
  });

  it('pages per run: 1 to 100', () => {
    const membership = (pagesPerRun: number) => ({
      propagationTimeoutMinutes: 5,
      pollSeconds: 2,
      batchSize: 50,
      pagesPerRun,
    });
    for (const n of [1, 50, 100]) assert.equal(parsed('membership', membership(n)).membership.pagesPerRun, n);
    assert.deepEqual(refused('membership', membership(0)), [
      'membership.pagesPerRun: Too small: expected number to be >=1',
    ]);
    assert.deepEqual(refused('membership', membership(101)), [
      'membership.pagesPerRun: Too big: expected number to be <=100',
    ]);
  });
});

describe('admin roles: "did you mean" for privilege names', () => {
  it('a short name: candidates within 4 edits', () => {
    assert.deepEqual(closeNames('ABCDEF', ['ABCXYZ', 'ABWXYZ', 'UVWXYZ']), ['ABCXYZ', 'ABWXYZ']);
  });

  it('a long name: within a third of its length', () => {
    assert.deepEqual(closeNames('ABCDEFGHIJKLMNO', ['ABCDEFGHIJVWXYZ', 'ABCDEFGHIUVWXYZ']), ['ABCDEFGHIJVWXYZ']);
  });

  it('sharing a word of three letters or more brings a name closer; a two-letter word does not', () => {
    assert.deepEqual(closeNames('EDU_CDEFG', ['EDU_WXYZQ']), ['EDU_WXYZQ']);
    assert.deepEqual(closeNames('AB_CDEFG', ['AB_WXYZQ']), []);
  });
});
