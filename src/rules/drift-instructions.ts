import type { DriftFinding } from '../contract/drift-messages';

/**
 * The operator text of drift findings, in one place: what a check found (`problem`) and what to do about
 * it (`fix`), per integration. The drift check (src/workflows/drift-check.ts) only chooses which applies.
 */

const INACTIVE_HOOK = 'inactive (Autotask disables a callout after 25 failed deliveries)';

export const delegationDrift = {
  accessFix: 'repair the service account key or admin, then run the delegation onboarding again',
  scopeLost: (clientId: string, scope: string) =>
    `domain-wide delegation for client ID ${clientId} no longer grants ${scope}`,
  scopeFix:
    'an admin removed the scope: add it again in Admin console > Security > API controls > Domain-wide delegation',
};

export const autotaskDrift = {
  credentialsFix:
    'the API user was deactivated, locked or its secret changed: fix it in Autotask (Admin > Resources/Users) or rotate to a new user',
  permissionLost: (entity: string, action: string) => `the API user's security level lost ${entity} ${action}`,
  permissionFix: (grantedBy: string) => `restore it on the security level (${grantedBy})`,
  permissionRestricted: (entity: string, action: string) =>
    `the API user's security level lowered ${entity} ${action} from All to Restricted (records outside the restriction are invisible to the integration)`,
  restrictedFix: (grantedBy: string) => `set it back to All on the security level (${grantedBy})`,
  namedHookBroken: (entity: string, name: string, hook: { isActive: boolean } | undefined) =>
    `${entity} webhook "${name}" is ${!hook ? 'gone' : !hook.isActive ? INACTIVE_HOOK : 'not ready (no subscribed field)'}`,
  namedHookFix: 'run the Autotask onboarding again to recreate or finish it, or reactivate it in Autotask',
  fieldMissing: (entity: string, name: string, field: string) =>
    `${entity} webhook "${name}" no longer sends field ${field}`,
  fieldFix: 'run the Autotask onboarding again (it adds missing fields only), or add it to the webhook in Autotask',
  hookIdBroken: (entity: string, id: number, exists: boolean) =>
    `${entity} webhook ${id} is ${exists ? INACTIVE_HOOK : 'gone'}`,
  hookIdFix: 'run the Autotask onboarding again to recreate it, or reactivate it in Autotask',
};

export const connectwiseDrift = {
  connectionBroken: (field: string, message: string) =>
    `the API member's connection no longer works (${field}): ${message}`,
  connectionFix: 'generate a new API key pair for the member (System > Members > API Members) and supply it',
  permissionLost: (row: { module: string; area: string; action: string; required: string; found: string }) =>
    `the security role no longer grants ${row.module} › ${row.area} ${row.action} ${row.required} (found ${row.found})`,
  permissionFix: (menuPath: string) => `restore it in System > Security Roles (${menuPath})`,
  syncFix: 'run the ConnectWise customer sync again (it recreates what is missing and changes nothing else)',
  catalogItemGone: (item: string) => `catalog item ${item} is gone`,
  companyGone: (identifier: string) => `synced company ${identifier} is gone`,
  companyFix: (identifier: string) =>
    `recreate company ${identifier} in ConnectWise (Companies > Company > +; the sync only matches companies unless the order sets sync.createMissingCompanies), then run the sync again`,
  agreementGone: (identifier: string, agreement: string) => `company ${identifier} lost agreement "${agreement}"`,
  additionGone: (identifier: string, agreement: string, item: string) =>
    `the agreement "${agreement}" of ${identifier} no longer carries catalog item ${item}`,
};

export const adminRolesDrift = {
  accessFix: 'repair delegation for the role scopes, then run the admin-role provisioning again',
  fix: 'run the Google admin-role provisioning again (it recreates only what is missing)',
  groupChanged: (email: string, state: string, differences: string[]) =>
    `group ${email} is ${state === 'absent' ? 'gone' : `changed (${differences.join('; ')})`}`,
  memberLeft: (member: string, group: string) => `${member} left group ${group}`,
  roleChanged: (name: string, state: string, differences: string[]) =>
    `role "${name}" is ${state === 'absent' ? 'gone' : `changed (${differences.join('; ')})`}`,
  assignmentRemoved: (on: string) => `the role assignment on ${on} was removed`,
};

/** The Web UI's details of a check or a finding: each problem with its fix. */
export const findingsMarkdown = (findings: readonly DriftFinding[]): string =>
  findings.map((f) => `- **${f.integration}**: ${f.problem}. Fix: ${f.fix}`).join('\n');

export const NO_DRIFT = 'No drift.';
export const NOTHING_TO_CHECK = 'Nothing to check yet.';
export const NOTHING_CHECKABLE_NOTE = 'the onboarding has nothing checkable yet (no credentials, nothing created)';
export const findingSummary = (customerName: string, problem: string) =>
  `Drift of ${customerName}: ${problem}`.slice(0, 400);
export const CLEARED_BY_CHECK = 'a later drift check no longer found the problem';
export const resolvedByOperator = (who?: string) => `operator${who ? ` (${who})` : ''}`;
