/**
 * One set of integration-test helpers (in the spirit of sdk-typescript's helpers-integration.ts): a worker
 * on the shared dev server with a lifecycle the test cannot get wrong, failure extraction, and a history
 * decoded the way someone holding the codec key (or the Web UI with the codec server) reads it.
 */
import assert from 'node:assert/strict';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { OnrampActivities } from '../../src/activities';
import { EncryptionCodec, isEncrypted, loadKeyRing, parseKeySpec } from '../../src/codec';
import { createTestWorker, testDataConverter, testEnv, uniqueTaskQueue } from './temporal';

export { eventually, testEnv, uniqueTaskQueue } from './temporal';

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  /** Shut down and wait for the run loop to end (idempotent). */
  stop(): Promise<void>;
}

/** Where a worker polls: a fresh task queue named from a prefix, or a given one (`{ taskQueue }`). */
export type QueueChoice = string | { taskQueue: string };

/** A worker running on its own task queue until `stop()`; `worker.run()` errors surface from `stop()`. */
export async function startWorker(
  env: TestWorkflowEnvironment,
  activities: Partial<OnrampActivities>,
  queue: QueueChoice = 'it'
): Promise<RunningWorker> {
  const taskQueue = typeof queue === 'string' ? uniqueTaskQueue(queue) : queue.taskQueue;
  const worker = await createTestWorker(env, taskQueue, activities);
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    taskQueue,
    stop: () => {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      })();
      return stopped;
    },
  };
}

export type Integration = Awaited<ReturnType<typeof integration>>;

/**
 * An environment plus workers that all stop on `teardown()`: the lifecycle block every integration file
 * used to copy. Use as `const it = await integration(); ... after(() => it.teardown())`.
 */
export async function integration(): Promise<{
  env: TestWorkflowEnvironment;
  worker(activities: Partial<OnrampActivities>, queue?: QueueChoice): Promise<RunningWorker>;
  teardown(): Promise<void>;
}> {
  const env = await testEnv();
  const workers: RunningWorker[] = [];
  return {
    env,
    worker: async (activities, queue) => {
      const w = await startWorker(env, activities, queue);
      workers.push(w);
      return w;
    },
    teardown: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await env.teardown();
    },
  };
}

export interface WorkflowFailure {
  error: WorkflowFailedError;
  /** The innermost cause's message (what an operator acts on). */
  message: string;
  /** The failure's type (ApplicationFailure.type) if any, from the outermost cause that has one. */
  type?: string;
  /** Every message along the cause chain, outermost first. */
  chain: string[];
}

/** The workflow's failure; throws when the workflow completed instead. */
export async function failureOf(handleOrResult: WorkflowHandle | Promise<unknown>): Promise<WorkflowFailure> {
  const result = 'result' in handleOrResult ? handleOrResult.result() : handleOrResult;
  let caught: unknown;
  try {
    await result;
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof WorkflowFailedError)) {
    if (caught instanceof Error) throw caught;
    throw new Error(
      caught
        ? `expected a WorkflowFailedError, got ${JSON.stringify(caught)}`
        : 'the workflow completed but was expected to fail'
    );
  }
  const chain: string[] = [];
  let type: string | undefined;
  for (let e: unknown = caught.cause; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    chain.push(e.message);
    type ??= (e as { type?: string }).type ?? undefined;
  }
  return { error: caught, message: chain[chain.length - 1] ?? caught.message, type, chain };
}

/** What a promise that must fail rejects with (any error: an update's, a client's); fails the test if it resolves. */
export async function rejectionOf<E = unknown>(promise: Promise<unknown>): Promise<E> {
  return promise.then(
    () => assert.fail('should have failed'),
    (e: E) => e
  );
}

let codec: Promise<EncryptionCodec> | undefined;

/** The codec of this test process (the key testDataConverter put in the environment). */
export function testCodec(): Promise<EncryptionCodec> {
  codec ??= testDataConverter().then(
    async () => new EncryptionCodec(await loadKeyRing(parseKeySpec(process.env.ONRAMP_CODEC_KEYS!)))
  );
  return codec;
}

function isPayload(v: unknown): v is Payload {
  if (!v || typeof v !== 'object') return false;
  const p = v as { metadata?: unknown; data?: unknown };
  return p.metadata !== null && typeof p.metadata === 'object' && 'encoding' in p.metadata;
}

/** Every string inside a value (objects, arrays, maps, byte strings as UTF-8). */
export function stringsOf(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value instanceof Map) [...value.entries()].forEach((v) => stringsOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, out));
  return out;
}

export interface DecodedText {
  /** Every payload found, decrypted and converted to its value. */
  values: unknown[];
  /** Every string: the decoded values' strings, failure messages, and every other string of the object. */
  strings: string[];
}

/**
 * Decode every payload (history events, failures' encoded attributes, memos, search attributes) through
 * the codec and the payload converter, and collect every string, decoded or not.
 */
export async function decodeAll(value: unknown): Promise<DecodedText> {
  const c = await testCodec();
  const values: unknown[] = [];
  const strings: string[] = [];
  const walk = async (v: unknown): Promise<void> => {
    if (isPayload(v)) {
      let payload = v;
      if (isEncrypted(v)) payload = (await c.decodeForDisplay([v]))[0] ?? v;
      let decoded: unknown;
      try {
        decoded = defaultPayloadConverter.fromPayload(payload);
      } catch {
        decoded = payload.data;
      }
      values.push(decoded);
      // A payload may itself carry payloads (a failure's encoded attributes inside a decoded failure).
      await walk(decoded);
      return;
    }
    if (v instanceof Uint8Array || typeof v === 'string') {
      stringsOf(v, strings);
      return;
    }
    if (Array.isArray(v)) for (const x of v) await walk(x);
    else if (v instanceof Map) for (const x of v.values()) await walk(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) await walk(x);
  };
  await walk(value);
  return { values, strings };
}

/**
 * Everything Temporal stores about a workflow, decoded: every run's history (following continue-as-new
 * from the first run), and the latest run's memo and search attributes.
 */
export async function decodedWorkflow(client: Client, workflowId: string): Promise<DecodedText & { events: number }> {
  // A client without the codec: what is stored, not what the SDK would hand back.
  const plain = new Client({ connection: client.connection, namespace: client.options.namespace });
  const handle = plain.workflow.getHandle(workflowId);
  // The raw service calls: the SDK's describe() and list() convert memos, which fails for an encrypted memo.
  const namespace = client.options.namespace;
  const desc = await plain.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } });
  const runId = desc.workflowExecutionInfo?.execution?.runId;
  const history = await handle.fetchHistory();
  const runs: unknown[] = [history];
  // Earlier runs of a continue-as-new chain: listed by workflow ID.
  const listed = await plain.workflowService.listWorkflowExecutions({
    namespace,
    pageSize: 1000,
    query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`,
  });
  for (const exec of listed.executions ?? []) {
    const other = exec.execution?.runId;
    if (!other || other === runId) continue;
    runs.push(await plain.workflow.getHandle(workflowId, other).fetchHistory());
  }
  const decoded = await decodeAll([
    runs,
    desc.workflowExecutionInfo?.memo ?? {},
    desc.workflowExecutionInfo?.searchAttributes ?? {},
  ]);
  const events = runs.reduce<number>((n, h) => n + ((h as { events?: unknown[] }).events?.length ?? 0), 0);
  return { ...decoded, events };
}

/** Names of the secrets that appear in any of `strings`. */
export function leaks(strings: readonly string[], secrets: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of secrets) if (strings.some((s) => s.includes(value))) found.push(name);
  return found;
}
