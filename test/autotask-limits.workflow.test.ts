import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createAutotaskActivities } from '../src/activities/autotask/activities';
import { checkZoneUrl } from '../src/activities/autotask/autotask-client';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../src/domain/autotask-schema';
import { autotaskOnboarding } from '../src/workflows';
import { autotaskFixture, INTEGRATION_CODE, VENDOR_PROFILES, type AutotaskFixture } from './helpers/autotask';
import { integration, type Integration, uniqueTaskQueue } from './helpers/integration';
import { FailureType } from '../src/contract/failure-types';

describe('Autotask physical limits (real Temporal server + simulator enforcing them)', () => {
  let env: TestWorkflowEnvironment;
  let at: AutotaskFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('autotask-limits');

  before(async () => {
    stack = await integration();
    env = stack.env;
    // Each call holds its thread for a while, so 50 onboardings really overlap.
    at = await autotaskFixture({ callLatencyMs: [5, 25] });
    await stack.worker(at.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await at.close();
  });

  it('50 onboardings at once on one tenant: never more than 3 concurrent calls per endpoint, all complete', async () => {
    const tenant = `load-${process.pid}`;
    const fault = at.sim.faults.add({
      method: 'GET',
      path: /\/Tickets\/entityInformation$/,
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const handles = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const u = at.addUser();
        const req = at.onboarding(tenant, `load-${i}`, { credentials: u.credentials });
        return env.client.workflow.start(autotaskOnboarding, {
          workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
          taskQueue,
          args: [req],
        });
      })
    );
    const settled = await Promise.allSettled(handles.map((h) => h.result()));
    // The simulator records each endpoint's peak before refusing a 4th concurrent call, and counts its own
    // 429s in throttled(): without Onramp's limiter both show, whatever the workflows then make of the 429s.
    const peaks = [...at.sim.maxConcurrency.entries()].filter(([k]) => k.startsWith(`${INTEGRATION_CODE}|`));
    assert.ok(peaks.length >= 5, 'several endpoints were used');
    for (const [key, peak] of peaks) assert.ok(peak <= 3, `${key} saw ${peak} concurrent calls`);
    assert.ok(
      peaks.some(([, peak]) => peak === 3),
      'the limiter let calls run in parallel up to the limit (otherwise this test proves nothing)'
    );
    assert.equal(at.sim.throttled(), 0, 'the simulator never had to refuse a call for the thread or hourly limit');
    const results = settled.map((r) => (r.status === 'fulfilled' ? r.value : assert.fail(String(r.reason))));
    assert.equal(results.length, 50);
    assert.ok(results.every((r) => r.webhooks[0]?.isReady));
    assert.equal(at.sim.faults.fired(fault), 1, 'the injected 429 happened and was honoured');
  });
});

describe('Autotask limiter and zone check (activities over real HTTP, no workflow)', () => {
  let at: AutotaskFixture;
  before(async () => {
    at = await autotaskFixture({ hourlyLimit: 10 });
  });
  after(() => at.close());

  it('reads ThresholdInformation and stops before the tenant hits its hourly limit', async () => {
    const u = at.addUser();
    const acts = createAutotaskActivities({
      discoveryUrl: at.simUrl,
      allowedZoneHosts: [new URL(at.simUrl).host],
      vendorProfiles: VENDOR_PROFILES,
    });
    // Other integrations have used most of the hour already.
    const headers = { ApiIntegrationCode: INTEGRATION_CODE, UserName: u.credentials.username, Secret: u.user.secret };
    for (let i = 0; i < 8; i++)
      await (await fetch(`${at.simUrl}/ATServicesRest/V1.0/ThresholdInformation`, { headers })).text();
    const before = at.sim.hourlyCount();
    const err = await acts.verifyAutotaskCredentials(u.target('busy')).then(
      () => assert.fail('should have been held back'),
      (e: unknown) => e
    );
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.type, FailureType.AutotaskRateLimited);
    assert.equal(err.nonRetryable, false);
    assert.ok((err.nextRetryDelay as number) > 0, 'tells Temporal when to try again');
    assert.equal(at.sim.hourlyCount(), before + 1, 'only the ThresholdInformation call was made');
  });

  it('never sends credentials to a zone that is not webservicesN.autotask.net unless explicitly allowed', async () => {
    const u = at.addUser();
    const acts = createAutotaskActivities({ discoveryUrl: at.simUrl, vendorProfiles: VENDOR_PROFILES });
    const before = at.sim.hourlyCount();
    await assert.rejects(acts.verifyAutotaskCredentials(u.target('t')), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure);
      assert.equal(e.type, FailureType.AutotaskZoneUntrusted);
      return true;
    });
    assert.equal(at.sim.hourlyCount(), before, 'no authenticated request was sent');
    assert.equal(
      checkZoneUrl('https://webservices14.autotask.net/ATServicesRest/'),
      'https://webservices14.autotask.net/ATServicesRest/'
    );
    assert.throws(() => checkZoneUrl('https://webservices14.autotask.net.evil.example/'), /not an Autotask zone/);
    assert.throws(() => checkZoneUrl('http://webservices14.autotask.net/'), /not an Autotask zone/);
  });
});
