import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../src/activities';
import { GOOGLE_TOKEN_URL, createGoogleTransporter } from '../src/activities/google/token';
import type { CheckDelegationInput, ScopeCheck } from '../src/activities/google/delegation';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { FailureType } from '../src/contract/failure-types';
import { eventually } from './helpers/temporal';

const MAIL = 'https://mail.google.com/';
const DRIVE = 'https://www.googleapis.com/auth/drive';

/** Activities against the Google simulator over real HTTP; Temporal's activity context is the SDK's mock. */
describe('checkDelegatedScopes: error classification', () => {
  let g: GoogleFixture;
  const run = (input: Partial<CheckDelegationInput>, activities = g.activities): Promise<ScopeCheck[]> =>
    new MockActivityEnvironment().run(activities.checkDelegatedScopes, {
      subject: g.admin,
      serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef: g.keyRef },
      scopes: [MAIL, DRIVE],
      mode: 'each' as const,
      ...input,
    });
  const failure = async (p: Promise<unknown>): Promise<ApplicationFailure> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
      return err;
    }
    return assert.fail('expected a failure');
  };

  before(async () => {
    g = await googleFixture();
  });
  after(() => g.close());

  it('granted scope → granted; not granted → "missing" with the reason, not an error', async () => {
    g.grant([MAIL], 0);
    const r = await run({});
    assert.deepEqual(
      r.map((x) => [x.scope, x.granted]),
      [
        [MAIL, true],
        [DRIVE, false],
      ]
    );
    assert.match(r[1]!.detail ?? '', /unauthorized_client/);
  });

  it('together mode fails the whole set when one scope is missing (as the vendor would see it)', async () => {
    g.grant([MAIL], 0);
    const r = await run({ mode: 'together' });
    assert.ok(r.every((x) => !x.granted));
  });

  it('unknown subject → non-retryable GoogleInvalidSubject naming adminEmail', async () => {
    const f = await failure(run({ subject: `ghost@${g.domain}` }));
    assert.equal(f.type, FailureType.GoogleInvalidSubject);
    assert.equal(f.nonRetryable, true);
    assert.match(f.message, /ghost@.*Fix adminEmail/);
  });

  it('a key the simulator does not know (deleted key) → non-retryable GoogleServiceAccountKeyRejected', async () => {
    const other = createSandboxServiceAccount({ name: 'vendor-integration', clientId: g.key.client_id });
    // Same service account email, a different (unregistered) key pair: what a deleted key looks like.
    const path = `${g.keyPath}.rotated`;
    writeFileSync(path, JSON.stringify({ ...other.keyFile, client_email: g.key.client_email }));
    const f = await failure(
      run({ serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef: `file:${path}` } })
    );
    assert.equal(f.type, FailureType.GoogleServiceAccountKeyRejected);
    assert.equal(f.nonRetryable, true);
    assert.match(f.message, /Invalid JWT Signature/);
    assert.doesNotMatch(f.message, /PRIVATE KEY/);
  });

  it('a key of another service account → non-retryable mismatch before any request', async () => {
    const before = g.sim.requests.get('POST /token') ?? 0;
    const f = await failure(
      run({ serviceAccount: { clientId: g.key.client_id, email: 'other@p.iam.gserviceaccount.com', keyRef: g.keyRef } })
    );
    assert.equal(f.type, FailureType.ServiceAccountKeyMismatch);
    assert.equal(g.sim.requests.get('POST /token') ?? 0, before);
  });

  it('missing key file → non-retryable, naming the field and the path', async () => {
    const f = await failure(
      run({
        serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef: 'file:/nonexistent/sa.json' },
      })
    );
    assert.equal(f.type, FailureType.ServiceAccountKeyUnavailable);
    assert.match(f.message, /serviceAccount\.keyRef: .*\/nonexistent\/sa\.json \(ENOENT\)/);
  });

  it('503 with Retry-After → retryable with nextRetryDelay from the header', async () => {
    g.grant([MAIL, DRIVE], 0);
    const id = g.sim.faults.add({
      method: 'POST',
      path: '/token',
      status: 503,
      times: 1,
      retryAfterSeconds: 7,
      body: { error: 'backendError' },
    });
    const f = await failure(run({ mode: 'together' }));
    assert.equal(g.sim.faults.fired(id), 1, 'the fault fired');
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, FailureType.GoogleTokenEndpointUnavailable);
    assert.equal(f.nextRetryDelay, 7000);
  });

  it('429 without Retry-After → retryable, backoff left to the retry policy', async () => {
    const id = g.sim.faults.add({ method: 'POST', path: '/token', status: 429, times: 1 });
    const f = await failure(run({ mode: 'together' }));
    assert.equal(g.sim.faults.fired(id), 1);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.nextRetryDelay, undefined);
  });

  it('dropped connection → retryable network failure; the next attempt succeeds', async () => {
    const id = g.sim.faults.add({ method: 'POST', path: '/token', status: 0, times: 1, drop: true });
    const f = await failure(run({ mode: 'together' }));
    assert.equal(g.sim.faults.fired(id), 1);
    assert.equal(f.nonRetryable, false);
    const r = await run({ mode: 'together' });
    assert.ok(r.every((x) => x.granted));
  });

  it('notifyVendor: 5xx retryable, 4xx permanent, redelivery is deduplicated by the receiver', async () => {
    const activities = createActivities({
      google: { tokenUrl: `${g.googleUrl}/token` },
      notify: { webhookUrl: g.notifyUrl },
    });
    const notify = (key: string) =>
      new MockActivityEnvironment().run(activities.notifyVendor, {
        idempotencyKey: key,
        event: 'test',
        payload: { a: 1 },
      });
    const id = g.receiver.faults.add({ method: 'POST', path: '/notify', status: 502, times: 1 });
    const f = await failure(notify('k1'));
    assert.equal(g.receiver.faults.fired(id), 1);
    assert.equal(f.nonRetryable, false);
    assert.deepEqual(await notify('k1'), { status: 202, duplicate: false });
    assert.deepEqual(await notify('k1'), { status: 200, duplicate: true });
    assert.equal(g.receiver.notifications.size, 1);
    const id2 = g.receiver.faults.add({ method: 'POST', path: '/notify', status: 404, times: 1 });
    const f2 = await failure(notify('k2'));
    assert.equal(g.receiver.faults.fired(id2), 1);
    assert.equal(f2.nonRetryable, true);
    assert.match(f2.message, /ONRAMP_NOTIFY_WEBHOOK_URL/);
  });
});

