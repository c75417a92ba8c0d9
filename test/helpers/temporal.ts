import { randomBytes, randomUUID } from 'node:crypto';
import { IllegalStateError, type DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { OnrampActivities } from '../../src/activities';
import { autoHeartbeat } from '../../src/activities/heartbeat';
import { createDataConverter, EncryptionCodec, loadKeyRing, parseKeySpec } from '../../src/codec';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { devServerExtraArgs } from '../../src/temporal/dev-server';
import { ONRAMP_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { workflowSource } from '../../src/worker';

let runtimeInstalled = false;
let converter: Promise<DataConverter> | undefined;

/**
 * Tests run encrypted, as production does: a random key per test process, put in the environment so
 * worker processes a test spawns (src/worker.ts) read the same ONRAMP_CODEC_KEYS. `npm test` sets one for the
 * whole run (scripts/run-tests.ts), so every file reads what the others left on the shared server.
 */
export function testDataConverter(): Promise<DataConverter> {
  if (!process.env.ONRAMP_CODEC_KEYS) {
    process.env.ONRAMP_TEST_CODEC_KEY = randomBytes(32).toString('base64');
    process.env.ONRAMP_CODEC_KEYS = 'test=env:ONRAMP_TEST_CODEC_KEY';
  }
  converter ??= loadKeyRing(parseKeySpec(process.env.ONRAMP_CODEC_KEYS)).then((ring) =>
    createDataConverter(new EncryptionCodec(ring))
  );
  return converter;
}

/**
 * A real Temporal server: the one `npm test` started (TEMPORAL_ADDRESS), or, when a test file is run on
 * its own (`node --import tsx --test test/x.test.ts`), a dev server of its own.
 */
export async function testEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch (err) {
      // A test installed the production runtime first, to capture what the worker logs.
      if (!(err instanceof IllegalStateError)) throw err;
    }
    runtimeInstalled = true;
  }
  if (process.env.ONRAMP_TEST_SHARED_SERVER && process.env.TEMPORAL_ADDRESS) {
    return TestWorkflowEnvironment.createFromExistingServer({
      address: process.env.TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      client: { dataConverter: await testDataConverter() },
    });
  }
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter: await testDataConverter() },
    server: {
      executable: await ensureTemporalCli(),
      searchAttributes: ONRAMP_SEARCH_ATTRIBUTES,
      extraArgs: devServerExtraArgs({ fast: true }),
    },
  });
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTestWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  activities: Partial<OnrampActivities>
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities,
    // As src/worker.ts: running activities heartbeat on their own.
    interceptors: { activity: [autoHeartbeat] },
    dataConverter: await testDataConverter(),
    ...workflowSource(),
  });
}

/** Poll `fn` until it returns a truthy value (real time; tests never assert durations). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 60_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
