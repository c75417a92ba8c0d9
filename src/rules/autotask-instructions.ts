import type { MailTopic } from './human-mail-text';
import type {
  AutotaskOnboardingInputV1,
  GuideStepCheck,
  PermissionCheck,
} from '../contract/autotask-onboarding-messages';
import type { AutotaskVendorProfileView } from '../contract/vendor-profile-messages';

/**
 * What Onramp tells the operator during the Autotask workflows (seeds 001 Office Protect, 004 Sophos
 * Central): the checklist of the UI-only steps, the instructions while a workflow waits, and the failure
 * messages that say what to fix. Pure text, in one place, so a guide's wording changes here only.
 */

/**
 * Where an administrator changes a security level. Autotask renamed the second level over the releases
 * ("Account Settings & Users" in seed 001, "Company Settings & Users" in seed 004, "Organization Settings &
 * Users" in the current help page "Managing security levels").
 */
export const SECURITY_LEVELS_PATH =
  'Admin > Organization Settings & Users (older releases: Account/Company Settings & Users) > Resources/Users (HR) > Security > Security Levels';

/** The operator's checklist for the UI-only steps of the vendor's guide (seeds 001 and 004), from its profile. */
export function autotaskChecklist(profile: AutotaskVendorProfileView, maxWebhooks: number): string[] {
  return [
    `${SECURITY_LEVELS_PATH}: copy "API User (system) (API-only)" (or its "Can't Read Costs" variant) and keep its "Active" box checked.`,
    ...profile.rights.map((p) => `On that security level grant ${p.grantedBy} (${p.entity}: ${p.actions.join(', ')}).`),
    ...(profile.webhooks
      ? [`Under "Other" enable Webhooks and set the maximum webhook count to at least ${maxWebhooks}.`]
      : []),
    'Resources/Users > New > New API User (its license type is API User, API-only): "Active" checked, "Locked" unchecked, the security level above.',
    'Generate the key (username) and the secret; copy the secret now: Autotask never shows it again.',
    `API Tracking Identifier: choose Integration Vendor and select "${profile.integrationVendor}" in the list (it cannot be changed after saving). ${profile.vendorName}'s software sends its own tracking identifier: nobody copies or types a code.`,
    ...(profile.linesOfBusiness.length ? [linesOfBusinessStep(profile)] : []),
    "Store the secret in the worker's secret store and send Onramp its reference (env:NAME or file:/path), never the secret itself.",
  ];
}

function linesOfBusinessStep(profile: AutotaskVendorProfileView): string {
  const without = profile.viewItemsWithoutLineOfBusiness
    ? ' and check "Resource can view items with no assigned line of business"'
    : '';
  return `Line of Business: move ${profile.linesOfBusiness.map((l) => `"${l}"`).join(', ')} to the Associated column${without}. Autotask's API does not show an API user's lines of business, and one outside them sees no data without any error: Onramp cannot check this step, confirm it yourself.`;
}

/**
 * The guide's steps the API cannot change, after the credentials were accepted: read where the REST API shows
 * them, asked of the administrator where it does not. `licenseType` is the label Resources reports (undefined:
 * the API user may not read Resources).
 */
export function guideStepChecks(profile: AutotaskVendorProfileView, licenseType: string | undefined): GuideStepCheck[] {
  const checks: GuideStepCheck[] = [
    {
      step: 'integration-vendor',
      state: 'verified',
      detail: `Autotask accepted ${profile.vendorName}'s tracking identifier: the API user is bound to "${profile.integrationVendor}".`,
    },
    licenseType === undefined
      ? {
          step: 'api-only-licence',
          state: 'ask-the-admin',
          detail:
            'The API user may not read Resources, so its license type is unverified: confirm it was created with New API User (license type API User, API-only).',
        }
      : /^api user/i.test(licenseType)
        ? { step: 'api-only-licence', state: 'verified', detail: `License type "${licenseType}".` }
        : { step: 'api-only-licence', state: 'missing', detail: notApiOnly(licenseType) },
    {
      step: 'security-level-active',
      state: 'ask-the-admin',
      detail: `Autotask's REST API has no security level entity, so Onramp cannot see its "Active" box: confirm it is checked (${SECURITY_LEVELS_PATH}).`,
    },
  ];
  if (profile.linesOfBusiness.length)
    checks.push({ step: 'lines-of-business', state: 'ask-the-admin', detail: linesOfBusinessStep(profile) });
  return checks;
}

