/**
 * The pure pieces of large member lists (issue #24 item 5): a members CSV line, the plan cut to one page for the
 * status and the result, and how a reference is named. No server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberSourceLabel, parseMemberCsvLine, trimPlanMembers } from '../../src/rules/google-admin-roles-rules';
import type { AdminRolePlan } from '../../src/contract/google-admin-roles-messages';

describe('members CSV lines', () => {
  it('reads email[,role[,type]], quotes, case, and skips blank lines and the header', () => {
    assert.deepEqual(parseMemberCsvLine('Ann@School.example'), {
      member: { email: 'ann@school.example', role: 'MEMBER', type: 'USER' },
    });
    assert.deepEqual(parseMemberCsvLine(' "bob@school.example" , manager '), {
      member: { email: 'bob@school.example', role: 'MANAGER', type: 'USER' },
    });
    assert.deepEqual(parseMemberCsvLine('staff@school.example,,group'), {
      member: { email: 'staff@school.example', role: 'MEMBER', type: 'GROUP' },
    });
    assert.equal(parseMemberCsvLine(''), undefined);
    assert.equal(parseMemberCsvLine(' , '), undefined);
    assert.equal(parseMemberCsvLine('Email,Role,Type'), undefined);
  });

  it('names what is wrong with a malformed line', () => {
    assert.deepEqual(parseMemberCsvLine('not-an-email'), { error: '"not-an-email" is not an email address' });
    assert.deepEqual(parseMemberCsvLine('a@b.example,ADMIN'), {
      error: 'role "ADMIN" must be MEMBER, MANAGER or OWNER',
    });
    assert.deepEqual(parseMemberCsvLine('a@b.example,MEMBER,ROBOT'), { error: 'type "ROBOT" must be USER or GROUP' });
    assert.deepEqual(parseMemberCsvLine('g@b.example,OWNER,GROUP'), {
      error: 'a group can only be added with role MEMBER',
    });
    assert.deepEqual(parseMemberCsvLine('a@b.example,MEMBER,USER,extra'), {
      error: '4 columns, expected email[,role[,type]]',
    });
  });
});

describe('the plan in status and result', () => {
  const emails = (n: number) => Array.from({ length: n }, (_, i) => `m${i}@x.example`);
  const plan = (toAdd: number): AdminRolePlan => ({
    privileges: [],
    orgUnits: [],
    group: { state: 'absent', differences: [] },
    members: { toAdd: emails(toAdd), present: emails(3), differs: [{ email: 'd@x.example', detail: 'is OWNER' }] },
    role: { state: 'absent', differences: [] },
    assignee: { type: 'group', email: 'g@x.example' },
    assignments: { toCreate: [], present: [] },
    summary: [],
  });

  it('keeps one page of each member list and counts them all; trimming again keeps the first counts', () => {
    const once = trimPlanMembers(plan(5000));
    assert.equal(once.members.toAdd.length, 100);
    assert.deepEqual(once.members.toAdd.slice(0, 2), ['m0@x.example', 'm1@x.example']);
    assert.deepEqual(once.members.counts, { toAdd: 5000, present: 3, differs: 1 });
    assert.deepEqual(trimPlanMembers(once).members.counts, { toAdd: 5000, present: 3, differs: 1 });
  });

  it('names a reference by its kind', () => {
    assert.equal(memberSourceLabel({ orgUnit: '/Teachers' }), 'orgUnit /Teachers');
    assert.equal(memberSourceLabel({ group: 'all@x.example' }), 'group all@x.example');
    assert.equal(memberSourceLabel({ csv: 'file:/srv/t.csv' }), 'csv file:/srv/t.csv');
  });
});
