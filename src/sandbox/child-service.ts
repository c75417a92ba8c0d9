import { spawn, type ChildProcess } from 'node:child_process';

/** A local server the sandbox runs as a child process (the Temporal dev server, Mailpit). */
export interface ChildService {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
  stop(): Promise<void>;
}

/**
 * Spawn `command`, forward its output line by line to `onLog`, and resolve once `ready()` answers true. A child
 * that exits during start fails with `exitedMessage`; one that never gets ready is stopped and fails with
 * `timeoutMessage`. A child outlives its parent, and this one would keep the ports the next `npm start` needs:
 * when this process ends without stopping it (an uncaught error, process.exit), it is sent SIGTERM.
 */
export async function startChildService(opts: {
  command: string;
  args: string[];
  ready: () => Promise<boolean>;
  timeoutMs: number;
  pollMs: number;
  exitedMessage: string;
  timeoutMessage: string;
  onLog?: (line: string) => void;
}): Promise<ChildService> {
  const child = spawn(opts.command, opts.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (b: Buffer) =>
    b
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => opts.onLog?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let exited = false;
  const orphanGuard = () => void (exited || child.kill('SIGTERM'));
  process.once('exit', orphanGuard);
  child.once('exit', () => {
    exited = true;
    process.removeListener('exit', orphanGuard);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + opts.timeoutMs;
  while (!(await opts.ready())) {
    if (exited) throw new Error(opts.exitedMessage);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(opts.timeoutMessage);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  return { child, stop };
}
