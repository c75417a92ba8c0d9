/**
 * The sandbox receiver after a signing-secret rotation: it reads the receiver keyring the sandbox worker's
 * rotation writes (wired as src/sandbox/main.ts wires it, through rotationStateFromConfig), so callouts the
 * Autotask simulator signs with the rotated secret arrive, and the old secret is refused once revoked. Real
 * Temporal dev server, the rotation workflow on a worker, the simulator calling the receiver over HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../src/activities';
import {
  autotaskSecretRotationWorkflowId,
  parseAutotaskSecretRotationInput,
  type AutotaskSecretRotationRequest,
} from '../src/domain/autotask-schema';
import { createSandboxAutotaskReceiver } from '../src/sandbox/sandbox-autotask-receiver';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { rotationStateFromConfig } from '../src/secrets/rotation-state';
import { listen } from '../src/simulators/http';
import type { AutotaskWebhookEvent } from '../src/webhooks/autotask-receiver';
import { deriveAutotaskWebhookSecret } from '../src/webhooks/autotask-secret';
import { autotaskSecretRotation } from '../src/workflows';
import { autotaskSecretRotationStatusQuery, endSigningOverlapSignal } from '../src/contract/autotask-rotation-messages';
import {
  autotaskFixture,
  deliverSignedCallout,
  seedSignedWebhook,
  VENDOR_PROFILE,
  VENDOR_PROFILES,
  type AutotaskFixture,
} from './helpers/autotask';
import { eventually, integration, type Integration } from './helpers/integration';

describe('sandbox Autotask receiver after a signing-secret rotation', () => {
  let h: Integration;
  let at: AutotaskFixture;
  let app: FastifyInstance;
  let events: AutotaskWebhookEvent[];
  let receiverUrl = '';
  let taskQueue = '';
  const dir = mkdtempSync(join(tmpdir(), 'onramp-sandbox-rot-'));
  // One configuration for the worker and the receiver, as the sandbox has (files: no secret store).
  const rotation = rotationStateFromConfig({
    secretStore: {},
    autotask: { receiverKeyringDir: join(dir, 'autotask-keyring') },
    connectwise: { currentCredentialsDir: join(dir, 'current-credentials') },
  });
  const tenant = `sbx-rot-${process.pid}`;
  const name = `sbx-rot-${process.pid}-Ticket`;

  before(async () => {
    [h, at] = await Promise.all([integration(), autotaskFixture()]);
    const receiver = createSandboxAutotaskReceiver({
      db: at.sim.db,
      masterKey: at.masterKey,
      keyring: rotation.keyring,
    });
    app = receiver.app;
    events = receiver.events;
    receiverUrl = await listen(app);
    const w = await h.worker(
      createActivities({
        google: { tokenUrl: 'http://127.0.0.1:9/unused' },
        notify: {},
        autotask: {
          discoveryUrl: at.simUrl,
          allowedZoneHosts: [new URL(at.simUrl).host],
          keyring: rotation.keyring,
          vendorProfiles: VENDOR_PROFILES,
        },
      }),
      'sandbox-receiver-rotation'
    );
    taskQueue = w.taskQueue;
  });
  after(async () => {
    await app?.close();
    await h?.teardown();
    await at?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deliver = (master: string) => deliverSignedCallout(receiverUrl, tenant, name, master);

  it('a callout signed with the rotated secret is accepted; the sandbox master key is refused after the revoke', async () => {
    const user = at.addUser();
    const hook = seedSignedWebhook(at, user, receiverUrl, tenant, name);
    assert.equal(await deliver(at.masterKey), 200, 'before the rotation: the sandbox master key');

    const request: AutotaskSecretRotationRequest = {
      customer: { id: tenant },
      vendor: { name: 'Sophos Central' },
      vendorProfile: VENDOR_PROFILE,
      credentials: user.credentials,
      webhooks: [{ entity: 'Ticket', name }],
      signingKeyRef: at.signingKeyRef,
      overlapMinutes: 60,
    };
    const handle = await h.env.client.workflow.start(autotaskSecretRotation, {
      workflowId: autotaskSecretRotationWorkflowId(parseAutotaskSecretRotationInput(request)),
      taskQueue,
      args: [request],
    });
    await eventually(
      async () => (await handle.query(autotaskSecretRotationStatusQuery)).step === 'overlap',
      'the overlap'
    );
    await handle.signal(endSigningOverlapSignal);
    const result = await handle.result();
    const rotated = await resolveSecretRef(result.acceptedKeyRefs[0]!);
    assert.notEqual(rotated, at.masterKey);
    assert.equal(hook.secretKey, deriveAutotaskWebhookSecret(rotated, name), 'the webhook signs with the new secret');

    assert.equal(await deliver(rotated), 200, 'a delivery signed with the rotated secret');
    // The simulator's own callout, signed with the webhook's (rotated) secretKey.
    const ticket = at.sim.changeTicket(undefined, { status: 1 });
    await eventually(
      async () => events.some((e) => e.tenant === tenant && e.id === ticket),
      'the simulator callout signed with the rotated secret'
    );
    assert.equal(await deliver(at.masterKey), 401, 'the sandbox master key is revoked for this tenant');
  });
});
