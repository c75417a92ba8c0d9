/**
 * Canary secrets the test owns, for every workflow type. The fixtures plant known random values as the
 * secrets (service-account key files, Autotask API secrets and signing master key, the webhook secretKeys the
 * Autotask simulator was given, ConnectWise private keys, values put into the secret store): test/helpers/
 * canaries.ts records each one as the test makes it. Every workflow type then runs end to end (the recorders
 * of scripts/record-histories.ts, plus an Autotask onboarding and a ConnectWise key rotation whose
 * credentials come from the PostgreSQL secret store), schedules are created for the drift check and the
 * rotations, and exactly those values are searched for in:
 *   - the raw history of every run of every workflow on the test's task queues (children included), read
 *     without the codec, and the same decoded with the codec key (inputs, results, failures' encoded
 *     attributes, memos, search attributes);
 *   - the schedules' actions (args, memo, search attributes), raw and decoded;
 *   - everything the worker and the client logged in this process (the production logger at trace level,
 *     and stdout/stderr);
 *   - the secret store's audit (and its sealed rows, which must hold no plaintext).
 * The product's own list of registered secrets (src/secrets/scrub.ts) is never consulted: a secret resolved
 * without registering is still searched for.
 *
 * The positive controls prove the search can fail: an activity that returns (or throws with) a planted key is
 * caught in the decoded history, and is invisible to a walk of the raw (encrypted) history.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import { createActivities } from '../src/activities';
import { startGoogleDelegation } from '../src/client';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../src/domain/autotask-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { createLogger } from '../src/logger';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { PostgresSecretStore, useSecretStore } from '../src/secrets/secret-store';
import { ensureDriftSchedule, ensureSchedule } from '../src/services/schedules';
import { rotationSchedule } from '../src/services/rotation-schedules';
import { installRuntime } from '../src/temporal/runtime';
import {
  autotaskOnboardingStatusQuery,
  supplyAutotaskCredentialsUpdate,
} from '../src/contract/autotask-onboarding-messages';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../src/contract/connectwise-key-rotation-messages';
import { recorders } from '../scripts/record-histories';
import { autotaskFixture } from './helpers/autotask';
import { canariesIn, plantCanary, plantedCanaries } from './helpers/canaries';
import { connectwiseFixture } from './helpers/connectwise';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { tableText } from './helpers/postgres';
import {
  decodeAll,
  decodedWorkflow,
  eventually,
  failureOf,
  integration,
  stringsOf,
  testCodec,
} from './helpers/integration';

const WORKFLOW_TYPES = Object.keys(recorders);

// Everything this process logs: the worker's and the client's logger (trace), and stdout/stderr besides.
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
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    logs += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    return write(chunk, ...rest);
  };
}

/** What the server stores about a workflow, read without the codec: every run's history, memo, search attributes. */
async function rawWorkflow(plain: Client, workflowId: string, runId?: string): Promise<string[]> {
  const namespace = plain.options.namespace;
  const strings: string[] = [];
  const desc = await plain.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId, runId } });
  stringsOf(desc.workflowExecutionInfo?.memo ?? {}, strings);
  stringsOf(desc.workflowExecutionInfo?.searchAttributes ?? {}, strings);
  const listed = await plain.workflowService.listWorkflowExecutions({
    namespace,
    pageSize: 1000,
    query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`,
  });
  for (const exec of listed.executions ?? [])
    stringsOf(await plain.workflow.getHandle(workflowId, exec.execution?.runId ?? undefined).fetchHistory(), strings);
  return strings;
}

describe('canaries the test planted: in no history, schedule, log or audit, for every workflow type', () => {
  let it_: Awaited<ReturnType<typeof integration>>;
  let plain: Client;
  let pg: ThrowawayPostgres | undefined;
  let store: PostgresSecretStore | undefined;
  const taskQueues = new Set<string>();
  const handles = new Map<string, WorkflowHandle>();
  const schedules: string[] = [];
  const orderIds: string[] = [];
  const withStore = postgresAvailable() || !!process.env.CI;

  before(async () => {
    it_ = await integration();
    plain = new Client({ connection: it_.env.connection, namespace: it_.env.namespace ?? 'default' });
    if (withStore) {
      pg = await startThrowawayPostgres();
      store = new PostgresSecretStore(pg.url, await testCodec());
      await store.init();
      // The in-process workers resolve `store:` references through it, as src/worker.ts sets it up.
      useSecretStore(store);
    }
  });
  after(async () => {
    for (const id of schedules)
      await it_.env.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    useSecretStore(undefined);
    await store?.close();
    await it_.teardown();
    await pg?.stop();
  });

  const worker = async <T>(
    name: string,
    activities: Parameters<typeof it_.worker>[0],
    body: (q: string) => Promise<T>
  ) => {
    const w = await it_.worker(activities, `canary-${name}`);
    taskQueues.add(w.taskQueue);
    try {
      return await body(w.taskQueue);
    } finally {
      await w.stop();
    }
  };

  for (const type of WORKFLOW_TYPES) {
    it(`${type} runs end to end`, async () => {
      const handle = await recorders[type]!(it_.env, (activities, body) => worker(type, activities, body));
      handles.set(type, handle);
    });
  }

  it('autotaskOnboarding with the API secret supplied to the secret store', { skip: !withStore }, async () => {
    const at = await autotaskFixture();
    try {
      const u = at.addUser();
      const secret = process.env[u.credentials.secretRef.slice(4)]!;
      const tenant = `canary-store-${process.pid}`;
      const req = at.onboarding(tenant, 'office-protect');
      const orderId = `SO-CANARY-AT-${randomUUID().slice(0, 8)}`;
      orderIds.push(orderId);
      const ref = await store!.supply(secret, { actor: 'canary-test', via: 'cli', orderId, integration: 'autotask' });
      const handle = await worker('store-autotask', at.activities, async (taskQueue) => {
        const h = await it_.env.client.workflow.start('autotaskOnboarding', {
          workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
          taskQueue,
          args: [req],
        });
        await eventually(
          async () => (await h.query(autotaskOnboardingStatusQuery)).state === 'waiting-for-operator',
          'the operator step'
        );
        await h.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [{ ...u.credentials, secretRef: ref }] });
        await h.result();
        return h;
      });
      handles.set('autotaskOnboarding (secret store)', handle);
    } finally {
      await at.close();
    }
  });

  it('connectwiseKeyRotation with the new private key supplied to the secret store', { skip: !withStore }, async () => {
    const cw = await connectwiseFixture();
    try {
      const m = await cw.newMember();
      const orderId = `SO-CANARY-CW-${randomUUID().slice(0, 8)}`;
      orderIds.push(orderId);
      const handle = await worker('store-cw-rotation', cw.activities, async (taskQueue) => {
        const h = await it_.env.client.workflow.start('connectwiseKeyRotation', {
          workflowId: `canary-cw-rotation-${randomUUID()}`,
          taskQueue,
          args: [{ customer: { name: 'Canary MSP' }, connection: cw.connection(m), timing: { recheckSeconds: 60 } }],
        });
        await eventually(
          async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key',
          'the key step'
        );
        const fresh = cw.sim.state.createApiKey(m.identifier, 'rotated');
        plantCanary('ConnectWise private key put into the secret store', fresh.privateKey);
        const ref = await store!.supply(fresh.privateKey, {
          actor: 'canary-test',
          via: 'intake',
          orderId,
          integration: 'connectwise',
        });
        await h.executeUpdate(provideNewKeyUpdate, { args: [{ publicKey: fresh.publicKey, privateKeyRef: ref }] });
        await eventually(
          async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-old-key-removal',
          'the revoke step'
        );
        const member = cw.sim.state.members.get(m.identifier.toLowerCase())!;
        member.keys = member.keys.filter((k) => k.publicKey !== m.publicKey);
        await h.signal(oldKeyDeletedSignal);
        await h.result();
        return h;
      });
      handles.set('connectwiseKeyRotation (secret store)', handle);
    } finally {
      await cw.close();
    }
  });

  it('schedules of the drift check and the rotations are created (their actions carry references only)', async () => {
    const g = await googleFixture();
    const at = await autotaskFixture();
    const cw = await connectwiseFixture();
    try {
      const config = { temporal: { address: '', namespace: 'default', taskQueue: `canary-schedules-${process.pid}` } };
      const customer = { id: `canary-sched-${randomBytes(4).toString('hex')}`, name: 'Canary Scheduled' };
      const drift = await ensureDriftSchedule(
        it_.env.client,
        config,
        {
          customer,
          googleDelegation: {
            adminEmail: g.admin,
            serviceAccount: { clientId: g.key.client_id, email: g.key.client_email, keyRef: g.keyRef },
            scopes: [...DEFAULT_DELEGATION_SCOPES],
          },
        },
        3_600_000
      );
      schedules.push(drift.scheduleId);
      const m = await cw.newMember();
      const u = at.addUser();
      const day = 86_400_000;
      const specs = [
        rotationSchedule(
          'connectwiseKeyRotation',
          { customer: { name: `Canary ${customer.id}` }, connection: cw.connection(m) },
          30 * day
        ),
        rotationSchedule(
          'autotaskSecretRotation',
          {
            customer: { id: customer.id },
            vendor: { name: 'Sophos Central' },
            vendorProfile: 'sophos-central',
            credentials: u.credentials,
            webhooks: [{ entity: 'Ticket', name: 'sophos-v1-Ticket' }],
            signingKeyRef: at.signingKeyRef,
          },
          30 * day
        ),
      ];
      for (const s of specs) {
        await ensureSchedule(it_.env.client, config, s);
        schedules.push(s.scheduleId);
      }
    } finally {
      await Promise.all([g.close(), at.close(), cw.close()]);
    }
  });

  it('no planted canary anywhere', async () => {
    assert.ok(
      WORKFLOW_TYPES.every((t) => handles.has(t)),
      `every workflow type ran (${[...handles.keys()].join(', ')})`
    );
    const canaries = plantedCanaries();
    const names = [...canaries.keys()].join('\n');
    // Not vacuous: each kind of secret was planted.
    for (const kind of [
      /Google service-account private key/,
      /Autotask API user secret/,
      /Autotask webhook signing master key/,
      /Autotask webhook secretKey, as the simulator holds it/,
      /ConnectWise private key/,
      ...(withStore ? [/put into the secret store/] : []),
    ])
      assert.match(names, kind, 'a canary of this kind was planted');

    // Every workflow on the test's task queues: the recorded handles and their children, every run.
    const ids = new Set<string>();
    for (const q of taskQueues) {
      for await (const wf of it_.env.client.workflow.list({ query: `TaskQueue = '${q}'` })) ids.add(wf.workflowId);
    }
    for (const h of handles.values()) ids.add(h.workflowId);
    assert.ok(ids.size >= handles.size, `the workflows were listed (${ids.size})`);
    let decodedPayloads = 0;
    for (const id of ids) {
      assert.deepEqual(canariesIn(await rawWorkflow(plain, id), canaries), [], `canaries in the raw history of ${id}`);
      const decoded = await decodedWorkflow(it_.env.client, id);
      decodedPayloads += decoded.values.length;
      assert.deepEqual(canariesIn(decoded.strings, canaries), [], `canaries in the decoded history of ${id}`);
    }
    assert.ok(decodedPayloads > ids.size, 'payloads were decoded (the codec key is right)');

    const namespace = it_.env.namespace ?? 'default';
    for (const scheduleId of schedules) {
      const raw = await plain.workflowService.describeSchedule({ namespace, scheduleId });
      const action = raw.schedule?.action?.startWorkflow;
      assert.ok(action?.input?.payloads?.length, `the schedule ${scheduleId} starts a workflow with input`);
      assert.deepEqual(canariesIn(stringsOf(raw), canaries), [], `canaries in schedule ${scheduleId} (raw)`);
      const decoded = await decodeAll(raw);
      assert.ok(
        decoded.values.some((v) => v && typeof v === 'object'),
        `the input of schedule ${scheduleId} decoded to an object`
      );
      assert.deepEqual(canariesIn(decoded.strings, canaries), [], `canaries in schedule ${scheduleId} (decoded)`);
    }

    assert.ok(logs.length > 0, 'the worker logged (the log check is not vacuous)');
    assert.deepEqual(canariesIn([logs], canaries), [], 'canaries in the worker or client logs');

    if (withStore) {
      const audit = (await Promise.all(orderIds.map((o) => store!.audit(o)))).flat();
      assert.ok(audit.length >= orderIds.length, 'the store audited every supplied value');
      const auditTable = await tableText(pg!.url, 'onramp_secret_audit');
      assert.deepEqual(canariesIn([JSON.stringify(audit), auditTable.text], canaries), [], 'canaries in the audit');
      const sealed = await tableText(pg!.url, 'onramp_secrets');
      assert.ok(sealed.rows.length >= orderIds.length, 'the store holds the supplied values');
      assert.deepEqual(canariesIn([sealed.text], canaries), [], 'plaintext canaries in the sealed rows');
    }
  });
});

describe('positive controls: a leaked planted key IS caught in the decoded history', () => {
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
    const decoded = await decodedWorkflow(it_.env.client, handle.workflowId);
    assert.ok(canariesIn(decoded.strings).length > 0, 'the decoded history shows the leaked private key');
    // What a raw walk sees: the history is encrypted, it shows nothing.
    const raw = stringsOf(await it_.env.client.workflow.getHandle(handle.workflowId).fetchHistory());
    assert.deepEqual(canariesIn(raw), [], 'the raw history alone cannot show it');
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
    assert.ok(canariesIn(decoded.strings).length > 0, 'the decoded failure shows the private key');
  });
});
