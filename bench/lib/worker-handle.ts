import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchWorkerConfig, ChildMessage } from './worker-process';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/worker';

export interface WorkerMemory {
  /** VmRSS of the worker process read from /proc (the kernel's view), bytes. */
  rssBytes: number;
  /**
   * RSS split as the kernel counts it (/proc/<pid>/status): anonymous memory (heaps, allocator arenas, stacks:
   * what the process itself allocated) and file-backed pages (the node binary and the Temporal core's .node
   * library mapped from disk: shared with every process mapping the same file, and reclaimable).
   */
  rssAnonBytes?: number;
  rssFileBytes?: number;
  /** process.memoryUsage() inside the worker after a full GC, bytes. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** process.memoryUsage().arrayBuffers (part of external): Buffers and ArrayBuffers, e.g. payloads in flight. */
  arrayBuffersBytes: number;
  /** Whether the main isolate's full GC ran (the worker runs with --expose-gc). */
  mainGc: boolean;
  /** The workflow isolates (SDK worker threads), each fully garbage-collected before the reading. */
  workflowIsolates: number;
  /** Their V8 heaps' used bytes after that GC (inside RSS; not in heapUsedBytes, which is the main isolate's). */
  workflowHeapUsedBytes: number;
}

export interface BenchWorker {
  pid: number;
  memory(): Promise<WorkerMemory>;
  /** Diagnosis: a V8 heap snapshot of the worker's main isolate (after a full GC) written to `path`. */
  heapSnapshot(path: string): Promise<void>;
  stop(): Promise<void>;
  /** kill -9: the worker dies mid-work, as a crashed host or an OOM kill would leave it. */
  kill(): Promise<void>;
}

/** VmRSS of `pid` in bytes, from /proc/<pid>/status (Linux); falls back to the process's own report. */
export function procRss(pid: number): number | undefined {
  return procStatus(pid).VmRSS;
}

/** The `kB` fields of /proc/<pid>/status (VmRSS, RssAnon, RssFile, RssShmem, ...) in bytes; {} off Linux. */
export function procStatus(pid: number): Record<string, number> {
  try {
    const out: Record<string, number> = {};
    for (const m of readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(\w+):\s+(\d+)\s+kB$/gm))
      out[m[1]!] = Number(m[2]) * 1024;
    return out;
  } catch {
    return {};
  }
}

/** Start the worker process and resolve once it polls its task queue. */
export async function spawnWorker(cfg: BenchWorkerConfig): Promise<BenchWorker> {
  // Launched as src/worker.ts's process is (Dockerfile, `npm run worker`); ONRAMP_BENCH_NODE_FLAGS (space-separated)
  // and the environment (e.g. MALLOC_ARENA_MAX) override, for comparisons.
  const flags = process.env.ONRAMP_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? WORKER_NODE_FLAGS;
  const child: ChildProcess = spawn(
    process.execPath,
    [...flags, '--expose-gc', '--import', 'tsx', join(__dirname, 'worker-process.ts')],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...WORKER_PROCESS_ENV, ...process.env, BENCH_WORKER: JSON.stringify(cfg) },
    }
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type === type) {
          cleanup();
          resolve(m as Extract<ChildMessage, { type: T }>);
        } else if (m.type === 'error') {
          cleanup();
          reject(new Error(`bench worker: ${m.message}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`bench worker exited (code ${code}) before "${type}"`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('ready');
  const pid = child.pid!;
  return {
    pid,
    async memory() {
      const reply = next('memory');
      child.send({ type: 'memory' });
      const m = await reply;
      const status = procStatus(pid);
      return {
        rssBytes: status.VmRSS ?? m.rss,
        rssAnonBytes: status.RssAnon,
        rssFileBytes: status.RssFile,
        heapUsedBytes: m.heapUsed,
        heapTotalBytes: m.heapTotal,
        externalBytes: m.external,
        arrayBuffersBytes: m.arrayBuffers,
        mainGc: m.gcRan,
        workflowIsolates: m.workflowIsolates ?? 0,
        workflowHeapUsedBytes: m.workflowHeapUsed ?? 0,
      };
    },
    async heapSnapshot(path: string) {
      const reply = next('memory');
      child.send({ type: 'heapSnapshot', path });
      await reply;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
