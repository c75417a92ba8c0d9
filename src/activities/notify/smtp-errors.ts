import type { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contract/failure-types';
import { permanent, retryable } from '../failures';

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/**
 * What an SMTP failure means for the retry policy (RFC 5321: 4yz transient, 5yz permanent; 503 "bad sequence"
 * is a session problem, so retried like nodemailer's own isPermanentResponseCode does):
 * - no reply code (refused, reset, timeout, DNS) or 4yz → retryable;
 * - 5yz on login → permanent: the credentials in ONRAMP_SMTP_URL;
 * - 5yz on the recipient or the message → permanent, naming the address to fix.
 */
export function classifySmtpError(err: unknown, to: string): ApplicationFailure {
  const e = (err ?? {}) as SmtpError;
  const code = e.responseCode;
  const reply = (e.response ?? e.message ?? '').slice(0, 200);
  if (!code || code < 500 || code === 503) {
    return retryable(
      `SMTP server unavailable (${code ?? e.code ?? 'no reply'}${reply ? `: ${reply}` : ''}); retrying`,
      FailureType.MailUnavailable
    );
  }
  if (e.code === 'EAUTH') {
    return permanent(
      `SMTP server refused the login (${code}): check the user and password of ONRAMP_SMTP_URL`,
      FailureType.MailRejected
    );
  }
  if (e.code === 'EENVELOPE' && /^RCPT/i.test(e.command ?? 'RCPT')) {
    return permanent(
      `SMTP server refused the recipient ${to} (${reply}): correct that address (the order's admin e-mail or ONRAMP_OPERATOR_EMAIL)`,
      FailureType.MailRecipientRejected
    );
  }
  return permanent(
    `SMTP server refused the message to ${to} (${reply}): check ONRAMP_MAIL_FROM and the server's policy`,
    FailureType.MailRejected
  );
}
