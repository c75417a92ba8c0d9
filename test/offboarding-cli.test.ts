import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { startOrder, type OrderConfig } from '../src/services/orders';
import type { driftCheck } from '../src/workflows';
import { cliRunner } from './helpers/cli';
import type { GoogleAdminFixture } from './helpers/google-admin';
import { eventually } from './helpers/integration';
import { googleTenant, orderWorld, type OrderWorld } from './helpers/order-world';

describe('onramp offboard and onramp findings (CLI process, real Temporal server, Google simulator)', () => {
  let world: OrderWorld;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let taskQueue: string;
  let config: OrderConfig;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-offboard-cli-'));

  const cli = cliRunner(() => ({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONRAMP_DATA_DIR: dir,
  }));

  before(async () => {
    world = await orderWorld({ name: 'offboard-cli', autotask: false, connectwise: false });
    ({ env, g, taskQueue, config } = world);
  });
  after(() => world.teardown());

  const tenant = () => googleTenant(g);
  const writes = () => Object.values(g.writes()).reduce((a, b) => a + b, 0);

  it('findings lists a drift problem by customer and integration; offboard --plan writes nothing; offboard runs, asks the operator, verifies, and leaves the tenant as before', async () => {
    g.grant([]);
    const before = tenant();
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    const o: OrderRequest = world.order({
      orderId: `SO-OFFCLI-${process.pid}`,
      customer: { id: `offcli-${process.pid}`, name: 'CLI Offboarding' },
      roles: { name: 'offcli', members: 1 },
    });
    await startOrder(env.client, config, o);
    await env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();

    // A role assignment removed by hand; a drift check of the order opens a finding; the CLI lists it.
    const [assignmentId, assignment] = [...g.sim.directory.assignments].at(-1)!;
    g.sim.directory.assignments.delete(assignmentId);
    await env.client.workflow.execute<typeof driftCheck>('driftCheck', {
      workflowId: `offcli-drift-${process.pid}`,
      taskQueue,
      args: [{ customer: o.customer, orderId: o.orderId }],
    });
    const listed = await eventually(async () => {
      const r = await cli(['findings', '--customer', o.customer.id, '--integration', 'googleAdminRoles', '--open']);
      return /OPEN/.test(r.stdout) ? r : undefined;
    }, 'the finding listed by the CLI');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`OPEN\\s+${o.customer.id}\\s+google-admin-roles\\s+googleAdminRoles:assignment:`)
    );
    const other = await cli(['findings', '--customer', o.customer.id, '--integration', 'autotask']);
    assert.match(other.stdout, /no findings match/, 'filtered by integration');
    g.sim.directory.assignments.set(assignmentId, assignment);

    // --plan: the steps, nothing written.
    const w0 = writes();
    const plan = await cli(['offboard', o.orderId, '--plan']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /offboarding plan of order/);
    assert.match(plan.stdout, /googleAdminRoles: /);
    assert.match(plan.stdout, /googleDelegation: .*\(operator\)/);
    assert.equal(writes(), w0, 'the plan writes nothing');

    // The real run: Onramp removes the roles, then asks the admin to remove the client ID.
    const started = await cli(['offboard', o.orderId]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /offboarding order .* \(workflow /);
    await eventually(async () => {
      const r = await cli(['offboard', o.orderId]);
      return /OPERATOR \(googleDelegation\)/.test(r.stdout) || undefined;
    }, 'the operator instruction');
    await request(`${g.url}/_admin/domain-wide-delegation/${g.clientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: g.domain, scopes: [], propagationDelayMs: 0 }),
    });
    const doneR = await cli(['offboard', o.orderId, '--operator-done', 'googleDelegation']);
    assert.equal(doneR.code, 0, doneR.stderr);
    const waited = await cli(['offboard', o.orderId, '--wait']);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /: completed/);
    assert.deepEqual(tenant(), before, 'the tenant as before the onboarding');
  });
});
