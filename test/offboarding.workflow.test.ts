import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { offboardingWorkflowId } from '../src/domain/offboarding-schema';
import { offboardingOperatorDone, planOffboarding, startOffboarding } from '../src/services/offboarding';
import { orderAction, startOrder, type OrderConfig } from '../src/services/orders';
import { offboardingStatusQuery, type OffboardingReport } from '../src/contract/offboarding-messages';
import type { AutotaskFixture } from './helpers/autotask';
import type { ConnectwiseFixture, CwMember } from './helpers/connectwise';
import type { GoogleAdminFixture } from './helpers/google-admin';
import { eventually } from './helpers/integration';
import { cwRoleWithDelete, orderWorld, type OrderWorld } from './helpers/order-world';

describe('customerOffboarding (real Temporal server, Google/Autotask/ConnectWise simulators over HTTP)', () => {
  let world: OrderWorld;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let config: OrderConfig;

  before(async () => {
    world = await orderWorld({ name: 'offboarding' });
    ({ env, g, at, cw, config } = world);
  });
  after(() => world.teardown());

  let seq = 0;
  const order = (m: CwMember, name: string): OrderRequest => {
    ++seq;
    return world.order({
      orderId: `SO-OFF-${process.pid}-${seq}`,
      customer: { id: `offb-${process.pid}-${seq}`, name: `Offboarded ${seq}` },
      roles: { name },
      autotask: { webhooks: `office-protect-${seq}` },
      connectwise: { member: m, companies: `OF${seq}` },
    });
  };

  const snapshot = () => world.snapshot();
  const writes = () => ({
    google: Object.values(g.writes()).reduce((a, b) => a + b, 0),
    connectwise: cw.sim.writes(),
    autotaskWebhooks: at.sim.db.webhooks.size,
  });

  /** Play the customer's admin and the operator for each UI step the offboarding asks for. */
  async function playOperators(orderId: string, m: CwMember, username: string): Promise<OffboardingReport> {
    const handle = env.client.workflow.getHandle(offboardingWorkflowId(orderId));
    const done = new Set<string>();
    for (;;) {
      const desc = await handle.describe();
      if (desc.status.name !== 'RUNNING') return (await handle.result()) as OffboardingReport;
      const s = await handle.query(offboardingStatusQuery);
      for (const { integration } of s.instructions) {
        if (done.has(integration)) continue;
        done.add(integration);
        if (integration === 'googleDelegation') g.grant([]);
        if (integration === 'autotask') await at.sim.setUserActive(username, false);
        if (integration === 'connectwise')
          await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
        await offboardingOperatorDone(env.client, orderId, integration);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** An order with every integration, onboarded to completion (the admin authorizes, both credentials supplied). */
  async function onboardFully(m: CwMember, atCredentials: unknown, name: string): Promise<OrderRequest> {
    const o = order(m, name);
    g.grant(Object.values(ADMIN_ROLE_SCOPES)); // the admin authorizes the client ID
    await startOrder(env.client, config, o);
    const parent = env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId));
    await world.supply(o.orderId, 'autotask', atCredentials);
    await world.supply(o.orderId, 'connectwise', { privateKeyRef: m.keyRef });
    const onboarded = (await parent.result()) as { completed: string[] };
    assert.deepEqual([...onboarded.completed].sort(), [
      'autotask',
      'connectwise',
      'googleAdminRoles',
      'googleDelegation',
    ]);
    return o;
  }

  it('after a full onboarding: the plan lists everything, offboarding restores every simulator, a second one changes nothing', async () => {
    const m = await cw.newMember(cwRoleWithDelete());
    const u = at.addUser();
    // A customer that was already a ConnectWise company before the onboarding, with an agreement of the
    // integration's name: both must survive offboarding (only the catalog item the sync added to it goes).
    const existing = cw.sim.state.addCompany(`OF${seq + 1}0001`, `Customer OF${seq + 1} 1`);
    cw.sim.state.addAgreement('Sophos Central', 'Security Services', existing);
    g.grant([]);
    const before = snapshot();

    const o = await onboardFully(m, u.credentials, 'full');
    const after1 = snapshot();
    assert.equal(after1.autotask.webhooks.length, 1, 'the onboarding created a webhook');
    assert.equal(after1.connectwise.additions.length, 2, 'each agreement carries the catalog item');

    // Plan: lookups only.
    const w0 = writes();
    const plan = await planOffboarding(env.client, config, o.orderId);
    assert.deepEqual(writes(), w0, 'a plan writes nothing');
    const actions = plan.steps.map((s) => `${s.integration}: ${s.action}`);
    assert.ok(actions.some((a) => /^googleAdminRoles: remove .*role assignment/.test(a)));
    assert.ok(actions.some((a) => /^googleDelegation: .*removes client ID/.test(a)));
    assert.ok(actions.some((a) => /^autotask: delete Ticket webhook/.test(a)));
    assert.ok(actions.some((a) => /^autotask: deactivate API user/.test(a)));
    assert.equal(actions.filter((a) => /^connectwise: delete addition/.test(a)).length, 2);
    assert.equal(
      actions.filter((a) => /^connectwise: delete agreement/.test(a)).length,
      1,
      'only the agreement the sync created, not the one that was there before'
    );
    assert.ok(actions.some((a) => /^connectwise: delete catalog item/.test(a)));
    assert.equal(
      actions.filter((a) => /^connectwise: delete company/.test(a)).length,
      1,
      'only the company it created'
    );
    assert.ok(actions.some((a) => /^connectwise: delete API key/.test(a)));
    assert.ok(plan.steps.every((s) => s.state === 'planned'));

    await startOffboarding(env.client, config, o.orderId, {
      timing: { recheckSeconds: 0.5, operatorDeadlineHours: 1 },
    });
    const report = await playOperators(o.orderId, m, u.credentials.username);
    assert.equal(report.state, 'completed');
    assert.ok(
      report.steps.every((s) => ['removed', 'verified'].includes(s.state)),
      JSON.stringify(report.steps)
    );
    assert.deepEqual(snapshot(), before, 'every simulator as before the onboarding');
    assert.equal(at.sim.db.user(u.credentials.username)?.active, false, 'the API user is deactivated');
    assert.equal(
      cw.sim.state.members.get(m.identifier)?.keys.some((k) => k.publicKey === m.publicKey),
      false,
      'the API key is gone'
    );

    // A second offboarding finds nothing, writes nothing and waits for nobody.
    const w1 = writes();
    await startOffboarding(env.client, config, o.orderId, {
      timing: { recheckSeconds: 0.5, operatorDeadlineHours: 1 },
    });
    const again = (await env.client.workflow.getHandle(offboardingWorkflowId(o.orderId)).result()) as OffboardingReport;
    assert.equal(again.state, 'completed');
    assert.deepEqual(
      again.steps.filter((s) => s.state === 'removed' && s.integration !== 'googleAdminRoles'),
      [],
      'nothing left to remove'
    );
    assert.deepEqual(writes(), w1, 'no vendor write');
    assert.deepEqual(snapshot(), before);
  });

  it('after a partial onboarding (cancelled while Autotask and ConnectWise waited for credentials): removes only what exists', async () => {
    const m = await cw.newMember();
    g.grant([]);
    const before = snapshot();
    const o = order(m, 'partial');
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    await startOrder(env.client, config, o);
    const parent = env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId));
    await eventually(async () => {
      const s = await parent.query('status');
      const roles = (s as { integrations: { name: string; state: string }[] }).integrations.find(
        (i) => i.name === 'googleAdminRoles'
      );
      return roles?.state === 'completed';
    }, 'the Google roles to be provisioned');
    assert.notDeepEqual(snapshot().google, before.google, 'the Google part was set up');
    await orderAction(env.client, o.orderId, 'cancel');
    await parent.result().catch(() => undefined);

    const plan = await planOffboarding(env.client, config, o.orderId);
    assert.deepEqual(
      [...new Set(plan.steps.map((s) => s.integration))].sort(),
      ['googleAdminRoles', 'googleDelegation'],
      'nothing to remove in Autotask or ConnectWise'
    );
    assert.ok(plan.notes.some((n) => /^autotask: no API user credentials/.test(n)));
    assert.ok(plan.notes.some((n) => /^connectwise: the onboarding never had a complete connection/.test(n)));

    const cwWrites = cw.sim.writes();
    await startOffboarding(env.client, config, o.orderId, {
      timing: { recheckSeconds: 0.5, operatorDeadlineHours: 1 },
    });
    const report = await playOperators(o.orderId, m, 'nobody');
    assert.equal(report.state, 'completed');
    assert.deepEqual(snapshot(), before);
    assert.equal(cw.sim.writes(), cwWrites, 'nothing written to ConnectWise');
    assert.equal(
      cw.sim.state.members.get(m.identifier)?.keys.length,
      1,
      'a key Onramp never received is not its to remove'
    );
  });

  it('a role without Delete: the offboarding asks, and once the role is given Delete = All and operatorDone is sent, it deletes the rest itself', async () => {
    const m = await cw.newMember(); // the seed's role: no Delete level anywhere
    const u = at.addUser();
    g.grant([]);
    const before = snapshot();
    const o = await onboardFully(m, u.credentials, 'no-delete');
    const additions = () => snapshot().connectwise.additions.length - before.connectwise.additions.length;
    assert.equal(additions(), 2);

    await startOffboarding(env.client, config, o.orderId, {
      timing: { recheckSeconds: 3600, operatorDeadlineHours: 2 }, // only the signal can move it on
    });
    const handle = env.client.workflow.getHandle(offboardingWorkflowId(o.orderId));
    const cwInstruction = async () =>
      (await handle.query(offboardingStatusQuery)).instructions.find((i) => i.integration === 'connectwise')?.text;
    const asked = await eventually(cwInstruction, 'the ConnectWise hand-delete instruction');
    assert.match(asked, /give the role Delete = All/);
    assert.equal(additions(), 2, 'refused: nothing deleted yet');

    // The operator follows the hint's second option: the role gets Delete = All; nobody deletes by hand.
    await cw.setRole(m.roleId, cwRoleWithDelete());
    await offboardingOperatorDone(env.client, o.orderId, 'connectwise');
    const next = await eventually(async () => {
      const t = await cwInstruction();
      return t && !/Delete = All/.test(t) && t;
    }, 'the offboarding to delete the objects itself and move on to the API key');
    assert.match(next, /API Keys: delete the key/);
    assert.equal(additions(), 0, 'Onramp deleted the additions');

    const report = await playOperators(o.orderId, m, u.credentials.username);
    assert.equal(report.state, 'completed');
    assert.deepEqual(snapshot(), before, 'every simulator as before the onboarding');
  });
});
