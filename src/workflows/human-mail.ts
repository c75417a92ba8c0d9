import { condition, ContinueAsNew, isCancellation, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { HumanMailV1, MailKind, MailRecipientV1 } from '../contract/mail-messages';
import { reminderDelaysMs, resultMail, waitingMail, type MailText, type MailTopic } from '../rules/human-mail-text';
import { heartbeating } from './activity-timeouts';
import { activityCause } from './progress';

const MAIL_OPTIONS = heartbeating({
  // Just above the SMTP client's own 10 s timeouts for connection, greeting and each reply.
  startToCloseTimeout: '1 minute',
  // A server away for a while is waited out (about an hour in all); the Message-ID and the record make
  // every retry safe. A permanent refusal (bad recipient) is not retried.
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

const { sendHumanMails } = proxyActivities<OnrampActivities>(MAIL_OPTIONS);

/** One step's humans: the admin (from the order, when it names one) and the operator (worker config). */
export interface HumanStep {
  step: string;
  topic: MailTopic;
  /** The order's name of the integration (`googleDelegation`): the admin's waiting mails link its checklist page. */
  integration: string;
  /** The guide's text with the exact values (src/rules/<integration>-instructions.ts). */
  instructions: string;
  /** When the step began waiting (ms): reminders count from it, also across continue-as-new. */
  since: number;
  /** When reminders go out, in ms after `since` (the order's `mail.remindAfter`); default 24 h and 72 h. */
  remindAfterMs?: readonly number[];
  /**
   * Mail problems (refused recipient, server away past the retries): never fatal; logged, in the workflow's status
   * (`mailWarnings`) and, through `onWarning`, under the Web UI's details.
   */
  warnings: string[];
  /** Called after each new warning (the workflow shows its details again with it). */
  onWarning?: () => void;
}

/** A status query's `mailWarnings`: a copy of the mail problems (`HumanStep.warnings`), or nothing when there are none. */
export function mailWarnings(warnings: readonly string[] | undefined): string[] | undefined {
  return warnings?.length ? [...warnings] : undefined;
}

function recipients(h: HumanStep): MailRecipientV1[] {
  return [
    ...(h.topic.adminEmail ? [{ role: 'admin' as const, address: h.topic.adminEmail }] : []),
    { role: 'operator' },
  ];
}

/** One message of a step to its humans. */
interface Outgoing {
  kind: MailKind;
  compose: (role: 'admin' | 'operator') => MailText;
  to?: MailRecipientV1[];
}

/**
 * Send messages to their humans in one activity (every copy tried; ../activities/notify/email.ts); a copy that
 * is refused or cannot be sent becomes a warning, the onboarding goes on.
 */
async function mailEach(h: HumanStep, ...outgoing: Outgoing[]): Promise<void> {
  const { workflowId } = workflowInfo();
  const mails: HumanMailV1[] = outgoing.flatMap(({ kind, compose, to = recipients(h) }) =>
    to.map((to) => ({
      workflowId,
      step: h.step,
      kind,
      to,
      ...compose(to.role === 'operator' ? 'operator' : 'admin'),
      ...(kind === 'result' ? {} : { checklist: { integration: h.integration } }),
    }))
  );
  const warn = (message: string) => {
    log.warn(message);
    h.warnings.push(message);
    h.onWarning?.();
  };
  const kinds = [...new Set(mails.map((m) => m.kind))].join(' and ');
  const roles = mails.map((m) => m.to.role).join(', ');
  try {
    const results = await sendHumanMails.executeWithOptions(
      { ...MAIL_OPTIONS, summary: `E-mail the ${kinds} of ${h.step} to the ${roles}` },
      [mails]
    );
    results.forEach((r, i) => {
      const m = mails[i]!;
      if (r.status === 'refused') warn(`${m.kind} e-mail to the ${m.to.role} not sent: ${r.reason ?? 'refused'}`);
    });
  } catch (err) {
    warn(`${kinds} e-mail to the ${roles} not sent: ${activityCause(err)?.message ?? (err as Error).message}`);
  }
}

/**
 * The instruction once, then a reminder at each of `h.remindAfterMs` (default 24 h, 72 h) while `waiting()`
 * holds. Runs beside the step's own wait; resolves when the step stops waiting or the last reminder is out.
 */
export async function mailWhileWaiting(h: HumanStep, waiting: () => boolean): Promise<void> {
  try {
    await mailEach(h, {
      kind: 'instruction',
      compose: (role) => waitingMail(h.topic, 'instruction', role, h.instructions),
    });
    for (const [i, afterMs] of (h.remindAfterMs ?? reminderDelaysMs()).entries()) {
      const dueIn = h.since + afterMs - Date.now();
      if (await condition(() => !waiting(), Math.max(dueIn, 1))) return;
      // The reminder's timer and the step's end in the same workflow task: the end wins, nothing is sent.
      if (!waiting()) return;
      const kind: MailKind = `reminder-${i + 1}`;
      await mailEach(h, { kind, compose: (role) => waitingMail(h.topic, kind, role, h.instructions) });
    }
  } catch (err) {
    // The callers run this beside the step's wait, unawaited: a cancelled workflow cancels the reminder's timer
    // too, and that rejection must end the reminders quietly (the step's own wait reports the cancellation),
    // not fail the workflow task as an unhandled rejection.
    if (!isCancellation(err)) throw err;
  }
}

/**
 * The step's one result message, and the vendor's e-mail when there is one (same activity). It does not wait for an
 * instruction still being retried (an SMTP server away must not hold the onboarding's end); reminders stop by
 * themselves once the step no longer waits.
 */
export async function mailResult(
  h: HumanStep,
  outcome: { done: true; summary: string } | { done: false; reason: string },
  vendor?: VendorMail
): Promise<void> {
  await mailEach(
    h,
    { kind: 'result', compose: () => resultMail(h.topic, outcome) },
    ...(vendor
      ? [
          {
            kind: 'result' as const,
            compose: () => vendor.mail,
            to: [{ role: 'vendor' as const, address: vendor.address }],
          },
        ]
      : [])
  );
}

/** The vendor's support, told by e-mail too where the order names its address (seed 000 says e-mail). */
export interface VendorMail {
  address: string;
  mail: MailText;
}

/**
 * Run a workflow's body and send its one result message at the end, done or failed with the reason, to the
 * humans of the step that waited (`humans()`: undefined when no step waited, then nothing is sent).
 */
export async function withResultMail<T>(
  humans: () => HumanStep | undefined,
  body: () => Promise<T>,
  summary: (result: T) => string
): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (err) {
    const h = humans();
    if (h && !isCancellation(err) && !(err instanceof ContinueAsNew))
      await mailResult(h, { done: false, reason: (activityCause(err) ?? (err as Error)).message });
    throw err;
  }
  const h = humans();
  if (h) await mailResult(h, { done: true, summary: summary(result) });
  return result;
}
