import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';

/**
 * The Temporal floor of an intake request: `client.workflow.start` of a workflow no worker runs plus a
 * `describe` of it, sent to the same server at the same rate and in the same window as the intake's
 * requests, so both see the same server and the same CPU contention. The intake's latency over this floor
 * is what Onramp itself adds.
 */
export class FloorProbe {
  readonly latencies: number[] = [];
  readonly ids: string[] = [];
  private readonly queue = `bench-floor-nobody-${randomUUID().slice(0, 8)}`;
  constructor(private readonly client: Client) {}

  async once(): Promise<void> {
    const workflowId = `bench-floor-${randomUUID()}`;
    const t0 = performance.now();
    const handle = await this.client.workflow.start('onrampBenchFloor', {
      workflowId,
      taskQueue: this.queue,
      args: [{ orderId: workflowId }],
    });
    await handle.describe();
    this.latencies.push(performance.now() - t0);
    this.ids.push(workflowId);
  }

  /** Terminate the floor's workflows (on a shared server; a benchmark's own server is thrown away). */
  async cleanup(): Promise<void> {
    await Promise.all(
      this.ids.map((id) =>
        this.client.workflow
          .getHandle(id)
          .terminate('benchmark floor probe')
          .catch(() => undefined)
      )
    );
  }
}

/** intake p99 / floor p99, two decimals. */
export const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.1)) * 100) / 100;
