// @ts-nocheck
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OnboardingAlreadyCompletedError, startGoogleDelegation } from '../../src/client';
import { googleFixture, type GoogleFixture } from '../helpers/google';
import { integration, type Integration, uniqueTaskQueue } from '../helpers/integration';

describe('fault: the same order posted 5× concurrently, then again after completion', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('fault-dup');

  before(async () => {
    stack = await integration();
    env = stack.env;
    g = await googleFixture();
    await stack.worker(g.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  it('one execution, one set of side effects; the late duplicate is refused by name', async () => {
    g.grant(undefined, 0);
    const config = { temporal: { address: env.address, namespace: 'default', taskQueue } };
    const handles = await Promise.all(
      Array.from({ length: 5 }, () => startGoogleDelegation(env.client, config, g.request()))
    );
    const runIds = new Set(await Promise.all(handles.map(async (h) => (await h.describe()).runId)));
    assert.equal(runIds.size, 1, 'the five submissions share one execution');
    const result = await handles[0]!.result();
    assert.equal(result.notified, true);

    await assert.rejects(startGoogleDelegation(env.client, config, g.request()), OnboardingAlreadyCompletedError);
    const executions: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${handles[0]!.workflowId}'` })) {
      executions.push(wf.runId);
    }
    assert.deepEqual(executions, [...runIds], 'exactly one execution exists for the order');
    assert.equal(g.receiver.notifications.size, 1, 'one notification');
    assert.equal(g.receiver.notifications.get(`${handles[0]!.workflowId}:delegation-verified`)?.deliveries, 1);
    console.log('[faults] duplicate orders: 6 submissions, 1 execution, 1 onboarding completed, 0 duplicates');
  });
});
