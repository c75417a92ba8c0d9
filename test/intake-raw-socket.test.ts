/**
 * Issue 25, the intake on raw sockets (node:net, bytes exactly as a client sends them):
 * - a valid order followed by stray bytes on the same connection used to get only "400 Client Error"
 *   while the order started: Node parsed the stray bytes as a second request and Fastify's default
 *   clientError handler answered 400 and closed the socket before the order's 202 was written. A client
 *   is never told "refused" for work that started: the 202 comes first, then a separate 400 for the stray
 *   bytes, and the connection is closed;
 * - a body with a key twice (at any depth) was accepted, the last one winning: it is refused with a 400
 *   naming the key, and nothing starts.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listenIntake, type RunningIntake } from './helpers/intake';
import { testEnv, uniqueTaskQueue } from './helpers/integration';

const TOKEN = 'raw-socket-bearer-token-0001';

/** A valid Google-delegation order as JSON text (no worker runs: the onboarding starts and waits). */
function orderText(orderId: string, adminEmail = 'admin@acme.example'): string {
  return `{"orderId":"${orderId}","customer":{"id":"acme","name":"Acme Corp"},"integrations":{"googleDelegation":{"customer":{"domain":"acme.example"},"adminEmail":"${adminEmail}","vendor":{"name":"Atera","supportEmail":"support@atera.example"},"serviceAccount":{"clientId":"117667288367996498143","email":"sa@vendor.iam.gserviceaccount.com","keyRef":"file:/run/secrets/sa.json"}}}}`;
}

function post(path: string, body: string, extraHeaders = ''): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: intake.test\r\nAuthorization: Bearer ${TOKEN}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`
  );
}

/** Write `bytes` on a fresh connection and read until the server closes it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (got += d));
    s.on('error', rej);
    s.on('close', () => res(got));
    s.setTimeout(60_000, () => rej(new Error(`no close from the intake; got ${got.slice(0, 300)}`)));
    s.write(bytes);
  });
}

/** The HTTP responses in what a connection received, in order: status and body. */
function responses(text: string): { status: number; headers: string; body: string }[] {
  const out: { status: number; headers: string; body: string }[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const headers = rest.slice(0, headEnd);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    out.push({ status: Number(headers.slice(9, 12)), headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return out;
}

describe('intake on raw sockets: stray bytes and duplicate keys', () => {
  let env: TestWorkflowEnvironment;
  let intake: RunningIntake;
  let port: number;
  const taskQueue = uniqueTaskQueue('raw-socket');
  let seq = 0;
  const nextId = () => `RAW-${process.pid}-${++seq}`;
  const started = async (orderId: string) =>
    env.client.workflow
      .getHandle(`customer-onboarding:${orderId}`)
      .describe()
      .then(
        () => true,
        () => false
      );

  before(async () => {
    env = await testEnv();
    intake = await listenIntake({
      client: env.client,
      config: { temporal: { address: env.address, namespace: 'default', taskQueue } },
      auth: { hmacSecrets: [], bearerTokens: [TOKEN] },
    });
    port = Number(new URL(intake.base).port);
  });
  after(async () => {
    for await (const wf of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}"` }))
      await env.client.workflow
        .getHandle(wf.workflowId)
        .terminate('test done')
        .catch(() => undefined);
    await intake.close();
    await env.teardown();
  });

  for (const [what, stray] of [
    ['a stray brace', '}'],
    ['a line of garbage', 'GARBAGE\r\n\r\n'],
  ] as const) {
    it(`a valid order then ${what} on the same connection: 202 for the order, then a separate 400, closed`, async () => {
      const orderId = nextId();
      const got = await exchange(port, post('/v1/onboardings', orderText(orderId)) + stray);
      const r = responses(got);
      assert.ok(r.length >= 1, `an answer (${got.slice(0, 200)})`);
      assert.equal(r[0]!.status, 202, `the order's own answer comes first: ${got.slice(0, 400)}`);
      assert.equal((JSON.parse(r[0]!.body) as { orderId: string }).orderId, orderId);
      assert.equal(await started(orderId), true, 'the order started');
      assert.equal(r.length, 2, `then one answer for the stray bytes: ${got.slice(0, 600)}`);
      assert.equal(r[1]!.status, 400);
      assert.match(r[1]!.headers, /connection: close/i);
      assert.match(r[1]!.body, /not an HTTP request/);
    });
  }

  it('a pipelined second order on the same connection is still served (keep-alive is not broken)', async () => {
    const [a, b] = [nextId(), nextId()];
    const got = await exchange(
      port,
      post('/v1/onboardings', orderText(a)) + post('/v1/onboardings', orderText(b), 'Connection: close\r\n')
    );
    assert.deepEqual(
      responses(got).map((x) => x.status),
      [202, 202]
    );
    assert.equal(await started(a), true);
    assert.equal(await started(b), true);
  });

  for (const [what, body, key] of [
    [
      'orderId twice at the top',
      (id: string) => orderText(id).replace('{"orderId":', `{"orderId":"${id}-first","orderId":`),
      /^orderId: /,
    ],
    [
      'a bad googleDelegation followed by a good one',
      (id: string) =>
        orderText(id).replace('"integrations":{', '"integrations":{"googleDelegation":{"adminEmail":"not-an-email"},'),
      /^integrations\.googleDelegation: /,
    ],
    [
      'a key twice deep inside (serviceAccount.keyRef)',
      (id: string) => orderText(id).replace('"keyRef":', '"keyRef":"file:/etc/shadow","keyRef":'),
      /^integrations\.googleDelegation\.serviceAccount\.keyRef: /,
    ],
    [
      'the same key spelt with an escape ("\\u006frderId")',
      (id: string) => orderText(id).replace('{"orderId":', `{"\\u006frderId":"${id}-x","orderId":`),
      /^orderId: /,
    ],
  ] as const) {
    it(`duplicate keys refused: ${what} → 400 naming the key, nothing started`, async () => {
      const orderId = nextId();
      const text = body(orderId);
      assert.doesNotThrow(() => JSON.parse(text), 'the body is valid JSON (only ambiguous)');
      const r = responses(await exchange(port, post('/v1/onboardings', text, 'Connection: close\r\n')));
      assert.equal(r.length, 1);
      assert.equal(r[0]!.status, 400, r[0]!.body);
      const problems = (JSON.parse(r[0]!.body) as { problems?: string[] }).problems ?? [];
      assert.ok(
        problems.some((p) => key.test(p) && /more than once/.test(p)),
        JSON.stringify(problems)
      );
      assert.equal(await started(orderId), false, 'nothing started');
    });
  }

  it('the same key in two different objects is no duplicate', async () => {
    const orderId = nextId();
    const r = responses(await exchange(port, post('/v1/onboardings', orderText(orderId), 'Connection: close\r\n')));
    assert.equal(r[0]!.status, 202, r[0]!.body);
  });
});
