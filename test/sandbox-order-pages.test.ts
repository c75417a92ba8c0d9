/**
 * `onramp sandbox order` with the customer admins' side of `npm start` (Mailpit, the e-mail channel, the
 * checklist page): the Google admin follows the link e-mailed to them and presses "check now" on the page; the
 * Autotask and ConnectWise admins follow theirs and paste their once-shown secrets into their pages (a mistyped key first,
 * refused with the workflow's reason). The simulators' /_admin API stays for what happens inside the vendor
 * consoles. Every admin's link arrives by e-mail. The order completes, and the page's audit names each admin
 * and what they did.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDelegationGuide } from '../src/sandbox/guides/delegation-guide';
import { runOrderGuide } from '../src/sandbox/guides/order-guide';
import { sandboxStack, type SandboxStack } from './helpers/sandbox';

describe('sandbox order: the admins act through their checklist pages', () => {
  let sb: SandboxStack;
  before(async () => {
    sb = await sandboxStack('order-pages', { pages: true });
  });
  after(async () => {
    await sb?.teardown();
  });

  it('completes with the admins acting only through their pages and the vendor consoles', async () => {
    const r = await runOrderGuide(sb.ctx);
    assert.equal(r.status.state, 'completed');
    const out = sb.lines.join('\n');
    assert.match(out, /\[customer admin\] E-mail ".*" arrives; open its checklist page/);
    assert.match(out, /\[customer admin\] On the checklist page: "I’ve done this — check now"/);
    assert.match(out, /\[Autotask admin\] E-mail ".*" arrives; open its checklist page/);
    assert.match(out, /\[ConnectWise admin\] E-mail ".*" arrives; open its checklist page/);
    assert.doesNotMatch(out, /onramp checklist link/, 'every admin had their link by e-mail');
    assert.match(out, /\[Autotask admin\] On the checklist page/);
    assert.match(out, /\[ConnectWise admin\] On the checklist page: paste the private key \(with a typo\)/);
    assert.match(out, /the page: Not accepted: ConnectWise rejected the API keys/);
    assert.doesNotMatch(out, /actions\/supply-credential/, 'no credential went through the operator');
    assert.doesNotMatch(out, /already shows Done/, 'the page’s check-now ended the wait');
    const audit = readFileSync(join(sb.dir, 'checklist', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; action: string; integration: string });
    const did = (actor: RegExp, action: string) => audit.some((a) => actor.test(a.actor) && a.action === action);
    assert.ok(did(/^admin@school-/, 'check-now'), 'the Google admin checked now on the page');
    assert.ok(did(/^autotask-admin@/, 'credential-accepted'));
    assert.ok(did(/^connectwise-admin@/, 'credential-refused'));
    assert.ok(did(/^connectwise-admin@/, 'credential-accepted'));
  });

  it('delegation: the admin follows the e-mailed link and presses "check now" on the page', async () => {
    const from = sb.lines.length;
    const r = await runDelegationGuide(sb.ctx);
    assert.equal(r.status.state, 'completed');
    const out = sb.lines.slice(from).join('\n');
    assert.match(out, /\[customer admin\] E-mail ".*" arrives; open its checklist page/);
    assert.match(out, /\[customer admin\] On the checklist page: "I’ve done this — check now"/);
    assert.doesNotMatch(out, /already shows Done/, 'the page’s check-now ended the wait');
  });
});
