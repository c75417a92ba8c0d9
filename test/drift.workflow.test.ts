import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { driftScheduleId, type DriftCheckRequest } from '../src/domain/drift-schema';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { listFindings } from '../src/services/findings';
import { startOrder, type OrderConfig } from '../src/services/orders';
import type { driftCheck } from '../src/workflows/drift-check';
import type { DriftCheckReport } from '../src/contract/drift-messages';
import type { AutotaskFixture } from './helpers/autotask';
import type { ConnectwiseFixture, CwMember } from './helpers/connectwise';
import type { GoogleAdminFixture } from './helpers/google-admin';
import { eventually } from './helpers/integration';
import { orderWorld, type OrderWorld } from './helpers/order-world';
import { vendorWrites } from './helpers/sandbox';

describe('drift (real Temporal server, Google/Autotask/ConnectWise simulators over HTTP)', () => {
  let world: OrderWorld;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let taskQueue: string;
  let config: OrderConfig;

  before(async () => {
    world = await orderWorld({ name: 'drift' });
    ({ env, g, at, cw, taskQueue, config } = world);
  });
  after(() => world.teardown());

  let seq = 0;
  const order = (m: CwMember, name: string): OrderRequest => {
    ++seq;
    return world.order({
      orderId: `SO-DRIFT-${process.pid}-${seq}`,
      customer: { id: `drift-${process.pid}-${seq}`, name: `Drifted ${seq}` },
      schedules: { driftCheckEveryHours: 24 },
      roles: { name },
      autotask: { webhooks: `drift-hooks-${seq}` },
      connectwise: { member: m, companies: `DR${seq}` },
    });
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
      await world.supply(o.orderId, 'autotask', u.credentials);
      await world.supply(o.orderId, 'connectwise', { privateKeyRef: m.keyRef });
      await env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();
      assert.deepEqual(
        (await schedule.describe()).action,
        d.action,
        'the schedule needs no refresh: the check reads the order'
      );

      const sims = [g.sim, at.sim, cw.sim];
      const w0 = vendorWrites(...sims);
      const clean = await check();
      assert.deepEqual(clean.findings, [], 'no drift right after onboarding');
      assert.deepEqual(vendorWrites(...sims), w0, 'a drift check writes nothing to any simulator');

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

      const w1 = vendorWrites(...sims);
      const drifted = await check();
      assert.deepEqual(vendorWrites(...sims), w1, 'a drift check writes nothing to any simulator');
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

  it('an Office Protect order (seed 001, no webhook step): its onboarding made no webhook, so the drift check looks for none', async () => {
    const u = at.addUser({ integrationVendor: 'Office Protect - Alert Integration', vendorProfile: 'office-protect' });
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    ++seq;
    const o = world.order({
      orderId: `SO-DRIFT-OP-${process.pid}-${seq}`,
      customer: { id: `drift-op-${process.pid}-${seq}`, name: `Office Protect ${seq}` },
      roles: { name: `drift-op-${seq}` },
      autotask: { webhooks: `drift-op-${seq}`, vendorProfile: 'office-protect' },
    });
    await startOrder(env.client, config, o);
    await world.supply(o.orderId, 'autotask', u.credentials);
    await env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();
    assert.equal([...at.sim.db.webhooks.values()].filter((h) => h.name.startsWith(`drift-op-${seq}`)).length, 0);
    const report = await env.client.workflow.execute<typeof driftCheck>('driftCheck', {
      workflowId: `drift-test-${o.orderId}`,
      taskQueue,
      args: [{ customer: o.customer, orderId: o.orderId }],
    });
    assert.deepEqual(
      report.findings.map((f) => f.key),
      [],
      'no "webhook missing" finding for a guide without a webhook step'
    );
  });
});
