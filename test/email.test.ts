import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { formatDelegationStatus } from '../src/cli/format';
import { createActivities, type OnrampActivities } from '../src/activities';
import { FileSentMailStore } from '../src/activities/notify/sent-mail';
import { createEmailActivities, mailMessageId } from '../src/activities/notify/email';
import { autotaskOnboardingStatusQuery } from '../src/contract/autotask-onboarding-messages';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../src/domain/autotask-schema';
import { autotaskOnboarding } from '../src/workflows';
import { autotaskFixture } from './helpers/autotask';
import { tokenOfChecklistLink, verifyChecklistToken } from '../src/checklist';
import { keyRing } from '../src/codec/key-ring';
import { startGoogleDelegation } from '../src/client';
import { FailureType } from '../src/contract/failure-types';
import { delegationStatusQuery } from '../src/contract/google-delegation-messages';
import type { HumanMailV1, MailSendResult } from '../src/contract/mail-messages';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { freePort } from './helpers/faults';
import { checkNowSignal } from '../src/contract/google-delegation-messages';
import { InputError } from '../src/domain/field-validators';
import { parseDelegationInput } from '../src/domain/google-delegation-schema';
import { eventually, integration, type Integration } from './helpers/integration';
import { mailCatcher, type MailCatcher } from './helpers/mailpit';

const OPERATOR = 'operators@msp.example';

