/**
 * Reading what other workflows did, client-side: their description, result, `status` query, and the
 * arguments in their history (decoded, and decrypted, by the client's own data converter).
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { fromPayloadsAtIndex, type LoadedDataConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;

/** The first of `payloads` as a value: through the converter's codecs (last one first), then its payload converter. */
async function firstArgument<T>(converter: LoadedDataConverter, payloads: Payload[] | null | undefined): Promise<T> {
  let decoded = payloads;
  if (decoded) for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return fromPayloadsAtIndex<T>(converter.payloadConverter, 0, decoded);
}

/** The first argument the workflow was started with, decoded (and decrypted) by the client's converter. */
export async function startArgument<T>(client: Client, history: History): Promise<T> {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return firstArgument<T>(client.workflow.options.loadedDataConverter, started?.input?.payloads);
}

/** The arguments of every Update `name` that completed successfully, in the order they were accepted. */
export async function acceptedUpdates<T>(client: Client, history: History, name: string): Promise<T[]> {
  const succeeded = new Set<string>();
  for (const e of history.events ?? []) {
    const done = e.workflowExecutionUpdateCompletedEventAttributes;
    if (done?.outcome?.success && done.meta?.updateId) succeeded.add(done.meta.updateId);
  }
  const out: T[] = [];
  for (const e of history.events ?? []) {
    const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (req?.input?.name !== name || !req.meta?.updateId || !succeeded.has(req.meta.updateId)) continue;
    out.push(await firstArgument<T>(client.workflow.options.loadedDataConverter, req.input.args?.payloads));
  }
  return out;
}

/** The workflow's description, or undefined when there is no such workflow. */
export async function describeOrNull(handle: WorkflowHandle) {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A child's result when it completed, else its `status` query (for what a stopped run had done). */
export async function childState<R, S>(client: Client, workflowId: string | undefined) {
  if (!workflowId) return {};
  const handle = client.workflow.getHandle(workflowId);
  const desc = await describeOrNull(handle);
  if (!desc) return {};
  const result = desc.status.name === 'COMPLETED' ? ((await handle.result()) as R) : undefined;
  let status: S | undefined;
  try {
    status = await handle.query<S>('status');
  } catch {
    /* no worker for its task queue, or it never got far: the result (if any) is what we know */
  }
  return { handle, result, status, execution: desc.status.name };
}
