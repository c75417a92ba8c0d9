import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ADMIN_ROLE_SCOPES } from '../src/domain/google-admin-roles-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { createIntakeServer } from '../src/intake/intake-server';
import { listenIntake, type RunningIntake } from './helpers/intake';
import { testEnv, uniqueTaskQueue } from './helpers/integration';

const TOKEN = 'bad-input-bearer-token-0001';
type Json = Record<string, unknown>;

/** A valid four-integration order; every row below breaks one thing of it. No worker runs: nothing may start. */
function validOrder(orderId: string): Json {
  return {
    orderId,
    customer: { id: 'acme', name: 'Acme Corp' },
    integrations: {
      googleDelegation: {
        customer: { domain: 'acme.example' },
        adminEmail: 'admin@acme.example',
        vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
        serviceAccount: {
          clientId: '117667288367996498143',
          email: 'sa@vendor.iam.gserviceaccount.com',
          keyRef: 'file:/run/secrets/sa.json',
        },
        scopes: [...new Set([...DEFAULT_DELEGATION_SCOPES, ...Object.values(ADMIN_ROLE_SCOPES)])],
      },
      googleAdminRoles: {
        customer: { domain: 'acme.example', customerId: 'C046psxkn' },
        adminEmail: 'admin@acme.example',
        serviceAccount: { email: 'sa@vendor.iam.gserviceaccount.com', keyRef: 'file:/run/secrets/sa.json' },
        group: { email: 'edu-admins@acme.example', displayName: 'Edu admins' },
        members: [{ email: 'teacher@acme.example' }],
        role: { name: 'Education Admin', privileges: ['EDU_ANALYTICS_DATA_ACCESS'] },
      },
      autotask: {
        customer: { id: 'acme' },
        vendor: { name: 'Office Protect' },
        vendorProfile: 'office-protect',
        integrationId: 'office-protect',
        webhook: {
          webhookUrl: 'https://onramp.example.com/webhooks/autotask/acme',
          deactivationUrl: 'https://onramp.example.com/webhooks/autotask/acme/deactivated',
          signingKeyRef: 'env:AUTOTASK_SIGNING_KEY',
        },
      },
      connectwise: { customer: { name: 'Acme Corp' }, connection: { site: 'na.myconnectwise.net' } },
    },
    schedules: { driftCheckEveryHours: 24 },
  };
}

const clone = (o: Json): Json => JSON.parse(JSON.stringify(o)) as Json;
const at = (o: Json, path: string): Json => path.split('.').reduce<Json>((x, k) => x[k] as Json, o);

/** [what a new user got wrong, how, the field the 4xx must name, a word of the fix] */
const BAD_INPUT: [string, (o: Json) => unknown, RegExp][] = [
  [
    'drift check every 1e-7 h',
    (o) => ({ ...o, schedules: { driftCheckEveryHours: 1e-7 } }),
    /^schedules\.driftCheckEveryHours: must be at least 1 hour/,
  ],
  [
    'drift check every 0.0001 h',
    (o) => ({ ...o, schedules: { driftCheckEveryHours: 0.0001 } }),
    /^schedules\.driftCheckEveryHours:/,
  ],
  [
    'order ID with ":" (takes another order\'s child ID)',
    (o) => ({ ...o, orderId: 'X:googleDelegation' }),
    /^orderId: .*no ":"/,
  ],
  [
    'order ID of 101 characters (414 on its status URL)',
    (o) => ({ ...o, orderId: 'A'.repeat(101) }),
    /^orderId: must be at most 64/,
  ],
  ['order ID of 128 characters', (o) => ({ ...o, orderId: 'B'.repeat(128) }), /^orderId: must be at most 64/],
  [
    'typo googleDelegation.scope (was silently dropped)',
    (o) => {
      const g = at(o, 'integrations.googleDelegation');
      g.scope = g.scopes;
      delete g.scopes;
      return o;
    },
    /^integrations\.googleDelegation\.scope: unknown field: did you mean "scopes"/,
  ],
  ['unknown top-level key', (o) => ({ ...o, priority: 'high' }), /^priority: unknown field/],
  [
    'admin email outside the customer domain',
    (o) => {
      at(o, 'integrations.googleDelegation').adminEmail = 'admin@other.example';
      at(o, 'integrations.googleAdminRoles').adminEmail = 'admin@other.example';
      return o;
    },
    /^integrations\.googleDelegation\.adminEmail: must be a super admin of the customer's Workspace/,
  ],
  [
    'Google customer ID that is a domain',
    (o) => ((at(o, 'integrations.googleAdminRoles.customer').customerId = 'acme.example'), o),
    /^integrations\.googleAdminRoles\.customer\.customerId: must be the Google customer ID/,
  ],
  [
    'a group listed as its own member',
    (o) => (
      (at(o, 'integrations.googleAdminRoles').members = [{ email: 'edu-admins@acme.example', type: 'GROUP' }]),
      o
    ),
    /^integrations\.googleAdminRoles\.members\.0\.email: is the group itself/,
  ],
  [
    'Autotask webhook URL over plain http',
    (o) => ((at(o, 'integrations.autotask.webhook').webhookUrl = 'http://onramp.example.com/hook'), o),
    /^integrations\.autotask\.webhook\.webhookUrl: must use https/,
  ],
  [
    'ConnectWise site that is not a ConnectWise host',
    (o) => ((at(o, 'integrations.connectwise.connection').site = 'evil.example.com'), o),
    /^integrations\.connectwise\.connection\.site: "evil\.example\.com" is not a ConnectWise host/,
  ],
  [
    'top-level constructor.prototype',
    () => JSON.parse('{"constructor":{"prototype":{"x":1}}}') as unknown,
    /^constructor: "constructor" is not an accepted field name/,
  ],
  [
    '__proto__ inside the customer',
    (o) => ({ ...o, customer: JSON.parse('{"id":"acme","name":"A","__proto__":{"admin":true}}') as unknown }),
    /^customer\.__proto__:/,
  ],
  [
    'price of 1e308',
    (o) => ((at(o, 'integrations.connectwise').billing = { product: { price: 1e308 } }), o),
    /^integrations\.connectwise\.billing\.product\.price:/,
  ],
];

