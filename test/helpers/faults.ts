import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Simulator } from '../../src/simulators/http';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { devServerExtraArgs, searchAttributeArgs } from '../../src/temporal/dev-server';
import { eventually } from './temporal';

const ROOT = resolve(__dirname, '..', '..');

/** Where a worker process finds Temporal and each vendor simulator (only the ones a test runs). */
export interface WorkerTarget {
  address: string;
  namespace?: string;
  taskQueue: string;
  googleUrl?: string;
  notifyUrl?: string;
  autotaskUrl?: string;
  connectwiseHost?: string;
  /** More environment for this worker (e-mail settings, test-only fault hooks). */
  env?: NodeJS.ProcessEnv;
}

/** The production worker's configuration, purely through the environment, as an operator would set it. */
export function workerEnv(t: WorkerTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: t.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: t.taskQueue,
    ONRAMP_MODE: 'sandbox',
    LOG_LEVEL: process.env.ONRAMP_FAULTS_WORKER_LOG ?? 'error',
  };
  if (t.googleUrl) {
    env.ONRAMP_GOOGLE_TOKEN_URL = `${t.googleUrl}/token`;
    env.ONRAMP_GOOGLE_API_ROOT_URL = `${t.googleUrl}/`;
  }
  if (t.notifyUrl) env.ONRAMP_NOTIFY_WEBHOOK_URL = t.notifyUrl;
  if (t.autotaskUrl) {
    env.ONRAMP_AUTOTASK_DISCOVERY_URL = t.autotaskUrl;
    env.ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS = new URL(t.autotaskUrl).host;
  }
  if (t.connectwiseHost) {
    env.ONRAMP_CONNECTWISE_ALLOWED_HOSTS = t.connectwiseHost;
    env.ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS = t.connectwiseHost;
    env.ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE = '60000';
  }
  return { ...env, ...t.env };
}

/**
 * The production entry point (src/worker.ts) as a child process that a test can SIGKILL and restart.
 * Each (re)start reads the test process's environment at that moment (env: secret references included).
 */
export class WorkerProcess {
  private child?: ChildProcess;
  /** SIGKILLs delivered (each one a fault injected). */
  kills = 0;
  starts = 0;
  readonly pids: number[] = [];

  constructor(private readonly target: WorkerTarget) {}

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: workerEnv(this.target),
    });
    this.child = child;
    this.starts++;
    if (child.pid) this.pids.push(child.pid);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL: no shutdown, no activity completion reported; resolves with the signal the process died of. */
  kill9(): Promise<NodeJS.Signals | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(null);
    this.kills++;
    return new Promise((res) => {
      child.once('exit', (_code, signal) => res(signal));
      child.kill('SIGKILL');
    });
  }

  /** Resolves with the signal the process died of, however it died (a test hook may SIGKILL it from inside). */
  exited(): Promise<NodeJS.Signals | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return Promise.resolve(child?.signalCode ?? null);
    return new Promise((res) => child.once('exit', (_code, signal) => res(signal)));
  }

  async restart(): Promise<void> {
    await this.kill9();
    this.start();
  }

  /** Test clean-up: not counted as an injected fault. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((res) => {
      child.once('exit', res);
      child.kill('SIGKILL');
    });
  }
}

/** A side-effecting vendor call after whose commit the worker dies. */
export interface CrashPoint {
  label: string;
  sim: Simulator;
  method: string;
  path: string | RegExp;
}

export interface CrashPlan {
  /** How many times each point's call was committed and held (1 when its crash happened). */
  fired(label: string): number;
  /** Resolves once every point has committed, the worker was SIGKILLed inside the window and restarted. */
  crashed: Promise<void>;
}

/**
 * Arm a hold-after-commit on every point; once all of them have committed (each in a different
 * onboarding, since a held call stalls its onboarding), SIGKILL the worker while the answers are still
 * held, release them to the dead sockets, and start a fresh worker. One crash thus interrupts every
 * point at once, so the suite pays the activities' start-to-close timeout once rather than per point.
 */
