/**
 * Issue 25, data lifecycle: an offboarding ends by deleting the customer's stored credentials and rotation
 * state from the secret store (audited), or, when the request asks for a retention, keeps them that long
 * first (a durable timer; the offboarding reports itself completed meanwhile). Real Temporal server, real
 * PostgreSQL, the worker's own activity (src/activities/onramp/credentials.ts) on the store the process uses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { createCredentialLifecycleActivities } from '../src/activities/onramp/credentials';
import { EncryptionCodec, keyRing } from '../src/codec';
import { offboardingStatusQuery, type OffboardingReport } from '../src/contract/offboarding-messages';
import { parseOffboardingInput } from '../src/domain/offboarding-schema';
import { storeRotationState } from '../src/secrets/rotation-state-store';
import { PostgresSecretStore, STORE_PREFIX, useSecretStore } from '../src/secrets/secret-store';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from './helpers/temporal';

const skip = !postgresAvailable() && !process.env.CI;

describe('offboarding forgets the stored credentials (or keeps them for a requested retention)', { skip }, () => {
  let pg: ThrowawayPostgres;
  let store: PostgresSecretStore;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('offboard-credentials');

  before(async () => {
    [pg, env] = await Promise.all([startThrowawayPostgres(), testEnv()]);
    store = new PostgresSecretStore(pg.url, new EncryptionCodec(keyRing([{ id: 'k1', key: randomBytes(32) }])), {
      tablePrefix: `offb_${process.pid}`,
    });
    useSecretStore(store);
    worker = await createTestWorker(env, taskQueue, createCredentialLifecycleActivities());
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    useSecretStore(undefined);
    await store.close();
    await env.teardown();
    await pg.stop();
  });

  /** An order whose onboarding left credentials in the store: supplied ones and rotation state. */
  async function seed(orderId: string, tenant: string, cwKey: string) {
    const by = (integration: string) => ({ actor: 'ops@test', via: 'cli', orderId, integration });
    const supplied = [await store.supply('at-secret', by('autotask')), await store.supply('cw-key', by('connectwise'))];
    const rotation = storeRotationState(() => store);
    const signing = await rotation.keyring.createKey(tenant, 'k-1');
    await rotation.keyring.setKeyRefs(tenant, [signing]);
    await rotation.current.write('connectwise-key', cwKey, { publicKey: 'pk', privateKeyRef: supplied[1]! });
    return { supplied, rotation };
  }
  const input = (orderId: string, tenant: string, cwKey: string, retainDays?: number) =>
    parseOffboardingInput({
      orderId,
      customer: { id: tenant, name: `Customer ${tenant}` },
      mode: 'apply',
      // Nothing was created in the vendors (no credentials accepted, no connection): only the store is left.
      autotask: { tenant, vendorProfile: 'sophos-central', webhooks: [] },
      connectwise: { rotationKey: cwKey, agreementName: 'Onramp', catalogItem: 'ONRAMP' },
      ...(retainDays ? { credentials: { retainDays } } : {}),
    });

  it('deletes them at the end, audited; another order keeps its own', async () => {
    const id = randomBytes(3).toString('hex');
    const mine = await seed(`OFF-${id}`, `cust-${id}`, `cw-${id}`);
    const other = await seed(`OTHER-${id}`, `other-${id}`, `cw-other-${id}`);
    const report = (await env.client.workflow.execute('customerOffboarding', {
      workflowId: `offboard-credentials-${id}`,
      taskQueue,
      args: [input(`OFF-${id}`, `cust-${id}`, `cw-${id}`)],
    })) as OffboardingReport;
    assert.equal(report.state, 'completed');
    assert.ok(
      report.notes.some((n) => /stored credentials: 5 secret-store row\(s\)/.test(n)),
      report.notes.join('\n')
    );
    for (const ref of mine.supplied) assert.equal(await store.read(ref.slice(STORE_PREFIX.length)), undefined);
    assert.equal(await mine.rotation.keyring.keyRefs(`cust-${id}`), undefined);
    assert.equal(await mine.rotation.current.read('connectwise-key', `cw-${id}`), undefined);
    for (const ref of other.supplied) assert.ok(await store.read(ref.slice(STORE_PREFIX.length)));
    assert.ok(await other.rotation.keyring.keyRefs(`other-${id}`));
    const audit = (await store.audit(`OFF-${id}`)).filter((r) => r.action === `removed: order OFF-${id} offboarded`);
    assert.equal(audit.length, 2);
    assert.ok(audit.every((r) => r.actor === 'offboarding' && r.via === 'worker'));
  });

  it('with a retention: completed, credentials kept, a durable timer of that many days before the deletion', async () => {
    const id = randomBytes(3).toString('hex');
    const mine = await seed(`KEEP-${id}`, `keep-${id}`, `cw-keep-${id}`);
    const h = await env.client.workflow.start('customerOffboarding', {
      workflowId: `offboard-credentials-keep-${id}`,
      taskQueue,
      args: [input(`KEEP-${id}`, `keep-${id}`, `cw-keep-${id}`, 30)],
    });
    const status = await eventually(async () => {
      const s = await h.query(offboardingStatusQuery);
      return s.state === 'completed' && s.notes.some((n) => /kept 30 day/.test(n)) ? s : undefined;
    }, 'the offboarding to report completion and the retention');
    assert.ok(status.notes.some((n) => /kept 30 day\(s\) on request, until/.test(n)));
    const { EventType } = temporal.api.enums.v1;
    const timer = await eventually(
      async () =>
        ((await h.fetchHistory()).events ?? []).find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED),
      'the retention timer'
    );
    assert.equal(Number(timer.timerStartedEventAttributes?.startToFireTimeout?.seconds), 30 * 86_400);
    for (const ref of mine.supplied) assert.ok(await store.read(ref.slice(STORE_PREFIX.length)), 'kept meanwhile');
    assert.ok(await mine.rotation.keyring.keyRefs(`keep-${id}`));
    await h.terminate('test done');
  });
});
