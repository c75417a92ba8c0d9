import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OrderRequest } from '../src/domain/customer-onboarding-schema';
import { buildProgram } from '../src/cli/main';
import { signBody } from '../src/intake/intake-auth';
import type { NotifyReceiver } from '../src/simulators/notify-receiver';
import type { AutotaskFixture } from './helpers/autotask';
import type { GoogleAdminFixture } from './helpers/google-admin';
import { listenIntake, type RunningIntake } from './helpers/intake';
import { eventually } from './helpers/integration';
import { delegationOf, orderWorld, type OrderWorld } from './helpers/order-world';

const SECRET = 'intake-hmac-secret-for-tests-0001';
const TOKEN = 'intake-bearer-token-for-tests-0002';

describe('intake API and customerOnboarding (real Temporal server, simulators over HTTP)', () => {
  let world: OrderWorld;
  let env: TestWorkflowEnvironment;
  let g: GoogleAdminFixture;
  let at: AutotaskFixture;
  let receiver: NotifyReceiver;
  let intake: RunningIntake;
  let base: string;
  let taskQueue: string;
  let now = Date.now();

  before(async () => {
    world = await orderWorld({ name: 'intake', connectwise: false });
    ({ env, g, at, receiver, taskQueue } = world);
    intake = await listenIntake({
      client: env.client,
      config: { temporal: { address: env.address, namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [SECRET], bearerTokens: [TOKEN], now: () => now },
    });
    base = intake.base;
  });
  after(async () => {
    await intake.close();
    await world.teardown();
  });

  let seq = 0;
  const order = (overrides: Partial<OrderRequest> = {}): OrderRequest => {
    const id = `SO-${process.pid}-${++seq}`;
    return {
      orderId: id,
      customer: { id: `cust-${seq}`, name: `Customer ${seq}` },
      integrations: {
        googleDelegation: delegationOf(g),
      },
      ...overrides,
    };
  };

  const post = async (
    path: string,
    body: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }
  ) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const signed = (raw: string, t = Math.floor(now / 1000), secret = SECRET) => ({
    'x-onramp-signature': `t=${t},v1=${signBody(secret, t, raw)}`,
  });
  const exists = async (workflowId: string) => {
    try {
      await env.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch {
      return false;
    }
  };

  it('the same order sent 5x concurrently and again after completion: one workflow, one set of side effects, the same 202', async () => {
    const o = order();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/v1/onboardings', o)));
    assert.deepEqual(
      answers.map((a) => a.status),
      [202, 202, 202, 202, 202]
    );
    for (const a of answers) assert.deepEqual(a.body, answers[0]!.body);
    assert.equal(answers[0]!.body.statusUrl, `/v1/onboardings/${o.orderId}`);
    const workflowId = String(answers[0]!.body.workflowId);
    await env.client.workflow.getHandle(workflowId).result();
    const again = await post('/v1/onboardings', o);
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, answers[0]!.body);
    let runs = 0;
    for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs++;
    assert.equal(runs, 1, 'one execution');
    const notified = [...receiver.notifications.keys()].filter((k) => k.startsWith(workflowId));
    assert.equal(notified.length, 1, 'one vendor notification');
    assert.equal(receiver.notifications.get(notified[0]!)?.deliveries, 1);

    const status = await get(`/v1/onboardings/${o.orderId}`);
    assert.equal(status.status, 200);
    assert.equal(status.body.state, 'completed');
    const integrations = status.body.integrations as { name: string; state: string }[];
    assert.deepEqual(
      integrations.map((i) => [i.name, i.state]),
      [['googleDelegation', 'completed']]
    );
    assert.equal((status.body.details as Record<string, { state: string }>).googleDelegation?.state, 'completed');
  });

  it('the same order ID with different content is a conflict, not a silent no-op', async () => {
    const o = order();
    assert.equal((await post('/v1/onboardings', o)).status, 202);
    const changed = await post('/v1/onboardings', { ...o, customer: { ...o.customer, name: 'Someone else' } });
    assert.equal(changed.status, 409);
    assert.match(String(changed.body.message), /different content/);
  });

  it('authentication: HMAC over the raw body within 5 minutes, replays refused, bearer tokens; failures start nothing', async () => {
    const o = order();
    const raw = JSON.stringify(o);
    const wf = `customer-onboarding:${o.orderId}`;
    const cases: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['wrong bearer', { authorization: 'Bearer nope' }],
      ['wrong secret', signed(raw, undefined, 'not-the-secret')],
      ['stale timestamp', signed(raw, Math.floor(now / 1000) - 301)],
      ['signature of another body', { 'x-onramp-signature': signed('{}')['x-onramp-signature'] }],
      ['short signature', { 'x-onramp-signature': `t=${Math.floor(now / 1000)},v1=abc` }],
    ];
    for (const [name, headers] of cases) {
      const r = await post('/v1/onboardings', raw, headers);
      assert.equal(r.status, 401, name);
    }
    assert.equal(await exists(wf), false, 'nothing started');
    const h = signed(raw);
    assert.equal((await post('/v1/onboardings', raw, h)).status, 202);
    const replay = await post('/v1/onboardings', raw, h);
    assert.equal(replay.status, 401);
    assert.match(String(replay.body.message), /replayed/);
    now += 1000; // a fresh signature of the same order is fine (and idempotent)
    assert.equal((await post('/v1/onboardings', raw, signed(raw))).status, 202);
  });

  it('bad bodies get a 400 naming every invalid field, and start nothing', async () => {
    const o = order();
    const bad: [string, unknown, RegExp[]][] = [
      ['not JSON', '{"orderId": ', [/not valid JSON/]],
      ['no order ID', { ...o, orderId: undefined }, [/^orderId: /]],
      [
        'bad order ID and customer',
        { ...o, orderId: 'has spaces', customer: { id: 'Not A Slug', name: '' } },
        [/^orderId:/, /^customer\.id:/, /^customer\.name:/],
      ],
      ['no integrations', { ...o, integrations: {} }, [/^integrations: list at least one/]],
      [
        'unknown integration',
        { ...o, integrations: { ...o.integrations, salesforce: {} } },
        [/^integrations\.salesforce: unknown field/],
      ],
      [
        'a nested field of an integration',
        {
          ...o,
          integrations: {
            googleDelegation: {
              ...o.integrations.googleDelegation!,
              serviceAccount: { clientId: '1', email: 'x', keyRef: 'secret!' },
            },
          },
        },
        [
          /^integrations\.googleDelegation\.serviceAccount\.clientId:/,
          /serviceAccount\.email:/,
          /serviceAccount\.keyRef:/,
        ],
      ],
      [
        'admin roles without delegation',
        { ...o, integrations: { googleAdminRoles: g.request('x') } },
        [/^integrations\.googleAdminRoles: needs integrations\.googleDelegation/],
      ],
    ];
    for (const [name, body, expected] of bad) {
      const r = await post('/v1/onboardings', body);
      assert.equal(r.status, 400, name);
      const problems = (r.body.problems as string[] | undefined) ?? [];
      for (const e of expected)
        assert.ok(
          problems.some((p) => e.test(p)),
          `${name}: ${e} not in ${JSON.stringify(problems)}`
        );
    }
    const huge = await post('/v1/onboardings', { ...o, padding: 'x'.repeat(300 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal(await exists(`customer-onboarding:${o.orderId}`), false);
    assert.equal((await get('/v1/onboardings/NO-SUCH-ORDER')).status, 404);
  });

  it('one customer filter finds every workflow of a four-integration order (CLI list --customer, OnrampCustomer)', async () => {
    const tenant = `four-${process.pid}`;
    const base = order();
    const customerId = `four-${seq}`;
    const o = order({
      customer: { id: customerId, name: 'Four Integrations Inc' },
      integrations: {
        ...base.integrations,
        googleAdminRoles: g.request(`four${seq}`),
        // Both PSA onboardings wait for the operator (no credentials yet): running, findable, harmless.
        autotask: at.onboarding(tenant, 'office-protect'),
        connectwise: { customer: { name: 'Four Integrations Inc' } },
      },
    });
    assert.equal((await post('/v1/onboardings', o)).status, 202);
    const wf = `customer-onboarding:${o.orderId}`;
    const expected = ['', ':googleDelegation', ':googleAdminRoles', ':autotask', ':connectwise'].map(
      (x) => `${wf}${x}`
    );
    process.env.TEMPORAL_ADDRESS = env.address;
    const listed = await eventually(
      async () => {
        const lines: string[] = [];
        await buildProgram((l) => lines.push(l)).parseAsync(['list', '--customer', customerId], { from: 'user' });
        const ids = lines.map((l) => l.split('  ')[0]!);
        return expected.every((id) => ids.includes(id)) ? lines : undefined;
      },
      'every workflow of the order listed by its customer ID',
      90_000
    );
    for (const line of listed) assert.match(line, new RegExp(`  ${customerId}  `), 'one OnrampCustomer value');
    const integrations = listed.map((l) => l.split('  ')[1]).sort();
    assert.deepEqual(integrations, [
      'autotask-onboarding',
      'connectwise',
      'customer-onboarding',
      'google-admin-roles',
      'google-delegation',
    ]);
    assert.equal((await post(`/v1/onboardings/${o.orderId}/actions/cancel`, {})).status, 202);
  });

  it('serves its OpenAPI document, generated from the validating schema', async () => {
    const res = await fetch(`${base}/v1/openapi.json`);
    const doc = (await res.json()) as {
      openapi: string;
      components: { schemas: { Order: { properties: Record<string, unknown> } } };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.components.schemas.Order.properties.integrations);
  });

  it('runs dependent integrations in order and independent ones in parallel; a failure waits for the operator, who retries just that one', async () => {
    const u = at.addUser();
    const tenant = `intake-${process.pid}`;
    const o = order({
      integrations: {
        ...order().integrations,
        // Delegation first fails: the admin is not a user yet (the admin will be created before the retry).
        googleDelegation: { ...order().integrations.googleDelegation!, adminEmail: `late-admin@${g.domain}` },
        googleAdminRoles: { ...g.request(`parent${seq}`), adminEmail: `late-admin@${g.domain}` },
        autotask: { ...at.onboarding(tenant, 'office-protect'), credentials: u.credentials },
      },
    });
    const started = await post('/v1/onboardings', o);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const failed = await eventually(
      async () => {
        const s = await get(`/v1/onboardings/${o.orderId}`);
        const i = s.body.integrations as { name: string; state: string; error?: string }[];
        return i.find((x) => x.name === 'googleDelegation')?.state === 'failed' &&
          i.find((x) => x.name === 'autotask')?.state === 'completed'
          ? s.body
          : undefined;
      },
      'delegation to fail while autotask completes in parallel',
      90_000
    );
    const byName = Object.fromEntries(
      (failed.integrations as { name: string; state: string; error?: string }[]).map((i) => [i.name, i])
    );
    assert.equal(failed.state, 'waiting-for-operator');
    assert.match(String(byName.googleDelegation?.error), /late-admin@.*Fix adminEmail/);
    assert.equal(byName.googleAdminRoles?.state, 'blocked', 'role provisioning waits for delegation');
    // The simulator is shared by every test of this file (another order's admin roles run meanwhile), so ask
    // about this order's own group rather than a tenant-wide write counter.
    const group = o.integrations.googleAdminRoles!.group.email;
    assert.equal(g.sim.directory.groupByKey(group, true), undefined, 'nothing of the dependent integration ran');

    // Retrying something that has not failed is refused with the reason.
    const wrong = await post(`/v1/onboardings/${o.orderId}/actions/retry`, { integration: 'autotask' });
    assert.equal(wrong.status, 409);

    g.sim.state.addUser(`late-admin@${g.domain}`, 'superAdmin');
    assert.equal(
      (await post(`/v1/onboardings/${o.orderId}/actions/retry`, { integration: 'googleDelegation' })).status,
      202
    );
    await env.client.workflow.getHandle(`customer-onboarding:${o.orderId}`).result();
    const done = await get(`/v1/onboardings/${o.orderId}`);
    const finalStates = Object.fromEntries(
      (done.body.integrations as { name: string; state: string; attempts: number }[]).map((i) => [
        i.name,
        [i.state, i.attempts],
      ])
    );
    assert.deepEqual(finalStates, {
      googleDelegation: ['completed', 2],
      googleAdminRoles: ['completed', 1],
      autotask: ['completed', 1],
    });
    assert.ok(g.sim.directory.groupByKey(group, true), 'the dependent integration ran after the retry');
  });
});
