// @ts-nocheck
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as an operator runs it: `node --import tsx src/cli/main.ts`, a process of its own with `env` on
 * top of this process's environment; killed (and said so in stderr) if it outlives `timeoutMs`.
 */
export function cliRunner(env: () => NodeJS.ProcessEnv) {
  return (args: string[], stdin?: string, timeoutMs = 120_000) =>
    new Promise<CliRun>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env() },
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        stderr += `\n[test] killed after ${timeoutMs} ms`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? '');
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        res({ code: code ?? (signal ? 137 : 1), stdout, stderr });
      });
    });
}
