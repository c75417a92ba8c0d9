import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';
import type { googleDelegationReverify } from '../src/workflows';
import { failureOf } from './helpers/google-admin';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { integration, type Integration, uniqueTaskQueue } from './helpers/integration';

describe('googleDelegationReverify (real Temporal server + Google simulator)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('reverify');

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

  const reverify = (keyRef: string) =>
    env.client.workflow.start<typeof googleDelegationReverify>('googleDelegationReverify', {
      workflowId: `reverify-${randomUUID()}`,
      taskQueue,
      args: [g.request({ serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef } })],
    });

  it('a new key of the same service account works without a new grant; the deleted old key is named as the problem', async () => {
    g.grant();
    // The vendor creates a new key for the same service account and deletes the old one.
    const { keyFile, publicKeyPem } = createSandboxServiceAccount({ clientId: g.key.client_id });
    const rotated = { ...keyFile, client_email: g.key.client_email, client_id: g.key.client_id };
    const newPath = `${g.keyPath}.new`;
    writeFileSync(newPath, JSON.stringify(rotated));
    g.sim.state.addServiceAccount({ clientId: g.key.client_id, email: g.key.client_email, publicKeyPem });

    const ok = await (await reverify(`file:${newPath}`)).result();
    assert.equal(ok.verified, true);
    assert.deepEqual(ok.missing, []);
    assert.match(await failureOf(await reverify(g.keyRef)), /rejected the service account key/);

    const trimmed = 'https://www.googleapis.com/auth/drive';
    g.grant(DEFAULT_DELEGATION_SCOPES.filter((s) => s !== trimmed));
    const partial = await (await reverify(`file:${newPath}`)).result();
    assert.equal(partial.verified, false);
    assert.deepEqual(partial.missing, [trimmed]);
  });
});
