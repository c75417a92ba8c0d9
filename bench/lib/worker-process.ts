/**
 * The benchmark's one Onramp worker, in a process of its own so its RSS and heap are the worker's alone
 * (the simulators and the load generator live in the parent). Configured by BENCH_WORKER (JSON), driven
 * over IPC: it says `ready`, answers `memory`, and stops on `stop`.
 */
import { writeHeapSnapshot } from 'node:v8';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { autoHeartbeat } from '../../src/activities/heartbeat';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/worker';
import { benchDataConverter } from './codec';
import { WorkerThreadIsolates } from './isolates';

export interface BenchWorkerConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  deps: ActivityDeps;
  maxConcurrentActivities: number;
  maxCachedWorkflows?: number;
}

export type ParentMessage = { type: 'memory' } | { type: 'stop' } | { type: 'heapSnapshot'; path: string };
export type ChildMessage =
  | { type: 'ready' }
  | {
      type: 'memory';
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      arrayBuffers: number;
      gcRan: boolean;
      /** The workflow isolates (worker threads), each after a full GC of its own. */
      workflowIsolates?: number;
      workflowHeapUsed?: number;
    }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

function memoryNow() {
  const u = process.memoryUsage();
  return {
    rss: u.rss,
    heapUsed: u.heapUsed,
    heapTotal: u.heapTotal,
    external: u.external,
    arrayBuffers: u.arrayBuffers,
    gcRan: true,
  };
}

function send(m: ChildMessage): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_WORKER ?? '') as BenchWorkerConfig;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: cfg.address });
  const worker = await Worker.create({
    connection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    activities: createActivities(cfg.deps),
    dataConverter: await benchDataConverter(),
    // As src/worker.ts: one V8 context for all cached workflows.
    reuseV8Context: true,
    workflowBundle: { codePath: cfg.bundlePath },
    maxConcurrentActivityTaskExecutions: cfg.maxConcurrentActivities,
    // As src/worker.ts: its default cache size unless the scenario sets one.
    maxCachedWorkflows: cfg.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    // As src/worker.ts: running activities heartbeat on their own.
    interceptors: { activity: [autoHeartbeat] },
    shutdownGraceTime: '2s',
    // Diagnosis only (where does a waiting onboarding's memory live?): run workflows on the main thread,
    // so gc() and process.memoryUsage() see the workflow isolate's heap too.
    ...(process.env.ONRAMP_BENCH_WORKFLOWS_ON_MAIN_THREAD === '1' ? { debugMode: true } : {}),
  });
  const isolates = new WorkerThreadIsolates();
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'memory') {
      // A full GC of both isolates first: the workflow thread(s) through the inspector, then the main thread
      // (when --expose-gc), so the figures are what is retained, not garbage not yet collected.
      void isolates.collect().then(
        (w) => {
          const gc = (globalThis as { gc?: () => void }).gc;
          gc?.();
          send({
            type: 'memory',
            ...memoryNow(),
            gcRan: !!gc,
            workflowIsolates: w.isolates,
            workflowHeapUsed: w.heapUsedBytes,
          });
        },
        (err: unknown) => send({ type: 'error', message: `workflow isolate GC: ${(err as Error).message}` })
      );
    } else if (m.type === 'heapSnapshot') {
      (globalThis as { gc?: () => void }).gc?.();
      writeHeapSnapshot(m.path);
      send({ type: 'memory', ...memoryNow() });
    } else if (m.type === 'stop') worker.shutdown();
  });
  // The parent going away must not leave an orphan polling the server.
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  send({ type: 'ready' });
  await running;
  await connection.close();
  send({ type: 'stopped' });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
);
