/**
 * Continue-as-new of googleDelegationOnboarding, which a 24-hour wait relies on (150 rounds per run in
 * production; `polling.roundsPerRun: 2` here): the carried start (so the deadline does not move), the
 * check count and the per-scope states must survive each new run, and the verified notification is sent
 * once for the whole chain.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGoogleDelegation } from '../src/client';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import {
  checkNowSignal,
  delegationStatusQuery,
  type DelegationCarry,
} from '../src/contract/google-delegation-messages';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { decodeAll, eventually, integration, type RunningWorker } from './helpers/integration';

type Harness = Awaited<ReturnType<typeof integration>>;

/** Run IDs of a continue-as-new chain, first run first, following each run's ContinuedAsNew event. */
async function runChain(h: Harness, workflowId: string, firstRunId: string): Promise<string[]> {
  const chain = [firstRunId];
  for (;;) {
    const history = await h.env.client.workflow.getHandle(workflowId, chain[chain.length - 1]).fetchHistory();
    const last = history.events?.[history.events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return chain;
    chain.push(next);
  }
}

/** The decoded arguments a run started with: [request, carry?]. */
async function startArgs(h: Harness, workflowId: string, runId: string): Promise<unknown[]> {
  const history = await h.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return (await decodeAll(started?.input?.payloads ?? [])).values;
}

describe('googleDelegationOnboarding continues as new and carries its state', () => {
  let h: Harness;
  let g: GoogleFixture;
  let w: RunningWorker;

  before(async () => {
    h = await integration();
    g = await googleFixture();
    w = await h.worker(g.activities, 'delegation-can');
  });
  after(async () => {
    await h.teardown();
    await g.close();
  });

  it('keeps the deadline, checks and granted scopes across runs, and notifies once', async () => {
    // One scope granted from the start, the others missing until later.
    const [first, ...rest] = DEFAULT_DELEGATION_SCOPES;
    g.grant([first]);
    const request = g.request({
      polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1, roundsPerRun: 2 },
    });
    const handle = await startGoogleDelegation(h.env.client, { temporal: config(w.taskQueue) }, request);
    const firstRunId = (await handle.describe()).raw.workflowExecutionInfo?.firstRunId;
    assert.ok(firstRunId, 'the server names the first run of the chain');
    const initial = await handle.query(delegationStatusQuery);

    // At least two continuations: the carry goes through a run that itself started from a carry.
    const chain = await eventually(async () => {
      const c = await runChain(h, handle.workflowId, firstRunId);
      return c.length >= 3 && c;
    }, 'two continue-as-new');

    const [, carry1] = (await startArgs(h, handle.workflowId, chain[1]!)) as [unknown, DelegationCarry];
    const [, carry2] = (await startArgs(h, handle.workflowId, chain[2]!)) as [unknown, DelegationCarry];
    const [, carry0] = await startArgs(h, handle.workflowId, firstRunId);
    assert.equal(carry0, undefined, 'the first run starts without a carry');
    for (const carry of [carry1, carry2]) {
      assert.equal(
        new Date(carry.startedAt + 3600_000).toISOString(),
        initial.deadlineAt,
        'the deadline is computed from the first run’s start'
      );
      assert.equal(carry.nextDelayMs, 1000);
      const granted = carry.scopes.find((s) => s.scope === first);
      assert.equal(granted?.state, 'granted', 'a granted scope stays granted');
      for (const s of rest) assert.equal(carry.scopes.find((x) => x.scope === s)?.state, 'missing', s);
    }
    assert.ok(
      carry2.checks > carry1.checks && carry1.checks >= 2,
      `checks accumulate (${carry1.checks} → ${carry2.checks})`
    );
    // The granted scope's check time is carried, not re-checked: the later carry holds the same timestamp.
    assert.equal(
      carry2.scopes.find((s) => s.scope === first)?.lastCheckedAt,
      carry1.scopes.find((s) => s.scope === first)?.lastCheckedAt
    );

    // The latest run answers with the same deadline.
    const now = await handle.query(delegationStatusQuery);
    assert.equal(now.deadlineAt, initial.deadlineAt);
    assert.ok(now.checks >= carry2.checks);

    g.grant();
    await handle.signal(checkNowSignal);
    const result = await handle.result();
    assert.ok(result.checks > carry2.checks, 'the result counts the checks of every run');
    const sent = g.receiver.notifications.get(`${handle.workflowId}:delegation-verified`);
    assert.equal(sent?.deliveries, 1, 'notified once for the whole chain');
  });
});

function config(taskQueue: string) {
  return { address: 'unused', namespace: 'default', taskQueue };
}
