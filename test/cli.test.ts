import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { MAX_INPUT_FILE_BYTES } from '../src/cli/context';
import { cliRunner } from './helpers/cli';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { eventually, integration, type Integration, uniqueTaskQueue } from './helpers/integration';

describe('onramp CLI against a running stack (real Temporal server, simulators)', () => {
  let env: TestWorkflowEnvironment;
  let g: GoogleFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('cli');
  const dir = mkdtempSync(join(tmpdir(), 'onramp-cli-'));
  const secretsDir = join(dir, 'secrets');
  const cli = cliRunner(() => ({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONRAMP_DATA_DIR: dir,
  }));

  before(async () => {
    stack = await integration();
    env = stack.env;
    g = await googleFixture();
    await stack.worker(g.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  const secretFiles = () => (existsSync(secretsDir) ? readdirSync(secretsDir) : []);

  it('--help lists the commands and exits 0; an unknown command exits non-zero with usage', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const c of ['start', 'status', 'list', 'check-now', 'retry', 'cancel', 'supply-credential', 'plan'])
      assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    const bad = await cli(['frobnicate']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown command/);
  });

  it('start from a YAML order, wait for the operator step, check-now, status table and --json, list by customer', async () => {
    const orderId = `CLI-${process.pid}`;
    const domain = `cli-${g.domain}`;
    g.sim.state.addUser(`admin@${domain}`);
    const order = {
      orderId,
      customer: { id: 'cli-customer', name: 'CLI Customer' },
      integrations: {
        googleDelegation: {
          ...g.request({ customer: { domain }, adminEmail: `admin@${domain}` }),
          polling: { initialIntervalSeconds: 600, maxIntervalSeconds: 600, deadlineHours: 1 },
        },
      },
    };
    const file = join(dir, 'order.yaml');
    writeFileSync(file, stringify(order));
    g.grant([], 0);
    const started = await cli(['start', '--file', file]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`accepted order ${orderId}`));

    await eventually(async () => {
      const s = await cli(['status', orderId, '--json']);
      const j = JSON.parse(s.stdout) as { details: { googleDelegation?: { state: string } } };
      return j.details.googleDelegation?.state === 'waiting-for-operator';
    }, 'the delegation to wait for the admin');
    const table = await cli(['status', orderId]);
    assert.match(table.stdout, /googleDelegation\s+running/);
    assert.match(table.stdout, /step awaiting-grant/);

    const listed = await eventually(async () => {
      const l = await cli(['list', '--customer', 'cli-customer']);
      return /customer-onboarding/.test(l.stdout) ? l.stdout : undefined;
    }, 'the order in the list');
    assert.match(listed, new RegExp(`customer-onboarding:${orderId}`));

    g.grant(undefined, 0);
    const now = await cli(['check-now', orderId]);
    assert.equal(now.code, 0, now.stderr);
    await env.client.workflow.getHandle(`customer-onboarding:${orderId}`).result();
    const done = await cli(['status', orderId]);
    assert.match(done.stdout, /state completed/);
  });

  it('clear errors and non-zero exits: bad order file, unknown order, retry of a non-failed integration, secrets never from argv', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ orderId: 'x y', customer: { id: 'A', name: '' }, integrations: {} }));
    const r1 = await cli(['start', '--file', bad]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /orderId: /);
    assert.match(r1.stderr, /customer\.id: /);
    assert.match(r1.stderr, /integrations: list at least one/);

    const r2 = await cli(['status', 'NO-SUCH-ORDER']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /no onboarding for order NO-SUCH-ORDER/);

    const r3 = await cli(['retry', `CLI-${process.pid}`, '--integration', 'googleDelegation']);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /is completed, not failed/);

    const r4 = await cli(['supply-credential', 'ANY', '--integration', 'autotask', '--secret', 'hunter2']);
    assert.notEqual(r4.code, 0);
    assert.match(r4.stderr, /unknown option '--secret'/);
    assert.ok(!r4.stdout.includes('hunter2'));
  });
  it('usage errors exit 2 (docs/operations.md), other errors 1; a secret typed as --secret=… is never echoed', async () => {
    for (const args of [
      ['frobnicate'],
      ['start'],
      ['retry', 'SO-1', '--integration', 'bogus'],
      ['list', '--state', 'sleeping'],
      ['supply-credential', 'SO-1'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `onramp ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /error: /, `onramp ${args.join(' ')} says what is wrong`);
    }
    const secret = await cli(['supply-credential', 'SO-1', '--integration', 'autotask', '--secret=hunter2']);
    assert.equal(secret.code, 2, secret.stderr);
    assert.match(secret.stderr, /unknown option '--secret=<redacted>'/);
    assert.ok(!`${secret.stdout}${secret.stderr}`.includes('hunter2'), 'the secret is not echoed');
    // Not a usage error: a well-formed command about an order that does not exist.
    assert.equal((await cli(['status', 'NO-SUCH-ORDER-2'])).code, 1);
  });

  it('start -f /dev/zero is refused by the input size cap, at once, naming the cap', async () => {
    const r = await cli(['start', '-f', '/dev/zero']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `/dev/zero is larger than ${MAX_INPUT_FILE_BYTES} bytes: an input file is at most ${MAX_INPUT_FILE_BYTES} bytes`
      )
    );
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(MAX_INPUT_FILE_BYTES + 1));
    const r2 = await cli(['start', '-f', big]);
    assert.equal(r2.code, 1, r2.stderr);
    assert.match(
      r2.stderr,
      new RegExp(`is ${MAX_INPUT_FILE_BYTES + 1} bytes: an input file is at most ${MAX_INPUT_FILE_BYTES} bytes`)
    );
  });

  it('supply-credential for an order that does not exist writes no secret', async () => {
    const r = await cli(
      [
        'supply-credential',
        'NO-SUCH-ORDER',
        '--integration',
        'autotask',
        '--username',
        'u@x.example',
        '--secret-stdin',
      ],
      'a-secret-for-nobody-0001'
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no onboarding for order NO-SUCH-ORDER/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('a-secret-for-nobody-0001'));
    assert.deepEqual(
      secretFiles().filter((f) => f.startsWith('NO-SUCH-ORDER')),
      [],
      'no secret file written'
    );
  });
});
