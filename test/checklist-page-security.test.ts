/**
 * The checklist page's refusals (no browser): forged, malformed, expired, revoked and other-order links,
 * forms without this link's CSRF token, secrets over plain HTTP from outside loopback, the per-link rate.
 * Every refusal is a 4xx, never a 5xx, and a link to an order that does not exist gets exactly the page an
 * expired or revoked link gets (nothing says whether the order exists).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChecklistLink, tokenOfChecklistLink } from '../src/checklist';
import { FileChecklistRecords } from '../src/checklist/checklist-records';
import { createChecklistPageServer, type ChecklistPageServer } from '../src/checklist-page';
import { keyRing } from '../src/codec/key-ring';
import { customerOnboardingWorkflowId } from '../src/domain/customer-onboarding-schema';
import { startOrder } from '../src/services/orders';
import { cliRunner } from './helpers/cli';
import { eventually } from './helpers/integration';
import { orderWorld, type OrderWorld } from './helpers/order-world';

describe('checklist page refusals', () => {
  let world: OrderWorld;
  let server: ChecklistPageServer;
  let proxied: ChecklistPageServer;
  let dir: string;
  let records: FileChecklistRecords;
  const keyBytes = randomBytes(32);
  const keys = keyRing([{ id: 'k1', key: keyBytes }]);
  const orderId = `sec-${process.pid}`;
  const wf = customerOnboardingWorkflowId(orderId);
  const tokenFor = (o: Partial<Parameters<typeof createChecklistLink>[0]> = {}) =>
    tokenOfChecklistLink(
      createChecklistLink({
        baseUrl: 'http://x',
        key: keys,
        workflowId: wf,
        integration: 'googleDelegation',
        recipient: 'admin@school.example',
        ttlSeconds: 3600,
        ...o,
      })
    )!;
  const get = (token: string, s = server) => s.app.inject({ method: 'GET', url: `/c/${token}` });
  const post = (token: string, action: string, form: Record<string, string>, headers = {}, s = server) =>
    s.app.inject({
      method: 'POST',
      url: `/c/${token}/${action}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

  before(async () => {
    world = await orderWorld({ name: 'checklist-sec', autotask: false });
    dir = mkdtempSync(join(tmpdir(), 'onramp-page-sec-'));
    records = new FileChecklistRecords(join(dir, 'checklist'));
    const opts = {
      client: world.env.client,
      keys,
      records,
      config: world.config,
      secrets: { dir: join(dir, 'secrets') },
      rateLimitPerMinute: 20,
    };
    server = createChecklistPageServer(opts);
    proxied = createChecklistPageServer({ ...opts, trustProxy: true });
    world.g.grant([]); // the delegation waits: the page has a "check now" form
    const order = world.order({
      orderId,
      customer: { id: `c-${orderId}`, name: 'Sec School' },
      roles: { name: 'sec' },
    });
    order.integrations.googleDelegation!.polling = {
      initialIntervalSeconds: 3600,
      maxIntervalSeconds: 3600,
      deadlineHours: 4,
    };
    await startOrder(world.env.client, world.config, order);
  });

  after(async () => {
    await server?.close();
    await proxied?.close();
    await world?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a good link shows the page; its forms carry a CSRF token', async () => {
    const html = await eventually(async () => {
      const r = await get(tokenFor());
      return r.statusCode === 200 && r.body.includes('check now') && r.body;
    }, 'the page with its check-now form');
    assert.ok(csrfOf(html));
  });

  it('forged, malformed and unknown-key links: 401; expired, revoked and unknown-order links: 410, the same page', async () => {
    const forged = tokenFor({ key: { id: 'k1', key: randomBytes(32) } });
    const otherRing = tokenFor({ key: { id: 'k9', key: randomBytes(32) } });
    const [h, , s] = tokenFor().split('.');
    const otherClaims = tokenFor({ workflowId: customerOnboardingWorkflowId('someone-else') }).split('.')[1];
    for (const t of [forged, otherRing, `${h}.${otherClaims}.${s}`, 'garbage', 'a.b.c', `${'x'.repeat(9000)}.a.b`]) {
      const r = await get(t);
      // a token longer than any link: 414 (URI too long); every other one is 401
      assert.equal(r.statusCode, t.length > 8192 ? 414 : 401, `${t.slice(0, 30)}: ${r.statusCode}`);
      assert.ok(!r.body.includes(orderId));
    }
    const expired = tokenFor({ now: new Date(Date.now() - 7200_000) });
    const unknownOrder = tokenFor({ workflowId: customerOnboardingWorkflowId('no-such-order') });
    const beforeRevocation = tokenFor();
    await records.revoke({ workflowId: wf, integration: 'googleDelegation', at: new Date(), by: 'test' });
    const bodies = new Set<string>();
    for (const t of [expired, unknownOrder, beforeRevocation]) {
      const r = await get(t);
      assert.equal(r.statusCode, 410);
      bodies.add(r.body);
    }
    assert.equal(bodies.size, 1, 'an unknown order must look like an expired or revoked link');
    // A link issued after the revocation works.
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await get(tokenFor())).statusCode, 200);
  });

  it('forms without this link’s CSRF token, or for another order, or cross-site: 403, and nothing is done', async () => {
    const token = tokenFor();
    const csrf = csrfOf((await get(token)).body)!;
    const other = tokenFor({ workflowId: customerOnboardingWorkflowId('other-order') });
    const otherCsrf = csrfOf((await get(tokenFor({ integration: 'connectwise' }))).body) ?? 'x';
    for (const action of ['check-now', 'credential']) {
      for (const [form, headers] of [
        [{ wf }, {}],
        [{ wf, csrf: '' }, {}],
        [{ wf, csrf: `${csrf.slice(0, -2)}AA` }, {}],
        [{ wf, csrf: otherCsrf }, {}],
        [{ wf: customerOnboardingWorkflowId('other-order'), csrf }, {}],
        [{ wf, csrf }, { 'sec-fetch-site': 'cross-site' }],
      ] as const) {
        const r = await post(token, action, form, headers);
        assert.equal(
          r.statusCode,
          403,
          `${action} ${JSON.stringify(form)} ${JSON.stringify(headers)}: ${r.statusCode}`
        );
      }
      // another order's link with this link's form: its token is valid, the form is not its own
      assert.ok([403, 410].includes((await post(other, action, { wf, csrf })).statusCode));
    }
    const audit = readFileSync(join(dir, 'checklist', 'audit.jsonl'), 'utf8');
    assert.ok(!audit.includes('"action":"check-now"'), 'a refused form must not check');
    // each refused form is an audit row of the link's recipient, saying why (never a value)
    assert.match(
      audit,
      /"actor":"admin@school\.example".*"action":"refused","detail":"check-now: no valid CSRF token"/
    );
    assert.match(audit, /"action":"refused","detail":"credential: a cross-site post"/);
    assert.match(audit, /"action":"refused","detail":"check-now: another workflow"/);
  });

  it('a secret over plain HTTP from outside loopback: 403 before anything is read; from loopback it goes on', async () => {
    const token = tokenFor({ recipient: 'remote@school.example' });
    const csrf = csrfOf((await get(token, proxied)).body)!;
    const form = { wf, csrf, secret: 'abcdefgh12345678' };
    const remote = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http' };
    const r = await post(token, 'credential', form, remote, proxied);
    assert.equal(r.statusCode, 403);
    assert.match(r.body, /HTTPS only/);
    assert.ok(!r.body.includes('abcdefgh12345678'));
    const overTls = await post(token, 'credential', form, { ...remote, 'x-forwarded-proto': 'https' }, proxied);
    // over TLS the form is taken: this integration waits for no credential, which the page says (409)
    assert.equal(overTls.statusCode, 409);
    assert.ok(!overTls.body.includes('abcdefgh12345678'));
  });

  it('more than the per-link rate: 429, for that link only', async () => {
    const token = tokenFor({ recipient: 'busy@school.example' });
    const codes: number[] = [];
    for (let i = 0; i < 22; i++)
      codes.push((await server.app.inject({ method: 'GET', url: `/c/${token}/status` })).statusCode);
    assert.equal(codes.at(-1), 429);
    assert.ok(codes.every((c) => c < 500));
    assert.equal((await get(tokenFor())).statusCode, 200);
  });

  it('onramp checklist link / revoke / audit: a revoked link is 410, a link issued after it works', async () => {
    const cli = cliRunner(() => ({
      ONRAMP_DATA_DIR: dir,
      ONRAMP_CHECKLIST_KEYS: 'k1=env:ONRAMP_TEST_CHECKLIST_KEY',
      ONRAMP_TEST_CHECKLIST_KEY: keyBytes.toString('base64'),
      ONRAMP_CHECKLIST_BASE_URL: 'https://checklist.example.com',
      TEMPORAL_TASK_QUEUE: world.taskQueue,
    }));
    const first = await cli([
      'checklist',
      'link',
      orderId,
      '--integration',
      'googleDelegation',
      '--to',
      'it@school.example',
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^https:\/\/checklist\.example\.com\/c\//);
    const token = tokenOfChecklistLink(first.stdout.trim())!;
    assert.equal((await get(token)).statusCode, 200);
    // a link bound to the order's child (as its e-mails make them) is withdrawn with the order's links
    const childToken = tokenFor({ workflowId: `${wf}:googleDelegation` });
    assert.equal((await get(childToken)).statusCode, 200);
    const revoked = await cli(['checklist', 'revoke', orderId, '--integration', 'googleDelegation']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await get(token)).statusCode, 410);
    assert.equal((await get(childToken)).statusCode, 410);
    const again = await cli(['checklist', 'link', orderId, '--integration', 'googleDelegation']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await get(tokenOfChecklistLink(again.stdout.trim())!)).statusCode, 200);
    const unknown = await cli(['checklist', 'link', 'no-such-order', '--integration', 'googleDelegation']);
    assert.notEqual(unknown.code, 0);
    const audit = await cli(['checklist', 'audit', orderId]);
    assert.match(audit.stdout, /googleDelegation {2}revoked/);
    assert.match(audit.stdout, /link-issued {2}by .* {2}for it@school\.example/);
  });
});
