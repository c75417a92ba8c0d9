import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../../src/client';
import { ADMIN_ROLE_SCOPES } from '../../src/domain/google-admin-roles-schema';
import type { AdminRoleResult } from '../../src/contract/google-admin-roles-messages';
import { DEFAULT_DELEGATION_SCOPES } from '../../src/domain/google-delegation-schema';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { crashAfterCommits, duplicates, waitForCrash, WorkerProcess, type CrashPoint } from '../helpers/faults';
import { googleAdminFixture, startProvisioning, type GoogleAdminFixture } from '../helpers/google-admin';
import { testEnv, uniqueTaskQueue } from '../helpers/temporal';

const D = '/admin/directory/v1';

describe('fault: worker SIGKILLed right after each Google side effect, then restarted', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let receiver: NotifyReceiver;
  let worker: WorkerProcess;
  const taskQueue = uniqueTaskQueue('fault-google');

  before(async () => {
    env = await testEnv();
    g = await googleAdminFixture();
    g.grant([...Object.values(ADMIN_ROLE_SCOPES), ...DEFAULT_DELEGATION_SCOPES]);
    receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    worker = new WorkerProcess({ address: env.address, taskQueue, googleUrl: g.url, notifyUrl });
    worker.start();
  });
  after(async () => {
    await worker.stop();
    await receiver.close();
    await g.close();
    await env.teardown();
  });

  const assertNoDuplicates = () => {
    const dir = g.sim.directory;
    assert.deepEqual(duplicates([...dir.groups.values()].map((x) => x.email)), [], 'no duplicate group');
    assert.deepEqual(duplicates([...dir.roles.values()].map((r) => r.roleName)), [], 'no duplicate role');
    assert.deepEqual(
      duplicates([...dir.assignments.values()].map((a) => `${a.roleId}|${a.assignedTo}|${a.orgUnitId}`)),
      [],
      'no duplicate role assignment'
    );
  };

  it('group create, member insert, role create, role assignment and the delegation notification: all complete, nothing duplicated', async () => {
    const points: CrashPoint[] = [
      { label: 'group create', sim: g.sim, method: 'POST', path: '/v1/groups' },
      { label: 'member insert', sim: g.sim, method: 'POST', path: new RegExp(`^${D}/groups/[^/]+/members$`) },
      { label: 'role create', sim: g.sim, method: 'POST', path: new RegExp(`^${D}/customer/[^/]+/roles$`) },
      {
        label: 'role assignment',
        sim: g.sim,
        method: 'POST',
        path: new RegExp(`^${D}/customer/[^/]+/roleassignments$`),
      },
      { label: 'delegation notification', sim: receiver, method: 'POST', path: '/notify' },
    ];
    const plan = crashAfterCommits(worker, points);
    // A held call stalls its onboarding, so each point needs an onboarding of its own to reach it.
    const names = ['crash-a', 'crash-b', 'crash-c', 'crash-d', 'crash-e'];
    const users = g.users('member', 3);
    const provisioning = await Promise.all(
      names.map((n) =>
        startProvisioning(env.client, taskQueue, {
          ...g.request(n),
          members: users.map((email) => ({ email })),
        })
      )
    );
    const delegation = await startGoogleDelegation(
      env.client,
      { temporal: { address: env.address, namespace: 'default', taskQueue } },
      {
        customer: { domain: g.domain },
        adminEmail: g.admin,
        vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
        serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
        polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
      }
    );
    await waitForCrash(
      plan,
      points.map((p) => p.label)
    );
    assert.equal(worker.kills, 1, 'the worker was SIGKILLed once, with every point inside its window');

    const results: AdminRoleResult[] = await Promise.all(provisioning.map((h) => h.result()));
    const notified = await delegation.result();
    for (const p of points) assert.equal(plan.fired(p.label), 1, `${p.label}: committed and crashed on`);

    const dir = g.sim.directory;
    for (const [i, n] of names.entries()) {
      const group = dir.groupByKey(`${n}@${g.domain}`, true);
      assert.ok(group, `group ${n} exists`);
      assert.equal(dir.members.get(group.id)?.size, users.length, `${n}: every member once`);
      const assignments = [...dir.assignments.values()].filter((a) => a.roleId === results[i]!.roleId);
      assert.equal(assignments.length, 2, `${n}: one assignment per org unit`);
    }
    assertNoDuplicates();
    assert.equal(notified.notified, true);
    const n = receiver.notifications.get(`${delegation.workflowId}:delegation-verified`);
    assert.ok(n, 'the vendor got the notification');
    assert.equal(n.deliveries, 2, 'delivered again after the crash, deduplicated by the receiver');
    assert.equal(receiver.notifications.size, 1);
    console.log(
      `[faults] google: 1 crash covering ${points.length} side effects, 6 onboardings completed, 0 duplicates`
    );
  });

  it('undo (compensation) interrupted by a crash after each delete finishes on restart', async () => {
    const names = ['undo-a', 'undo-b', 'undo-c'];
    const applied = await Promise.all(
      names.map(async (n) => (await startProvisioning(env.client, taskQueue, g.request(n))).result())
    );
    const points: CrashPoint[] = [
      {
        label: 'assignment delete',
        sim: g.sim,
        method: 'DELETE',
        path: new RegExp(`^${D}/customer/[^/]+/roleassignments/[^/]+$`),
      },
      { label: 'role delete', sim: g.sim, method: 'DELETE', path: new RegExp(`^${D}/customer/[^/]+/roles/[^/]+$`) },
      { label: 'group delete', sim: g.sim, method: 'DELETE', path: /^\/v1\/groups\/[^/]+$/ },
    ];
    const killsBefore = worker.kills;
    const plan = crashAfterCommits(worker, points);
    const undos = await Promise.all(
      names.map((n, i) =>
        startProvisioning(env.client, taskQueue, {
          ...g.request(n),
          mode: 'undo',
          undo: { ledger: applied[i]!.ledger },
        })
      )
    );
    await waitForCrash(
      plan,
      points.map((p) => p.label)
    );
    assert.equal(worker.kills - killsBefore, 1);
    await Promise.all(undos.map((h) => h.result()));
    for (const p of points) assert.equal(plan.fired(p.label), 1, `${p.label}: committed and crashed on`);
    const dir = g.sim.directory;
    for (const [i, n] of names.entries()) {
      assert.equal(dir.groupByKey(`${n}@${g.domain}`, true), undefined, `${n}: group removed`);
      assert.equal(dir.roles.has(applied[i]!.roleId!), false, `${n}: role removed`);
      assert.equal(
        [...dir.assignments.values()].filter((a) => a.roleId === applied[i]!.roleId).length,
        0,
        `${n}: assignments removed`
      );
    }
    console.log(`[faults] google undo: 1 crash covering ${points.length} deletes, 3 compensations completed`);
  });
});
