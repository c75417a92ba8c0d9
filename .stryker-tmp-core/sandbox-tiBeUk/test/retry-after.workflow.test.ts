/**
 * That Temporal really waited the vendor's Retry-After, read from the recorded history rather than a
 * wall-clock budget: the activity's ActivityTaskScheduled event is written before its first attempt, and
 * its ActivityTaskStarted event carries the attempt that succeeded, when it started, and the failure of the
 * attempt before it. The retry policy's own backoff (2 s) is far shorter than the Retry-After (15 s), so
 * only a product that turned the header into `nextRetryDelay` leaves a 15 s gap; however slow the machine,
 * the gap can only grow, never shrink below what the server was told to wait.
 */
// @ts-nocheck

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type temporal } from '@temporalio/proto';
import { startGoogleDelegation } from '../src/client';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { integration, type RunningWorker } from './helpers/integration';

const RETRY_AFTER_S = 15;
const POLICY_INITIAL_INTERVAL_MS = 2_000; // CHECK_OPTIONS in src/workflows/google-delegation.ts

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const ms = (e: HistoryEvent) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

describe('Retry-After honoured by Temporal (history timestamps between attempts)', () => {
  let it_: Awaited<ReturnType<typeof integration>>;
  let g: GoogleFixture;
  let w: RunningWorker;

  before(async () => {
    it_ = await integration();
    g = await googleFixture();
    w = await it_.worker(g.activities, 'retry-after');
  });
  after(async () => {
    await it_.teardown();
    await g.close();
  });

  it(`a 503 with Retry-After: ${RETRY_AFTER_S} from the token endpoint: the next attempt starts at least ${RETRY_AFTER_S} s after the first was scheduled`, async () => {
    g.grant();
    const domain = `retry-after-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const fault = g.sim.faults.add({
      method: 'POST',
      path: '/token',
      status: 503,
      times: 1,
      retryAfterSeconds: RETRY_AFTER_S,
      body: { error: 'temporarily_unavailable', error_description: 'try later' },
    });
    const config = { temporal: { address: '', namespace: 'default', taskQueue: w.taskQueue } };
    const handle = await startGoogleDelegation(
      it_.env.client,
      config,
      g.request({ customer: { domain }, adminEmail: `admin@${domain}` })
    );
    await handle.result();
    assert.equal(g.sim.faults.fired(fault), 1, 'the 503 was answered');

    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkDelegatedScopes'
    );
    const retried = events
      .map((e) => ({ e, started: e.activityTaskStartedEventAttributes }))
      .filter(({ started }) => started && (started.attempt ?? 1) > 1);
    assert.equal(retried.length, 1, 'exactly one activity needed a second attempt');
    const { e: startedEvent, started } = retried[0]!;
    const schedule = scheduled.find((e) => e.eventId!.toString() === started!.scheduledEventId!.toString());
    assert.ok(schedule, 'the retried activity is the scope check');
    assert.equal(started!.attempt, 2);
    // What the product asked for: the failure of attempt 1 carries the header as nextRetryDelay.
    const delay = started!.lastFailure?.applicationFailureInfo?.nextRetryDelay;
    assert.equal(Number(delay?.seconds ?? 0), RETRY_AFTER_S, 'attempt 1 failed with nextRetryDelay = Retry-After');
    // What Temporal did: attempt 2 started no sooner than the Retry-After after attempt 1 was even scheduled.
    const gap = ms(startedEvent) - ms(schedule);
    assert.ok(
      gap >= RETRY_AFTER_S * 1000,
      `attempt 2 started ${gap} ms after the activity was scheduled; the vendor asked for ${RETRY_AFTER_S} s ` +
        `(the policy alone would have waited ${POLICY_INITIAL_INTERVAL_MS} ms)`
    );
  });
});
