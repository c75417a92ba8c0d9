import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startGoogleDelegation } from '../../src/client';
import { DEFAULT_DELEGATION_SCOPES } from '../../src/domain/google-delegation-schema';
import { freePort, TemporalServerProcess, temporalCliPath, WorkerProcess } from '../helpers/faults';
import { googleFixture, type GoogleFixture } from '../helpers/google';
import { eventually, testDataConverter, uniqueTaskQueue } from '../helpers/temporal';

const ONBOARDINGS = 4;

describe('fault: the Temporal server (SQLite-backed dev server) restarted while onboardings wait', () => {
  let dir: string;
  let server: TemporalServerProcess;
  let connection: Connection | undefined;
  let client: Client;
  let g: GoogleFixture;
  let worker: WorkerProcess;
  const taskQueue = uniqueTaskQueue('fault-server');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onramp-server-restart-'));
    server = new TemporalServerProcess(await temporalCliPath(), join(dir, 'temporal.db'), await freePort());
    await server.start();
    // Before the worker starts: the worker process reads the codec key this sets in the environment.
    const dataConverter = await testDataConverter();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'default', dataConverter });
    g = await googleFixture();
    worker = new WorkerProcess({ address: server.address, taskQueue, googleUrl: g.googleUrl, notifyUrl: g.notifyUrl });
    worker.start();
  });
  after(async () => {
    await worker?.stop();
    await connection?.close();
    await server?.stop();
    await g?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every onboarding started before the restart completes after it, with exactly one vendor notification each', async () => {
    const domains = Array.from({ length: ONBOARDINGS }, (_, i) => `restart${i}-${process.pid}.example`);
    for (const d of domains) g.sim.state.addUser(`admin@${d}`);
    // Granted, but propagating for a while: every onboarding is polling (mid-wait) when the server goes down.
    g.grant(DEFAULT_DELEGATION_SCOPES, 60_000);
    const handles: WorkflowHandle[] = await Promise.all(
      domains.map((d) =>
        startGoogleDelegation(
          client,
          { temporal: { address: server.address, namespace: 'default', taskQueue } },
          g.request({ customer: { domain: d }, adminEmail: `admin@${d}` })
        )
      )
    );
    const tokenRequests = () => g.sim.requests.get('POST /token') ?? 0;
    // Each onboarding has checked at least once (a worker ran its activity) before the outage.
    await eventually(async () => tokenRequests() >= ONBOARDINGS * 2, 'every onboarding to poll the grant', 60_000);
    const before = await Promise.all(handles.map((h) => h.describe()));
    assert.ok(
      before.every((d) => d.status.name === 'RUNNING'),
      'all onboardings are waiting when the server stops'
    );
    const firstPid = server.pid;

    await server.stop();
    assert.equal(server.stops, 1, 'the server was stopped (a fault injected)');
    const duringOutage = tokenRequests();
    // Propagation ends while the server is down: the wait is over, but only a running server can tell the workflows.
    g.grant(DEFAULT_DELEGATION_SCOPES, 0);
    await server.start();
    assert.notEqual(server.pid, firstPid, 'a new server process on the same port and database file');

    const results = await Promise.all(handles.map((h) => h.result()));
    assert.equal(results.length, ONBOARDINGS);
    for (const r of results) assert.equal((r as { notified?: boolean }).notified, true);
    assert.ok(tokenRequests() > duringOutage, 'the worker polled again after the restart');
    for (const [i, h] of handles.entries()) {
      const after = await h.describe();
      assert.equal(after.status.name, 'COMPLETED');
      assert.equal(
        after.startTime.getTime(),
        before[i]!.startTime.getTime(),
        'the same execution, started before the restart (state survived in SQLite)'
      );
      const n = g.receiver.notifications.get(`${h.workflowId}:delegation-verified`);
      assert.ok(n, `${h.workflowId}: the vendor was notified`);
      assert.equal(n.deliveries, 1, `${h.workflowId}: exactly one notification delivery`);
    }
    assert.equal(g.receiver.notifications.size, ONBOARDINGS, 'one notification per onboarding, no other');
    console.log(
      `[faults] server restart: 1 restart (pid ${firstPid} → ${server.pid}), ${ONBOARDINGS} onboardings completed, 0 duplicates`
    );
  });
});