describe('every bad input refused at the door: 4xx naming the field, nothing started (real Temporal server, no worker)', () => {
  let env: TestWorkflowEnvironment;
  let intake: RunningIntake;
  let base: string;
  const taskQueue = uniqueTaskQueue('bad-input');
  let seq = 0;
  const nextId = () => `BAD-${process.pid}-${++seq}`;

  before(async () => {
    env = await testEnv();
    intake = await listenIntake({
      client: env.client,
      config: { temporal: { address: env.address, namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    base = intake.base;
  });
  after(async () => {
    await intake.close();
    await env.teardown();
  });

  const send = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body,
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: json, text };
  };

  /** Nothing started on this test's task queue, and no schedule of its customer. */
  const assertNothingStarted = async () => {
    const started: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}"` }))
      started.push(wf.workflowId);
    assert.deepEqual(started, [], 'no workflow was started');
    for (const id of ['acme', 'cust-x']) {
      await assert.rejects(
        env.client.schedule.getHandle(`drift-check:${id}`).describe(),
        'no drift schedule was created'
      );
    }
  };

  it('the bad-input table of issue 12: each row a 400 naming the field and the fix', async () => {
    const valid = validOrder('unused');
    for (const [what, mutate, field] of BAD_INPUT) {
      const orderId = nextId();
      const body = mutate(clone({ ...valid, orderId }));
      const r = await send('POST', '/v1/onboardings', JSON.stringify(body));
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      const problems = (r.body.problems as string[] | undefined) ?? [];
      assert.ok(
        problems.some((p) => field.test(p)),
        `${what}: ${field} not in ${JSON.stringify(problems, null, 1)}`
      );
      await assert.rejects(env.client.workflow.getHandle(`customer-onboarding:${orderId}`).describe(), what);
    }
    await assertNothingStarted();
  });

  it('walks every route with malformed bodies and IDs: always 4xx, never 5xx, nothing started', async () => {
    const bodies: [string, string | undefined][] = [
      ['null', 'null'],
      ['array', '[]'],
      ['array of orders', JSON.stringify([validOrder(nextId())])],
      ['string', '"order"'],
      ['number', '42'],
      ['huge number', '1e999'],
      ['true', 'true'],
      ['empty object', '{}'],
      [
        'wrong types',
        JSON.stringify({ orderId: 7, customer: 'acme', integrations: [], integration: 3, credential: 'x' }),
      ],
      ['missing fields', JSON.stringify({ orderId: nextId() })],
      ['not JSON', '{"orderId": '],
      ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['oversize', JSON.stringify({ padding: 'x'.repeat(300 * 1024) })],
      ['prototype pollution', '{"__proto__":{"polluted":true},"integration":"autotask"}'],
    ];
    const ids = ['SO-1', 'X:googleDelegation', 'A'.repeat(101), 'A'.repeat(600), '%2e%2e', 'has%20space'];
    const routes: [string, (id: string) => string, boolean][] = [
      ['POST', () => '/v1/onboardings', true],
      ['GET', (id) => `/v1/onboardings/${id}`, false],
      ...['check-now', 'retry', 'abandon', 'cancel', 'supply-credential', 'frobnicate'].map(
        (a): [string, (id: string) => string, boolean] => ['POST', (id) => `/v1/onboardings/${id}/actions/${a}`, true]
      ),
    ];
    const seen: string[] = [];
    for (const [method, path, hasBody] of routes) {
      for (const id of ids) {
        for (const [what, body] of hasBody ? bodies : [['no body', undefined] as [string, undefined]]) {
          const r = await send(method, path(id), body);
          seen.push(`${r.status}`);
          assert.ok(
            r.status >= 400 && r.status < 500,
            `${method} ${path(id).slice(0, 80)} with ${what}: ${r.status} ${r.text.slice(0, 300)}`
          );
        }
      }
    }
    // The one the issue names: a retry with body null for an order that does not exist is a 400, not a 503.
    const retryNull = await send('POST', '/v1/onboardings/SO-1/actions/retry', 'null');
    assert.equal(retryNull.status, 400, retryNull.text);
    assert.match(String((retryNull.body.problems as string[])[0]), /body must be a JSON object/);
    assert.ok(seen.length > 300, `walked ${seen.length} requests`);
    await assertNothingStarted();
  });

  it('a 503 only when Temporal is really unreachable, and a bad order is still a 400 then', async () => {
    const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const down = createIntakeServer({
      client: dead,
      config: { temporal: { address: '127.0.0.1:1', namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    try {
      const orderId = nextId();
      const ok = await down.inject({
        method: 'POST',
        url: '/v1/onboardings',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify(validOrder(orderId)),
      });
      assert.equal(ok.statusCode, 503, ok.body);
      const bad = await down.inject({
        method: 'POST',
        url: '/v1/onboardings',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ ...validOrder(orderId), schedules: { driftCheckEveryHours: 1e-7 } }),
      });
      assert.equal(bad.statusCode, 400, bad.body);
      await assert.rejects(env.client.workflow.getHandle(`customer-onboarding:${orderId}`).describe());
    } finally {
      await down.close();
      await dead.connection.close().catch(() => undefined);
    }
  });
});
