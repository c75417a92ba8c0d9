/**
 * Issue 25: an `npm start` that fails to start (a port already in use) exited but left its Temporal dev
 * server running, holding its ports, so the next `npm start` failed too. The sandbox entry point
 * (src/sandbox/main.ts) runs here as `npm start` runs it, on free ports, with one port taken by another
 * program: it must exit 1 naming the port, and no process it started may survive it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, temporalCliPath } from './helpers/faults';

const ROOT = resolve(__dirname, '..');

/** Processes whose command line mentions `marker` (the run's own data directory). */
function processesMentioning(marker: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) found.push({ pid: Number(entry), cmd: cmd.slice(0, 200) });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function occupy(port: number): Promise<Server> {
  const srv = createServer();
  await new Promise<void>((res, rej) => {
    srv.once('error', rej);
    srv.listen(port, '127.0.0.1', () => res());
  });
  return srv;
}

describe('npm start that fails to start leaves nothing running', () => {
  const dirs: string[] = [];
  const leftovers: number[] = [];
  after(() => {
    // Clean up what a broken build left behind (only processes this test's runs started).
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const taken of ['ONRAMP_SANDBOX_AUTOTASK_PORT', 'ONRAMP_INTAKE_PORT'] as const) {
    it(`${taken} in use: exit 1 naming the port, the Temporal dev server and every other child stopped`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'onramp-start-fail-'));
      dirs.push(dataDir);
      const names = [
        'ONRAMP_SANDBOX_TEMPORAL_PORT',
        'ONRAMP_SANDBOX_UI_PORT',
        'ONRAMP_CODEC_SERVER_PORT',
        'ONRAMP_SANDBOX_GOOGLE_PORT',
        'ONRAMP_SANDBOX_NOTIFY_PORT',
        'ONRAMP_SANDBOX_AUTOTASK_PORT',
        'ONRAMP_SANDBOX_CONNECTWISE_PORT',
        'ONRAMP_SANDBOX_RECEIVER_PORT',
        'ONRAMP_INTAKE_PORT',
        'ONRAMP_SANDBOX_HUBSPOT_PORT',
        'ONRAMP_SANDBOX_SALESFORCE_PORT',
        'ONRAMP_SANDBOX_CONNECTWISE_SALES_PORT',
      ];
      const ports: Record<string, string> = {};
      for (const n of names) ports[n] = String(await freePort());
      const blocker = await occupy(Number(ports[taken]));
      const env: NodeJS.ProcessEnv = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('ONRAMP_') && !k.startsWith('TEMPORAL_'))
      );
      Object.assign(env, ports, {
        ONRAMP_DATA_DIR: dataDir,
        TEMPORAL_CLI_PATH: await temporalCliPath(),
        LOG_LEVEL: 'error',
      });
      let stderr = '';
      const code = await new Promise<number | null>((res) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
        child.once('exit', (c) => res(c));
      });
      blocker.close();
      assert.equal(code, 1, `npm start exits 1 (${stderr.slice(-300)})`);
      assert.match(stderr, new RegExp(`EADDRINUSE|${ports[taken]}`), 'it says which port is taken');
      const survivors = processesMentioning(dataDir);
      leftovers.push(...survivors.map((s) => s.pid));
      assert.deepEqual(survivors, [], 'no process of the failed start is still running');
      // The Temporal port is free again: the next npm start can take it.
      const again = await occupy(Number(ports.ONRAMP_SANDBOX_TEMPORAL_PORT));
      await new Promise((res) => again.close(res));
    });
  }
});