export function crashAfterCommits(worker: WorkerProcess, points: CrashPoint[], holdMs = 60_000): CrashPlan {
  const ids = new Map<string, { sim: Simulator; id: number }>();
  let committed = 0;
  let signal!: () => void;
  const allCommitted = new Promise<void>((r) => (signal = r));
  for (const p of points) {
    const id = p.sim.faults.holdAfterCommit({
      method: p.method,
      path: p.path,
      times: 1,
      holdMs,
      onCommitted: () => {
        if (++committed === points.length) signal();
      },
    });
    ids.set(p.label, { sim: p.sim, id });
  }
  const crashed = allCommitted.then(async () => {
    await worker.kill9();
    for (const { sim } of ids.values()) sim.faults.releaseHolds();
    worker.start();
  });
  return {
    fired: (label) => {
      const e = ids.get(label);
      if (!e) throw new Error(`no crash point ${label}`);
      return e.sim.faults.fired(e.id);
    },
    crashed,
  };
}

/** Wait for a plan's crash, naming the points that never committed when it does not come. */
export async function waitForCrash(plan: CrashPlan, labels: string[], timeoutMs = 120_000): Promise<void> {
  let done = false;
  void plan.crashed.then(() => (done = true));
  await eventually(
    async () => done,
    `every crash point to commit (not yet: ${labels.filter((l) => plan.fired(l) === 0).join(', ') || 'none'})`,
    timeoutMs
  ).catch((err: Error) => {
    throw new Error(`${err.message}; missing: ${labels.filter((l) => plan.fired(l) === 0).join(', ')}`);
  });
}

/** Values that occur more than once (a duplicate vendor resource). */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** The Temporal CLI binary (dev server, `workflow show`); fault tests run it themselves. */
export async function temporalCliPath(): Promise<string> {
  const exe = await ensureTemporalCli();
  if (exe.type !== 'existing-path') {
    throw new Error('these tests run the Temporal CLI themselves: set TEMPORAL_CLI_PATH or install Go to build it');
  }
  return exe.path;
}

/**
 * The codec key of the recorded histories (test/histories/): fixed and public, because the histories
 * are committed test fixtures holding simulator data only. Never a production key.
 */
export const REPLAY_CODEC_KEY = Buffer.from('onramp-replay-fixture-codec-key!').toString('base64');

/** Make this process (and the workers and clients it creates) encrypt with the replay fixture key. */
export function useReplayCodecKey(env: NodeJS.ProcessEnv = process.env): void {
  env.ONRAMP_REPLAY_CODEC_KEY = REPLAY_CODEC_KEY;
  env.ONRAMP_CODEC_KEYS = 'replay=env:ONRAMP_REPLAY_CODEC_KEY';
}

/** A loopback TCP port free right now (the server restarts on it, so it is fixed rather than 0). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/**
 * A SQLite-backed Temporal dev server the test stops and starts itself, always on the same port and
 * database file, so a restart keeps every workflow. Durable pragmas (not the test suite's fast ones).
 */
export class TemporalServerProcess {
  private child?: ChildProcess;
  /** Graceful stops (SIGTERM) while running: each one a fault injected. */
  stops = 0;
  readonly pids: number[] = [];

  constructor(
    private readonly cli: string,
    readonly dbFile: string,
    readonly port: number
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start and wait until the frontend answers (the namespace is registered). */
  async start(): Promise<void> {
    const args = [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--db-filename',
      this.dbFile,
      '--namespace',
      'default',
      '--log-level',
      'error',
      ...searchAttributeArgs(),
      ...devServerExtraArgs(),
    ];
    const child = spawn(this.cli, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    this.child = child;
    if (child.pid) this.pids.push(child.pid);
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
    const { Connection } = await import('@temporalio/client');
    await eventually(
      async () => {
        if (exited) throw new Error(`the Temporal dev server ${exited}`);
        const c = await Connection.connect({ address: this.address, connectTimeout: 1000 });
        try {
          await c.workflowService.describeNamespace({ namespace: 'default' });
          return true;
        } finally {
          await c.close();
        }
      },
      `the Temporal dev server on ${this.address}`,
      60_000
    );
  }

  /** SIGTERM, then wait for the process to exit (SIGKILL after 20 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stops++;
    await new Promise<void>((res) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      child.kill('SIGTERM');
    });
  }
}
