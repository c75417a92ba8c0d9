import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../src/client';
import { delegationStatusQuery } from '../src/workflows';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const ROOT = resolve(__dirname, '..');

/** The production entry point (src/worker.ts) in its own process, configured only through the environment. */
function spawnWorker(env: TestWorkflowEnvironment, g: GoogleFixture, taskQueue: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      ONRAMP_MODE: 'sandbox',
      ONRAMP_GOOGLE_TOKEN_URL: `${g.googleUrl}/token`,
      ONRAMP_NOTIFY_WEBHOOK_URL: g.notifyUrl,
      LOG_LEVEL: 'warn',
    },
  });
  return child;
}

function kill9(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((res) => {
    child.once('exit', (_code, signal) => res(signal));
    child.kill('SIGKILL');
  });
}

describe('worker killed (SIGKILL) and restarted', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  const children: ChildProcess[] = [];
  before(async () => {
    env = await testEnv();
    g = await googleFixture();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await g.close();
    await env.teardown();
  });

  it('mid-wait: the onboarding resumes on a new worker, completes, and notifies once', async () => {
    const taskQueue = uniqueTaskQueue('crash-wait');
    const config = { temporal: { address: env.address, namespace: 'default', taskQueue } };
    const first = spawnWorker(env, g, taskQueue);
    children.push(first);
    const domain = `wait-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({ customer: { domain }, adminEmail: `admin@${domain}` })
    );
    await eventually(
      async () => (await handle.query(delegationStatusQuery)).checks >= 2,
      'two check rounds on the first worker'
    );
    assert.equal(await kill9(first), 'SIGKILL', 'the worker was killed');

    g.grant(undefined, 0);
    const second = spawnWorker(env, g, taskQueue);
    children.push(second);
    const result = await handle.result();
    assert.equal(result.notified, true);
    const n = g.receiver.notifications.get(`${handle.workflowId}:delegation-verified`);
    assert.equal(n?.deliveries, 1);
    await kill9(second);
  });

  it('right after the notification was delivered but before the worker reported it: redelivered, deduplicated, one notification', async () => {
    const taskQueue = uniqueTaskQueue('crash-notify');
    const config = { temporal: { address: env.address, namespace: 'default', taskQueue } };
    g.grant(undefined, 0);
    // The receiver stores the notification, then holds its answer: the worker dies inside that window.
    g.receiver.holdResponses(1, 60_000);
    const first = spawnWorker(env, g, taskQueue);
    children.push(first);
    const domain = `notify-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({ customer: { domain }, adminEmail: `admin@${domain}` })
    );
    const key = `${handle.workflowId}:delegation-verified`;
    await eventually(async () => g.receiver.notifications.has(key), 'the notification to reach the vendor', 60_000);
    assert.equal(await kill9(first), 'SIGKILL');

    const second = spawnWorker(env, g, taskQueue);
    children.push(second);
    const result = await handle.result();
    assert.equal(result.notified, true);
    const n = g.receiver.notifications.get(key);
    assert.equal(n?.deliveries, 2, 'the activity really ran twice (the crash happened after delivery)');
    // The history shows the retry: the notify activity's last attempt ran on the second worker.
    const history = await handle.fetchHistory();
    const started = history.events
      ?.filter((e) => e.activityTaskStartedEventAttributes)
      .at(-1)?.activityTaskStartedEventAttributes;
    assert.equal(started?.attempt, 2);
    assert.match(String(started?.identity), new RegExp(`^${second.pid}@`));
    assert.equal(
      [...g.receiver.notifications.keys()].filter((k) => k === key).length,
      1,
      'the vendor has one notification'
    );
    await kill9(second);
  });
});
