/**
 * Every `onramp sandbox <guide>` driver, run as the command runs it, against the simulators on ephemeral
 * ports and the shared test Temporal server (not the fixed sandbox ports): the guides a new user plays stay
 * playable. Also: the simulators' admin API matches its checked-in OpenAPI documents, refuses bad requests,
 * and the Autotask and ConnectWise state survives a restart like Google's.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAdminRolesGuide } from '../src/sandbox/guides/admin-roles-guide';
import { runAutotaskGuide } from '../src/sandbox/guides/autotask-guide';
import { runConnectwiseGuide } from '../src/sandbox/guides/connectwise-guide';
import { runDelegationGuide } from '../src/sandbox/guides/delegation-guide';
import { admin, GuideError, type GuideContext } from '../src/sandbox/guides/guide-steps';
import { runOrderGuide } from '../src/sandbox/guides/order-guide';
import { createAutotaskSimulator, type AutotaskSimulator } from '../src/simulators/autotask/autotask-simulator';
import { createConnectwiseSimulator } from '../src/simulators/connectwise/connectwise-simulator';
import { sandboxStack, type SandboxStack } from './helpers/sandbox';
import { INTEGRATION_VENDOR_NAMES, vendorTrackingIdentifier } from '../src/simulators/autotask/autotask-admin-routes';

const ROOT = resolve(__dirname, '..');

describe('sandbox guides (onramp sandbox ...) against the simulators and a real Temporal server', () => {
  let stack: SandboxStack | undefined;
  let autotask: AutotaskSimulator;
  let ctx: GuideContext;
  let lines: string[];
  const atState = () => join(stack!.dir, 'autotask-state.json');
  const cwState = () => join(stack!.dir, 'connectwise-state.json');

  before(async () => {
    stack = await sandboxStack('sandbox-guides');
    ({ ctx, autotask, lines } = stack);
  });

  after(async () => {
    await stack?.teardown();
  });

  /** The lines a guide printed, from its title on. */
  const printedSince = (n: number) => lines.slice(n).join('\n');

  it('delegation (seed 000): the admin is created, authorizes the 16 scopes, Onramp verifies them and notifies support', async () => {
    const from = lines.length;
    const r = await runDelegationGuide(ctx);
    assert.equal(r.status.state, 'completed');
    assert.equal(r.status.scopes.filter((s) => s.state === 'granted').length, 16);
    assert.ok(r.status.notifiedAt, 'vendor support notified');
    const printed = printedSince(from);
    for (const step of ['\n1. [customer admin]', '\n2-4. [customer admin]', '\n6. [customer admin]', '\n7. [Onramp'])
      assert.ok(printed.includes(step), `prints step ${step.trim()}`);
    assert.match(printed, /Result: delegation verified/);
  });

  it('admin-roles (seed 003): group, members, custom role, assignment per org unit, visible in the admin console', async () => {
    const from = lines.length;
    const r = await runAdminRolesGuide(ctx);
    assert.equal(r.result.members.total, 3);
    assert.equal(r.result.members.failed, 0);
    assert.deepEqual(r.assignments.map((a) => a.orgUnitPath).sort(), ['/Students', '/Teachers']);
    const printed = printedSince(from);
    for (const step of ['\n1. [Onramp]', '\n2. [Onramp]', '\n3. [Onramp]', '\n4-5. [Onramp]'])
      assert.ok(printed.includes(step), `prints step ${step.trim()}`);
  });

  it('autotask (seeds 001 + 004): API user, webhook, signed callout; rotation: new webhook by the new user, old deleted by the old', async () => {
    const from = lines.length;
    const r = await runAutotaskGuide(ctx);
    assert.equal(r.webhooksAfter.length, 1, 'only the new webhook remains');
    const [hook] = r.webhooksAfter;
    assert.equal(hook!.owner, r.newUser, 'the new webhook is owned by the new API user');
    assert.ok(hook!.isActive && hook!.isReady);
    assert.notEqual(hook!.id, r.oldWebhook.id);
    assert.ok(!autotask.db.webhooks.has(r.oldWebhook.id), 'the old webhook was deleted');
    assert.equal(autotask.db.user(r.oldUser)?.active, false, 'the old API user was deactivated afterwards');
    // The first callout came from the old webhook, the last from the new one.
    assert.equal(r.calloutsBy[0], r.oldWebhook.name);
    assert.equal(r.calloutsBy.at(-1), hook!.name);
    assert.match(printedSince(from), /\n001 §1\. \[Autotask admin\][\s\S]*\n001 §2\. [\s\S]*\n004\. \[Onramp\]/);
    // The admin selected the wrong vendor first: refused, naming the vendor to select.
    assert.match(
      r.wrongVendorRefusal,
      /tracking identifier of "Sophos Central - Security".*create a new API user and select "Sophos Central - Security"/
    );
    // That user is right for Office Protect (seed 001): no webhook step, no webhook.
    assert.equal(r.officeProtect.webhooks, 0);
    assert.match(
      printedSince(from),
      /\n001\. \[Onramp\] That API user is bound to "Office Protect - Alert Integration"/
    );
    // The admin selects vendors by name; no admin answer, printed line or workflow input carries a vendor code.
    const codes = INTEGRATION_VENDOR_NAMES.map((n) => vendorTrackingIdentifier(n)!);
    const adminSeen = JSON.stringify([
      await admin(ctx.autotaskUrl, 'GET', '/integration-vendors'),
      await admin(ctx.autotaskUrl, 'GET', '/api-users'),
      await admin(ctx.autotaskUrl, 'GET', '/snapshot'),
    ]);
    for (const code of codes) {
      assert.ok(!adminSeen.includes(code), 'the admin API never shows a listed vendor code');
      assert.ok(!printedSince(from).includes(code), 'the guide never prints a vendor code');
    }
    const input = JSON.stringify(await ctx.client.workflow.getHandle(r.onboardingWorkflowId).fetchHistory());
    for (const code of codes) assert.ok(!input.includes(code), 'no vendor code in the history');
  });

  it('connectwise (seed 002): the private key is missing, then wrong (refused, still waiting), then right; then role and sync', async () => {
    const from = lines.length;
    const r = await runConnectwiseGuide(ctx);
    assert.equal(r.rejections.length, 1, 'the mistyped key is refused once');
    assert.equal(r.status.state, 'completed');
    assert.equal(r.status.permissionSource, 'security-role');
    assert.equal(r.sync?.companies.unchanged, 3, "the MSP's existing companies are matched, not created");
    assert.equal(r.sync?.agreements.created, 3);
    const printed = printedSince(from);
    assert.match(printed, /private key missing/);
    assert.match(printed, /refused, the workflow keeps waiting/);
    for (const step of ['\n9. [ConnectWise admin]', '\n1-3. [ConnectWise admin]', '\n4-8. [ConnectWise admin]'])
      assert.ok(printed.includes(step), `prints step ${step.trim()}`);
    // Seed 002's role cannot read roles: Onramp says which rights it cannot verify, and the read is granted as a step.
    assert.equal(r.unverifiedSeen?.reason, 'role-read-refused');
    assert.equal(r.unverifiedSeen?.rights.length, 8);
    assert.ok(printed.includes('\n9+. [ConnectWise admin]'), 'prints the Security Roles read as its own step');
    assert.match(printed, /System > Security Roles: Inquire Level = All\. Not in seed 002/);
  });

  it('order: one sales order with all four integrations through the intake API completes', async () => {
    const r = await runOrderGuide(ctx);
    assert.equal(r.status.state, 'completed');
    assert.deepEqual(
      r.status.integrations.map((i) => [i.name, i.state]),
      [
        ['googleDelegation', 'completed'],
        ['googleAdminRoles', 'completed'],
        ['autotask', 'completed'],
        ['connectwise', 'completed'],
      ]
    );
  });

  it('a guide fails loudly, naming the admin API answer, when the simulator refuses what the human does', async () => {
    await assert.rejects(
      admin(ctx.autotaskUrl, 'POST', '/api-users', { integrationVendor: 'Nobody - Nothing' }),
      (err: Error) => err instanceof GuideError && /404 .*not in the Integration Vendor list/.test(err.message)
    );
    await assert.rejects(
      admin(ctx.connectwiseUrl, 'POST', '/security-roles', { name: 'x', settings: { 'Finance/Nope': { add: 'All' } } }),
      /400 unknown area\(s\) Finance\/Nope/
    );
    await assert.rejects(
      admin(ctx.googleUrl, 'PUT', '/domain-wide-delegation/1', { scopes: ['x'] }),
      /400 body\.domain/
    );
  });

  it('each simulator serves its admin OpenAPI document, identical to the one checked in under docs/', async () => {
    for (const [vendor, url] of [
      ['google', ctx.googleUrl],
      ['autotask', ctx.autotaskUrl],
      ['connectwise', ctx.connectwiseUrl],
    ] as const) {
      const served = (await (await fetch(`${url}/_admin/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      const file = join(ROOT, 'docs', `simulator-admin-openapi-${vendor}.json`);
      if (process.env.ONRAMP_UPDATE_DOCS === '1') writeFileSync(file, `${JSON.stringify(served, null, 2)}\n`);
      assert.equal(served.openapi, '3.1.0');
      assert.deepEqual(
        served,
        JSON.parse(readFileSync(file, 'utf8')),
        `${file} is stale: run ONRAMP_UPDATE_DOCS=1 npm test -- test/sandbox-guides.test.ts`
      );
      for (const path of Object.keys(served.paths)) assert.match(path, /^\/_admin\//);
    }
  });

  it('Autotask and ConnectWise state survives a restart (same state file), as Google delegation grants do', async () => {
    const users = await admin<{ username: string }[]>(ctx.autotaskUrl, 'GET', '/api-users');
    const hooks = await admin<{ id: number }[]>(ctx.autotaskUrl, 'GET', '/webhooks');
    const members = await admin<{ identifier: string; publicKeys: unknown[] }[]>(
      ctx.connectwiseUrl,
      'GET',
      '/api-members'
    );
    assert.ok(users.length >= 2 && hooks.length >= 1 && members.length >= 1, 'the guides left state behind');

    const at2 = createAutotaskSimulator({ stateFile: atState() });
    const cw2 = createConnectwiseSimulator({ stateFile: cwState() });
    try {
      const at2Url = await at2.listen();
      const cw2Url = await cw2.listen();
      assert.deepEqual(await admin(at2Url, 'GET', '/api-users'), await admin(ctx.autotaskUrl, 'GET', '/api-users'));
      assert.deepEqual(
        (await admin<{ id: number }[]>(at2Url, 'GET', '/webhooks')).map((h) => h.id),
        hooks.map((h) => h.id)
      );
      assert.deepEqual(await admin(cw2Url, 'GET', '/api-members'), members);
      assert.deepEqual(
        await admin(cw2Url, 'GET', '/security-roles'),
        await admin(ctx.connectwiseUrl, 'GET', '/security-roles')
      );
      // Everything the consoles show, agreement additions included (the ConnectWise state file once dropped them).
      const additions = await admin<{ agreements: Record<string, { additions: object }> }>(
        ctx.connectwiseUrl,
        'GET',
        '/snapshot'
      );
      assert.ok(
        Object.values(additions.agreements).some((a) => Object.keys(a.additions).length),
        'the order left agreement additions'
      );
      assert.deepEqual(await admin(cw2Url, 'GET', '/snapshot'), additions);
      assert.deepEqual(await admin(at2Url, 'GET', '/snapshot'), await admin(ctx.autotaskUrl, 'GET', '/snapshot'));
      // A restored API user still authenticates with its secret (the vendor kept it).
      const user = at2.db.user(users[0]!.username)!;
      const res = await fetch(`${at2Url}/ATServicesRest/V1.0/ThresholdInformation`, {
        headers: { username: user.username, secret: user.secret, apiintegrationcode: user.integrationCode },
      });
      assert.equal(res.status, user.active && !user.locked ? 200 : 401);
    } finally {
      await Promise.all([at2.close(), cw2.close()]);
    }
  });
});
