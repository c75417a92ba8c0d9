import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../src/client';
import { delegationStatusQuery } from '../src/contract/google-delegation-messages';
import { WorkerProcess } from './helpers/faults';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, testEnv, uniqueTaskQueue } from './helpers/integration';

describe('worker killed (SIGKILL) and restarted', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  const workers: WorkerProcess[] = [];
  /** The production entry point (src/worker.ts) in its own process, configured only through the environment. */
  const spawnWorker = (taskQueue: string): WorkerProcess => {
    const w = new WorkerProcess({
      address: env.address,
      namespace: env.namespace ?? 'default',
      taskQueue,
      googleUrl: g.googleUrl,
      notifyUrl: g.notifyUrl,
    });
    w.start();
    workers.push(w);
    return w;
  };
  before(async () => {
    env = await testEnv();
    g = await googleFixture();
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await g.close();
    await env.teardown();
  });

  it('mid-wait: the onboarding resumes on a new worker, completes, and notifies once', async () => {
    const taskQueue = uniqueTaskQueue('crash-wait');
    const config = { temporal: { address: env.address, namespace: 'default', taskQueue } };
    const first = spawnWorker(taskQueue);
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
    assert.equal(await first.kill9(), 'SIGKILL', 'the worker was killed');

    g.grant(undefined, 0);
    const second = spawnWorker(taskQueue);
    const result = await handle.result();
    assert.equal(result.notified, true);
    const n = g.receiver.notifications.get(`${handle.workflowId}:delegation-verified`);
    assert.equal(n?.deliveries, 1);
    await second.kill9();
  });

  it('right after the notification was delivered but before the worker reported it: redelivered, deduplicated, one notification', async () => {
    const taskQueue = uniqueTaskQueue('crash-notify');
    const config = { temporal: { address: env.address, namespace: 'default', taskQueue } };
    g.grant(undefined, 0);
    // The receiver stores the notification, then holds its answer: the worker dies inside that window.
    g.receiver.holdResponses(1, 60_000);
    const first = spawnWorker(taskQueue);
    const domain = `notify-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const handle = await startGoogleDelegation(
      env.client,
      config,
      g.request({ customer: { domain }, adminEmail: `admin@${domain}` })
    );
    const key = `${handle.workflowId}:delegation-verified`;
    await eventually(async () => g.receiver.notifications.has(key), 'the notification to reach the vendor', 60_000);
    assert.equal(await first.kill9(), 'SIGKILL');

    const second = spawnWorker(taskQueue);
    const result = await handle.result();
    assert.equal(result.notified, true);
    const n = g.receiver.notifications.get(key);
    assert.equal(n?.deliveries, 2, 'the activity really ran twice (the crash happened after delivery)');
    // The history shows the retry: the notify activity's last attempt ran on the second worker (the e-mail
    // activities that follow it are not what this test is about).
    const history = await handle.fetchHistory();
    const notifyScheduled = new Set(
      history.events
        ?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyVendor')
        .map((e) => String(e.eventId))
    );
    const started = history.events
      ?.filter(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          notifyScheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId))
      )
      .at(-1)?.activityTaskStartedEventAttributes;
    assert.equal(started?.attempt, 2);
    assert.match(String(started?.identity), new RegExp(`^${second.pid}@`));
    assert.equal(
      [...g.receiver.notifications.keys()].filter((k) => k === key).length,
      1,
      'the vendor has one notification'
    );
    await second.kill9();
  });
});
