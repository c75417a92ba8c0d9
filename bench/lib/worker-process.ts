/**
 * The benchmark's one Onramp worker, in a process of its own so its RSS and heap are the worker's alone
 * (the simulators and the load generator live in the parent). Configured by BENCH_WORKER (JSON), driven
 * over IPC: it says `ready`, answers `memory`, and stops on `stop`.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { benchDataConverter } from './codec';

export interface BenchWorkerConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  deps: ActivityDeps;
  maxConcurrentActivities: number;
  maxCachedWorkflows?: number;
}

export type ParentMessage = { type: 'memory' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number; gcRan: boolean }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

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
    ...(cfg.maxCachedWorkflows ? { maxCachedWorkflows: cfg.maxCachedWorkflows } : {}),
    shutdownGraceTime: '2s',
  });
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'memory') {
      // A full GC first (when --expose-gc), so the heap figure is what is retained, not garbage not yet collected.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const u = process.memoryUsage();
      send({ type: 'memory', rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, gcRan: !!gc });
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
