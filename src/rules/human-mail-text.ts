import type { MailKind } from '../contract/mail-messages';

/**
 * The e-mails Onramp sends the humans of a waiting step (issue 22): the instruction once, reminders while
 * it still waits, one result. The body is the guide's own text (src/rules/<integration>-instructions.ts):
 * the same exact values as the Web UI's details and `onramp status`. No secret is ever passed in here.
 */

/**
 * When reminders go out by default, after the step began waiting: the next morning, then once more before
 * most operators' three-day follow-up. An order may set its own (`mail.remindAfter`). A step that is no longer
 * waiting sends none.
 */
export const DEFAULT_REMIND_AFTER: readonly string[] = ['24h', '72h'];

/** A reminder delay as an order writes it: whole seconds, minutes, hours or days (`30s`, `15m`, `24h`, `3d`). */
export const REMIND_AFTER_PATTERN = /^([1-9]\d{0,5})(s|m|h|d)$/;
/** The longest delay an order may set: a month. */
export const REMIND_AFTER_MAX_MS = 30 * 24 * 3600_000;
/** At most this many reminders per step. */
export const REMIND_AFTER_MAX_COUNT = 10;

const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000, d: 24 * 3600_000 } as const;

/** `24h` → 86 400 000; undefined when it is not a delay of REMIND_AFTER_PATTERN. */
export function remindAfterMs(delay: string): number | undefined {
  const m = REMIND_AFTER_PATTERN.exec(delay);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

/**
 * The reminder delays in ms after the step began waiting: the order's (validated at the door) or the default.
 * Anything unparseable is dropped rather than thrown in a workflow (a run started around the door).
 */
export function reminderDelaysMs(remindAfter: readonly string[] = DEFAULT_REMIND_AFTER): number[] {
  return remindAfter.map(remindAfterMs).filter((ms): ms is number => ms !== undefined);
}

/** What an e-mail of one waiting step is about. */
export interface MailTopic {
  customer: string;
  vendor: string;
  /** What the admin does, short: "authorize domain-wide delegation in Google Workspace". */
  action: string;
  /** The admin who must act, when the order names one. */
  adminEmail?: string;
}

export interface MailText {
  subject: string;
  text: string;
}

function subjectOf(topic: MailTopic, prefix: string): string {
  return `${prefix}${topic.customer} × ${topic.vendor}: ${topic.action}`;
}

function opening(topic: MailTopic, role: 'admin' | 'operator'): string {
  return role === 'admin'
    ? `Hello,\n\n${topic.vendor} is being connected to ${topic.customer}. One step needs you as the admin: ${topic.action}.`
    : `Onramp is waiting for ${topic.adminEmail ?? `the admin of ${topic.customer}`} to ${topic.action} (${topic.vendor}).` +
        (topic.adminEmail
          ? ` The admin received these instructions too.`
          : ' No admin address is on the order: forward these instructions.');
}

const CLOSING =
  'Onramp checks by itself and notices when the step is done; there is nothing to reply. Onramp never asks for a password or a key by e-mail.';

/** The instruction, and the reminders (kind `reminder-N`) while the step still waits. */
export function waitingMail(
  topic: MailTopic,
  kind: MailKind,
  role: 'admin' | 'operator',
  instructions: string
): MailText {
  const reminder = kind.startsWith('reminder-');
  return {
    subject: subjectOf(topic, reminder ? 'Reminder: ' : 'Action needed: '),
    text: [
      reminder ? `Reminder: this step is still waiting.\n\n${opening(topic, role)}` : opening(topic, role),
      `What to do:\n${instructions}`,
      CLOSING,
    ].join('\n\n'),
  };
}

/** The one result message at the end: done, or failed with the reason. */
export function resultMail(
  topic: MailTopic,
  outcome: { done: true; summary: string } | { done: false; reason: string }
): MailText {
  return outcome.done
    ? {
        subject: subjectOf(topic, 'Done: '),
        text: `${topic.vendor} is connected to ${topic.customer}.\n\n${outcome.summary}`,
      }
    : {
        subject: subjectOf(topic, 'Failed: '),
        text: `The step to ${topic.action} for ${topic.customer} (${topic.vendor}) did not complete.\n\nReason: ${outcome.reason}\n\nThe operator decides what happens next.`,
      };
}

/** The admin's copy with the link to the checklist page (personal: it is bound to this recipient). */
export function withChecklistLink(text: string, link: string): string {
  return `${text}\n\nYour checklist page (exact values with copy buttons, what Onramp has verified so far, and "I've done this — check now"); this link is personal, do not forward it:\n${link}`;
}
