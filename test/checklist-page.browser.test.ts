/**
 * The customer admin's checklist page in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core; no browser download): a real Temporal server, the order's workflows on a worker, the
 * vendor simulators over HTTP.
 *
 * Google: the link opens the page → the missing delegation scopes are listed → the admin grants them in the
 * simulator's Admin console (/_admin) → "I've done this — check now" → the page shows done (the order polls
 * only hourly, so only check-now gets it there).
 * ConnectWise: a wrong private key is refused on the page with the workflow's reason, the right key is
 * accepted, and the key is absent from the workflows' histories, the page service's log, the page's HTML
 * and the audit afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { request } from 'undici';
import { createActivities } from '../src/activities';
import { FileSentMailStore } from '../src/activities/notify/sent-mail';
import { FileChecklistRecords } from '../src/checklist/checklist-records';
import { createChecklistPageServer, type ChecklistPageServer } from '../src/checklist-page';
import { keyRing } from '../src/codec/key-ring';
import { customerOnboardingWorkflowId } from '../src/domain/customer-onboarding-schema';
import { createLogger } from '../src/logger';
import { startOrder } from '../src/services/orders';
import { eventually } from './helpers/integration';
import { mailCatcher, type MailCatcher } from './helpers/mailpit';
import { orderWorld, type OrderWorld } from './helpers/order-world';

export const CHROMIUM = '/usr/bin/chromium';
const CW_ADMIN = 'cw-admin@msp.example';

describe('checklist page in a browser', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` }, () => {
  let world: OrderWorld;
  let server: ChecklistPageServer;
  let baseUrl: string;
  let browser: Browser;
  let dir: string;
  let mail: MailCatcher;
  const logged: string[] = [];
  const keys = keyRing([{ id: 'test', key: randomBytes(32) }]);
  const orderId = `page-${process.pid}`;

  before(async () => {
    world = await orderWorld({ name: 'checklist-page', autotask: false, worker: false });
    mail = await mailCatcher();
    dir = mkdtempSync(join(tmpdir(), 'onramp-page-'));
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          logged.push(chunk.toString());
          cb();
        },
      }),
    });
    server = createChecklistPageServer({
      client: world.env.client,
      keys,
      records: new FileChecklistRecords(join(dir, 'records')),
      config: world.config,
      secrets: { dir: join(dir, 'secrets') },
      logger,
    });
    baseUrl = await server.listen(0);
    // The world's worker, plus the e-mail channel: waiting steps mail their admin a link to this page.
    const { sendHumanMails } = createActivities({
      google: { tokenUrl: 'http://127.0.0.1:9/token' },
      notify: {},
      mail: {
        smtpUrl: mail.smtpUrl,
        from: 'Onramp <onramp@msp.example>',
        operatorEmail: 'operators@msp.example',
        store: new FileSentMailStore(join(dir, 'sent-mail')),
        checklist: { baseUrl, ttlSeconds: 3600, keys: async () => keys },
      },
    });
    await world.stack.worker({ ...world.activities, sendHumanMails }, { taskQueue: world.taskQueue });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    // Nothing is granted yet in the customer's Google tenant.
    world.g.grant([]);
    const member = await world.cw.newMember();
    const order = world.order({
      orderId,
      customer: { id: `cust-${orderId}`, name: 'Northwind School' },
      roles: { name: `page${process.pid}` },
      connectwise: { member, companies: 'PG' },
    });
    // Onramp checks the grant only hourly here: the page's "check now" is what makes it look again.
    order.integrations.googleDelegation!.polling = {
      initialIntervalSeconds: 3600,
      maxIntervalSeconds: 3600,
      deadlineHours: 4,
    };
    // The ConnectWise admin of the order: the key-waiting step e-mails them the link to their page.
    order.integrations.connectwise!.adminEmail = CW_ADMIN;
    await startOrder(world.env.client, world.config, order);
    memberKey = readFileSync(member.keyRef.slice('file:'.length), 'utf8');
  });
  let memberKey = '';

  after(async () => {
    await browser?.close();
    await mail?.stop();
    await server?.close();
    await world?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Google: the e-mailed link opens the page, missing scopes listed, granted in the console, "check now", done', async () => {
    const page = await browser.newPage();
    // The admin's instruction arrives in the mail catcher with a personal link to the page.
    const instruction = await eventually(
      async () => (await mail.to(world.g.admin)).find((m) => m.Text.includes(`${baseUrl}/c/`)),
      'the admin’s e-mail with the checklist link'
    );
    const url = new RegExp(`${baseUrl.replace(/[.]/g, '\\.')}/c/\\S+`).exec(instruction.Text)![0];
    // The first check of the grant has run when the scopes show as Missing.
    await eventually(async () => {
      await page.goto(url);
      return (await page.locator('table tr', { hasText: 'Missing' }).count()) > 0;
    }, 'the page to list the missing scopes');
    const missing = await page.locator('table tr', { hasText: 'Missing' }).locator('th').allTextContents();
    const scopes = world.order({ orderId, customer: { id: 'x', name: 'x' }, roles: { name: 'x' } }).integrations
      .googleDelegation!.scopes!;
    assert.deepEqual([...missing].sort(), [...scopes].sort());
    // The exact values of the guide, with copy buttons once the script runs.
    assert.equal(await page.locator('code', { hasText: world.g.clientId }).count(), 1);
    await page.locator('button.copy').first().waitFor({ state: 'visible' });
    // docs/checklist-page.png (README's sandbox tour): ONRAMP_CHECKLIST_SCREENSHOT=docs/checklist-page.png
    if (process.env.ONRAMP_CHECKLIST_SCREENSHOT) {
      await page.setViewportSize({ width: 1000, height: 900 });
      await page.screenshot({ path: process.env.ONRAMP_CHECKLIST_SCREENSHOT, fullPage: true });
    }

    // The customer's super admin authorizes the client ID in the Admin console (the simulator's /_admin API).
    const res = await request(`${world.g.url}/_admin/domain-wide-delegation/${encodeURIComponent(world.g.clientId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: world.g.domain, scopes, propagationDelayMs: 0 }),
    });
    assert.equal(res.statusCode, 200, await res.body.text());

    await page.getByRole('button', { name: 'I’ve done this — check now' }).click();
    await page.waitForURL(/m=checking/);
    await page.locator('#status .banner.done').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#status').innerText(), /Done\./);
    await page.close();
  });

  it('ConnectWise: a wrong private key refused with the workflow’s reason, the right one accepted, the key nowhere', async () => {
    const page = await browser.newPage();
    // The e-mail of the key-waiting step; its link is bound to the integration's own workflow (the page follows the order).
    const mailed = await eventually(
      async () => (await mail.to(CW_ADMIN)).find((m) => m.Text.includes(`${baseUrl}/c/`)),
      'the ConnectWise admin’s e-mail with the checklist link'
    );
    const url = new RegExp(`${baseUrl.replace(/[.]/g, '\\.')}/c/\\S+`).exec(mailed.Text)![0];
    await eventually(async () => {
      await page.goto(url);
      return (await page.getByLabel('Private key (shown once in ConnectWise)').count()) > 0;
    }, 'the ConnectWise key form');

    // The format of a private key (16 letters and digits), but not this member's: ConnectWise itself refuses it.
    const wrong = randomBytes(8).toString('hex');
    await page.getByLabel('Private key (shown once in ConnectWise)').fill(wrong);
    await page.getByRole('button', { name: 'Send to Onramp' }).click();
    const refusal = await page.locator('#message').innerText();
    assert.match(refusal, /^Not accepted: ConnectWise rejected the API keys/);
    if (process.env.ONRAMP_CHECKLIST_SCREENSHOT) console.error(`refusal shown: ${refusal}`);
    assert.ok(!refusal.includes(wrong));
    // The form is there again for the retry on the spot, empty.
    assert.equal(await page.getByLabel('Private key (shown once in ConnectWise)').inputValue(), '');

    await page.getByLabel('Private key (shown once in ConnectWise)').fill(memberKey);
    await page.getByRole('button', { name: 'Send to Onramp' }).click();
    await page.waitForURL(/m=accepted/);
    assert.match(await page.locator('#message').innerText(), /Accepted/);
    const html = await page.content();
    await page.close();

    const client = world.env.client;
    const histories = [customerOnboardingWorkflowId(orderId), `${customerOnboardingWorkflowId(orderId)}:connectwise`];
    for (const id of histories) {
      const h = JSON.stringify(await client.workflow.getHandle(id).fetchHistory());
      assert.ok(!h.includes(memberKey.trim()), `the private key is in the history of ${id}`);
      assert.ok(!h.includes(wrong), `the wrong key is in the history of ${id}`);
    }
    for (const [what, text] of [
      ['the page HTML', html],
      ['the page service log', logged.join('')],
      ['the audit', readFileSync(join(dir, 'records', 'audit.jsonl'), 'utf8')],
      ['the e-mails', (await mail.messages()).map((m) => `${m.Subject}\n${m.Text}`).join('\n')],
    ] as const) {
      assert.ok(!text.includes(memberKey.trim()), `the private key is in ${what}`);
      assert.ok(!text.includes(wrong), `the wrong key is in ${what}`);
    }
    const audit = readFileSync(join(dir, 'records', 'audit.jsonl'), 'utf8');
    assert.match(audit, /"actor":"cw-admin@msp\.example".*"action":"credential-refused"/);
    assert.match(audit, /"actor":"cw-admin@msp\.example".*"action":"credential-accepted"/);
    // The refused key's file is gone; only the accepted one is kept for the worker.
    assert.equal(readdirSync(join(dir, 'secrets')).length, 1);
  });
});
