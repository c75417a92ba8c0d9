// @ts-nocheck
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities, type OnrampActivities } from '../src/activities';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding';
import { driftScheduleId, type DriftCheckRequest } from '../src/domain/drift';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles';
import { listFindings } from '../src/findings';
import { orderAction, startOrder, type OrderConfig } from '../src/orders';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import type { Simulator } from '../src/simulators/http';
import type { DriftCheckReport, driftCheck } from '../src/workflows/drift';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { connectwiseFixture, customers, type ConnectwiseFixture, type CwMember } from './helpers/connectwise';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const pick = (acts: OnrampActivities, re: RegExp) =>
  Object.fromEntries(Object.entries(acts).filter(([k]) => re.test(k))) as Partial<OnrampActivities>;

/**
 * Every request that could change a simulator: any method but GET/HEAD on the vendor API, in all three
 * simulators (the control planes `/__sim` and `/_admin` are the test's own hand; the OAuth token exchange is
 * a POST that changes nothing in the tenant, and Autotask's POST {Entity}/query is its read with a body).
 */
function apiWrites(...sims: Simulator[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sim of sims)
    for (const [key, n] of sim.requests) {
      const [method, path = ''] = key.split(' ');
      if (method === 'GET' || method === 'HEAD' || path.startsWith('/__sim/') || path.startsWith('/_admin/')) continue;
      if (sim.options.name === 'google' && path === '/token') continue;
      // Autotask REST reads with POST {Entity}/query (a search body too long for a URL): not a write.
      if (sim.options.name === 'autotask' && path.endsWith('/query')) continue;
      out[`${sim.options.name} ${key}`] = n;
    }
  return out;
}

