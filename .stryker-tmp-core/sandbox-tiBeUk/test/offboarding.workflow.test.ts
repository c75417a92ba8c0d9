// @ts-nocheck
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { request } from 'undici';
import { createActivities, type OnrampActivities } from '../src/activities';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles';
import { offboardingWorkflowId, type OffboardingReport } from '../src/domain/offboarding';
import { offboardingOperatorDone, planOffboarding, startOffboarding } from '../src/offboarding';
import { orderAction, startOrder, type OrderConfig } from '../src/orders';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import type { AreaLevels } from '../src/simulators/connectwise/state';
import { offboardingStatusQuery } from '../src/workflows';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { connectwiseFixture, customers, fullRole, type ConnectwiseFixture, type CwMember } from './helpers/connectwise';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const pick = (acts: OnrampActivities, re: RegExp) =>
  Object.fromEntries(Object.entries(acts).filter(([k]) => re.test(k))) as Partial<OnrampActivities>;

/** The role of the guide plus Delete on the areas whose objects the sync creates, so Onramp can remove them itself. */
function roleWithDelete(): Record<string, Partial<AreaLevels>> {
  const role = fullRole();
  for (const area of ['Finance/Agreements', 'Procurement/Product Catalog', 'Companies/Company Maintenance'])
    role[area] = { ...role[area], delete: 'All' };
  return role;
}

describe('customerOffboarding (real Temporal server, Google/Autotask/ConnectWise simulators over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let receiver: NotifyReceiver;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('offboarding');
  /** The door's ConnectWise allow-list names the simulator's host (set once the simulator listens). */
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
    const id = `SO-OFF-${process.pid}-${++seq}`;
    const tenant = `offb-${process.pid}-${seq}`;
    return {
      orderId: id,
      customer: { id: tenant, name: `Offboarded ${seq}` },
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
        autotask: at.onboarding(tenant, `office-protect-${seq}`),
        connectwise: {
          ...cw.request(m),
          connection: { ...cw.request(m).connection, privateKeyRef: undefined },
          customers: customers(2, `OF${seq}`),
          keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
        },
      },
    };
  };

  /** What "as before" compares: everything but audit records (write counters, lifetime webhook counts). */
  const snapshot = () =>
    structuredClone({
      google: {
        groups: [...g.sim.directory.groups.keys()].sort(),
        members: [...g.sim.directory.members].map(([k, v]) => [k, [...v.keys()].sort()]),
        roles: [...g.sim.directory.roles.keys()].sort(),
        assignments: [...g.sim.directory.assignments.keys()].sort(),
        grant: [...g.sim.state.effectiveScopes(g.clientId, g.domain)].sort(),
      },
      autotask: { webhooks: [...at.sim.db.webhooks.keys()].sort() },
      connectwise: {
        companies: cw.sim.state.companies,
        agreements: cw.sim.state.agreements,
        catalog: cw.sim.state.catalog,
        additions: cw.sim.state.additions,
      },
    });
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
          await request(`${cw.url}/__sim/cw/api-members/${m.identifier}/keys/${m.publicKey}`, { method: 'DELETE' });
        await offboardingOperatorDone(env.client, orderId, integration);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('after a full onboarding: the plan lists everything, offboarding restores every simulator, a second one changes nothing', async () => {
    const m = await cw.newMember(roleWithDelete());
    const u = at.addUser();
    // A customer that was already a ConnectWise company before the onboarding: it must survive offboarding.
    cw.sim.state.addCompany(`OF${seq + 1}0001`, `Customer OF${seq + 1} 1`);
    g.grant([]);
    const before = snapshot();

    const o = order(m, 'full');
    g.grant(Object.values(ADMIN_ROLE_SCOPES)); // the admin authorizes the client ID
    await startOrder(env.client, config, o);
    const parent = env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId));
    const supply = async (integration: 'autotask' | 'connectwise', credential: unknown) =>
      eventually(
        () =>
          orderAction(env.client, o.orderId, 'supply-credential', { integration, credential, config }).catch(
            () => false
          ),
        `${integration} to take its credential`
      );
    await supply('autotask', u.credentials);
    await supply('connectwise', { privateKeyRef: m.keyRef });
    const onboarded = (await parent.result()) as { completed: string[] };
    assert.deepEqual([...onboarded.completed].sort(), [
      'autotask',
      'connectwise',
      'googleAdminRoles',
      'googleDelegation',
    ]);
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
    assert.equal(actions.filter((a) => /^connectwise: delete agreement/.test(a)).length, 2);
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
});
