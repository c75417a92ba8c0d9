import { Session } from 'node:inspector/promises';

/**
 * The worker process's other V8 isolates: the Temporal SDK runs workflows in worker threads (one with
 * reuseV8Context), where `gc()` and `process.memoryUsage()` of the main thread do not reach. Node's inspector
 * attaches to each worker thread (NodeWorker domain) and forwards the V8 protocol's own
 * `HeapProfiler.collectGarbage` (a full GC) and `Runtime.getHeapUsage` to it. Benchmark only.
 */
export class WorkerThreadIsolates {
  private readonly session = new Session();
  private readonly threads = new Set<string>();
  private readonly pending = new Map<number, (reply: { result?: unknown; error?: { message: string } }) => void>();
  private nextId = 0;
  private enabled?: Promise<void>;

  constructor() {
    this.session.connect();
    this.session.on('NodeWorker.attachedToWorker', (m) => this.threads.add(m.params.sessionId));
    this.session.on('NodeWorker.detachedFromWorker', (m) => this.threads.delete(m.params.sessionId));
    this.session.on('NodeWorker.receivedMessageFromWorker', (m) => {
      const reply = JSON.parse(m.params.message) as { id?: number; result?: unknown; error?: { message: string } };
      const done = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (done) {
        this.pending.delete(reply.id!);
        done(reply);
      }
    });
  }

  private async call<T>(sessionId: string, method: string): Promise<T> {
    const id = ++this.nextId;
    const reply = new Promise<{ result?: unknown; error?: { message: string } }>((r) => this.pending.set(id, r));
    await this.session.post('NodeWorker.sendMessageToWorker', {
      sessionId,
      message: JSON.stringify({ id, method, params: {} }),
    });
    const r = await reply;
    if (r.error) throw new Error(`${method} in a worker thread: ${r.error.message}`);
    return r.result as T;
  }

  /** A full GC in every worker thread, then their heaps' used bytes (summed) and how many there are. */
  async collect(): Promise<{ isolates: number; heapUsedBytes: number }> {
    // Attached once, on first use; workers that start later attach on their own (autoAttach).
    await (this.enabled ??= this.session
      .post('NodeWorker.enable', { waitForDebuggerOnStart: false })
      .then(() => new Promise<void>((r) => setTimeout(r, 100))));
    let heapUsedBytes = 0;
    const threads = [...this.threads];
    for (const t of threads) {
      await this.call(t, 'HeapProfiler.collectGarbage');
      heapUsedBytes += (await this.call<{ usedSize: number }>(t, 'Runtime.getHeapUsage')).usedSize;
    }
    return { isolates: threads.length, heapUsedBytes };
  }
}
