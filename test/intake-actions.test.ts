/**
 * docs/operations.md's intake promises that no other test held: the operator actions `abandon`, `cancel`,
 * `supply-credential` and `offboard` over HTTP, and an oversize body answered 413 before authentication.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { offboardingWorkflowId } from '../src/domain/offboarding-schema';
import type { OffboardingReport } from '../src/contract/offboarding-messages';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { listenIntake, type RunningIntake } from './helpers/intake';
import { eventually, integration, type RunningWorker } from './helpers/integration';
import { pickActivities } from './helpers/order-world';

const TOKEN = `actions-token-${process.pid}-0123456789`;

describe('intake actions abandon, cancel, supply-credential, offboard; 413 before auth', () => {
  let h: Awaited<ReturnType<typeof integration>>;
  let g: GoogleFixture;
  let at: AutotaskFixture;
  let w: RunningWorker;
  let intake: RunningIntake;
  let base: string;
  let seq = 0;

  before(async () => {
    h = await integration();
    [g, at] = await Promise.all([googleFixture(), autotaskFixture()]);
    const autotask = pickActivities(at.activities, /autotask/i);
    w = await h.worker({ ...g.activities, ...autotask }, 'intake-actions');
    intake = await listenIntake({
      client: h.env.client,
      config: { temporal: { address: h.env.address, namespace: 'default', taskQueue: w.taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    base = intake.base;
  });
  after(async () => {
    await intake.close();
    await h.teardown();
    await Promise.all([g.close(), at.close()]);
  });

  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const integrationState = async (orderId: string, name: string) => {
    const s = await call('GET', `/v1/onboardings/${orderId}`);
    return (s.body.integrations as { name: string; state: string }[] | undefined)?.find((i) => i.name === name)?.state;
  };
  const delegationOrder = (adminEmail = g.admin): OrderRequest => {
    const orderId = `SO-ACT-${process.pid}-${++seq}`;
    return {
      orderId,
      customer: { id: `act-${seq}`, name: `Actions ${seq}` },
      integrations: { googleDelegation: g.request({ customer: { domain: `a${seq}-${g.domain}` }, adminEmail }) },
    };
  };

  it('an unauthenticated oversize body is a 413, not a 401: the size is checked before authentication', async () => {
    const big = JSON.stringify({ orderId: 'SO-BIG', pad: 'x'.repeat(300 * 1024) });
    const res = await call('POST', '/v1/onboardings', big, false);
    assert.equal(res.status, 413);
    // And the same small body unauthenticated is the 401.
    assert.equal((await call('POST', '/v1/onboardings', { orderId: 'SO-SMALL' }, false)).status, 401);
  });

  it('abandon: a failed integration is given up and the order completes without it', async () => {
    // The admin is not a user of the domain: delegation fails and waits for the operator.
    const o = delegationOrder(`nobody-${seq + 1}@a${seq + 1}-${g.domain}`);
    assert.equal((await call('POST', '/v1/onboardings', o)).status, 202);
    await eventually(async () => (await integrationState(o.orderId, 'googleDelegation')) === 'failed', 'the failure');
    // abandon needs an integration name, and only a failed one can be abandoned.
    assert.equal((await call('POST', `/v1/onboardings/${o.orderId}/actions/abandon`, {})).status, 409);
    const res = await call('POST', `/v1/onboardings/${o.orderId}/actions/abandon`, {
      integration: 'googleDelegation',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await h.env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId)).result();
    assert.equal(await integrationState(o.orderId, 'googleDelegation'), 'abandoned');
  });

  it('cancel: a waiting order is cancelled in Temporal', async () => {
    g.sim.state.addUser(`admin@a${seq + 1}-${g.domain}`);
    const o = delegationOrder(`admin@a${seq + 1}-${g.domain}`);
    // Nothing granted for this client ID? The fixture grants per client ID; revoke so it waits.
    g.grant([]);
    assert.equal((await call('POST', '/v1/onboardings', o)).status, 202);
    await eventually(async () => (await integrationState(o.orderId, 'googleDelegation')) === 'running', 'the wait');
    const res = await call('POST', `/v1/onboardings/${o.orderId}/actions/cancel`, {});
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const handle = h.env.client.workflow.getHandle(customerOnboardingWorkflowId(o.orderId));
    await assert.rejects(handle.result());
    assert.equal((await handle.describe()).status.name, 'CANCELLED');
  });

  it('supply-credential: the Autotask credential reference reaches the waiting child, which completes', async () => {
    const u = at.addUser();
    const tenant = `actions-${process.pid}`;
    const orderId = `SO-ACT-AT-${process.pid}`;
    const o: OrderRequest = {
      orderId,
      customer: { id: 'act-at', name: 'Actions Autotask' },
      integrations: { autotask: at.onboarding(tenant, 'office-protect') },
    };
    assert.equal((await call('POST', '/v1/onboardings', o)).status, 202);
    await eventually(async () => {
      const s = await call('GET', `/v1/onboardings/${orderId}`);
      return (
        (s.body.details as { autotask?: { state?: string } } | undefined)?.autotask?.state === 'waiting-for-operator'
      );
    }, 'the Autotask child to wait for the operator');
    // A credential that is a secret itself (not a reference) is refused by the workflow's validator.
    const inline = await call('POST', `/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: { ...u.credentials, secretRef: 'the-secret-itself' },
    });
    assert.equal(inline.status, 400, JSON.stringify(inline.body));
    const res = await call('POST', `/v1/onboardings/${orderId}/actions/supply-credential`, {
      integration: 'autotask',
      credential: u.credentials,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(String(res.body.message), /credential accepted/);
    await h.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).result();
    assert.equal(await integrationState(orderId, 'autotask'), 'completed');
  });

  it('offboard: refused while the onboarding runs and with body fields (named); after cancel, the offboarding runs once', async () => {
    g.sim.state.addUser(`admin@a${seq + 1}-${g.domain}`);
    const o = delegationOrder(`admin@a${seq + 1}-${g.domain}`);
    g.grant([]); // the onboarding waits for the grant, so it is still running below
    assert.equal((await call('POST', '/v1/onboardings', o)).status, 202);
    await eventually(async () => (await integrationState(o.orderId, 'googleDelegation')) === 'running', 'the wait');
    const path = `/v1/onboardings/${o.orderId}/actions/offboard`;

    const withField = await call('POST', path, { integration: 'googleDelegation' });
    assert.equal(withField.status, 400, JSON.stringify(withField.body));
    assert.match(JSON.stringify(withField.body), /integration: offboard removes every integration/);
    const running = await call('POST', path, {});
    assert.equal(running.status, 409, JSON.stringify(running.body));
    assert.match(String(running.body.message), /cancel it first/);
    assert.equal((await call('POST', '/v1/onboardings/SO-NEVER-SEEN/actions/offboard')).status, 404);

    assert.equal((await call('POST', `/v1/onboardings/${o.orderId}/actions/cancel`, {})).status, 202);
    await h.env.client.workflow
      .getHandle(customerOnboardingWorkflowId(o.orderId))
      .result()
      .catch(() => undefined);
    const res = await call('POST', path);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.workflowId, offboardingWorkflowId(o.orderId));
    const report = (await h.env.client.workflow
      .getHandle(offboardingWorkflowId(o.orderId))
      .result()) as OffboardingReport;
    // Nothing was granted, so the delegation's removal is already verified: nothing waits for the admin.
    assert.equal(report.state, 'completed');
    assert.ok(
      report.notes.some((n) => /^googleDelegation: .*already done/.test(n)),
      JSON.stringify(report)
    );
  });
});
