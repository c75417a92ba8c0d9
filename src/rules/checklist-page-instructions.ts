/**
 * What the checklist page (src/checklist-page) says to the customer's admin, in one place. The guide's own
 * steps come from each integration's instructions (google-delegation-, connectwise-, autotask-instructions.ts)
 * through the workflow's status; these are the page's words around them.
 */

export const INTEGRATION_TITLE: Record<string, string> = {
  googleDelegation: 'Google Workspace domain-wide delegation',
  googleAdminRoles: 'Google Workspace admin role',
  autotask: 'Autotask API user',
  connectwise: 'ConnectWise API member and key',
};

export const pageText = {
  title: (integration: string, vendor: string, customer: string) =>
    `${INTEGRATION_TITLE[integration] ?? integration} for ${vendor} — ${customer}`,
  intro: (recipient: string) =>
    `This page is for ${recipient}. It shows what to do, what Onramp has verified so far and what is still missing. It updates while open.`,
  stepsHeading: 'What to do',
  statusHeading: 'What Onramp has verified',
  doneHeading: 'Done',
  done: 'Onramp has verified everything on its side. There is nothing left to do on this page.',
  failed: (error: string) => `Onramp stopped waiting: ${error} Your Onramp operator has been told.`,
  stateLine: (state: string) => `Status: ${state}`,
  /** The workflows' steps (and the order's integration states), in the admin's words. */
  stepLabel: {
    pending: 'not started yet',
    blocked: 'waiting for an earlier step of the order',
    validating: 'checking the order',
    'awaiting-grant': 'waiting for you to authorize the client ID',
    verifying: 'checking the grant',
    'notifying-vendor': 'verified; telling the vendor',
    'awaiting-connection': 'waiting for the API key',
    'verifying-connection': 'checking the key with ConnectWise',
    'checking-permissions': 'checking the rights',
    'awaiting-permissions': 'waiting for the missing rights',
    'syncing-customers': 'verified; setting up the integration',
    'awaiting-credentials': 'waiting for the API user’s credentials',
    'verifying-credentials': 'checking the credentials with Autotask',
    'creating-webhooks': 'verified; creating the webhooks',
    'awaiting-webhook-ready': 'verified; waiting for Autotask to activate the webhooks',
    done: 'done',
  } as Record<string, string>,
  checkNowButton: 'I’ve done this — check now',
  checkNowHelp: 'Onramp also checks by itself on a schedule; the button only makes it check at once.',
  checkNowSent: 'Onramp is checking now. This page updates when the answer is in.',
  refresh: 'Refresh',
  copy: 'Copy',
  copied: 'Copied',
  credentialHeading: (what: string) => `Paste the ${what}`,
  credentialHelp:
    'It goes straight into Onramp’s secret store: it is never e-mailed, never logged and never shown again. Onramp checks it with the vendor at once and says here whether it works.',
  credentialButton: 'Send to Onramp',
  credentialAccepted: 'Accepted: the vendor confirmed it works.',
  credentialAcceptedWaiting: (fields: string) => `Accepted; Onramp still needs: ${fields}.`,
  /** The workflow's own reason, with the stored reference (operators' business) said as what the admin pasted. */
  credentialRefused: (reason: string) =>
    `Not accepted: ${reason
      .replace(/connection\.privateKeyRef \([^)]*\)/g, 'the private key')
      .replace(/privateKeyRef \([^)]*\)/g, 'the private key')
      .replace(/secretRef \([^)]*\)/g, 'the secret')
      .replace(/(store|file):[^\s),;]+/g, '(the pasted value)')} Correct it and send it again.`,
  credentialEmpty: (label: string) => `${label}: empty. Paste the value shown by the vendor and send again.`,
  httpsOnly:
    'Secrets are accepted over HTTPS only: open this page through its https:// link (plain HTTP is refused outside this machine).',
  notWaiting: (state: string) =>
    `This integration is ${state}: it is not waiting for anything you can send here. Refresh the page.`,
  linkInvalid: 'This link is not valid. Ask your Onramp operator for a new one.',
  linkGone: 'This link has expired or was withdrawn. Ask your Onramp operator for a new one.',
  formStale: 'This form does not belong to this link (it may come from an older page). Reload the page and try again.',
  tooMany: 'Too many requests from this link. Wait a minute, then reload the page.',
  unavailable: 'Onramp cannot reach its workflow service right now. Try again in a few minutes.',
  scopeState: { granted: 'Verified', missing: 'Missing', unchecked: 'Not checked yet' } as Record<string, string>,
  accessState: { all: 'All', restricted: 'Restricted (should be All)', none: 'None — missing' } as Record<
    string,
    string
  >,
  permissionOk: (ok: boolean | 'unverified') =>
    ok === true ? 'Verified' : ok === false ? 'Missing' : 'Not verifiable',
  privateKeyState: {
    missing: 'Not received yet',
    supplied: 'Received, being checked',
    verified: 'Verified with ConnectWise',
  } as Record<string, string>,
  lastRejection: (why: string) => `Last key refused: ${why}`,
};

/** The guide's last step asks operators for a reference; on the page the admin pastes the value itself. */
export function pageChecklist(checklist: readonly string[]): string[] {
  return checklist.map((step) =>
    /reference \((file:\/path or env:NAME|env:NAME or file:\/path)\)|give its reference|send Onramp its reference|the private key reference/.test(
      step
    )
      ? step
          .replace(
            /Store the private key where the Onramp worker can read it and give its reference \(file:\/path or env:NAME\), never the key itself\./,
            'Paste the private key in the form on this page (below).'
          )
          .replace(
            /Store the secret in the worker's secret store and send Onramp its reference \(env:NAME or file:\/path\), never the secret itself\./,
            "Paste the API user's username and its secret in the form on this page (below)."
          )
          .replace(/the private key reference/, 'the private key (the form below)')
      : step
  );
}
