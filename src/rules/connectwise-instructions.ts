import type { MailTopic } from './human-mail-text';
import type { PermissionRow, SyncCompanyOptions } from '../contract/connectwise-onboarding-messages';
import type { ConnectwiseSiteInfo, SyncMode, SyncSummary } from '../contract/connectwise-sync-messages';
import { ACTION_LABEL, requiredPermissions } from './connectwise-rules';

/**
 * Everything the ConnectWise workflows say to the operator (Web UI details, failure messages, Update
 * refusals), in one place beside seed 002's checklist, so the guide and what Onramp tells people stay together.
 */

/** The seed's checklist, as the operator step publishes it (with Company Maintenance Add when the sync creates companies). */
export function connectwiseChecklist(vendorName: string, opts?: Partial<SyncCompanyOptions>): string[] {
  return [
    'The Integrator Login account exists in ConnectWise (recreate it first if it was removed).',
    'System > Members > API Members tab > + : add an API member with an administrator’s details and save it.',
    `Open the member > API Keys tab > + : Description "${vendorName} integration" > Save (not Save and Close).`,
    'Copy the Public Key and the Private Key now: the Private Key is shown only once. Store the private key where the Onramp worker can read it and give its reference (file:/path or env:NAME), never the key itself.',
    'System > Security Roles > the member’s role: Security Permission = Member, and ' +
      requiredPermissions(opts)
        .map(
          (p) =>
            `${p.module} › ${p.area} (${p.actions.map((a) => ACTION_LABEL[a].replace(' Level', '')).join('/')} = All)`
        )
        .join('; ') +
      '.',
    'Give Onramp the site (e.g. na.myconnectwise.net), the Company ID, the Public Key, the private key reference and the integration clientId.',
  ];
}

/** The table as text, for the operator (details pane, failure message). */
export function formatPermissionTable(rows: readonly PermissionRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.ok === true ? 'OK ' : r.ok === false ? 'FIX' : '?  '} ${r.module} › ${r.area} ${ACTION_LABEL[r.action]}: required ${r.required}, found ${r.found}${r.ok === true ? '' : ` → ${r.menuPath}`}`
    )
    .join('\n');
}

// ---- Onboarding (seed 002) ----

export const onboardingText = {
  awaitingConnection: (checklist: readonly string[]) =>
    `**Waiting for the ConnectWise connection details.**\n\n${checklist.map((c, i) => `${i + 1}. ${c}`).join('\n')}`,
  connectionRefused: (problems: readonly string[]) => `Connection details refused:\n${problems.join('\n')}`,
  alreadyVerified: 'The ConnectWise connection is already verified; nothing to change.',
  checkRunning: 'Another connection check is running; wait for its answer, then try again.',
  waitingForKey: (missing: readonly string[], waitMs: number) =>
    `Wait for ${missing.join(', ') || 'a working key'} (reminder in ${Math.round(waitMs / 1000)} s)`,
  reminder: (n: number) => `Reminder ${n}: ConnectWise key still needed`,
  /** `after`: the deadline as a duration (formatDuration). */
  keyDeadline: (after: string, lastRejection: string | undefined) =>
    `No working ConnectWise API key after ${after}${lastRejection ? ` (last problem: ${lastRejection})` : ''}. The private key is shown only once: generate a new key pair under System > Members > API Members > (the member) > API Keys > +, store the new private key for the worker, and start this onboarding again with the new public key and private key reference.`,
  keysVerified: (site: ConnectwiseSiteInfo) => `Keys verified: ${site.companyName} at ${site.apiBaseUrl}`,
  verifyKeys: (companyId: string, site: string) => `Verify ConnectWise keys for company ${companyId} on ${site}`,
  readRole: (apiMember: string | undefined) =>
    apiMember ? `Read the security role of ${apiMember}` : 'Probe each required area with reads',
  permissionsStillMissing: (missing: number, table: string) =>
    `The API member's security role still lacks ${missing} permission(s) of seed 002:\n${table}`,
  permissionsMissing: (missing: number, table: string) =>
    `**${missing} permission(s) missing.** Fix them, then send recheckPermissions.\n\n${table}`,
  waitingForPermissions: (missing: number) => `Wait for ${missing} permission fix(es) or recheckPermissions`,
  syncing: (mode: SyncMode, customers: number) => `${mode === 'plan' ? 'Planning' : 'Syncing'} ${customers} customers`,
  syncSummary: (mode: SyncMode, customer: string) => `ConnectWise customer sync (${mode}) for ${customer}`,
  done: (site: ConnectwiseSiteInfo, sync: SyncSummary | undefined) => {
    const unmatched = sync?.unmatchedCompanies ?? [];
    return (
      `ConnectWise connected (${site.companyName})${sync ? `; ${sync.customers} customers ${sync.mode === 'plan' ? 'planned' : 'synced'}` : ''}.` +
      (unmatched.length
        ? `\n\n**${unmatched.length} customer(s) have no ConnectWise company and were not created** (match-only, as the guide's role allows): ${unmatched.join(', ')}. Create them in ConnectWise (Companies > Company > +) and sync again, or opt in with sync.createMissingCompanies (the role then needs Companies › Company Maintenance Add Level = All).`
        : '')
    );
  },
};