describe('drift (real Temporal server, Google/Autotask/ConnectWise simulators over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let receiver: NotifyReceiver;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('drift');
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue } };

  before(async () => {
    env = await testEnv();
    [g, at, cw] = await Promise.all([googleAdminFixture(), autotaskFixture(), connectwiseFixture()]);
    config.connectwise = { allowedHosts: [cw.host] };
    receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    const google = createActivities({
      google: { tokenUrl: `${g.url}/token` },
      notify: { webhookUrl: notifyUrl },
      googleAdmin: { apiRootUrl: g.url },
      // Drift checks of an order read its onboarding's progress through the worker's client.
      onramp: { client: async () => env.client },
    });
    worker = await createTestWorker(env, taskQueue, {
      ...google,
      ...pick(at.activities, /autotask/i),
      ...pick(cw.activities, /connectwise/i),
    });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await Promise.all([g.close(), at.close(), cw.close(), receiver.close()]);
    await env.teardown();
  });

  let seq = 0;
  const order = (m: CwMember, name: string): OrderRequest => {
    const id = `SO-DRIFT-${process.pid}-${++seq}`;
    const tenant = `drift-${process.pid}-${seq}`;
    return {
      orderId: id,
      customer: { id: tenant, name: `Drifted ${seq}` },
      schedules: { driftCheckEveryHours: 24 },
      integrations: {
        googleDelegation: {
          customer: { domain: g.domain },
          adminEmail: g.admin,
          vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
          serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
          scopes: Object.values(ADMIN_ROLE_SCOPES),
          polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
        },
        googleAdminRoles: { ...g.request(name), members: g.users(`${name}-m`, 2).map((email) => ({ email })) },
        // Credentials and the private key arrive later through supply-credential, as in the guides.
        autotask: at.onboarding(tenant, `drift-hooks-${seq}`),
        connectwise: {
          ...cw.request(m),
          connection: { ...cw.request(m).connection, privateKeyRef: undefined },
          customers: customers(2, `DR${seq}`),
          keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
        },
      },
    };
  };

  it('one drift check per order, created with the order before anything is checkable; each run checks what the onboarding has learnt; one finding per problem, opened once, closed by a later clean check', async () => {
    const m = await cw.newMember();
    const u = at.addUser();
    g.grant([]); // the delegation waits for the grant: nothing of the order is checkable yet
    const o = order(m, 'drift');
    await startOrder(env.client, config, o);
    const schedule = env.client.schedule.getHandle(driftScheduleId(o.customer.id));
    const findingsOf = async () =>
      (await listFindings(env.client, { customer: o.customer.id, open: true })).map((f) => f.key!).sort();
    try {
      const d = await schedule.describe();
      const args = (d.action as { args: DriftCheckRequest[] }).args;
      assert.deepEqual(args, [{ customer: o.customer, orderId: o.orderId }], 'the order, not a copy of its state');
      const check = async (): Promise<DriftCheckReport> =>
        env.client.workflow.execute<typeof driftCheck>('driftCheck', {
          workflowId: `drift-test-${o.orderId}-${Date.now()}`,
          taskQueue,
          args: [args[0]!],
        });
      const early = await check();
      assert.deepEqual(early.findings, [], 'nothing checkable yet is not drift');
      assert.match(early.note ?? '', /nothing checkable yet/);

      g.grant(Object.values(ADMIN_ROLE_SCOPES));
      for (const [integration, credential] of [
        ['autotask', u.credentials],
        ['connectwise', { privateKeyRef: m.keyRef }],
      ] as const)
        await eventually(
          () =>
            orderAction(env.client, o.orderId, 'supply-credential', { integration, credential, config }).catch(
              () => false
            ),
          `${integration} to take its credential`
        );
      await env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();
      assert.deepEqual(
        (await schedule.describe()).action,
        d.action,
        'the schedule needs no refresh: the check reads the order'
      );

      const sims = [g.sim, at.sim, cw.sim];
      const w0 = apiWrites(...sims);
      const clean = await check();
      assert.deepEqual(clean.findings, [], 'no drift right after onboarding');
      assert.deepEqual(apiWrites(...sims), w0, 'a drift check writes nothing to any simulator');

      // Changes by hand in each vendor's UI (kept, to undo them later).
      const [assignmentId, assignment] = [...g.sim.directory.assignments][0]!;
      g.sim.directory.assignments.delete(assignmentId);
      const hooks = [...at.sim.db.webhooks.values()].filter((h) => h.name.startsWith(`drift-hooks-${seq}`));
      const hook = hooks[0]!;
      hook.isActive = false;
      const [field] = hook.fields.splice(0, 1);
      const agreementIds = new Set(
        cw.sim.state.agreements.filter((a) => a.company.identifier.startsWith(`DR${seq}`)).map((a) => a.id)
      );
      const i = cw.sim.state.additions.findIndex((x) => agreementIds.has(x.agreementId));
      const [addition] = cw.sim.state.additions.splice(i, 1);
      const role = cw.sim.state.roles.get(m.roleId)!;
      const tickets = role.settings.get('Service Desk/Service Tickets')!;
      role.settings.set('Service Desk/Service Tickets', { ...tickets, inquire: 'None' });

      const w1 = apiWrites(...sims);
      const drifted = await check();
      assert.deepEqual(apiWrites(...sims), w1, 'a drift check writes nothing to any simulator');
      const keys = drifted.findings.map((f) => f.key!);
      const expected = [
        /^googleAdminRoles:assignment:/,
        new RegExp(`^autotask:webhook:${hook.entity}:${hook.name}$`),
        new RegExp(`^autotask:webhook-field:${hook.entity}:${hook.name}:`),
        /^connectwise:addition:DR/,
        /^connectwise:permission:Service Desk\/Service Tickets:inquire$/,
      ];
      for (const re of expected) assert.equal(keys.filter((k) => re.test(k)).length, 1, `one problem ${re}`);
      assert.equal(keys.length, expected.length, `only these problems: ${keys.join(', ')}`);
      assert.deepEqual(drifted.opened, [...keys].sort(), 'each problem opens its own finding');
      await eventually(async () => (await findingsOf()).length === keys.length || undefined, 'findings listed');
      assert.deepEqual(await findingsOf(), [...keys].sort());
      const byIntegration = await listFindings(env.client, {
        customer: o.customer.id,
        integration: 'connectwise',
        open: true,
      });
      assert.deepEqual(
        byIntegration.map((f) => f.key).sort(),
        keys.filter((k) => k.startsWith('connectwise:')).sort(),
        'searchable by customer and integration'
      );
      assert.ok(byIntegration.every((f) => f.integration === 'connectwise' && f.problem && f.fix));

      // The same problems again: no second finding.
      const again = await check();
      assert.deepEqual(again.opened, [], 'a problem already open is not opened again');
      assert.deepEqual(again.closed, []);
      assert.deepEqual(await findingsOf(), [...keys].sort());

      // One problem fixed by hand, a new one appears while the others are open.
      hook.isActive = true;
      const member = o.integrations.googleAdminRoles!.members![0]!.email.toLowerCase();
      const group = [...g.sim.directory.members.values()].find((ms) => ms.has(member))!;
      const membership = group.get(member)!;
      group.delete(member);
      const third = await check();
      const hookKey = keys.find((k) => k.startsWith('autotask:webhook:'))!;
      assert.deepEqual(third.closed, [hookKey], 'the fixed problem is closed');
      assert.equal(third.opened?.length, 1, 'the new problem opens its own finding');
      assert.match(third.opened[0]!, /^googleAdminRoles:member:/);
      const open = [...keys.filter((k) => k !== hookKey), third.opened[0]!].sort();
      await eventually(async () => JSON.stringify(await findingsOf()) === JSON.stringify(open) || undefined, 'listed');

      // Everything undone by hand: a clean check closes every open finding.
      g.sim.directory.assignments.set(assignmentId, assignment);
      hook.fields.unshift(field!);
      cw.sim.state.additions.splice(i, 0, addition!);
      role.settings.set('Service Desk/Service Tickets', tickets);
      group.set(member, membership);
      const last = await check();
      assert.deepEqual(last.findings, []);
      assert.deepEqual(last.closed, open, 'a clean check closes every open finding');
      await eventually(async () => (await findingsOf()).length === 0 || undefined, 'no open finding');
      const all = await listFindings(env.client, { customer: o.customer.id });
      assert.equal(all.length, open.length + 1, 'one finding per problem, ever');
    } finally {
      await schedule.delete().catch(() => undefined);
    }
  });
});
