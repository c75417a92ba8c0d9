// @ts-nocheck
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { request } from 'undici';
import { createActivities } from '../src/activities';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles';
import { startOrder, type OrderConfig } from '../src/orders';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import type { driftCheck } from '../src/workflows';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const ROOT = resolve(__dirname, '..');

describe('onramp offboard and onramp findings (CLI process, real Temporal server, Google simulator)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let receiver: NotifyReceiver;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('offboard-cli');
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue } };
  const dir = mkdtempSync(join(tmpdir(), 'onramp-offboard-cli-'));

  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, ONRAMP_DATA_DIR: dir },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdin.end('');
      child.on('exit', (code) => res({ code: code ?? 1, stdout, stderr }));
    });

  before(async () => {
    env = await testEnv();
    g = await googleAdminFixture();
    receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    worker = await createTestWorker(
      env,
      taskQueue,
      createActivities({
        google: { tokenUrl: `${g.url}/token` },
        notify: { webhookUrl: notifyUrl },
        googleAdmin: { apiRootUrl: g.url },
        onramp: { client: async () => env.client },
      })
    );
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await Promise.all([g.close(), receiver.close()]);
    await env.teardown();
  });

  const tenant = () =>
    structuredClone({
      groups: [...g.sim.directory.groups.keys()].sort(),
      members: [...g.sim.directory.members].map(([k, v]) => [k, [...v.keys()].sort()]),
      roles: [...g.sim.directory.roles.keys()].sort(),
      assignments: [...g.sim.directory.assignments.keys()].sort(),
      grant: [...g.sim.state.effectiveScopes(g.clientId, g.domain)].sort(),
    });
  const writes = () => Object.values(g.writes()).reduce((a, b) => a + b, 0);

  it('findings lists a drift problem by customer and integration; offboard --plan writes nothing; offboard runs, asks the operator, verifies, and leaves the tenant as before', async () => {
    g.grant([]);
    const before = tenant();
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    const o: OrderRequest = {
      orderId: `SO-OFFCLI-${process.pid}`,
      customer: { id: `offcli-${process.pid}`, name: 'CLI Offboarding' },
      integrations: {
        googleDelegation: {
          customer: { domain: g.domain },
          adminEmail: g.admin,
          vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
          serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
          scopes: Object.values(ADMIN_ROLE_SCOPES),
          polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
        },
        googleAdminRoles: { ...g.request('offcli'), members: g.users('offcli-m', 1).map((email) => ({ email })) },
      },
    };
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