// ---- Customer sync ----

export const syncText = {
  verb: (mode: SyncMode) => (mode === 'plan' ? 'Plan' : 'Sync'),
  catalogItem: (verb: string, identifier: string) => `${verb}: catalog item ${identifier}`,
  catalogItemActivity: (verb: string, identifier: string) => `${verb} catalog item ${identifier}`,
  batch: (verb: string, from: number, to: number, of: number) => `${verb}: customers ${from}-${to} of ${of}`,
  batchActivity: (verb: string, from: number, to: number, of: number) => `${verb} customers ${from}-${to} of ${of}`,
  plannedCatalogItem: (action: 'created' | 'updated', identifier: string) =>
    `${action === 'created' ? 'create' : 'update'} catalog item ${identifier}`,
  done: (verb: string, summary: SyncSummary) => {
    const c = summary.companies;
    const unmatched = summary.unmatchedCompanies ?? [];
    return (
      `${verb} done: companies ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged` +
      (unmatched.length
        ? `; **${unmatched.length} not in ConnectWise, not created** (match-only): ${unmatched.slice(0, 20).join(', ')}${unmatched.length > 20 ? ', …' : ''}`
        : '')
    );
  },
};

// ---- Key rotation ----

export const keyRotationText = {
  /** The operator's part of step 1 (create), repeated in each reminder. */
  createKey: (apiMember: string | undefined, vendorName: string, oldPublicKey: string) =>
    `In ConnectWise: System > Members > API Members > ${apiMember ?? '(the integration member)'} > API Keys > + : Description "${vendorName} integration (rotated)" > Save. Store the private key for the worker and send Onramp the public key and the reference (update "provideNewKey"). The old key ${oldPublicKey} keeps working meanwhile.`,
  awaitingNewKey: (instructions: string) => `**New ConnectWise key needed.**\n\n${instructions}`,
  reminder: (n: number, instructions: string) => `**New ConnectWise key needed (reminder ${n}).**\n\n${instructions}`,
  keyRefused: (problems: readonly string[]) => `Key refused:\n${problems.join('\n')}`,
  sameAsOld: 'that is the old key: generate a new key pair',
  alreadyVerified: 'a new key was already verified for this rotation',
  checkRunning: 'a key is being checked right now; wait for that answer',
  permissionsMissing: (missing: number, rows: readonly PermissionRow[]) =>
    `the new key's member lacks ${missing} permission(s):\n${formatPermissionTable(rows)}`,
  noNewKey: (hours: number, lastRejection: string | undefined) =>
    `No verified new ConnectWise key within ${hours} h${lastRejection ? ` (last: ${lastRejection})` : ''}; the old key was left in place.`,
  switching: (newPublicKey: string, vendorName: string) =>
    `New key ${newPublicKey} verified; switching ${vendorName} to it.`,
  tellVendor: 'Tell the vendor to use the new key',
  deleteOldKey: (apiMember: string | undefined, oldPublicKey: string) =>
    `**Delete the old key.** System > Members > API Members > ${apiMember ?? '(the member)'} > API Keys: delete public key ${oldPublicKey}, then signal "oldKeyDeleted". Onramp verifies ConnectWise refuses it.`,
  oldKeyStillWorks: (oldPublicKey: string, hours: number) =>
    `The old ConnectWise key ${oldPublicKey} still works after ${hours} h: delete it under System > Members > API Members > API Keys. The new key is in use.`,
  done: (oldPublicKey: string, newPublicKey: string) =>
    `Rotated: ${oldPublicKey} → ${newPublicKey}; the old key is refused.`,
};

/** What the ConnectWise e-mails are about (seed 002 steps 1-8: the admin creates the API member and its keys). */
export function connectwiseMailTopic(input: {
  customer: { name: string };
  vendor: { name: string };
  adminEmail?: string;
}): MailTopic {
  return {
    customer: input.customer.name,
    vendor: input.vendor.name,
    action: 'create the ConnectWise API member and its key pair',
    adminEmail: input.adminEmail,
  };
}
