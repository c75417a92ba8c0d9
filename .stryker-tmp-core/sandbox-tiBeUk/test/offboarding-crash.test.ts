// @ts-nocheck
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { request } from 'undici';
import { createActivities, type OnrampActivities } from '../src/activities';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles';
import { offboardingWorkflowId, type OffboardingReport } from '../src/domain/offboarding';
import { offboardingOperatorDone, startOffboarding } from '../src/offboarding';
import { orderAction, startOrder, type OrderConfig } from '../src/orders';
import { createNotifyReceiver, type NotifyReceiver } from '../src/simulators/notify-receiver';
import type { AreaLevels } from '../src/simulators/connectwise/state';
import { offboardingStatusQuery } from '../src/workflows';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { connectwiseFixture, customers, fullRole, type ConnectwiseFixture, type CwMember } from './helpers/connectwise';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const ROOT = resolve(__dirname, '..');
const pick = (acts: OnrampActivities, re: RegExp) =>
  Object.fromEntries(Object.entries(acts).filter(([k]) => re.test(k))) as Partial<OnrampActivities>;

function kill9(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((res) => {
    child.once('exit', (_code, signal) => res(signal));
    child.kill('SIGKILL');
  });
}

describe('offboarding: worker killed (SIGKILL) mid-offboarding and restarted', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let receiver: NotifyReceiver;
  let notifyUrl: string;
  const taskQueue = uniqueTaskQueue('offboarding-crash');
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue } };
  const children: ChildProcess[] = [];

  before(async () => {
    env = await testEnv();
    [g, at, cw] = await Promise.all([googleAdminFixture(), autotaskFixture(), connectwiseFixture()]);
    config.connectwise = { allowedHosts: [cw.host] };
    receiver = createNotifyReceiver();
    notifyUrl = `${await receiver.listen()}/notify`;
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all([g.close(), at.close(), cw.close(), receiver.close()]);
    await env.teardown();
  });

  /** The production entry point (src/worker.ts) in its own process, pointed at the simulators by its environment. */
  const spawnWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        ONRAMP_MODE: 'sandbox',
        ONRAMP_GOOGLE_TOKEN_URL: `${g.url}/token`,
        ONRAMP_GOOGLE_API_ROOT_URL: g.url,
        ONRAMP_AUTOTASK_DISCOVERY_URL: at.simUrl,
        ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: new URL(at.simUrl).host,
        ONRAMP_CONNECTWISE_ALLOWED_HOSTS: cw.host,
        ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS: cw.host,
        ONRAMP_NOTIFY_WEBHOOK_URL: notifyUrl,
        LOG_LEVEL: 'warn',
      },
    });
    children.push(child);
    return child;
  };

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

  it('a worker killed right after a ConnectWise delete committed: the offboarding finishes once on a new worker, nothing is removed twice, the report lists each object once', async () => {
    const role: Record<string, Partial<AreaLevels>> = fullRole();
    for (const area of ['Finance/Agreements', 'Procurement/Product Catalog', 'Companies/Company Maintenance'])
      role[area] = { ...role[area], delete: 'All' };
    const m: CwMember = await cw.newMember(role);
    const u = at.addUser();
    g.grant([]);
    const before = snapshot();
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    const tenant = `offcrash-${process.pid}`;
    const o: OrderRequest = {
      orderId: `SO-OFFCRASH-${process.pid}`,
      customer: { id: tenant, name: 'Crashed Offboarding' },
      integrations: {
        googleDelegation: {
          customer: { domain: g.domain },
          adminEmail: g.admin,
          vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
          serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
          scopes: Object.values(ADMIN_ROLE_SCOPES),
          polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
        },
        googleAdminRoles: { ...g.request('crash'), members: g.users('crash-m', 2).map((email) => ({ email })) },
        autotask: at.onboarding(tenant, 'crash-hooks'),
        connectwise: {
          ...cw.request(m),
          connection: { ...cw.request(m).connection, privateKeyRef: undefined },
          customers: customers(2, 'OC'),
          keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
        },
      },
    };

    // Onboarding on an in-process worker, as in the offboarding test.
    const inProcess: Worker = await createTestWorker(env, taskQueue, {
      ...createActivities({
        google: { tokenUrl: `${g.url}/token` },
        notify: { webhookUrl: notifyUrl },
        googleAdmin: { apiRootUrl: g.url },
      }),
      ...pick(at.activities, /autotask/i),
      ...pick(cw.activities, /connectwise/i),
    });
    const running = inProcess.run();
    try {
      await startOrder(env.client, config, o);
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
    } finally {
      inProcess.shutdown();
      await running;
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
    const first = spawnWorker();
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
    assert.equal(await kill9(first), 'SIGKILL');
    cw.sim.faults.releaseHolds();
    const second = spawnWorker();
    let report: OffboardingReport;
    try {
      report = (await handle.result()) as OffboardingReport;
    } finally {
      stop = true;
      await operators;
      await kill9(second);
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
