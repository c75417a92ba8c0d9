import { createHash } from 'node:crypto';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createTransport } from 'nodemailer';
import { FailureType } from '../../contract/failure-types';
import type { HumanMailV1, MailSendResult } from '../../contract/mail-messages';
import { processEnv } from '../../config';
import { registeredSecrets } from '../../secrets/scrub';
import { isSecretRef, resolveSecretRef } from '../../secrets/secret-ref';
import { permanent, retryable } from '../failures';
import { classifySmtpError } from './smtp-errors';
import type { SentMailStore } from './sent-mail';
import { createChecklistLink, type ChecklistKeys } from '../../checklist';
import { withChecklistLink } from '../../rules/human-mail-text';

export interface MailSettings {
  /** `smtp(s)://…` or a secret reference to it; unset: the e-mail channel is off. */
  smtpUrl?: string;
  from: string;
  replyTo?: string;
  /** Where `{ role: 'operator' }` messages go; unset: they are skipped. */
  operatorEmail?: string;
  /** The record of accepted messages (./sent-mail.ts); required with `smtpUrl`. */
  store?: SentMailStore;
  /** The customer admin's checklist page: its links go into the admin's copy of a message that asks for one. */
  checklist?: { baseUrl: string; ttlSeconds: number; keys: () => Promise<ChecklistKeys> };
  /** SMTP connection, greeting and socket timeouts (default 10 s each). */
  timeoutMs?: number;
}

/**
 * Test-only fault hooks (never set in production; test/email-crash.test.ts sets them on a worker process it
 * then replaces): `ONRAMP_TEST_KILL_AFTER_SMTP_ACCEPT=1` SIGKILLs the worker right after the SMTP server
 * accepted a message and before it is recorded (inside the duplicate window); `ONRAMP_TEST_KILL_AFTER_MAIL_RECORD=1`
 * right after the record is written.
 */
function testKillHook(name: 'ONRAMP_TEST_KILL_AFTER_SMTP_ACCEPT' | 'ONRAMP_TEST_KILL_AFTER_MAIL_RECORD'): void {
  if (processEnv()[name] === '1') process.kill(process.pid, 'SIGKILL');
}

/** The domain a Message-ID names: the sender's, so receiving servers see a plausible ID. */
function senderDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'onramp.invalid';
}

/**
 * The Message-ID of one message: the same on every attempt and after every crash, because it is derived from
 * the workflow ID (the business key), the step, the kind (instruction, reminder N, result) and the recipient.
 */
export function mailMessageId(
  mail: Pick<HumanMailV1, 'workflowId' | 'step' | 'kind'>,
  to: string,
  from: string
): string {
  const h = createHash('sha256').update([mail.workflowId, mail.step, mail.kind, to.toLowerCase()].join('\n'));
  return `<${h.digest('hex').slice(0, 40)}.${mail.kind}@${senderDomain(from)}>`;
}

/** A message must never carry a value the worker resolved from a secret reference. */
function assertNoSecret(mail: HumanMailV1): void {
  const text = `${mail.subject}\n${mail.text}`;
  for (const s of registeredSecrets()) {
    if (s.length >= 8 && text.includes(s))
      throw permanent(
        `the ${mail.kind} e-mail for ${mail.workflowId} would carry a secret; not sent`,
        FailureType.MailRejected
      );
  }
}

/**
 * The text with the admin's checklist link when the message asks for one and the page is configured. The link
 * id derives from the Message-ID, so every attempt of one message carries a link of the same id.
 */
async function textWithLink(settings: MailSettings, mail: HumanMailV1, to: string, messageId: string): Promise<string> {
  const page = settings.checklist;
  if (!page || !mail.checklist || mail.to.role !== 'admin') return mail.text;
  const link = createChecklistLink({
    baseUrl: page.baseUrl,
    key: await page.keys(),
    workflowId: mail.workflowId,
    integration: mail.checklist.integration,
    recipient: to,
    ttlSeconds: page.ttlSeconds,
    linkId: createHash('sha256').update(messageId).digest('base64url').slice(0, 22),
  });
  return withChecklistLink(mail.text, link);
}

export function createEmailActivities(settings: MailSettings) {
  const recipientOf = (mail: HumanMailV1): string | undefined =>
    mail.to.role === 'operator' ? settings.operatorEmail : mail.to.address;

  const send = async (smtp: string, mail: HumanMailV1, to: string, messageId: string): Promise<string> => {
    const text = await textWithLink(settings, mail, to, messageId);
    // A reference is resolved (and registered with the log scrubber) only now: credentials never sit in config.
    const url = isSecretRef(smtp) ? await resolveSecretRef(smtp) : smtp;
    const timeout = settings.timeoutMs ?? 10_000;
    const transport = createTransport({
      url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    try {
      const info = await transport.sendMail({
        from: settings.from,
        to,
        ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
        subject: mail.subject,
        text,
        messageId,
        headers: { 'X-Onramp-Workflow-Id': mail.workflowId, 'X-Onramp-Mail-Kind': mail.kind },
      });
      return String(info.response);
    } catch (err) {
      throw classifySmtpError(err, to);
    } finally {
      transport.close();
    }
  };

  /**
   * Send one message to a human, at most once per Message-ID as far as the record knows: a message the record
   * shows accepted is not sent again; after the server accepts, the record is written before returning.
   */
  const sendHumanMail = async (mail: HumanMailV1): Promise<MailSendResult> => {
    const { store } = settings;
    if (!settings.smtpUrl || !store) return { status: 'not-configured' };
    const to = recipientOf(mail);
    if (!to) return { status: 'no-recipient' };
    const messageId = mailMessageId(mail, to, settings.from);
    if (await store.get(messageId)) return { status: 'already-accepted', messageId, to };
    assertNoSecret(mail);
    const response = await send(settings.smtpUrl, mail, to, messageId);
    testKillHook('ONRAMP_TEST_KILL_AFTER_SMTP_ACCEPT');
    await store.record({
      messageId,
      workflowId: mail.workflowId,
      kind: `${mail.step}/${mail.kind}/${mail.to.role}`,
      recipient: to,
      acceptedAt: new Date().toISOString(),
      smtpResponse: response,
    });
    testKillHook('ONRAMP_TEST_KILL_AFTER_MAIL_RECORD');
    log.info('e-mail accepted by the SMTP server', { messageId, kind: mail.kind, step: mail.step });
    return { status: 'accepted', messageId, to };
  };

  return {
    /**
     * One message of a step to each of its humans, in one activity (a workflow's instruction goes to the admin and
     * the operator at once: one activity task and one workflow task instead of two of each). Every copy is tried;
     * a copy the server refuses for good comes back `refused` with the fix, so the other copies still go. A copy
     * that failed for a while fails the attempt after the others were tried; the retry sends only what the record
     * does not show accepted.
     */
    async sendHumanMails(mails: HumanMailV1[]): Promise<MailSendResult[]> {
      const outcomes = await Promise.allSettled(mails.map((m) => sendHumanMail(m)));
      const transient = outcomes.flatMap((o, i) =>
        o.status === 'rejected' && !(o.reason instanceof ApplicationFailure && o.reason.nonRetryable)
          ? [`the ${mails[i]!.to.role}'s copy: ${(o.reason as Error).message}`]
          : []
      );
      if (transient.length) throw retryable(transient.join('; '), FailureType.MailUnavailable);
      const results = outcomes.map((o): MailSendResult =>
        o.status === 'fulfilled' ? o.value : { status: 'refused', reason: (o.reason as Error).message }
      );
      return results;
    },
  };
}
