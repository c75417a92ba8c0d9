/**
 * Canary secrets: every vendor workflow runs end to end with unique secret values behind its references,
 * then nothing that Temporal stores or the worker logs may contain one of them: raw history read WITHOUT
 * the codec, search attributes, memos, failure messages, and the worker's logs (the production logger).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type OnrampActivities } from '../src/activities';
import { startGoogleDelegation } from '../src/client';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../src/domain/autotask-schema';
import { parseDelegationInput } from '../src/domain/google-delegation-schema';
import { createLogger } from '../src/logger';
import { installRuntime } from '../src/temporal/runtime';
import { deriveAutotaskWebhookSecret } from '../src/webhooks/autotask-secret';
import { autotaskOnboarding, googleDelegationOnboarding, connectwiseOnboarding } from '../src/workflows';
import {
  autotaskOnboardingStatusQuery,
  supplyAutotaskCredentialsUpdate,
} from '../src/contract/autotask-onboarding-messages';
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import { plantedCanaries } from './helpers/canaries';
import { connectwiseFixture, type ConnectwiseFixture } from './helpers/connectwise';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { googleAdminFixture, startProvisioning, type GoogleAdminFixture } from './helpers/google-admin';
import {
  decodedWorkflow,
  eventually,
  integration,
  leaks,
  rejectionOf,
  uniqueTaskQueue,
  type Integration,
} from './helpers/integration';

let logs = '';
installRuntime(
  createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    }),
  }),
  'DEBUG'
);

/** Every string and every byte string (as UTF-8) of a value, the way someone reading the raw store would. */
function rawText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof Map) [...v.entries()].forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}