/**
 * The transporter every Google call goes through: the Directory quota wait happens before the request's
 * timeout starts (the prod proof's worker died under load when a Directory POST was sent with a signal the
 * quota wait had already expired: node-fetch, gaxios's default in Node, then emits an unhandled 'error'),
 * and a request aborted by its timeout is an error to classify.
 */
describe('createGoogleTransporter: quota wait and timeout', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      // Headers and half a body, then nothing: the abort lands while the response body is being read.
      if (req.url === '/hang') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"ok":');
      // The connection dropped before any answer: a request that failed without any timeout involved.
      if (req.url === '/reset') return void req.socket.destroy();
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /**
   * No clock involved: the quota wait is held until the test releases it, and every timeout signal created is
   * recorded. The request's timeout must be created once the quota is granted (so any wait, however long, is
   * not counted against it); created before, a wait longer than the timeout sent an already-aborted request.
   */
  it('the request timeout starts once the quota wait is over, however long the wait', async () => {
    const events: string[] = [];
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    AbortSignal.timeout = (ms: number) => {
      events.push(`timeout ${ms} ms created`);
      return realTimeout(ms);
    };
    try {
      const t = createGoogleTransporter({ tokenUrl: GOOGLE_TOKEN_URL, timeoutMs: 54_321 }, async () => {
        events.push('quota wait');
        await held;
        events.push('quota granted');
      });
      const answer = t.request<{ ok: boolean }>({ url: `${url}/admin/directory/v1/x`, method: 'POST', data: { a: 1 } });
      await eventually(async () => events.includes('quota wait'), 'the request waiting for the quota');
      release();
      assert.deepEqual((await answer).data, { ok: true }, 'sent and answered');
    } finally {
      AbortSignal.timeout = realTimeout;
    }
    const ours = events.filter((e) => e === 'quota wait' || e === 'quota granted' || e.startsWith('timeout 54321'));
    assert.deepEqual(ours, ['quota wait', 'quota granted', 'timeout 54321 ms created']);
  });

  it('a POST aborted by its timeout rejects (the process survives to classify it)', async () => {
    // /hang never finishes its answer: the abort is certain, however fast or slow the machine.
    const t = createGoogleTransporter({ tokenUrl: GOOGLE_TOKEN_URL, timeoutMs: 200 });
    await assert.rejects(t.request({ url: `${url}/hang`, method: 'POST', data: { a: 1 } }));
  });

  it('beforeSend’s callback runs once the answer is read, and once a request failed, never before', async () => {
    const events: string[] = [];
    // A timeout no local answer comes near: the failure below is a dropped connection, not a timeout.
    const t = createGoogleTransporter({ tokenUrl: GOOGLE_TOKEN_URL, timeoutMs: 600_000 }, () => {
      events.push('send');
      return Promise.resolve(() => events.push('answered'));
    });
    const res = await t.request<{ ok: boolean }>({ url: `${url}/admin/directory/v1/y`, method: 'GET' });
    events.push(`read ${JSON.stringify(res.data)}`);
    await assert.rejects(t.request({ url: `${url}/reset`, method: 'POST', data: { a: 1 } }));
    events.push('failed');
    assert.deepEqual(events, ['send', 'answered', 'read {"ok":true}', 'send', 'answered', 'failed']);
  });
});
