import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { ChecklistKeys } from '../../checklist';
import type { SandboxDescriptor } from '../descriptor';
import type { SandboxSalesSystems } from '../sales-systems';

/**
 * What a sandbox guide needs: a Temporal client on the task queue a worker serves, the simulators' base
 * URLs (their `/_admin` API plays the vendor's and the customer's humans), and where Onramp receives
 * Autotask callouts. `onramp sandbox <guide>` builds it from the running sandbox's descriptor; the test
 * builds it from simulators on ephemeral ports and the shared test server.
 */
export interface GuideContext {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** Temporal Web UI base URL (none in tests). */
  webUiUrl?: string;
  googleUrl: string;
  autotaskUrl: string;
  connectwiseUrl: string;
  serviceAccount: { clientId: string; email: string; keyRef: string };
  /** How long a Google Admin-console change takes to reach the token endpoint. */
  propagationDelayMs: number;
  autotaskReceiverUrl: string;
  autotaskSigningKeyRef: string;
  intakeUrl?: string;
  intakeToken?: string;
  /** Where the operator stores the credentials the simulated admins hand out (the worker reads file: refs). */
  secretsDir: string;
  /** Mailpit's web UI and API: the e-mails Onramp sends (the admins' links to their checklist pages). */
  mailUrl?: string;
  /** The checklist page service: with it, the guides' admins act through their pages. */
  checklistUrl?: string;
  /** The keys the operator's links are signed with (default: the sandbox's, as `onramp checklist link` loads them). */
  checklistKeys?: () => Promise<ChecklistKeys>;
  /** The simulated sales systems (`onramp sandbox sales <system>`): their admin URLs and account IDs. */
  sales?: SandboxSalesSystems;
  /** Poll faster (tests). */
  fast?: boolean;
  out(line: string): void;
}

export class GuideError extends Error {}

export function contextFromDescriptor(sb: SandboxDescriptor, client: Client, out: (s: string) => void): GuideContext {
  if (!sb.autotaskUrl || !sb.intakeTokenRef || !sb.secretsDir) {
    throw new GuideError(
      'the running sandbox predates the guide commands: stop `npm start` (Ctrl-C) and start it again'
    );
  }
  return {
    client,
    namespace: sb.namespace,
    taskQueue: sb.taskQueue,
    webUiUrl: sb.webUiUrl,
    googleUrl: sb.googleUrl,
    autotaskUrl: sb.autotaskUrl,
    connectwiseUrl: sb.connectwiseUrl,
    serviceAccount: sb.serviceAccount,
    propagationDelayMs: sb.propagationDelayMs,
    autotaskReceiverUrl: sb.autotaskReceiverUrl,
    autotaskSigningKeyRef: sb.autotaskSigningKeyRef,
    intakeUrl: sb.intakeUrl,
    intakeToken: readFileSync(sb.intakeTokenRef.replace(/^file:/, ''), 'utf8').trim(),
    secretsDir: sb.secretsDir,
    ...(sb.mailUrl ? { mailUrl: sb.mailUrl } : {}),
    ...(sb.checklistUrl ? { checklistUrl: sb.checklistUrl } : {}),
    ...(sb.sales ? { sales: sb.sales } : {}),
    out,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A short random tag, so every run of a guide is a new customer (no fixed IDs to type or to collide). */
export const runTag = () => randomBytes(3).toString('hex');

/** Prints a guide as its numbered steps: who does what (a human, played by the simulator's admin API, or Onramp). */
export class GuideLog {
  constructor(private readonly ctx: GuideContext) {}

  title(text: string): void {
    this.ctx.out(`\n== ${text} ==`);
  }

  /** A step of the guide, numbered as the guide numbers it ('-': a step the guide leaves implicit, e.g. Onramp's). */
  step(n: string, who: string, text: string): void {
    this.ctx.out(n === '-' ? `\n>> [${who}] ${text}` : `\n${n}. [${who}] ${text}`);
  }

  /** What happened, under the current step. */
  note(text: string): void {
    for (const line of text.split('\n')) this.ctx.out(`     ${line}`);
  }

  webUi(workflowId: string): void {
    if (this.ctx.webUiUrl)
      this.note(
        `Web UI: ${this.ctx.webUiUrl}/namespaces/${this.ctx.namespace}/workflows/${encodeURIComponent(workflowId)}`
      );
    else this.note(`workflow ${workflowId}`);
  }

  result(text: string): void {
    this.ctx.out(`\nResult: ${text}`);
  }
}

/** One call of a simulator's admin API (`/_admin/...`); its error answer becomes a GuideError. */
export async function admin<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/_admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? text;
    throw new GuideError(`simulator admin API ${method} ${path}: HTTP ${res.status} ${message}`);
  }
  return json as T;
}

/**
 * What the operator does with a secret a vendor console showed once: store it where the worker reads
 * secrets (0600) and hand Onramp only its reference.
 */
export function storeSecret(ctx: GuideContext, name: string, value: string): string {
  const dir = resolve(ctx.secretsDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_'));
  writeFileSync(path, value, { mode: 0o600 });
  chmodSync(path, 0o600);
  return `file:${path}`;
}

/**
 * Query a workflow's `status` until `done` says so, printing each new line `render` makes; returns the last
 * status. Stops with a GuideError when the workflow closes otherwise.
 */
export async function follow<S>(
  handle: WorkflowHandle,
  render: (s: S) => string | undefined,
  done: (s: S) => boolean,
  print: (line: string) => void,
  opts: { intervalMs?: number; timeoutMs?: number } = {}
): Promise<S> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  let last: string | undefined;
  for (;;) {
    const s = await handle.query<S>('status');
    const line = render(s);
    if (line && line !== last) print(line);
    last = line ?? last;
    if (done(s)) return s;
    const desc = await handle.describe();
    if (desc.status.name !== 'RUNNING') {
      const final = await handle.query<S>('status');
      if (done(final)) return final;
      throw new GuideError(`${handle.workflowId} ended (${desc.status.name}) before the guide expected`);
    }
    if (Date.now() > deadline) throw new GuideError(`${handle.workflowId} did not get there in time`);
    await sleep(opts.intervalMs ?? 500);
  }
}

/** Start a workflow on the sandbox's task queue with the request the operator sends, under its business ID. */
export function startWorkflow<W extends Workflow>(
  ctx: GuideContext,
  workflowType: string,
  request: Parameters<W>[0],
  opts: { workflowId: string; staticSummary: string }
): Promise<WorkflowHandle<W>> {
  // Started by type name, so typed here: `request` is W's one parameter.
  const started = ctx.client.workflow.start(workflowType, { ...opts, taskQueue: ctx.taskQueue, args: [request] });
  return started as Promise<WorkflowHandle<W>>;
}

/** Poll until `fn` returns a value. */
export async function waitUntil<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new GuideError(`timed out waiting for ${what}`);
    await sleep(300);
  }
}
