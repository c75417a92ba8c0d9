import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { runBench, type BenchOptions, type BenchResult } from '../bench/bench';
import { contextOn } from '../bench/lib/environment';
import { FAILURE_CONVERTER_PATH } from '../src/codec';
import { writeResults } from '../bench/results';
import { testEnv } from './helpers/temporal';

/**
 * Keeps `npm run bench` from rotting: the quick mode's smallest scenarios, with tiny sizes, in-process
 * against the real Temporal server and the simulators, then the shape of the result file and chart.
 * Timings are only checked to be numbers: tests never assert wall-clock durations.
 */
describe('benchmark smoke (tiny sizes)', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;
  let bundlePath: string;

  before(async () => {
    env = await testEnv();
    dir = mkdtempSync(join(tmpdir(), 'onramp-bench-smoke-'));
    bundlePath = process.env.ONRAMP_WORKFLOW_BUNDLE ?? join(dir, 'workflow-bundle.js');
    if (!process.env.ONRAMP_WORKFLOW_BUNDLE) {
      const bundle = await bundleWorkflowCode({
        workflowsPath: require.resolve('../src/workflows'),
        failureConverterPath: FAILURE_CONVERTER_PATH,
      });
      writeFileSync(bundlePath, bundle.code);
    }
  });
  after(async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs delegation throughput (against the plain script), a quota-bound group, a group by reference and idle memory, and writes a result file and chart of the right shape', async () => {
    const options: BenchOptions = {
      scenarios: ['delegation', 'group', 'members', 'idle'],
      quick: true,
      sizes: [1, 3],
      groupMembers: 20,
      limitMembers: 20,
      idleOnboardings: 8,
      overheadRepetitions: 1,
      intakeRatePerSecond: 1,
      intakeSeconds: 1,
      connectwiseCustomers: 1,
      connectwiseRequestsPerMinute: 600,
      largeMembers: 30,
    };
    const result = await runBench(
      contextOn(env, bundlePath, (l) => console.error(`[bench] ${l}`)),
      options
    );
    const files = writeResults(result, dir);

    const written = JSON.parse(readFileSync(files.json, 'utf8')) as BenchResult & { chart: string };
    assert.equal(written.schema, 'onramp-bench/1');
    assert.equal(written.chart, files.svg);
    assert.deepEqual(Object.keys(written.scenarios).sort(), ['delegation', 'group', 'idle', 'members']);

    const runs = written.scenarios.delegation!.runs;
    assert.deepEqual(
      runs.map((r) => [r.concurrent, r.completed, r.failed]),
      [
        [1, 1, 0],
        [3, 3, 0],
      ]
    );
    for (const r of runs) {
      for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const) assert.equal(typeof r.endToEnd[k], 'number');
      assert.equal(r.endToEnd.count, r.concurrent);
      assert.equal(typeof r.onboardingsPerSecond, 'number');
      // 16 per-scope tokens + 1 for the set + the super-admin check (a token and users.get), per onboarding:
      // the vendor calls really happened.
      assert.equal(r.vendorRequests, 19 * r.concurrent);
      assert.equal(r.vendor429s, 0);
      // The plain script (no Temporal) made exactly the same vendor calls, counted at the simulators.
      assert.equal(typeof r.completionsPerSecond, 'number');
      assert.equal(typeof r.plainCompletionsPerSecond, 'number');
      assert.equal(typeof r.ratioToPlain, 'number');
      assert.deepEqual([r.plain.completed, r.plain.failed], [r.concurrent, 0]);
      assert.deepEqual(r.plain.vendorCalls, r.vendorCalls);
      assert.deepEqual(r.vendorCalls, {
        tokens: 18 * r.concurrent,
        usersGet: r.concurrent,
        notifications: r.concurrent,
        other: 0,
        http429s: 0,
      });
      assert.equal(r.sameVendorCalls, true);
    }

    // Idle: 8 onboardings, two of each integration, each seen waiting on its human step.
    const idle = written.scenarios.idle!;
    const each = { googleDelegation: 2, googleAdminRoles: 2, autotask: 2, connectwise: 2 };
    assert.deepEqual(idle.perIntegration, each);
    assert.deepEqual(idle.waiting, each);
    // Orders + their children: delegation, admin roles (parent + delegation child), Autotask, ConnectWise.
    assert.equal(idle.workflowsOpen, 16);
    for (const m of [idle.startup, idle.idle, idle.mid.memory, idle.loaded.memory, idle.closed]) {
      assert.ok(m.rssBytes > 0);
      assert.equal(m.mainGc, true);
      // The workflow isolate was found and collected too, not only the main thread's.
      assert.ok(m.workflowIsolates >= 1 && m.workflowHeapUsedBytes > 0);
    }
    assert.equal(idle.loaded.openOnboardings, 8);
    assert.equal(idle.marginalBytesPerOnboarding.to, 8);
    // Only a run of 10,000 writes the 10,000 figures: nothing is extrapolated.
    assert.equal(idle.at10k, undefined);
    assert.equal(idle.marginalBytes5kTo10k, undefined);
    assert.equal('projected10kRssBytes' in idle, false);
    for (const h of Object.values(idle.history)) assert.ok(h.sampled === 2 && h.events > 0 && h.bytes > 0);
    assert.ok(idle.historyBytesPerOnboarding > 0 && idle.historyEventsPerOnboarding > 0);
    assert.ok(idle.startsPerSecond > 0);

    const g = written.scenarios.group!;
    assert.equal(g.added, 20);
    assert.equal(g.requests.memberInserts, 20);
    assert.equal(g.quotaErrors, 0);
    assert.equal(g.http429s, 0);
    assert.equal(g.quota.limit, 2400);
    assert.ok(g.quotaBoundMinimumMs > 0 && Number.isFinite(g.ratioToQuotaBound));
    assert.equal(g.directoryUse.overLimit, false);

    const m = written.scenarios.members!;
    assert.equal(m.members, 30);
    assert.equal(m.added, 30);
    assert.equal(m.quotaErrors, 0);
    assert.equal(m.quota.limit, 400, 'the compressed Directory quota');
    assert.equal(m.quota.overLimit, false);
    assert.ok(m.maxStatusBytes > 0 && m.maxStatusBytes < 256 * 1024, `status ${m.maxStatusBytes} bytes`);

    assert.ok(existsSync(files.svg));
    const svg = readFileSync(files.svg, 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<polyline /);
    assert.match(svg, /Vendor limit use/);
    assert.match(svg, /<\/svg>$/);
  });
});
