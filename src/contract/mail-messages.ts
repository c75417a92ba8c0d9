/**
 * The e-mail channel's messages (src/activities/notify/email.ts): what a workflow asks to send to a human, and
 * what came of it. Zod-free and frozen like every contract: a workflow waiting for days holds these in history.
 */

/** One message of a step: its instruction, the reminders while it waits, its result. */
export type MailKind = 'instruction' | `reminder-${number}` | 'result';

/** Who must read it: the customer's admin or the vendor (an address from the order), or the operator (worker config). */
export type MailRecipientV1 = { role: 'admin' | 'vendor'; address: string } | { role: 'operator' };

export interface HumanMailV1 {
  /** The business key of the workflow: with step, kind and recipient it derives the Message-ID. */
  workflowId: string;
  /** The waiting step, e.g. `awaiting-grant`. */
  step: string;
  kind: MailKind;
  to: MailRecipientV1;
  /** Names the customer and the vendor; never a secret. */
  subject: string;
  /** Plain text with the guide's exact values; never a secret. */
  text: string;
  /**
   * The admin's copy links the checklist page of this integration of the order (the integration's name as the
   * order has it, e.g. `googleDelegation`), when the worker has the page configured. Never in other copies.
   */
  checklist?: { integration: string };
}

export interface MailSendResult {
  /**
   * `accepted`: the SMTP server took it now; `already-accepted`: the record shows an earlier attempt's acceptance,
   * nothing sent; `not-configured`: no ONRAMP_SMTP_URL; `no-recipient`: operator message without ONRAMP_OPERATOR_EMAIL;
   * `refused`: the server refused this copy for good (a bad recipient, a rejected message), `reason` names the fix.
   */
  status: 'accepted' | 'already-accepted' | 'not-configured' | 'no-recipient' | 'refused';
  messageId?: string;
  to?: string;
  reason?: string;
}

/**
 * An order's e-mail settings for the humans of its waiting steps, version 1 (optional on the inputs that send
 * mail; src/domain/mail-schema.ts validates it at the door).
 */
export interface OrderMailV1 {
  /**
   * When reminders go out after the step began waiting, while it still waits: whole `s`/`m`/`h`/`d` delays in
   * increasing order, e.g. `["24h", "72h"]` (the default when absent; src/rules/human-mail-text.ts). `[]`: none.
   */
  remindAfter?: string[];
}