/** Autotask's REST API requires an API-only license (help page "The API tracking identifier"). */
export function notApiOnly(licenseType: string): string {
  return `The API user's license type is "${licenseType}", not API User (API-only), which Autotask's REST API requires. Fix: create the user with Resources/Users > New > New API User (a license type cannot be changed), then send its credentials.`;
}

/** None (0), or an action the API cannot do: the onboarding cannot go on. */
export function describeMissingPermissions(checks: PermissionCheck[]): string[] {
  return checks
    .filter((c) => !c.allowed)
    .map((c) =>
      c.apiSupports === false
        ? `${c.entity}: Autotask's API cannot ${c.action} this entity for any user (entityInformation can${c.action[0]!.toUpperCase()}${c.action.slice(1)} is false); no security level can fix this`
        : `${c.entity}: cannot ${c.action}, access None (grant ${c.grantedBy} on the API user's security level: ${SECURITY_LEVELS_PATH} > the API user's level)`
    );
}

/**
 * Restricted (2): the user may act only under conditions of the security level (e.g. "Mine" or a line of
 * business), and Autotask then answers with fewer records instead of an error. A warning, not a failure.
 */
export function describeRestrictedPermissions(checks: PermissionCheck[]): string[] {
  return checks
    .filter((c) => c.allowed && c.access === 'restricted')
    .map(
      (c) =>
        `${c.entity}: ${c.action} is Restricted, not All: open ${SECURITY_LEVELS_PATH} > the API user's level > ${c.grantedBy} and set it to All, or records outside the restriction stay invisible to the integration`
    );
}

// ---- onboarding (seed 001) ----

/** The Web UI's current details as the onboarding goes. */
export const onboardingDetails = {
  verifying: (username: string) => `Checking the credentials of API user ${username}.`,
  checkingPermissions: (zoneUrl: string) => `Credentials accepted (zone ${zoneUrl}). Checking permissions.`,
  awaitingReady: 'Waiting for Autotask to mark the webhook(s) ready.',
  done: (vendorName: string, webhooks: number) =>
    `Autotask integration for ${vendorName} verified; ${webhooks} webhook(s) ready.`,
  readingProfile: (profile: string) => `Reading vendor profile "${profile}".`,
  noWebhooks: (vendorName: string) =>
    `Autotask integration for ${vendorName} verified. ${vendorName}'s guide has no webhook step: no webhook created.`,
};

/** Why the supplyCredentials update is refused before any check (the operator sees it as the update's error). */
export const credentialsRefused = {
  alreadyAccepted: 'credentials were already accepted for this onboarding',
  beingChecked: 'credentials are being checked right now; wait for that answer',
  invalid: (problems: string[]) => `Invalid credentials:\n${problems.join('\n')}`,
};

/** While the onboarding waits for the operator's API user: the Web UI's current details. */
export function credentialsWanted(vendorName: string, checklist: string[]): string {
  return `**Create the Autotask API user for ${vendorName}, then send its credentials (update "supplyCredentials").**\n\n${checklist.map((l, i) => `${i + 1}. ${l}`).join('\n')}`;
}

export function credentialsNotSupplied(deadlineHours: number, lastCredentialError: string | undefined): string {
  return `No valid Autotask credentials were supplied within ${deadlineHours} h${lastCredentialError ? ` (last attempt: ${lastCredentialError})` : ''}. Start the onboarding again once the API user exists.`;
}

export function permissionsMissing(username: string, missing: string[]): string {
  return `API user ${username} is missing ${missing.length} permission(s):\n${missing.map((m) => `  - ${m}`).join('\n')}\nFix the security level, then start this onboarding again.`;
}

/** Restricted permissions are not a failure: their warnings go under this and every later step's details (Progress.warnings). */
export function creatingWebhooks(count: number): string {
  return `Creating ${count} webhook(s).`;
}

export function webhookNotReady(entity: string, id: number, deadlineMinutes: number): string {
  return `The ${entity} webhook ${id} is not ready after ${deadlineMinutes} min: check it has a subscribed field and is active (GET /V1.0/${entity}Webhooks/${id}), or run the Autotask onboarding again (it finishes or recreates its webhooks)`;
}

