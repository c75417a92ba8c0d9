import type { DelegationInputV1, DelegationInstructions, ScopeStatus } from '../contract/google-delegation-messages';
import { formatDuration } from './google-delegation-rules';
import type { MailText, MailTopic } from './human-mail-text';

/**
 * What the Google delegation workflows tell the customer's admin and the operator (seed 000): the admin's
 * checklist, the Web UI's current details and the failure messages, in one place.
 */

/** Where the admin grants (seed 000 steps 2-3). */
const CONSOLE_PATH =
  'Admin console (admin.google.com) > Security > Access and data control > API controls > Manage Domain Wide Delegation > Add new';

/** The admin's instruction, ready to paste (seed 000 steps 1-6). */
export function delegationInstructions(input: DelegationInputV1): DelegationInstructions {
  const scopesCsv = input.scopes.join(',');
  const consolePath = CONSOLE_PATH;
  const text = [
    `Sign in to the Google Admin console of ${input.customer.domain} as a super admin (${input.adminEmail}).`,
    `Go to ${consolePath}.`,
    `Client ID: ${input.serviceAccount.clientId}`,
    `OAuth scopes (comma-delimited): ${scopesCsv}`,
    'Click Authorize. Onramp checks every scope until the grant has propagated (minutes, up to 24 hours), then tells ' +
      `${input.vendor.name} support (${input.vendor.supportEmail}) the admin email.`,
  ].join('\n');
  return { consolePath, clientId: input.serviceAccount.clientId, scopesCsv, text };
}

/** Current details while the admin has not granted every scope yet. */
export function awaitingGrantDetails(input: DelegationInputV1, instructions: DelegationInstructions): string {
  return `**Waiting for the admin of ${input.customer.domain} to grant domain-wide delegation.**\n\n${instructions.text}`;
}

/** The summary of the wait between two check rounds. */
export function nextCheckSummary(missing: number, waitMs: number): string {
  return `Wait for the grant (${missing} scope(s) missing); next check in ${Math.round(waitMs / 1000)} s or on "checkNow"`;
}

/** The onboarding's failure when the deadline passes with scopes still missing. */
export function grantMissingMessage(
  input: DelegationInputV1,
  instructions: DelegationInstructions,
  missing: ScopeStatus[]
): string {
  const names = missing.map((s) => s.scope).join(', ');
  return `Domain-wide delegation for client ID ${input.serviceAccount.clientId} is still missing ${missing.length} scope(s) after ${formatDuration(input.polling.deadlineHours * 3600_000)}: ${names}. Ask the admin of ${input.customer.domain} to add them in ${instructions.consolePath}, then start this onboarding again.`;
}

/** Seed 000 step 7 begins. */
export function notifyingVendorDetails(input: DelegationInputV1): string {
  return `All ${input.scopes.length} scopes verified. Notifying ${input.vendor.name} support.`;
}

export function delegationDoneDetails(input: DelegationInputV1): string {
  return `Delegation verified for all ${input.scopes.length} scopes; ${input.vendor.name} support notified.`;
}

/** The re-verification's outcome, for the Web UI. */
export function reverifyDetails(input: DelegationInputV1, missing: string[]): string {
  return missing.length === 0
    ? `Delegation works with the new key of ${input.serviceAccount.email} for all ${input.scopes.length} scopes.`
    : `With the new key, ${missing.length} scope(s) are not granted: ${missing.join(', ')}`;
}

/** What the delegation's e-mails are about (subject: customer and vendor). */
export function delegationMailTopic(input: DelegationInputV1): MailTopic {
  return {
    customer: input.customer.name ?? input.customer.domain,
    vendor: input.vendor.name,
    action: 'authorize domain-wide delegation in the Google Admin console',
    adminEmail: input.adminEmail,
  };
}

/** Seed 000 step 7 by e-mail: the vendor's support learns the admin email (and what was granted). */
export function vendorGrantMail(input: DelegationInputV1): MailText {
  const customer = input.customer.name ?? input.customer.domain;
  return {
    subject: `${customer} × ${input.vendor.name}: domain-wide delegation granted`,
    text: [
      `The Google Workspace admin of ${input.customer.domain} granted domain-wide delegation to client ID ${input.serviceAccount.clientId}.`,
      `Admin email: ${input.adminEmail}`,
      `Scopes (${input.scopes.length}): ${input.scopes.join(',')}`,
      'Onramp verified every scope with a token minted as the admin.',
    ].join('\n'),
  };
}
