/**
 * The e-mails' texts (src/rules/human-mail-text.ts) and the status warnings every view shows
 * (src/rules/status-warnings.ts), pinned literally from the code's documented shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { remindAfterMs, resultMail, waitingMail, withChecklistLink } from '../../src/rules/human-mail-text';
import { statusWarnings, unverifiedRowWarnings, warningLines, warningsMarkdown } from '../../src/rules/status-warnings';

const topic = { customer: 'Contoso', vendor: 'Sophos', action: 'create the API user' };
const CLOSING =
  'Onramp checks by itself and notices when the step is done; there is nothing to reply. Onramp never asks for a password or a key by e-mail.';

describe('mail texts', () => {
  it("the admin's instruction and reminder", () => {
    assert.deepEqual(waitingMail(topic, 'instruction', 'admin', '1. Do it'), {
      subject: 'Action needed: Contoso × Sophos: create the API user',
      text: `Hello,\n\nSophos is being connected to Contoso. One step needs you as the admin: create the API user.\n\nWhat to do:\n1. Do it\n\n${CLOSING}`,
    });
    assert.deepEqual(waitingMail(topic, 'reminder-1', 'admin', '1. Do it'), {
      subject: 'Reminder: Contoso × Sophos: create the API user',
      text: `Reminder: this step is still waiting.\n\nHello,\n\nSophos is being connected to Contoso. One step needs you as the admin: create the API user.\n\nWhat to do:\n1. Do it\n\n${CLOSING}`,
    });
  });

  it("the operator's copy, with and without the admin's address", () => {
    assert.equal(
      waitingMail({ ...topic, adminEmail: 'it@contoso.example' }, 'instruction', 'operator', 'x').text.split('\n\n')[0],
      'Onramp is waiting for it@contoso.example to create the API user (Sophos). The admin received these instructions too.'
    );
    assert.equal(
      waitingMail(topic, 'instruction', 'operator', 'x').text.split('\n\n')[0],
      'Onramp is waiting for the admin of Contoso to create the API user (Sophos). No admin address is on the order: forward these instructions.'
    );
  });

  it('the result, done or failed, and the checklist link', () => {
    assert.deepEqual(resultMail(topic, { done: true, summary: 'All set.' }), {
      subject: 'Done: Contoso × Sophos: create the API user',
      text: 'Sophos is connected to Contoso.\n\nAll set.',
    });
    assert.deepEqual(resultMail(topic, { done: false, reason: 'HTTP 401' }), {
      subject: 'Failed: Contoso × Sophos: create the API user',
      text: 'The step to create the API user for Contoso (Sophos) did not complete.\n\nReason: HTTP 401\n\nThe operator decides what happens next.',
    });
    assert.equal(
      withChecklistLink('Body', 'https://x/c'),
      'Body\n\nYour checklist page (exact values with copy buttons, what Onramp has verified so far, and "I\'ve done this — check now"); this link is personal, do not forward it:\nhttps://x/c'
    );
    assert.equal(remindAfterMs('90m'), 5_400_000);
    assert.equal(remindAfterMs('2d'), 172_800_000);
    assert.equal(remindAfterMs('0h'), undefined);
  });
});

describe('status warnings', () => {
  const row = (ok: boolean | 'unverified', area: string) => ({
    module: 'Finance',
    area,
    action: 'add' as const,
    required: 'All' as const,
    found: 'unknown' as const,
    ok,
    menuPath: `System > Security Roles > R > Finance > ${area}`,
  });

  it('lists Restricted rights, unverified rows and unsent e-mails, nothing for anything else', () => {
    assert.deepEqual(
      statusWarnings({
        warnings: ['Tickets: edit', 3],
        permissions: [row(true, 'A'), row('unverified', 'Agreements'), row(false, 'B')],
        mailWarnings: ['instruction e-mail to the admin not sent: refused', 7],
      }),
      [
        'Restricted: Tickets: edit',
        'Finance > Agreements: add is unverified (needs All; Onramp does not write to prove it): check it in System > Security Roles > R > Finance > Agreements',
        'instruction e-mail to the admin not sent: refused',
      ]
    );
    assert.deepEqual(statusWarnings(null), []);
    assert.deepEqual(statusWarnings('x'), []);
    assert.deepEqual(statusWarnings({ warnings: 'x', permissions: 'y', mailWarnings: 'z' }), []);
    assert.deepEqual(unverifiedRowWarnings(undefined), []);
  });

  it('prints them as markdown under the details and as status lines', () => {
    assert.equal(warningsMarkdown([]), '');
    assert.equal(warningsMarkdown(['a', 'b']), '\n\n**Warnings:**\n- a\n- b');
    assert.deepEqual(warningLines(['a', 'b']), ['  WARNING a', '  WARNING b']);
    assert.deepEqual(warningLines(['a'], '>'), ['>WARNING a']);
  });
});