describe('canary secrets never reach history, search attributes, memos, failures or logs', () => {
  let env: TestWorkflowEnvironment;
  let plain: Client;
  let g: GoogleFixture;
  let ga: GoogleAdminFixture;
  let at: AutotaskFixture;
  let cw: ConnectwiseFixture;
  let stack: Integration;
  const handles: WorkflowHandle[] = [];
  const canaries = new Map<string, string>();
  const refs: string[] = [];
  const queues = {
    google: uniqueTaskQueue('canary-google'),
    admin: uniqueTaskQueue('canary-admin'),
    autotask: uniqueTaskQueue('canary-autotask'),
    cw: uniqueTaskQueue('canary-cw'),
  };
  const notifySecretEnv = `ONRAMP_CANARY_NOTIFY_${process.pid}`;

  before(async () => {
    stack = await integration();
    env = stack.env;
    // A client with no data converter: what an operator with server access (or a leaked backup) sees.
    plain = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const notifySecret = `canary-notify-${randomBytes(12).toString('hex')}`;
    [g, ga, at, cw] = await Promise.all([
      // The receiver verifies the signature: a notification signed wrongly (or not at all) is refused.
      googleFixture({ notifySecret }),
      googleAdminFixture(),
      autotaskFixture(),
      connectwiseFixture(),
    ]);
    process.env[notifySecretEnv] = notifySecret;
    canaries.set('notify webhook secret', notifySecret);
    // The private key's body (a slice, so a partial echo counts too).
    canaries.set('google SA private key', g.key.private_key.split('\n')[5] ?? '');
    const adminKey = JSON.parse(readFileSync(ga.keyRef.slice(5), 'utf8')) as { private_key: string };
    canaries.set('admin SA private key', adminKey.private_key.split('\n')[5] ?? '');
    canaries.set('autotask webhook signing master key', at.masterKey);
    const start = (taskQueue: string, activities: Partial<OnrampActivities>) => stack.worker(activities, { taskQueue });
    await start(
      queues.google,
      createActivities({
        google: { tokenUrl: `${g.googleUrl}/token` },
        notify: { webhookUrl: g.notifyUrl, secretRef: `env:${notifySecretEnv}` },
      })
    );
    await start(queues.admin, ga.activities());
    await start(queues.autotask, at.activities);
    await start(queues.cw, cw.activities);
  });
  after(async () => {
    await stack.teardown();
    await Promise.all([g.close(), ga.close(), at.close(), cw.close()]);
  });

  it('googleDelegationOnboarding completes, signing its notification with the canary webhook secret', async () => {
    g.grant();
    const req = g.request();
    refs.push(req.serviceAccount.keyRef);
    const handle = await startGoogleDelegation(env.client, { temporal: configOf(queues.google) }, req);
    handles.push(handle);
    await handle.result();
    assert.equal(g.receiver.notifications.size >= 1, true, 'the notification (signed with the canary) was sent');
  });

  it('googleDelegationOnboarding fails (admin not a user): the failure message is readable only through the codec', async () => {
    const req = g.request({ adminEmail: `nobody-${process.pid}@${g.domain}` });
    const handle = await env.client.workflow.start(googleDelegationOnboarding, {
      workflowId: `canary-delegation-failure-${process.pid}`,
      taskQueue: queues.google,
      args: [parseDelegationInput(req)],
    });
    handles.push(handle);
    const err = await rejectionOf(handle.result());
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(String(err.cause?.message), /adminEmail/);
    // Read without the codec, the same failure is an opaque "Encoded failure".
    const raw = rawText((await plain.workflow.getHandle(handle.workflowId).fetchHistory()).events);
    assert.ok(!/adminEmail/.test(raw), 'the failure text is encrypted in history');
    assert.match(raw, /Encoded failure/);
  });

  it('googleAdminRoleProvisioning completes', async () => {
    const handle = await startProvisioning(env.client, queues.admin, ga.request('canary'));
    handles.push(handle);
    refs.push(ga.keyRef);
    await handle.result();
  });

  it('autotaskOnboarding completes after the operator supplies the canary API secret by update', async () => {
    const secret = `canary-autotask-${randomBytes(9).toString('hex')}`;
    canaries.set('autotask API user secret', secret);
    const u = at.addUser({ secret });
    const tenant = `canary-${process.pid}`;
    const req = at.onboarding(tenant, 'office-protect');
    canaries.set('autotask derived webhook secret', deriveAutotaskWebhookSecret(at.masterKey, 'office-protect'));
    at.activeHooks.set(tenant, new Set(['office-protect']));
    const handle = await env.client.workflow.start(autotaskOnboarding, {
      workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
      taskQueue: queues.autotask,
      args: [req],
    });
    handles.push(handle);
    await eventually(
      async () => (await handle.query(autotaskOnboardingStatusQuery)).state === 'waiting-for-operator',
      'the operator step'
    );
    refs.push(u.credentials.secretRef);
    await handle.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [u.credentials] });
    await handle.result();
  });

  it('connectwiseOnboarding completes with the canary private key', async () => {
    const m = await cw.newMember();
    canaries.set('connectwise private key', readFileSync(m.keyRef.slice(5), 'utf8').trim());
    refs.push(m.keyRef);
    const handle = await env.client.workflow.start(connectwiseOnboarding, {
      workflowId: `canary-cw-${process.pid}-${randomBytes(4).toString('hex')}`,
      taskQueue: queues.cw,
      args: [cw.request(m)],
    });
    handles.push(handle);
    await handle.result();
  });

  it('no canary appears anywhere; payloads are encrypted in the raw history', async () => {
    assert.ok(handles.length >= 5, 'every workflow ran');
    // And every secret the fixtures planted (test/helpers/canaries.ts): keys, API secrets, webhook secretKeys.
    for (const [name, value] of plantedCanaries()) canaries.set(name, value);
    for (const [name, value] of canaries) assert.ok(value.length >= 12, `canary ${name} is distinctive`);
    assert.ok(logs.length > 0, 'the worker logged (the log check is not vacuous)');
    for (const handle of handles) {
      const raw = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
      const history = rawText(raw.events);
      const desc = await plain.workflow.getHandle(handle.workflowId).describe();
      const attrs = rawText(desc.raw.workflowExecutionInfo?.searchAttributes ?? {});
      const memo = rawText(desc.raw.workflowExecutionInfo?.memo ?? {});
      for (const [name, value] of canaries) {
        assert.ok(!history.includes(value), `${name} leaked into the raw history of ${handle.workflowId}`);
        assert.ok(!attrs.includes(value), `${name} leaked into search attributes of ${handle.workflowId}`);
        assert.ok(!memo.includes(value), `${name} leaked into the memo of ${handle.workflowId}`);
      }
      // And read with the codec key: every payload decrypted (inputs, results, failures, memo).
      const decoded = await decodedWorkflow(env.client, handle.workflowId);
      assert.ok(decoded.values.length > 0, `payloads of ${handle.workflowId} were decoded`);
      assert.deepEqual(leaks(decoded.strings, canaries), [], `canaries in the decoded history of ${handle.workflowId}`);
      // Even references are invisible without the codec: inputs are ciphertext.
      for (const ref of refs) assert.ok(!history.includes(ref), `${ref} is in clear in ${handle.workflowId}`);
      assert.match(history, /binary\/encrypted/);
    }
    for (const [name, value] of canaries) assert.ok(!logs.includes(value), `${name} leaked into the worker logs`);
  });
});

function configOf(taskQueue: string) {
  return { address: 'unused', namespace: 'default', taskQueue };
}
