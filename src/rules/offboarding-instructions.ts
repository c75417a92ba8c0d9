import type { OffboardingIntegration, OffboardingStep } from '../contract/offboarding-messages';

/**
 * The operator text of the customer offboarding, in one place: what the operator must do in a vendor's UI
 * (the steps its API does not allow), the notes the report carries, and the Web UI's details. The workflow
 * (src/workflows/customer-offboarding.ts) only chooses which applies.
 */

/** The Web UI's details: the steps with their state, then what the operator must do now. */
export function offboardingMarkdown(o: {
  apply: boolean;
  orderId: string;
  customerName: string;
  steps: readonly OffboardingStep[];
  instructions: ReadonlyMap<OffboardingIntegration, string>;
}): string {
  return [
    `**${o.apply ? 'Offboarding' : 'Offboarding plan (nothing is written)'} of order ${o.orderId} for ${o.customerName}**`,
    ...o.steps.map((s) => `- [${s.state}] ${s.integration}: ${s.action}${s.by === 'operator' ? ' (operator)' : ''}`),
    ...[...o.instructions].map(([i, t]) => `\n**Operator, ${i}:** ${t}`),
  ].join('\n');
}

export const operatorStepAlreadyDone = (action: string) => `${action}: already done`;
export const operatorStepNotDone = (
  integration: OffboardingIntegration,
  action: string,
  hours: number,
  why: string,
  text: string
) => `${integration}: "${action}" was not done within ${hours} h (${why}). ${text}`;

/** The stored credentials and rotation state of the customer (secret store), once everything else is removed. */
export const credentialsOffboarding = {
  forget: (orderId: string) => `Forget the stored credentials and rotation state of order ${orderId}`,
  forgotten: (n: number) =>
    `stored credentials: ${n} secret-store row(s) of the order and its customer deleted (audited: onramp secrets audit)`,
  kept: (days: number, until: string) =>
    `stored credentials: kept ${days} day(s) on request, until ${until}; then deleted (the offboarding stays open until then)`,
  noStore:
    "stored credentials: this worker has no secret store (ONRAMP_SECRET_STORE_URL); credentials supplied as files under ONRAMP_SECRETS_DIR are the operator's to delete",
};

export const offboardingStopped = (orderId: string, failures: readonly string[]) =>
  `Offboarding of order ${orderId} stopped: ${failures.join('; ')}. What was removed stays removed; start the offboarding again after fixing it (nothing is removed twice).`;

export const adminRolesOffboarding = {
  nothingCreated: 'the provisioning created nothing: nothing to remove',
  delegationLost: (scopes: readonly string[], items: readonly string[]) =>
    `the delegation no longer grants ${scopes.join(', ')}, so Onramp cannot look up or remove ${items.join(', ')}. After an earlier offboarding they are gone; otherwise delete them in the Admin console (Account > Admin roles; Directory > Groups).`,
  remove: (items: readonly string[]) => `remove ${items.join(', ')}`,
  undoSummary: (customerName: string, orderId: string) =>
    `Undo Google admin roles of ${customerName} (offboarding ${orderId})`,
};

export const delegationOffboarding = {
  action: (domain: string, clientId: string) =>
    `the admin of ${domain} removes client ID ${clientId} from domain-wide delegation`,
  instruction: (domain: string, clientId: string, email: string, scopes: number) =>
    `Ask the super admin of ${domain} to open Admin console (admin.google.com) > Security > Access and data control > API controls > Manage Domain Wide Delegation and delete client ID ${clientId} (${email}). Onramp verifies that a token can no longer be minted for any of its ${scopes} scope(s) (unauthorized_client); the removal can take a while to propagate. Send "operatorDone googleDelegation" to check at once.`,
  stillGranted: (granted: number, of: number) => `${granted} of ${of} scope(s) still granted`,
};

export const autotaskOffboarding = {
  nothingCreated:
    'no API user credentials were ever accepted, so Onramp created nothing in Autotask. If an API user was created for this integration, deactivate it in Admin > Resources/Users.',
  alreadyRejected: (username: string, webhooks: readonly string[]) =>
    `Autotask already rejects API user ${username}: Autotask deactivated its webhooks (${webhooks.join(', ')}), but only their owner can delete them. If they still show under Admin > Extensions & Integrations > Webhooks, delete them there.`,
  noWebhook: 'no webhook of this integration exists',
  deleteWebhook: (entity: string, name: string, id: number) => `delete ${entity} webhook "${name}" (${id})`,
  webhooksLeft: (ids: readonly number[]) => `autotask: webhook(s) ${ids.join(', ')} still exist after their deletion`,
  deactivate: (username: string) => `deactivate API user ${username}`,
  deactivateInstruction: (username: string) =>
    `In Autotask, Admin > Account Settings & Users > Resources/Users: open API user ${username}, uncheck "Active" and save (API users cannot be deleted or deactivated through the API). Onramp verifies that Autotask rejects its credentials. Send "operatorDone autotask" to check at once.`,
  stillAccepted: (username: string) => `Autotask still accepts API user ${username}`,
};

export const connectwiseOffboarding = {
  nothingCreated:
    'the onboarding never had a complete connection, so Onramp created nothing in ConnectWise. If an API key was generated for it, delete it under System > Members > API Members > API Keys.',
  keyLabel: (publicKey: string, apiMember?: string) =>
    `API key ${publicKey}${apiMember ? ` of API member ${apiMember}` : ''}`,
  keyRejected: (keyLabel: string, agreementName: string, catalogItem: string) =>
    `${keyLabel} is already rejected by ConnectWise: Onramp cannot look up what the sync created. Delete the agreements "${agreementName}" of the synced companies and their ${catalogItem} additions by hand if they still exist.`,
  nothingExists: 'nothing the sync created for billing exists',
  deleteObject: (label: string) => `delete ${label}`,
  noDeleteLevel: "the API member's security role has no Delete level here",
  deleteByHand: (count: number) => `delete ${count} billing object(s) by hand`,
  deleteByHandInstruction: (labels: readonly string[]) =>
    `The API member's security role may not delete these (the guide's role grants no Delete level): ${labels.join('; ')}. Delete them in ConnectWise (Finance > Agreements, Procurement > Product Catalog, Companies), or give the role Delete = All on those areas and send "operatorDone connectwise".`,
  stillPresent: (count: number) => `${count} still present`,
  deleteKey: (keyLabel: string) => `delete ${keyLabel}`,
  deleteKeyInstruction: (publicKey: string, apiMember?: string) =>
    `In ConnectWise, System > Members > API Members${apiMember ? ` > ${apiMember}` : ''} > API Keys: delete the key with public key ${publicKey} (or the whole API member if nothing else uses it). Onramp verifies that ConnectWise rejects the key. Send "operatorDone connectwise" to check at once.`,
  stillAccepts: (keyLabel: string) => `ConnectWise still accepts ${keyLabel}`,
};
