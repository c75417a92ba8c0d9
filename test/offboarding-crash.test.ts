import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { offboardingWorkflowId } from '../src/domain/offboarding-schema';
import { offboardingOperatorDone, startOffboarding } from '../src/services/offboarding';
import { startOrder, type OrderConfig } from '../src/services/orders';
import { offboardingStatusQuery, type OffboardingReport } from '../src/contract/offboarding-messages';
import type { AutotaskFixture } from './helpers/autotask';
import type { ConnectwiseFixture, CwMember } from './helpers/connectwise';
import { WorkerProcess } from './helpers/faults';
import type { GoogleAdminFixture } from './helpers/google-admin';
import { eventually } from './helpers/integration';
import { cwRoleWithDelete, orderWorld, type OrderWorld } from './helpers/order-world';

describe('offboarding: worker killed (SIGKILL) mid-offboarding and restarted', () => {
  let world: OrderWorld;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let config: OrderConfig;
  /** The production entry point (src/worker.ts) in its own process, pointed at the simulators by its environment. */
  let worker: WorkerProcess;

  before(async () => {
    world = await orderWorld({ name: 'offboarding-crash', worker: false });
    ({ env, g, at, cw, config } = world);
    worker = new WorkerProcess({
      address: env.address,
      namespace: env.namespace,
      taskQueue: world.taskQueue,
      googleUrl: g.url,
      notifyUrl: world.notifyUrl,
      autotaskUrl: at.simUrl,
      connectwiseHost: cw.host,
    });
  });
  after(async () => {
    await worker.stop();
    await world.teardown();
  });

  const snapshot = () => world.snapshot();

  it('a worker killed right after a ConnectWise delete committed: the offboarding finishes once on a new worker, nothing is removed twice, the report lists each object once', async () => {
    const m: CwMember = await cw.newMember(cwRoleWithDelete());
    const u = at.addUser();
    g.grant([]);
    const before = snapshot();
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    const tenant = `offcrash-${process.pid}`;
    const o: OrderRequest = world.order({
      orderId: `SO-OFFCRASH-${process.pid}`,
      customer: { id: tenant, name: 'Crashed Offboarding' },
      roles: { name: 'crash' },
      autotask: { webhooks: 'crash-hooks' },
      connectwise: { member: m, companies: 'OC' },
    });

    // Onboarding on an in-process worker, as in the offboarding test.
    const inProcess = await world.stack.worker(world.activities, { taskQueue: world.taskQueue });
    try {
      await startOrder(env.client, config, o);
      await world.supply(o.orderId, 'autotask', u.credentials);
      await world.supply(o.orderId, 'connectwise', { privateKeyRef: m.keyRef });
      await env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();
    } finally {
      await inProcess.stop();
    }
    const agreements = cw.sim.state.agreements.filter((a) => a.company.identifier.startsWith('OC')).map((a) => a.id);
    assert.equal(agreements.length, 2);

    // The first agreement DELETE commits, then its answer is held: the worker dies in that window.
    let committed: string | undefined;
    cw.sim.faults.holdAfterCommit({
      method: 'DELETE',
      path: /\/finance\/agreements\/\d+$/,
      times: 1,
      holdMs: 120_000,
      onCommitted: (r) => void (committed = r.path),
    });
    worker.start();
    await startOffboarding(env.client, config, o.orderId, {
      timing: { recheckSeconds: 0.5, operatorDeadlineHours: 1 },
    });
    const handle = env.client.workflow.getHandle(offboardingWorkflowId(o.orderId));

    // Play the customer's admin and the operator for each UI step (through the simulators' admin routes).
    const done = new Set<string>();
    let stop = false;
    const operators = (async () => {
      while (!stop) {
        const s = await handle.query(offboardingStatusQuery).catch(() => undefined);
        for (const { integration } of s?.instructions ?? []) {
          if (done.has(integration)) continue;
          done.add(integration);
          if (integration === 'googleDelegation')
            await request(`${g.url}/_admin/domain-wide-delegation/${g.clientId}`, {
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ domain: g.domain, scopes: [], propagationDelayMs: 0 }),
            });
          if (integration === 'autotask')
            await request(`${at.simUrl}/_admin/api-users/${encodeURIComponent(u.credentials.username)}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ active: false }),
            });
          if (integration === 'connectwise')
            await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
          await offboardingOperatorDone(env.client, o.orderId, integration).catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    await eventually(async () => committed !== undefined || undefined, 'an agreement DELETE to commit', 120_000);
    assert.equal(await worker.kill9(), 'SIGKILL');
    cw.sim.faults.releaseHolds();
    worker.start();
    let report: OffboardingReport;
    try {
      report = (await handle.result()) as OffboardingReport;
    } finally {
      stop = true;
      await operators;
      await worker.kill9();
    }

    assert.equal(report.state, 'completed');
    const desc = await handle.describe();
    assert.equal(desc.status.name, 'COMPLETED', 'one run, completed');
    const history = await handle.fetchHistory();
    assert.equal(history.events?.filter((e) => e.workflowExecutionCompletedEventAttributes).length, 1, 'finished once');
    // Nothing removed twice: the held DELETE was sent again (its answer was lost) and found the object gone.
    const deletes = [...cw.sim.requests].filter(
      ([k]) => k.startsWith('DELETE ') && /\/finance\/agreements\/\d+$/.test(k)
    );
    for (const [k, n] of deletes) assert.equal(n, k.endsWith(committed!) ? 2 : 1, k);
    const labels = report.steps.map((s) => `${s.integration}:${s.action}`);
    assert.equal(new Set(labels).size, labels.length, `each object once in the report: ${labels.join(' | ')}`);
    assert.ok(
      report.steps.every((s) => ['removed', 'already-gone', 'verified'].includes(s.state)),
      JSON.stringify(report.steps)
    );
    assert.deepEqual(snapshot(), before, 'every simulator as before the onboarding');
  });
});
