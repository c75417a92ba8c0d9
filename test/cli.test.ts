import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { stringify } from 'yaml';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const ROOT = resolve(__dirname, '..');

describe('onramp CLI against a running stack (real Temporal server, simulators)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('cli');
  const dir = mkdtempSync(join(tmpdir(), 'onramp-cli-'));

  const cli = (args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, ONRAMP_DATA_DIR: dir },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdin.end(stdin ?? '');
      child.on('exit', (code) => res({ code: code ?? 1, stdout, stderr }));
    });

  before(async () => {
    env = await testEnv();
    g = await googleFixture();
    worker = await createTestWorker(env, taskQueue, g.activities);
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await g.close();
    await env.teardown();
  });

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
});