/** The e-mail channel end to end: the delegation workflow on a real Temporal server sends through a real Mailpit. */
describe('e-mail to the humans of a waiting step (Mailpit over SMTP, real Temporal)', () => {
  let stack: Integration;
  let g: GoogleFixture;
  let mail: MailCatcher;
  let dir: string;
  let activities: OnrampActivities;
  const mailSettings = (smtpUrl: string) => ({
    smtpUrl,
    from: 'Onramp <onramp@msp.example>',
    replyTo: OPERATOR,
    operatorEmail: OPERATOR,
    store: new FileSentMailStore(join(dir, 'sent-mail')),
    checklist: { baseUrl: 'https://checklist.msp.example', ttlSeconds: 3600, keys: async () => linkKeys },
  });
  const linkKeys = keyRing([{ id: 'test-link-key', key: randomBytes(32) }]);

  before(async () => {
    stack = await integration();
    g = await googleFixture();
    mail = await mailCatcher();
    dir = mkdtempSync(join(tmpdir(), 'onramp-mail-'));
    activities = createActivities({
      google: { tokenUrl: `${g.googleUrl}/token` },
      notify: { webhookUrl: g.notifyUrl },
      mail: mailSettings(mail.smtpUrl),
    });
  });
  after(async () => {
    await stack.teardown();
    await g.close();
    await mail.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the instruction once with the guide’s exact values and no secret, then one result', async () => {
    const { taskQueue } = await stack.worker(activities, 'mail');
    const domain = `mail-${g.domain}`;
    const admin = `admin@${domain}`;
    g.sim.state.addUser(admin);
    g.grant([], 0);
    const request = g.request({ customer: { domain, name: 'Acme Dental' }, adminEmail: admin });
    const handle = await startGoogleDelegation(
      stack.env.client,
      { temporal: { address: '', namespace: 'default', taskQueue } },
      request
    );
    // Several check rounds while the admin has not granted: the instruction still goes out once.
    await eventually(async () => (await handle.query(delegationStatusQuery)).checks >= 4, 'four check rounds');
    const status = await handle.query(delegationStatusQuery);
    const [instruction, ...more] = await mail.to(admin);
    assert.ok(instruction, 'the admin got the instruction');
    assert.equal(more.length, 0, 'one message to the admin while waiting');
    assert.match(instruction.Subject, /Acme Dental × Atera/);
    assert.ok(instruction.Text.includes(`Client ID: ${status.instructions.clientId}`));
    assert.ok(instruction.Text.includes(status.instructions.scopesCsv), 'the comma-separated scopes');
    assert.ok(instruction.Text.includes(status.instructions.consolePath), 'the console path');
    // The admin's copy links the checklist page of this order's integration, bound to the admin.
    const link = /https:\/\/checklist\.msp\.example\/c\/\S+/.exec(instruction.Text)?.[0];
    assert.ok(link, 'the checklist link is in the admin’s e-mail');
    const verified = verifyChecklistToken(tokenOfChecklistLink(link) ?? '', linkKeys);
    assert.ok(verified.ok);
    assert.deepEqual(
      [verified.claims.wf, verified.claims.int, verified.claims.sub],
      [handle.workflowId, 'googleDelegation', admin]
    );
    const [copy, ...moreCopies] = await mail.to(OPERATOR);
    assert.ok(copy && moreCopies.length === 0, 'the operator got one copy');
    assert.ok(!copy.Text.includes('/c/'), 'the personal link is not in the operator’s copy');

    g.grant(undefined, 0);
    await handle.result();
    await eventually(async () => (await mail.to(admin)).length === 2, 'the result message');
    const toAdmin = await mail.to(admin);
    assert.match(toAdmin[1]!.Subject, /^Done: Acme Dental × Atera/);
    assert.equal(toAdmin.filter((m) => /^Action needed/.test(m.Subject)).length, 1, 'one instruction in all');
    // Seed 000 step 7 by e-mail too: the vendor's support learns the admin email.
    await eventually(async () => (await mail.to('support@atera.example')).length === 1, 'the vendor e-mail');
    assert.ok((await mail.to('support@atera.example'))[0]!.Text.includes(`Admin email: ${admin}`));
    const all = (await mail.messages()).map((m) => `${m.Subject}\n${m.Text}`).join('\n');
    assert.ok(!all.includes(g.key.private_key), 'the service-account key is in no e-mail');
    assert.ok(!/PRIVATE KEY/.test(all), 'no key material in any e-mail');
    assert.ok(!all.includes(g.keyPath), 'not even the key reference');
  });

  it('an admin address the SMTP server refuses: the operator still gets the copy, and the refusal shows in the status and the Web UI', async () => {
    const strict = await mailCatcher(['--smtp-allowed-recipients', '@msp\\.example$']);
    try {
      const refusing = createActivities({
        google: { tokenUrl: `${g.googleUrl}/token` },
        notify: { webhookUrl: g.notifyUrl },
        mail: mailSettings(strict.smtpUrl),
      });
      const { taskQueue } = await stack.worker(refusing, 'mail-refused');
      const domain = `refused-${g.domain}`;
      const admin = `admin@${domain}`;
      g.sim.state.addUser(admin);
      g.grant([], 0);
      const handle = await startGoogleDelegation(
        stack.env.client,
        { temporal: { address: '', namespace: 'default', taskQueue } },
        g.request({ customer: { domain, name: 'Acme Dental' }, adminEmail: admin })
      );
      const warning = new RegExp(
        `instruction e-mail to the admin not sent: SMTP server refused the recipient ${admin}`
      );
      await eventually(
        async () => (await handle.query(delegationStatusQuery)).mailWarnings?.some((w) => warning.test(w)) === true,
        'the refusal in the status'
      );
      assert.equal((await strict.to(OPERATOR)).length, 1, 'the operator’s copy went out');
      assert.equal((await strict.to(admin)).length, 0);
      const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      assert.match(String(currentDetails), /\*\*Warnings:\*\*/);
      assert.match(String(currentDetails), warning, 'under the Web UI’s details');
      const plain = formatDelegationStatus(await handle.query(delegationStatusQuery));
      assert.match(plain, /^ {2}WARNING instruction e-mail to the admin not sent: /m, 'in the plain `onramp status`');
      await handle.terminate('test done');
    } finally {
      await strict.stop();
    }
  });

  it('Autotask: the admin named on the order gets the checklist with the security level’s rights, and the result', async () => {
    const at = await autotaskFixture();
    try {
      const { taskQueue } = await stack.worker(
        { ...at.activities, ...createEmailActivities(mailSettings(mail.smtpUrl)) },
        'mail-autotask'
      );
      const admin = `psa-admin-${process.pid}@msp-customer.example`;
      const req = at.onboarding(`mail-${process.pid}`, 'office-protect', { adminEmail: admin });
      const handle = await stack.env.client.workflow.start(autotaskOnboarding, {
        workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
        taskQueue,
        args: [req],
      });
      await eventually(async () => (await mail.to(admin)).length === 1, 'the Autotask instruction');
      const [instruction] = await mail.to(admin);
      const { checklist } = await handle.query(autotaskOnboardingStatusQuery);
      for (const step of checklist) assert.ok(instruction!.Text.includes(step), `the e-mail has: ${step}`);
      assert.ok(
        instruction!.Subject.startsWith(
          `Action needed: ${req.customer.name ?? req.customer.id} × ${req.vendor.name}: create the Autotask security level`
        ),
        instruction!.Subject
      );
      const link = /https:\/\/checklist\.msp\.example\/c\/\S+/.exec(instruction!.Text)?.[0];
      const claims = verifyChecklistToken(tokenOfChecklistLink(link ?? '') ?? '', linkKeys);
      assert.ok(claims.ok && claims.claims.int === 'autotask' && claims.claims.sub === admin);
      await handle.terminate('test done');
    } finally {
      await at.close();
    }
  });

  const FROM = 'Onramp <onramp@msp.example>';
  /** A delegation order with short reminders (the order's `mail.remindAfter`), started through the door. */
  const startWithReminders = async (taskQueue: string, remindAfter: string[], name: string) => {
    const domain = `${name}-${g.domain}`;
    const admin = `admin@${domain}`;
    g.sim.state.addUser(admin);
    g.grant([], 0);
    const request = g.request({ customer: { domain, name: 'Acme Dental' }, adminEmail: admin, mail: { remindAfter } });
    const handle = await startGoogleDelegation(
      stack.env.client,
      { temporal: { address: '', namespace: 'default', taskQueue } },
      request
    );
    return { handle, admin };
  };

  it('reminders (the order’s mail.remindAfter) arrive while the step waits, each with its own stable Message-ID and the same values', async () => {
    const { taskQueue } = await stack.worker(activities, 'mail-remind');
    const { handle, admin } = await startWithReminders(taskQueue, ['2s', '4s'], 'remind');
    await eventually(async () => (await mail.to(admin)).length === 3, 'the instruction and two reminders');
    const status = await handle.query(delegationStatusQuery);
    assert.equal(status.step, 'awaiting-grant', 'still waiting: the reminders are due');
    const [instruction, ...reminders] = await mail.to(admin);
    assert.match(instruction!.Subject, /^Action needed: Acme Dental × Atera/);
    reminders.forEach((r, i) => {
      assert.match(r.Subject, /^Reminder: Acme Dental × Atera/);
      assert.ok(r.Text.includes('still waiting'));
      const expected = mailMessageId(
        { workflowId: handle.workflowId, step: 'awaiting-grant', kind: `reminder-${i + 1}` },
        admin,
        FROM
      );
      assert.equal(`<${r.MessageID}>`, expected, `reminder ${i + 1} carries its own derived Message-ID`);
      // The same exact values as the instruction and the status.
      assert.ok(r.Text.includes(`Client ID: ${status.instructions.clientId}`));
      assert.ok(r.Text.includes(status.instructions.scopesCsv));
      assert.ok(r.Text.includes(status.instructions.consolePath));
      assert.ok(/https:\/\/checklist\.msp\.example\/c\/\S+/.test(r.Text), 'the admin’s reminder links the page');
    });
    assert.notEqual(reminders[0]!.MessageID, reminders[1]!.MessageID);
    assert.notEqual(reminders[0]!.MessageID, instruction!.MessageID);
    const toOperator = (await mail.to(OPERATOR)).filter((m) => m.Text.includes(status.instructions.clientId));
    assert.ok(
      toOperator.some((m) => /^Reminder: Acme Dental/.test(m.Subject)),
      'the operator is reminded too'
    );
    g.grant(undefined, 0);
    await handle.signal(checkNowSignal);
    await handle.result();
    await eventually(async () => (await mail.to(admin)).some((m) => /^Done: /.test(m.Subject)), 'the result');
  });

  it('no reminder once the step is done, even while the workflow goes on past the reminder’s due time', async () => {
    // The vendor's webhook is unreachable (retried): the workflow stays in notifying-vendor after the grant.
    const deadWebhook = `http://127.0.0.1:${await freePort()}/notify`;
    const { taskQueue } = await stack.worker(
      createActivities({
        google: { tokenUrl: `${g.googleUrl}/token` },
        notify: { webhookUrl: deadWebhook },
        mail: mailSettings(mail.smtpUrl),
      }),
      'mail-remind-done'
    );
    const { handle, admin } = await startWithReminders(taskQueue, ['2s', '6s'], 'remind-done');
    await eventually(async () => (await mail.to(admin)).length === 2, 'the instruction and reminder 1');
    g.grant(undefined, 0);
    await handle.signal(checkNowSignal);
    const status = await eventually(async () => {
      const s = await handle.query(delegationStatusQuery);
      return s.step === 'notifying-vendor' && s;
    }, 'the grant step done, the vendor not yet told');
    // Reminder 2 is due 6 s after the step began waiting, by the workflow's own clock (its deadline is 1 h after).
    const dueAt = Date.parse(status.deadlineAt) - 3600_000 + 6000;
    // Held, not timed: the server's clock (an attempt of the still-running workflow) has passed the due time,
    // and no e-mail activity is in flight.
    await eventually(
      async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        const attempted = pending.map((a) => Number(a.lastAttemptCompleteTime?.seconds ?? 0) * 1000);
        return (
          pending.length === 1 && pending[0]!.activityType?.name === 'notifyVendor' && Math.max(...attempted) > dueAt
        );
      },
      'a vendor call attempted after reminder 2 was due, nothing else pending',
      120_000
    );
    const toAdmin = await mail.to(admin);
    assert.deepEqual(
      toAdmin.map((m) => m.Subject.split(':')[0]),
      ['Action needed', 'Reminder'],
      'one reminder only: none after the step was done'
    );
    const second = mailMessageId(
      { workflowId: handle.workflowId, step: 'awaiting-grant', kind: 'reminder-2' },
      admin,
      FROM
    );
    assert.ok(!(await mail.messages()).some((m) => `<${m.MessageID}>` === second), 'no reminder 2 to anyone');
    await handle.terminate('test done');
  });

  it('the door refuses a reminder schedule it cannot follow, naming mail.remindAfter and the fix', () => {
    const refused = (remindAfter: string[]) => {
      try {
        parseDelegationInput(g.request({ mail: { remindAfter } }));
      } catch (e) {
        assert.ok(e instanceof InputError);
        return e.problems.join('\n');
      }
      return assert.fail(`accepted ${JSON.stringify(remindAfter)}`);
    };
    assert.match(refused(['1 day']), /mail\.remindAfter\.0.*"24h"/);
    assert.match(refused(['24h', '2h']), /mail\.remindAfter\.1.*after 24h/);
    assert.match(refused(['31d']), /mail\.remindAfter\.0.*30 days/);
    assert.deepEqual(parseDelegationInput(g.request({ mail: { remindAfter: ['30s', '72h'] } })).mail, {
      remindAfter: ['30s', '72h'],
    });
    assert.equal(parseDelegationInput(g.request()).mail, undefined, 'absent: the default 24h, 72h');
  });

  const message = (over: Partial<HumanMailV1> = {}): HumanMailV1 => ({
    workflowId: `wf-${Math.random().toString(36).slice(2)}`,
    step: 'awaiting-grant',
    kind: 'instruction',
    to: { role: 'admin', address: 'admin@customer.example' },
    subject: 'Action needed: Acme × Atera: test',
    text: 'Client ID: 123',
    ...over,
  });

  type SendAll = OnrampActivities['sendHumanMails'];
  const sendAll = (acts: Pick<OnrampActivities, 'sendHumanMails'>, mails: HumanMailV1[]) =>
    new MockActivityEnvironment().run<[HumanMailV1[]], MailSendResult[], SendAll>(acts.sendHumanMails, mails);

  it('the same message twice: sent once, the second answered from the record', async () => {
    const m = message();
    const send = async (x: HumanMailV1): Promise<MailSendResult> => (await sendAll(activities, [x]))[0]!;
    const first = await send(m);
    const second = await send(m);
    assert.equal(first.status, 'accepted');
    assert.deepEqual(second, { ...first, status: 'already-accepted' });
    const caught = (await mail.messages()).filter((c) => `<${c.MessageID}>` === first.messageId);
    assert.equal(caught.length, 1);
  });

  it('a recipient the server refuses (5xx) is reported with its address and the other copies still go; a server away is retried', async () => {
    const strict = await mailCatcher(['--smtp-allowed-recipients', '@allowed\\.example$']);
    try {
      const refusing = createActivities({
        google: { tokenUrl: `${g.googleUrl}/token` },
        notify: {},
        mail: mailSettings(strict.smtpUrl),
      });
      const m = message();
      const vendorCopy = { ...m, to: { role: 'vendor' as const, address: 'support@allowed.example' } };
      const [admin, vendor] = await sendAll(refusing, [m, vendorCopy]);
      assert.equal(admin!.status, 'refused');
      assert.match(admin!.reason ?? '', /refused the recipient admin@customer\.example/);
      assert.equal(vendor!.status, 'accepted', 'the refused copy does not hold back the other');
      assert.deepEqual(
        (await strict.messages()).map((c) => c.To.map((t) => t.Address)),
        [['support@allowed.example']]
      );
    } finally {
      await strict.stop();
    }
    const away = createActivities({ google: { tokenUrl: '' }, notify: {}, mail: mailSettings(strict.smtpUrl) });
    const err = await sendAll(away, [message()]).then(
      () => assert.fail('sent through a stopped server'),
      (e: unknown) => e as ApplicationFailure
    );
    assert.equal(err.type, FailureType.MailUnavailable);
    assert.equal(err.nonRetryable, false);
    assert.match(err.message, /the admin's copy: SMTP server unavailable/);
  });
});
