import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { cliRunner } from './helpers/cli';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { decodedWorkflow, eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

/**
 * The operator's commands of docs/operations.md's CLI list that act on running onboardings (issue 15 point
 * 7): the CLI as a subprocess against the dev server, a worker with the admin-role and Autotask simulators.
 */
describe('onramp CLI operator commands: supply-credential, list filters, plan, schedules (real server, simulators)', () => {
  let env: TestWorkflowEnvironment;
  let ga: GoogleAdminFixture;
  let at: AutotaskFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('cli-ops');
  const dir = mkdtempSync(join(tmpdir(), 'onramp-cli-ops-'));
  const secretsDir = join(dir, 'secrets');
  const cli = cliRunner(() => ({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONRAMP_DATA_DIR: dir,
  }));

  before(async () => {
    stack = await integration();
    env = stack.env;
    [ga, at] = await Promise.all([googleAdminFixture(), autotaskFixture()]);
    const autotask = Object.fromEntries(Object.entries(at.activities).filter(([k]) => /autotask/i.test(k)));
    await stack.worker({ ...ga.activities(), ...autotask }, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await Promise.all([ga.close(), at.close()]);
  });

  /** An order whose Autotask onboarding waits for the operator's credential (its vendor is this file's own). */
  const autotaskOrder = (orderId: string, vendor: string) => {
    const file = join(dir, `${orderId}.yaml`);
    writeFileSync(
      file,
      stringify({
        orderId,
        customer: { id: `cust-${orderId.toLowerCase()}`, name: `Customer ${orderId}` },
        integrations: {
          autotask: at.onboarding(`tenant-${orderId.toLowerCase()}`, 'office-protect', {
            vendor: { name: vendor },
          }),
        },
      })
    );
    return file;
  };
  const secretFiles = () => (existsSync(secretsDir) ? readdirSync(secretsDir) : []);

  it("list --vendor/--state, a refused credential with the workflow's own reason, then a 0600 secret file handed as a file: reference", async () => {
    const orderId = `CLI-AT-${process.pid}`;
    const vendor = `CLI Vendor ${process.pid}`;
    const child = `customer-onboarding:${orderId}:autotask`;
    const started = await cli(['start', '-f', autotaskOrder(orderId, vendor)]);
    assert.equal(started.code, 0, started.stderr);
    const ids = (out: string) => out.split('\n').map((l) => l.split('  ')[0]);
    await eventually(async () => {
      const l = await cli(['list', '--vendor', vendor, '--state', 'waiting-for-operator']);
      return ids(l.stdout).includes(child);
    }, 'the Autotask child waiting for the operator, listed by vendor and state');
    const byVendor = await cli(['list', '--vendor', vendor]);
    for (const line of byVendor.stdout.trim().split('\n'))
      assert.equal(line.split('  ')[3], vendor, `only ${vendor}'s workflows: ${line}`);
    const completed = await cli(['list', '--vendor', vendor, '--state', 'completed']);
    assert.equal(completed.code, 0, completed.stderr);
    assert.equal(completed.stdout.trim(), 'no onboardings match');

    const u = at.addUser();
    const args = [
      'supply-credential',
      orderId,
      '--integration',
      'autotask',
      '--username',
      u.user.username,
      '--secret-stdin',
    ];
    // A wrong secret: the workflow verifies it against Autotask and refuses; its reason is printed.
    const wrong = 'wrong-secret-for-the-cli-test-0001';
    const refused = await cli(args, wrong);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /^onramp: refused by the workflow: \S/m);
    assert.doesNotMatch(refused.stderr, /^onramp: Workflow Update failed\s*$/m);
    assert.match(refused.stderr, new RegExp(u.user.username.replace(/[.+]/g, '\\$&')), 'the reason names the API user');
    assert.ok(!`${refused.stdout}${refused.stderr}`.includes(wrong), 'the secret is not echoed');
    assert.deepEqual(
      secretFiles().filter((f) => f.startsWith(orderId)),
      [],
      'a refused secret is not left on disk'
    );

    const secret = process.env[u.credentials.secretRef.slice('env:'.length)]!;
    const ok = await cli(args, secret);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`credential accepted and verified for autotask of order ${orderId}`));
    const file = join(secretsDir, `${orderId}-autotask`);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the secret file is 0600');
    assert.equal(readFileSync(file, 'utf8'), secret);
    await env.client.workflow.getHandle(`customer-onboarding:${orderId}`).result();
    // The workflow got a file: reference to that file, never the secret itself.
    const history = await decodedWorkflow(env.client, child);
    assert.ok(
      history.strings.some((x) => x.includes(`file:${file}`)),
      'the Update carried the file: reference'
    );
    assert.ok(!history.strings.some((x) => x.includes(secret)), 'the secret is not in the history');
    const done = await eventually(async () => {
      const l = await cli(['list', '--vendor', vendor, '--state', 'completed']);
      return ids(l.stdout).includes(child) ? l.stdout : undefined;
    }, 'the completed child listed by vendor and state');
    assert.match(done, new RegExp(`${child}  autotask-onboarding  `));
  });

  it('plan prints what the admin-role provisioning would create and writes nothing', async () => {
    const orderId = `CLI-PLAN-${process.pid}`;
    const file = join(dir, 'plan.yaml');
    writeFileSync(
      file,
      stringify({
        orderId,
        customer: { id: 'cli-plan', name: 'CLI Plan School' },
        integrations: {
          googleDelegation: {
            customer: { domain: ga.domain },
            adminEmail: ga.admin,
            vendor: { name: 'Classroom Analytics', supportEmail: 'support@vendor.example' },
            serviceAccount: { clientId: ga.clientId, email: ga.saEmail, keyRef: ga.keyRef },
            scopes: [...new Set([...DEFAULT_DELEGATION_SCOPES, ...Object.values(ADMIN_ROLE_SCOPES)])],
          },
          googleAdminRoles: { ...ga.request('cliplan'), members: [{ email: ga.users('cliplan', 1)[0]! }] },
        },
      })
    );
    const before = ga.writes();
    const r = await cli(['plan', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { summary: string[]; group: { state: string }; role: { state: string } };
    assert.equal(plan.group.state, 'absent');
    assert.equal(plan.role.state, 'absent');
    assert.ok(plan.summary.includes(`create security group cliplan@${ga.domain}`), plan.summary.join('\n'));
    assert.ok(
      plan.summary.some((l) => /^add 1 member\(s\)/.test(l)),
      plan.summary.join('\n')
    );
    assert.deepEqual(ga.writes(), before, 'plan wrote nothing');
    assert.equal(ga.sim.directory.groupByKey(`cliplan@${ga.domain}`, true), undefined);
    // Nothing was started for the order either: plan is not start.
    await assert.rejects(env.client.workflow.getHandle(`customer-onboarding:${orderId}`).describe());
  });

  it('schedule rotation creates (then updates) a Temporal Schedule; schedule list shows it', async () => {
    const oldUser = at.addUser();
    const newUser = at.addUser();
    const tenant = `cli-rot-${process.pid}`;
    const hook = at.seedWebhook(oldUser.user, tenant, 'cli-old');
    const file = join(dir, 'rotation.yaml');
    writeFileSync(file, stringify(at.rotation(tenant, oldUser, newUser, hook, `cli-new-${process.pid}`)));
    const created = await cli(['schedule', 'rotation', '-f', file, '--every-days', '90']);
    assert.equal(created.code, 0, created.stderr);
    const m = /^created schedule (rotation:\S+) \(every 90 days, overlap SKIP\)$/m.exec(created.stdout);
    assert.ok(m, created.stdout);
    const scheduleId = m[1]!;
    try {
      const d = await env.client.schedule.getHandle(scheduleId).describe();
      assert.equal(d.action.type === 'startWorkflow' && d.action.workflowType, 'autotaskWebhookRotation');
      assert.equal(d.policies.overlap, 'SKIP');
      assert.deepEqual(
        (d.spec.intervals ?? []).map((i) => i.every),
        [90 * 86_400_000]
      );
      const again = await cli(['schedule', 'rotation', '-f', file, '--every-days', '30']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`^updated schedule ${scheduleId} \\(every 30 days`, 'm'));
      const listed = await eventually(async () => {
        const l = await cli(['schedule', 'list']);
        return l.stdout.split('\n').find((x) => x.startsWith(`${scheduleId}  `));
      }, 'the schedule in schedule list');
      assert.match(listed, / {2}autotaskWebhookRotation {2}next \d{4}-\d\d-\d\dT/);
      const bad = await cli(['schedule', 'rotation', '-f', file, '--every-days', '0']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--every-days: must be a number from 1 to 365/);
    } finally {
      await env.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
