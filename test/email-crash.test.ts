import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startGoogleDelegation } from '../src/client';
import { WorkerProcess } from './helpers/faults';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, testEnv, uniqueTaskQueue } from './helpers/integration';
import { mailCatcher, type MailCatcher } from './helpers/mailpit';

/**
 * The e-mail channel across a real SIGKILL of the worker process (src/worker.ts, configured through the
 * environment). The worker kills itself at an exact point of the send activity through a test-only hook
 * (src/activities/notify/email.ts); a fresh worker without the hook then retries the activity.
 */
describe('e-mail once across a worker SIGKILL (real Mailpit, real Temporal)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let mail: MailCatcher;
  let dir: string;
  const workers: WorkerProcess[] = [];
  const spawnWorker = (taskQueue: string, hook?: string): WorkerProcess => {
    const w = new WorkerProcess({
      address: env.address,
      taskQueue,
      googleUrl: g.googleUrl,
      notifyUrl: g.notifyUrl,
      env: {
        ONRAMP_SMTP_URL: mail.smtpUrl,
        ONRAMP_MAIL_FROM: 'Onramp <onramp@msp.example>',
        ONRAMP_SENT_MAIL_DIR: join(dir, 'sent-mail'),
        ONRAMP_DATA_DIR: dir, // the sandbox checklist key the admin's link is signed with
        ...(hook ? { [hook]: '1' } : {}),
      },
    });
    w.start();
    workers.push(w);
    return w;
  };
  before(async () => {
    env = await testEnv();
    g = await googleFixture();
    mail = await mailCatcher();
    dir = mkdtempSync(join(tmpdir(), 'onramp-mail-crash-'));
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await mail.stop();
    await g.close();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Start a delegation whose grant never comes while the first worker lives; returns its admin and handle. */
  const start = async (label: string, hook: string) => {
    const taskQueue = uniqueTaskQueue(label);
    const domain = `${label}-${g.domain}`;
    const admin = `admin@${domain}`;
    g.sim.state.addUser(admin);
    g.grant([], 0); // not granted while the first worker lives
    const first = spawnWorker(taskQueue, hook);
    const handle = await startGoogleDelegation(
      env.client,
      { temporal: { address: env.address, namespace: 'default', taskQueue } },
      g.request({ customer: { domain }, adminEmail: admin })
    );
    assert.equal(await first.exited(), 'SIGKILL', 'the worker killed itself at the hook');
    return { admin, handle, taskQueue };
  };

  /** The attempts that completed sendHumanMails activities (the operator's copy, unconfigured here, goes nowhere). */
  const completedSendAttempts = async (handle: WorkflowHandle): Promise<number[]> => {
    const events = (await handle.fetchHistory()).events ?? [];
    const sends = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendHumanMails')
        .map((e) => String(e.eventId))
    );
    const startedIds = events
      .map((e) => e.activityTaskCompletedEventAttributes)
      .filter((c) => c && sends.has(String(c.scheduledEventId)))
      .map((c) => String(c!.startedEventId));
    return events
      .filter((e) => startedIds.includes(String(e.eventId)))
      .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
  };

  it('killed right after the acceptance was recorded: the retry sends nothing, one copy', async () => {
    const { admin, handle, taskQueue } = await start('mail-recorded', 'ONRAMP_TEST_KILL_AFTER_MAIL_RECORD');
    assert.equal((await mail.to(admin)).length, 1, 'the server accepted it before the kill');
    spawnWorker(taskQueue);
    // The retried attempt (attempt 2) completed on the new worker: it found the record and sent nothing.
    await eventually(
      async () => (await completedSendAttempts(handle)).includes(2),
      'the send activity retried and completed',
      90_000
    );
    g.grant(undefined, 0);
    await handle.result();
    await eventually(async () => (await mail.to(admin)).length === 2, 'the result message');
    const instructions = (await mail.to(admin)).filter((m) => /^Action needed/.test(m.Subject));
    assert.equal(instructions.length, 1, 'no second copy of the instruction');
  });

  it('killed inside the window (accepted, not yet recorded): exactly one more copy, same Message-ID', async () => {
    const { admin, handle, taskQueue } = await start('mail-window', 'ONRAMP_TEST_KILL_AFTER_SMTP_ACCEPT');
    assert.equal((await mail.to(admin)).length, 1, 'the server accepted it before the kill');
    spawnWorker(taskQueue);
    await eventually(async () => (await mail.to(admin)).length === 2, 'the retried send', 90_000);
    g.grant(undefined, 0);
    await handle.result();
    await eventually(async () => (await mail.to(admin)).length === 3, 'the result message');
    const instructions = (await mail.to(admin)).filter((m) => /^Action needed/.test(m.Subject));
    assert.equal(instructions.length, 2, 'one duplicate, no more');
    assert.equal(instructions[0]!.MessageID, instructions[1]!.MessageID, 'the duplicate carries the same Message-ID');
  });
});
