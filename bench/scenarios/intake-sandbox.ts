import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { request } from 'undici';
import type { SandboxDescriptor } from '../../src/sandbox/descriptor';
import { benchDataConverter } from '../lib/codec';
import { FloorProbe, ratio } from '../lib/floor';
import { summarize, type LatencySummary } from '../lib/stats';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/worker';

export interface SandboxIntakeResult {
  ratePerSecond: number;
  durationSeconds: number;
  sent: number;
  accepted: number;
  latency: LatencySummary;
  floor: LatencySummary;
  p99RatioToFloor: number;
  note: string;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * `npm start` as a user runs it (its own dev server, worker, simulators, codec server and intake in one
 * process), on free ports and a throwaway data directory so it never touches a sandbox already running
 * on the fixed ones. Orders go to its intake at `rate`/s; the floor probe runs against its Temporal server in
 * the same window. The orders' delegations wait for an admin (no grant): only the intake is measured.
 */
export async function sandboxIntake(
  log: (line: string) => void,
  ratePerSecond: number,
  durationSeconds: number
): Promise<SandboxIntakeResult> {
  const root = resolve(__dirname, '..', '..');
  const dataDir = mkdtempSync(join(tmpdir(), 'onramp-bench-sandbox-'));
  const names = [
    'ONRAMP_SANDBOX_TEMPORAL_PORT',
    'ONRAMP_SANDBOX_UI_PORT',
    'ONRAMP_SANDBOX_GOOGLE_PORT',
    'ONRAMP_SANDBOX_NOTIFY_PORT',
    'ONRAMP_SANDBOX_AUTOTASK_PORT',
    'ONRAMP_SANDBOX_CONNECTWISE_PORT',
    'ONRAMP_CODEC_SERVER_PORT',
    'ONRAMP_INTAKE_PORT',
  ];
  const ports: Record<string, string> = {};
  for (const n of names) ports[n] = String(await freePort());
  // Launched as `npm start` launches it (package.json; test/launch-settings.test.ts keeps the two in step).
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, '--import', 'tsx', join(root, 'src/sandbox/main.ts')], {
    cwd: root,
    env: {
      ...WORKER_PROCESS_ENV,
      ...process.env,
      ...ports,
      ONRAMP_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ONRAMP_SANDBOX_PROPAGATION_SECONDS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const intakeBase = `http://127.0.0.1:${ports.ONRAMP_INTAKE_PORT}`;
  let client: Client | undefined;
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before its intake answered`);
      try {
        const r = await request(`${intakeBase}/v1/openapi.json`);
        await r.body.text();
        if (r.statusCode === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error('npm start: intake not up after 3 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    const descriptor = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as SandboxDescriptor;
    const token = readFileSync(join(dataDir, 'sandbox', 'intake-token'), 'utf8').trim();
    const connection = await Connection.connect({ address: descriptor.temporalAddress });
    client = new Client({ connection, dataConverter: await benchDataConverter() });
    const floor = new FloorProbe(client);
    const latencies: number[] = [];
    let accepted = 0;
    const total = Math.round(ratePerSecond * durationSeconds);
    const pending: Promise<void>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const domain = `sbx${i}-${t0}.example`;
      const body = JSON.stringify({
        orderId: `bench-sandbox-${t0}-${i}`,
        customer: { id: `cust-${i}`, name: `Customer ${i}` },
        integrations: {
          googleDelegation: {
            customer: { domain },
            adminEmail: `admin@${domain}`,
            vendor: { name: 'BenchVendor', supportEmail: 'support@bench-vendor.example' },
            serviceAccount: descriptor.serviceAccount,
          },
        },
      });
      pending.push(floor.once().catch(() => undefined));
      pending.push(
        (async () => {
          const sent = performance.now();
          const res = await request(`${intakeBase}/v1/onboardings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          });
          await res.body.text();
          latencies.push(performance.now() - sent);
          if (res.statusCode === 202) accepted++;
        })()
      );
    }
    await Promise.all(pending);
    const latency = summarize(latencies);
    const fl = summarize(floor.latencies);
    const result: SandboxIntakeResult = {
      ratePerSecond,
      durationSeconds,
      sent: total,
      accepted,
      latency,
      floor: fl,
      p99RatioToFloor: ratio(latency.p99Ms, fl.p99Ms),
      note: 'npm start on free ports and a throwaway data dir; its worker runs the orders (waiting for an admin grant)',
    };
    log(
      `intake inside npm start at ${ratePerSecond}/s for ${durationSeconds} s: ${accepted}/${total} accepted; p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms; Temporal floor p99 ${fl.p99Ms} ms: ratio ${result.p99RatioToFloor}`
    );
    return result;
  } finally {
    await client?.connection.close().catch(() => undefined);
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
