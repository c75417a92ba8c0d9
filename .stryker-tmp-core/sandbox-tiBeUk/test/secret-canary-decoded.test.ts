/**
 * The canary read as someone holding the codec key (or the Web UI behind the codec server) reads it: every
 * payload of every run of every workflow type is decrypted and converted, and the decoded values, failure
 * messages (their encoded attributes), memos and search attributes are searched for every secret the
 * worker resolved in this process (each `env:`/`file:` reference it read, the derived Autotask webhook
 * secrets, the codec key). Encryption alone is not enough: a secret in a payload is one key away from clear.
 *
 * The positive controls prove the search can fail: an activity that returns (or throws with) a resolved
 * secret is caught in the decoded history, and is invisible to a walk of the raw (encrypted) history.
 */
// @ts-nocheck

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../src/activities';
import { startGoogleDelegation } from '../src/client';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { recorders } from '../scripts/record-histories';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { decodedWorkflow, failureOf, integration, leaks, resolvedSecrets, stringsOf } from './helpers/integration';

const WORKFLOW_TYPES = Object.keys(recorders);

describe('decoded histories of every workflow type hold no resolved secret', () => {
  let it_: Awaited<ReturnType<typeof integration>>;
  const handles = new Map<string, WorkflowHandle>();

  before(async () => {
    it_ = await integration();
  });
  after(() => it_.teardown());

  for (const type of WORKFLOW_TYPES) {
    it(`${type} runs end to end`, async () => {
      const handle = await recorders[type]!(it_.env, async (activities, body) => {
        const w = await it_.worker(activities, `canary-${type}`);
        try {
          return await body(w.taskQueue);
        } finally {
          await w.stop();
        }
      });
      handles.set(type, handle);
    });
  }

  it('no resolved secret in any decoded payload, failure, memo or search attribute', async () => {
    assert.deepEqual([...handles.keys()].sort(), [...WORKFLOW_TYPES].sort(), 'every workflow type ran');
    const secrets = resolvedSecrets();
    // Not vacuous: the workers resolved Google keys, Autotask and ConnectWise secrets and derived webhook secrets.
    assert.ok(secrets.size >= 6, `the workers resolved secrets (${secrets.size})`);
    for (const [type, handle] of handles) {
      const decoded = await decodedWorkflow(it_.env.client, handle.workflowId);
      assert.ok(decoded.values.length > 0, `${type}: payloads were decoded`);
      assert.ok(
        decoded.values.some((v) => v && typeof v === 'object'),
        `${type}: the workflow input decoded to an object (the codec key is right)`
      );
      assert.deepEqual(leaks(decoded.strings, secrets), [], `secrets in the decoded history of ${type}`);
    }
  });
});

describe('positive controls: a leaked secret IS caught in the decoded history', () => {
  let it_: Awaited<ReturnType<typeof integration>>;
  let g: GoogleFixture;

  before(async () => {
    it_ = await integration();
    g = await googleFixture();
    g.grant();
  });
  after(async () => {
    await g.close();
    await it_.teardown();
  });

  const base = () =>
    createActivities({ google: { tokenUrl: `${g.googleUrl}/token` }, notify: { webhookUrl: g.notifyUrl } });

  it('a resolved key returned in an activity result', async () => {
    const good = base();
    const w = await it_.worker(
      {
        ...good,
        // The product bug this guards against: a check echoing what it resolved.
        async checkDelegatedScopes(input) {
          const results = await good.checkDelegatedScopes(input);
          const key = JSON.parse(await resolveSecretRef(input.serviceAccount.keyRef)) as { private_key: string };
          return results.map((r) => ({ ...r, detail: key.private_key }));
        },
      },
      'canary-leaky-result'
    );
    const handle = await startGoogleDelegation(
      it_.env.client,
      { temporal: { address: 'unused', namespace: 'default', taskQueue: w.taskQueue } },
      g.request()
    );
    await handle.result();
    const secrets = resolvedSecrets();
    const decoded = await decodedWorkflow(it_.env.client, handle.workflowId);
    assert.ok(leaks(decoded.strings, secrets).length > 0, 'the decoded history shows the leaked private key');
    // What the old canary saw: the raw history, encrypted, shows nothing.
    const raw = stringsOf(await it_.env.client.workflow.getHandle(handle.workflowId).fetchHistory());
    assert.deepEqual(leaks(raw, secrets), [], 'the raw history alone cannot show it');
  });

  it('a resolved key in an activity failure message (encoded failure attributes)', async () => {
    const good = base();
    const w = await it_.worker(
      {
        ...good,
        async checkDelegatedScopes(input) {
          const key = JSON.parse(await resolveSecretRef(input.serviceAccount.keyRef)) as { private_key: string };
          throw ApplicationFailure.nonRetryable(`cannot use ${key.private_key}`, 'Leaky');
        },
      },
      'canary-leaky-failure'
    );
    const handle = await startGoogleDelegation(
      it_.env.client,
      { temporal: { address: 'unused', namespace: 'default', taskQueue: w.taskQueue } },
      g.request({ customer: { domain: `leaky-${g.domain}` }, adminEmail: `admin@leaky-${g.domain}` })
    );
    await failureOf(handle);
    const decoded = await decodedWorkflow(it_.env.client, handle.workflowId);
    assert.ok(leaks(decoded.strings, resolvedSecrets()).length > 0, 'the decoded failure shows the private key');
  });
});
