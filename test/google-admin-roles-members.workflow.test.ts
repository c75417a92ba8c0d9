/**
 * Issue #24 item 5, large member lists: inline up to MEMBERS_INLINE_MAX, beyond it by reference (an org unit,
 * another group, a CSV file the worker reads), added page by page with continue-as-new, and status queries that
 * stay under 256 KB whatever the size. Real Temporal, the Google simulator over HTTP; nothing here times anything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { parseAdminRoleInput } from '../src/domain/google-admin-roles-schema';
import {
  adminRoleMembersPageQuery,
  adminRoleStatusQuery,
  type AdminRoleStatus,
} from '../src/contract/google-admin-roles-messages';
import { SECURITY_LABEL, DISCUSSION_LABEL } from '../src/simulators/google/directory-state';
import { FailureType } from '../src/contract/failure-types';
import { googleAdminFixture, startProvisioning, type GoogleAdminFixture } from './helpers/google-admin';
import { failureOf, integration, uniqueTaskQueue, type Integration } from './helpers/integration';
import { cliRunner } from './helpers/cli';

const STATUS_LIMIT = 256 * 1024;
const SECURITY_LABELS = { [SECURITY_LABEL]: '', [DISCUSSION_LABEL]: '' };

/** Runs of a continue-as-new chain, following each run's ContinuedAsNew event from the first. */
async function runCount(handle: WorkflowHandle): Promise<number> {
  // client.workflow.start's handle knows its first run (startProvisioning types it more loosely).
  let runId: string | undefined = (handle as WorkflowHandle & { firstExecutionRunId: string }).firstExecutionRunId;
  let runs = 0;
  while (runId) {
    runs++;
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await handle.client
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** The status query's size as its JSON payload, and the status. */
async function statusSize(handle: WorkflowHandle): Promise<{ bytes: number; status: AdminRoleStatus }> {
  const status = await handle.query(adminRoleStatusQuery);
  return { bytes: Buffer.byteLength(JSON.stringify(status)), status };
}

describe('googleAdminRoleProvisioning with large member lists', () => {
  let stack: Integration;
  let g: GoogleAdminFixture;
  let dir: string;
  const taskQueue = uniqueTaskQueue('admin-roles-members');
  const cli = cliRunner(() => ({
    TEMPORAL_ADDRESS: stack.env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONRAMP_DATA_DIR: dir,
  }));

  before(async () => {
    stack = await integration();
    // A roomy quota: these tests are about pages, cursors and sizes, not pacing (the bench measures that).
    g = await googleAdminFixture({ directoryQuota: { limit: 100_000, windowMs: 5000 } });
    await stack.worker(
      g.activities({ directoryQuota: { limit: 90_000, windowMs: 5000, guardMs: 0 }, memberConcurrency: 20 }),
      { taskQueue }
    );
    dir = mkdtempSync(join(tmpdir(), 'onramp-members-'));
  });
  after(async () => {
    await stack.teardown();
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses more than 5,000 inline members at the door, naming membersFrom as the fix; 5,000 pass', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `m${i}@${g.domain}` }));
    assert.throws(
      () => parseAdminRoleInput({ ...g.request('door'), members: members(6000) }),
      /members: 6,000 inline, more than 5,000; give membersFrom: \{orgUnit\|group\|csv\}/
    );
    assert.equal(parseAdminRoleInput({ ...g.request('door'), members: members(5000) }).members.length, 5000);
    assert.throws(
      () =>
        parseAdminRoleInput({ ...g.request('door'), membersFrom: { orgUnit: '/Teachers', csv: 'file:/tmp/x.csv' } }),
      /membersFrom: give exactly one of orgUnit .* not orgUnit and csv/
    );
    assert.throws(
      () => parseAdminRoleInput({ ...g.request('door'), membersFrom: { csv: 'members.csv' } }),
      /membersFrom\.csv: must be file:\/absolute\/path\/members\.csv/
    );
    assert.throws(
      () => parseAdminRoleInput({ ...g.request('door'), membersFrom: { group: `door@${g.domain}` } }),
      /membersFrom\.group: is the group itself/
    );
  });

  it('adds 5,000 inline members and an org unit of 2,000 users across continue-as-new, every status under 256 KB', async () => {
    // School-length addresses (firstname.lastname.class-of-2031…): 5,000 of them are ~375 KB as one list.
    const inline = g.users('a-rather-long-student-name.of-the-class-of-2031.', 5000).map((email) => ({ email }));
    const teachers = Array.from({ length: 2000 }, (_, i) => {
      const email = `teacher${i}@${g.domain}`;
      g.sim.state.addUser(email, 'user', i % 2 ? '/Teachers' : '/Teachers/Grade5');
      return email;
    });
    g.sim.state.addUser(`student-not-copied@${g.domain}`, 'user', '/Students');
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('large'),
      members: inline,
      membersFrom: { orgUnit: '/Teachers' },
      membership: { propagationTimeoutMinutes: 5, pollSeconds: 1, batchSize: 500, pagesPerRun: 3 },
    });
    // Sampled while it runs (each answer from whichever run is current) and once it is done.
    let largest = 0;
    const done = handle.result();
    let finished = false;
    void done.then(
      () => (finished = true),
      () => (finished = true)
    );
    while (!finished) {
      largest = Math.max(largest, (await statusSize(handle)).bytes);
      await new Promise((r) => setTimeout(r, 500));
    }
    const result = await done;
    const { bytes, status } = await statusSize(handle);
    largest = Math.max(largest, bytes);
    assert.ok(largest < STATUS_LIMIT, `the largest status was ${largest} bytes`);

    const group = g.sim.directory.groupByKey(`large@${g.domain}`)!;
    const inGroup = g.sim.directory.members.get(group.id)!;
    assert.equal(inGroup.size, 7000, 'every inline member and every user of /Teachers (and below), nobody else');
    assert.ok(teachers.every((t) => inGroup.has(t)));
    assert.equal(inGroup.has(`student-not-copied@${g.domain}`), false);
    assert.deepEqual(result.members, { total: 7000, added: 7000, alreadyPresent: 0, failed: 0, pending: 0 });
    assert.equal(result.ledger.membersAdded.length, 5000);
    assert.equal(result.ledger.membersAddedByReference, 2000);
    assert.ok((await runCount(handle)) >= 2, 'continued as new at least once');
    assert.equal(status.membersFrom?.source, 'orgUnit /Teachers');
    assert.equal(status.membersFrom?.read, 2000);
    assert.equal(status.membersFrom?.done, true);
    assert.equal(status.membersAddedTotal, 5000);
    assert.equal(status.ledger.membersAdded.length, 100, 'one page in the status');
    const page = await handle.query(adminRoleMembersPageQuery, { list: 'added', offset: 4990, limit: 50 });
    assert.equal(page.total, 5000);
    assert.deepEqual(
      page.items.map((i) => i.email),
      inline.slice(4990).map((m) => m.email)
    );
  });

  it('adds members from a CSV across pages, and refuses a CSV with a malformed row naming the row, before any write', async () => {
    const users = g.users('csv', 25);
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      ['email,role,type', ...users.map((u, i) => (i === 3 ? `"${u}",MANAGER` : i === 7 ? `${u},,USER` : u)), ''].join(
        '\r\n'
      )
    );
    const ok = await (
      await startProvisioning(stack.env.client, taskQueue, {
        ...g.request('csv-good'),
        membersFrom: { csv: `file:${good}` },
        membership: { propagationTimeoutMinutes: 5, pollSeconds: 1, batchSize: 4, pagesPerRun: 2 },
      })
    ).result();
    const group = g.sim.directory.groupByKey(`csv-good@${g.domain}`)!;
    const inGroup = g.sim.directory.members.get(group.id)!;
    assert.equal(inGroup.size, 25);
    assert.equal(inGroup.get(users[3]!)!.role, 'MANAGER');
    assert.equal(ok.members.added, 25);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, ['email', users[0], 'not-an-email', `${users[1]},ADMIN`, users[2]].join('\n'));
    const before = g.writes();
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('csv-bad'),
      membersFrom: { csv: `file:${bad}` },
    });
    const failure = await failureOf(handle);
    assert.equal(failure.type, FailureType.GoogleMemberSourceInvalid);
    assert.match(failure.message, /membersFrom\.csv: .*bad\.csv has malformed rows/);
    assert.match(failure.message, /row 3: "not-an-email" is not an email address/);
    assert.match(failure.message, /row 4: role "ADMIN" must be MEMBER, MANAGER or OWNER/);
    assert.deepEqual(g.writes(), before, 'nothing was written');
    assert.equal(g.sim.directory.groupByKey(`csv-bad@${g.domain}`, true), undefined);
  });

  it('refuses a membership cycle through a referenced group before its first write', async () => {
    const d = g.sim.directory;
    // The order's group A exists; B contains A; the source group S contains B: copying S into A closes A → B → A.
    const a = d.createGroup(`ref-a@${g.domain}`, 'Group ref-a', '', SECURITY_LABELS);
    const b = d.createGroup(`ref-b@${g.domain}`, 'B', '', SECURITY_LABELS);
    const s = d.createGroup(`ref-source@${g.domain}`, 'Source', '', SECURITY_LABELS);
    d.addMember(b.id, a.email, 'MEMBER', 'GROUP', a.id);
    const [u] = g.users('ref-user', 1);
    d.addMember(s.id, u!, 'MEMBER', 'USER', d.userId(u!));
    d.addMember(s.id, b.email, 'MEMBER', 'GROUP', b.id);
    const before = g.writes();
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('ref-a'),
      membersFrom: { group: s.email },
    });
    const failure = await failureOf(handle);
    assert.equal(failure.type, FailureType.GoogleCyclicMembership);
    assert.match(failure.message, new RegExp(`cannot add ${b.email} to ${a.email}: Cyclic memberships not allowed`));
    assert.deepEqual(g.writes(), before, 'nothing was written');
  });

  it('onramp status --members pages the failed and the added members the status only counts', async () => {
    const real = g.users('paged', 2).map((email) => ({ email }));
    const ghosts = Array.from({ length: 130 }, (_, i) => ({ email: `ghost${String(i).padStart(3, '0')}@${g.domain}` }));
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('paged'),
      members: [...real, ...ghosts],
    });
    const failure = await failureOf(handle);
    assert.equal(failure.type, FailureType.GoogleMembersFailed);
    assert.match(failure.message, /130 member\(s\) could not be added .* and 120 more \(.*--members\)/);
    const status = await handle.query(adminRoleStatusQuery);
    assert.equal(status.members.failed, 130);
    assert.equal(status.memberProblems.length, 100, 'one page of problems in the status');

    const page2 = await cli(['status', handle.workflowId, '--members', '--page', '2']);
    assert.equal(page2.code, 0, page2.stderr);
    const lines = page2.stdout.trim().split('\n');
    assert.equal(lines[0], 'failed members, page 2 of 2 (130 in all)');
    assert.deepEqual(
      lines.slice(1).map((l) => l.trim().split(' ')[0]),
      ghosts.slice(100).map((m) => m.email)
    );
    const added = await cli(['status', handle.workflowId, '--members', 'added', '--json']);
    assert.equal(added.code, 0, added.stderr);
    const json = JSON.parse(added.stdout) as { total: number; items: { email: string }[] };
    assert.equal(json.total, 2);
    assert.deepEqual(json.items.map((i) => i.email).sort(), real.map((m) => m.email).sort());
    const bad = await cli(['status', handle.workflowId, '--page', '2']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--page goes with --members/);
  });
});