// ---- webhook rotation (seed 004) ----

/** The Web UI's current details as the webhook rotation goes. */
export const rotationDetails = {
  verifyingNewUser: (username: string) => `Checking the new API user ${username}.`,
  creatingNewWebhooks: (username: string) => `Creating the new webhook(s) as ${username}.`,
  awaitingNewReady: 'Waiting for the new webhook(s) to be ready; the old one(s) keep working meanwhile.',
  deletingOldFirst: (oldUsername: string) => `New webhook(s) ready. Deleting the old one(s) as ${oldUsername}.`,
  deletingOldAgain: (oldUsername: string) => `Deleting the old webhook(s) as ${oldUsername}.`,
  checkingOldGone: 'Checking the old webhook(s) are gone.',
  done: (newWebhookIds: number[]) =>
    `Rotation done: new webhook(s) ${newWebhookIds.join(', ')} ready, old ones removed.`,
};

export function newWebhookNotReady(entity: string, id: number, deadlineMinutes: number): string {
  return `The new ${entity} webhook ${id} is not ready after ${deadlineMinutes} min; the old webhook was left in place`;
}

/** Autotask rejects the old API user: how the operator lets Onramp finish (reactivate it, or delete by hand). */
export function oldWebhooksStuck(oldUsername: string, oldWebhookIds: string[], newWebhookIds: number[]): string {
  return [
    `Autotask rejects the old API user ${oldUsername} (inactive, locked or its secret changed), so Onramp cannot delete its webhook(s) ${oldWebhookIds.join(', ')}.`,
    `Either: reactivate ${oldUsername} in Admin > Resources/Users (Active checked, Locked unchecked), then send the signal "oldUserReactivated";`,
    `or: delete the webhook(s) by hand with the old user's credentials (DELETE /V1.0/<Entity>Webhooks/<id>), then send the signal "oldWebhooksDeleted".`,
    `The new webhook(s) (${newWebhookIds.join(', ')}) already work.`,
  ].join('\n');
}

export function operatorActionNeeded(instructions: string, reminder?: number): string {
  return `**Operator action needed${reminder ? ` (reminder ${reminder})` : ''}.**\n\n${instructions}`;
}

export function oldWebhooksNotRemoved(deadlineHours: number, instructions: string): string {
  return `Nobody acted on the old webhook(s) within ${deadlineHours} h.\n${instructions}`;
}

// ---- signing-secret rotation ----

/** The Web UI's current details as the signing-secret rotation goes. */
export const secretRotationDetails = {
  verifying: (username: string) => `Checking API user ${username}.`,
  openingOverlap: 'Creating the new signing key; the receiver accepts old and new.',
  switching: (webhooks: number) => `Giving ${webhooks} webhook(s) the new secret.`,
  revoking: 'The receiver stops accepting the old signing key.',
  done: (webhooks: number) => `Signing secret rotated for ${webhooks} webhook(s).`,
};

export const KEYRING_LOST_A_KEY = 'The receiver keyring did not keep the old and the new key';

export function resignedWebhookNotReady(entity: string, id: number): string {
  return `The ${entity} webhook ${id} is not active and ready after its secret changed; the receiver keeps accepting the old and the new key`;
}

export function signingOverlap(overlapMinutes: number): string {
  return `Webhooks signed with the new secret. The receiver accepts the old one for ${overlapMinutes} min more (Autotask's retries), or until the signal "endSigningOverlap".`;
}

/** What the Autotask e-mails are about (seed 001 steps 1-2: the admin creates the security level and API user). */
export function autotaskMailTopic(
  input: Pick<AutotaskOnboardingInputV1, 'customer' | 'vendor' | 'adminEmail'>
): MailTopic {
  return {
    customer: input.customer.name ?? input.customer.id,
    vendor: input.vendor.name,
    action: 'create the Autotask security level and API user',
    adminEmail: input.adminEmail,
  };
}

/** The checklist as the e-mail's numbered steps. */
export function numberedSteps(checklist: readonly string[]): string {
  return checklist.map((l, i) => `${i + 1}. ${l}`).join('\n');
}
