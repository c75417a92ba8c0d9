import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { stringify } from 'yaml';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation';
import { MAX_INPUT_FILE_BYTES } from '../src/cli/context';
import { autotaskFixture, INTEGRATION_CODE, type AutotaskFixture } from './helpers/autotask';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { googleAdminFixture, type GoogleAdminFixture } from './helpers/google-admin';
import { decodedWorkflow } from './helpers/integration';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const ROOT = resolve(__dirname, '..');

describe('onramp CLI against a running stack (real Temporal server, simulators)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('cli');
  const dir = mkdtempSync(join(tmpdir(), 'onramp-cli-'));

  let ga: GoogleAdminFixture;
  let at: AutotaskFixture;
  const secretsDir = join(dir, 'secrets');

  /** The CLI as an operator runs it: a process of its own; killed (and reported) if it outlives `timeoutMs`. */
  const cli = (args: string[], stdin?: string, timeoutMs = 120_000) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, ONRAMP_DATA_DIR: dir },
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        stderr += `\n[test] killed after ${timeoutMs} ms`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? '');
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        res({ code: code ?? (signal ? 137 : 1), stdout, stderr });
      });
    });

  before(async () => {
    env = await testEnv();
    [g, ga, at] = await Promise.all([googleFixture(), googleAdminFixture(), autotaskFixture()]);
    // One worker for every guide the CLI drives here: delegation (g), admin roles (ga), Autotask (at).
    const autotask = Object.fromEntries(Object.entries(at.activities).filter(([k]) => /autotask/i.test(k)));
    worker = await createTestWorker(env, taskQueue, {
      ...ga.activities(),
      ...autotask,
      checkDelegatedScopes: g.activities.checkDelegatedScopes,
      notifyVendor: g.activities.notifyVendor,
    });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await Promise.all([g.close(), ga.close(), at.close()]);
    await env.teardown();
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
            vendor: { name: vendor, integrationVendor: 'Office Protect - Alert Integration' },
          }),
        },
      })
    );
    return file;
  };
  const secretFiles = () => (existsSync(secretsDir) ? readdirSync(secretsDir) : []);

  it('--help lists the commands and exits 0; an unknown command exits non-zero with usage', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const c of ['start', 'status', 'list', 'check-now', 'retry', 'cancel', 'supply-credential', 'plan'])
      assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    const bad = await cli(['frobnicate']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown command/);
  });

  it('start from a YAML order, wait for the operator step, check-now, status table and --json, list by customer', async () => {
    const orderId = `CLI-${process.pid}`;
    const domain = `cli-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const order = {
      orderId,
      customer: { id: 'cli-customer', name: 'CLI Customer' },
      integrations: {
        googleDelegation: {
          ...g.request({ customer: { domain }, adminEmail: `admin@${domain}` }),
          polling: { initialIntervalSeconds: 600, maxIntervalSeconds: 600, deadlineHours: 1 },
        },
      },
    };
    const file = join(dir, 'order.yaml');
    writeFileSync(file, stringify(order));
    g.grant([], 0);
    const started = await cli(['start', '--file', file]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`accepted order ${orderId}`));

    await eventually(async () => {
      const s = await cli(['status', orderId, '--json']);
      const j = JSON.parse(s.stdout) as { details: { googleDelegation?: { state: string } } };
      return j.details.googleDelegation?.state === 'waiting-for-operator';
    }, 'the delegation to wait for the admin');
    const table = await cli(['status', orderId]);
    assert.match(table.stdout, /googleDelegation\s+running/);
    assert.match(table.stdout, /step awaiting-grant/);

    const listed = await eventually(async () => {
      const l = await cli(['list', '--customer', 'cli-customer']);
      return /customer-onboarding/.test(l.stdout) ? l.stdout : undefined;
    }, 'the order in the list');
    assert.match(listed, new RegExp(`customer-onboarding:${orderId}`));

    g.grant(undefined, 0);
    const now = await cli(['check-now', orderId]);
    assert.equal(now.code, 0, now.stderr);
    await env.client.workflow.getHandle(`customer-onboarding:${orderId}`).result();
    const done = await cli(['status', orderId]);
    assert.match(done.stdout, /state completed/);
  });

  it('clear errors and non-zero exits: bad order file, unknown order, retry of a non-failed integration, secrets never from argv', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ orderId: 'x y', customer: { id: 'A', name: '' }, integrations: {} }));
    const r1 = await cli(['start', '--file', bad]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /orderId: /);
    assert.match(r1.stderr, /customer\.id: /);
    assert.match(r1.stderr, /integrations: list at least one/);

    const r2 = await cli(['status', 'NO-SUCH-ORDER']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /no onboarding for order NO-SUCH-ORDER/);

    const r3 = await cli(['retry', `CLI-${process.pid}`, '--integration', 'googleDelegation']);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /is completed, not failed/);

    const r4 = await cli(['supply-credential', 'ANY', '--integration', 'autotask', '--secret', 'hunter2']);
    assert.notEqual(r4.code, 0);
    assert.match(r4.stderr, /unknown option '--secret'/);
    assert.ok(!r4.stdout.includes('hunter2'));
  });
  it('usage errors exit 2 (README), other errors 1; a secret typed as --secret=… is never echoed', async () => {
    for (const args of [
      ['frobnicate'],
      ['start'],
      ['retry', 'SO-1', '--integration', 'bogus'],
      ['list', '--state', 'sleeping'],
      ['supply-credential', 'SO-1'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `onramp ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /error: /, `onramp ${args.join(' ')} says what is wrong`);
    }
    const secret = await cli(['supply-credential', 'SO-1', '--integration', 'autotask', '--secret=hunter2']);
    assert.equal(secret.code, 2, secret.stderr);
    assert.match(secret.stderr, /unknown option '--secret=<redacted>'/);
    assert.ok(!`${secret.stdout}${secret.stderr}`.includes('hunter2'), 'the secret is not echoed');
    // Not a usage error: a well-formed command about an order that does not exist.
    assert.equal((await cli(['status', 'NO-SUCH-ORDER-2'])).code, 1);
  });

  it('start -f /dev/zero is refused by the input size cap, at once, naming the cap', async () => {
    const r = await cli(['start', '-f', '/dev/zero']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `/dev/zero is larger than ${MAX_INPUT_FILE_BYTES} bytes: an input file is at most ${MAX_INPUT_FILE_BYTES} bytes`
      )
    );
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(MAX_INPUT_FILE_BYTES + 1));
    const r2 = await cli(['start', '-f', big]);
    assert.equal(r2.code, 1, r2.stderr);
    assert.match(
      r2.stderr,
      new RegExp(`is ${MAX_INPUT_FILE_BYTES + 1} bytes: an input file is at most ${MAX_INPUT_FILE_BYTES} bytes`)
    );
  });

  it('supply-credential for an order that does not exist writes no secret', async () => {
    const r = await cli(
      [
        'supply-credential',
        'NO-SUCH-ORDER',
        '--integration',
        'autotask',
        '--username',
        'u@x.example',
        '--integration-code',
        INTEGRATION_CODE,
        '--secret-stdin',
      ],
      'a-secret-for-nobody-0001'
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no onboarding for order NO-SUCH-ORDER/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('a-secret-for-nobody-0001'));
    assert.deepEqual(
      secretFiles().filter((f) => f.startsWith('NO-SUCH-ORDER')),
      [],
      'no secret file written'
    );
  });

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
      '--integration-code',
      INTEGRATION_CODE,
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
