import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CwTarget } from '../../src/activities/connectwise';
import {
  autotaskOnboardingWorkflowId,
  autotaskRotationWorkflowId,
  parseAutotaskOnboardingInput,
  parseAutotaskRotationInput,
} from '../../src/domain/autotask-schema';
import { billingSchema } from '../../src/domain/connectwise-schema';
import { autotaskFixture, type AutotaskFixture } from '../helpers/autotask';
import { CLIENT_ID, connectwiseFixture, customers, type ConnectwiseFixture } from '../helpers/connectwise';
import { crashAfterCommits, duplicates, waitForCrash, WorkerProcess, type CrashPoint } from '../helpers/faults';
import { testEnv, uniqueTaskQueue } from '../helpers/temporal';

const AT = '/ATServicesRest/V1.0';

describe('fault: worker SIGKILLed right after each Autotask and ConnectWise side effect, then restarted', () => {
  let env: TestWorkflowEnvironment;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let worker: WorkerProcess;
  const taskQueue = uniqueTaskQueue('fault-at-cw');

  before(async () => {
    env = await testEnv();
    at = await autotaskFixture();
    cw = await connectwiseFixture();
    worker = new WorkerProcess({ address: env.address, taskQueue, autotaskUrl: at.simUrl, connectwiseHost: cw.host });
  });
  after(async () => {
    await worker.stop();
    await at.close();
    await cw.close();
    await env.teardown();
  });

  it('webhook create, field add, company create, agreement create, then webhook delete: all complete, nothing duplicated', async () => {
    const users = [at.addUser(), at.addUser(), at.addUser(), at.addUser()];
    const m = await cw.newMember();
    const connection = {
      site: cw.host,
      companyId: cw.sim.state.companyId,
      publicKey: m.publicKey,
      privateKeyRef: m.keyRef,
      clientId: CLIENT_ID,
    };
    const v = await cw.activities.verifyConnectwiseConnection(connection);
    assert.ok(v.ok);
    const target: CwTarget = { connection, site: v.site };
    worker.start(); // after addUser: the worker inherits the env: secret references

    const phase1: CrashPoint[] = [
      { label: 'autotask webhook create', sim: at.sim, method: 'POST', path: `${AT}/TicketWebhooks` },
      {
        label: 'autotask field add',
        sim: at.sim,
        method: 'POST',
        path: new RegExp(`^${AT}/TicketWebhooks/\\d+/Fields$`),
      },
      { label: 'connectwise company create', sim: cw.sim, method: 'POST', path: /\/company\/companies$/ },
      { label: 'connectwise agreement create', sim: cw.sim, method: 'POST', path: /\/finance\/agreements$/ },
    ];
    const plan1 = crashAfterCommits(worker, phase1);
    const onboardings = await Promise.all(
      ['hook-a', 'hook-b'].map((id, i) => {
        const req = at.onboarding(`fault-${id}`, id, { credentials: users[i]!.credentials });
        return env.client.workflow.start('autotaskOnboarding', {
          workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
          taskQueue,
          args: [req],
        });
      })
    );
    const syncs = await Promise.all(
      ['A', 'B'].map((prefix) =>
        env.client.workflow.start('connectwiseCustomerSync', {
          workflowId: `fault-cw-sync-${randomUUID()}`,
          taskQueue,
          args: [
            {
              customer: 'Contoso MSP',
              vendor: 'Sophos Central',
              target,
              customers: customers(3, prefix),
              billing: billingSchema.parse({}),
              mode: 'apply',
              createMissingCompanies: true,
              companyAddress: { city: 'Milano' },
            },
          ],
        })
      )
    );
    await waitForCrash(
      plan1,
      phase1.map((p) => p.label)
    );
    await Promise.all([...onboardings, ...syncs].map((h) => h.result()));
    for (const p of phase1) assert.equal(plan1.fired(p.label), 1, `${p.label}: committed and crashed on`);

    // Phase 2: a rotation deletes the old webhook; the crash comes right after the delete.
    const tn = 'fault-rotation';
    const oldId = at.seedWebhook(users[2]!.user, tn, 'rot-v1');
    const phase2: CrashPoint[] = [
      {
        label: 'autotask webhook delete',
        sim: at.sim,
        method: 'DELETE',
        path: new RegExp(`^${AT}/TicketWebhooks/\\d+$`),
      },
    ];
    const plan2 = crashAfterCommits(worker, phase2);
    const rotReq = at.rotation(tn, users[2]!, users[3]!, oldId, 'rot-v2');
    const rotation = await env.client.workflow.start('autotaskWebhookRotation', {
      workflowId: autotaskRotationWorkflowId(parseAutotaskRotationInput(rotReq)),
      taskQueue,
      args: [rotReq],
    });
    await waitForCrash(
      plan2,
      phase2.map((p) => p.label)
    );
    await rotation.result();
    assert.equal(plan2.fired('autotask webhook delete'), 1);
    assert.equal(worker.kills, 2);

    const hooks = [...at.sim.db.webhooks.values()];
    assert.deepEqual(duplicates(hooks.map((h) => h.name)), [], 'no duplicate webhook');
    for (const h of hooks) {
      assert.deepEqual(duplicates(h.fields.map((f) => String(f.fieldID))), [], `${h.name}: no duplicate field`);
    }
    assert.equal(at.sim.db.webhooks.has(oldId), false, 'the old webhook is gone');
    assert.deepEqual(
      duplicates(cw.sim.state.companies.map((c) => c.identifier.toLowerCase())),
      [],
      'no duplicate company'
    );
    assert.deepEqual(
      duplicates(cw.sim.state.agreements.map((a) => `${a.company.id}/${a.name}`)),
      [],
      'no duplicate agreement'
    );
    console.log(
      '[faults] autotask+connectwise: 2 crashes covering 5 side effects, 5 workflows completed, 0 duplicates'
    );
  });
});
