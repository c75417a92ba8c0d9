import {
  autotaskOnboardingWorkflowId,
  autotaskRotationWorkflowId,
  parseAutotaskOnboardingInput,
  parseAutotaskRotationInput,
  type AutotaskOnboardingRequest,
  type AutotaskRotationRequest,
} from '../../domain/autotask-schema';
import {
  supplyAutotaskCredentialsUpdate,
  type AutotaskOnboardingStatus,
  type WebhookSummary,
} from '../../contract/autotask-onboarding-messages';
import type { AutotaskRotationStatus } from '../../contract/autotask-rotation-messages';
import type { autotaskOnboarding, autotaskWebhookRotation } from '../../workflows';
import {
  admin,
  follow,
  GuideError,
  GuideLog,
  runTag,
  startWorkflow,
  storeSecret,
  waitUntil,
  type GuideContext,
} from './guide-steps';

const VENDOR = 'Sophos Central';
/** The deployment's vendor profile (config/vendor-profiles.sandbox.yaml): Sophos Central's Integration Vendor and code. */
const VENDOR_PROFILE = 'sophos-central';
const INTEGRATION_VENDOR = 'Sophos Central - Security';
/** What a hurried admin picks instead: another vendor of the list (Autotask then refuses Sophos's code). */
const WRONG_INTEGRATION_VENDOR = 'Office Protect - Alert Integration';
/** The custom security level seed 001 §1 has the Autotask admin create for the API user. */
export const AUTOTASK_LEVEL = 'Sophos Central API (custom)';

interface CreatedUser {
  username: string;
  secret: string;
  /** The vendor selected under API Tracking Identifier: the admin never sees a listed vendor's code. */
  integrationVendor: string;
  resourceId: number;
}

interface AdminWebhook {
  id: number;
  name: string;
  owner?: string;
  isActive: boolean;
  isReady: boolean;
}

export interface AutotaskGuideResult {
  tenant: string;
  onboardingWorkflowId: string;
  rotationWorkflowId: string;
  oldUser: string;
  newUser: string;
  oldWebhook: WebhookSummary;
  newWebhooks: WebhookSummary[];
  /** Webhooks of the database after the rotation (the old one must be gone). */
  webhooksAfter: AdminWebhook[];
  /** Signed callouts the receiver accepted for this tenant, by webhook name. */
  calloutsBy: string[];
  /** Why Onramp refused the API user the admin bound to the wrong Integration Vendor. */
  wrongVendorRefusal: string;
  /** Seed 001 with that user (bound to Office Protect): no webhook step, none created. */
  officeProtect: { workflowId: string; webhooks: number };
}

/** Seed 001 §1 (with seed 004's "Webhooks einschalten"), through the simulator's admin API: the custom security level. */
export async function createSecurityLevel(autotaskUrl: string): Promise<void> {
  await admin(autotaskUrl, 'PUT', `/security-levels/${encodeURIComponent(AUTOTASK_LEVEL)}`, {
    permissions: {
      Companies: ['query'],
      Contacts: ['query'],
      Tickets: ['query', 'create', 'update'],
      Resources: ['query'],
    },
    webhooks: { enabled: true, max: 5 },
  });
}

/**
 * Seed 001 §2 / seed 004, through the simulator's admin API: a new API user on that security level (its secret
 * shown once), with the vendor *selected* in the Integration Vendor list; nobody copies a vendor code.
 */
export async function createApiUser(
  autotaskUrl: string,
  integrationVendor: string = INTEGRATION_VENDOR
): Promise<CreatedUser> {
  return admin<CreatedUser>(autotaskUrl, 'POST', '/api-users', { securityLevel: AUTOTASK_LEVEL, integrationVendor });
}

/** Seeds 001 and 004: an Autotask API user on a custom security level, a webhook, then the API-user rotation. */
export async function runAutotaskGuide(
  ctx: GuideContext,
  opts: { tenant?: string } = {}
): Promise<AutotaskGuideResult> {
  const log = new GuideLog(ctx);
  const tag = runTag();
  const tenant = opts.tenant ?? `msp-${tag}`;
  const at = ctx.autotaskUrl;
  const hookBase = `${ctx.autotaskReceiverUrl}/webhooks/autotask/${tenant}`;
  const webhook = (name: string) => ({
    name,
    entities: ['Ticket' as const],
    webhookUrl: hookBase,
    deactivationUrl: `${hookBase}/deactivated`,
    signingKeyRef: ctx.autotaskSigningKeyRef,
  });
  const timing = {
    readyPollSeconds: ctx.fast ? 0.2 : 1,
    readyDeadlineMinutes: 30,
    operatorDeadlineHours: 72,
    reminderMinutes: 60,
  };
  log.title(`Seeds 001 + 004: Autotask API user, webhook and API-user rotation for ${VENDOR} (tenant ${tenant})`);

  // ---- Seed 001 §1 + seed 004 "Webhooks einschalten": the security level ----
  log.step(
    '001 §1',
    'Autotask admin',
    `Admin > Account Settings & Users > Resources/Users > Security Levels: copy "API User (system) (API-only)" as "${AUTOTASK_LEVEL}", Active`
  );
  log.note('CRM > Account & Contact Access (All); Service Desk > Tickets: View, Add, Edit');
  log.step(
    '004 Webhooks',
    'Autotask admin',
    "Security Levels > Other > Webhooks: enabled, at most 5 over the user's lifetime"
  );
  await createSecurityLevel(at);
  log.note(`(simulator) PUT /_admin/security-levels/${AUTOTASK_LEVEL}`);

  // ---- Onramp starts and waits for the API user ----
  const request: AutotaskOnboardingRequest = {
    customer: { id: tenant, name: `MSP ${tag}` },
    vendor: { name: VENDOR },
    vendorProfile: VENDOR_PROFILE,
    integrationId: 'sophos-central',
    webhook: webhook(`sophos-${tag}`),
    timing,
  };
  const onboarding = await startWorkflow<typeof autotaskOnboarding>(ctx, 'autotaskOnboarding', request, {
    workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(request)),
    staticSummary: `Autotask ${VENDOR} integration for ${tenant}`,
  });
  log.step('-', 'Onramp', 'Start the onboarding; it shows the operator the checklist and waits for the API user');
  log.webUi(onboarding.workflowId);
  await follow<AutotaskOnboardingStatus>(
    onboarding,
    () => undefined,
    (s) => s.step === 'awaiting-credentials',
    log.note.bind(log)
  );

  // ---- Seed 001 §2 / seed 004: the API user ----
  const newUser = async (step: string, vendor = INTEGRATION_VENDOR): Promise<CreatedUser & { secretRef: string }> => {
    log.step(
      step,
      'Autotask admin',
      `Resources/Users > New > New API User: Active, security level "${AUTOTASK_LEVEL}", Generate Key, Generate Secret, API Tracking Identifier: select Integration Vendor "${vendor}"; Save & Close`
    );
    const u = await createApiUser(at, vendor);
    log.note(
      `(simulator) POST /_admin/api-users: username ${u.username}, resource ${u.resourceId}, Integration Vendor "${u.integrationVendor}"; the secret is shown once, no vendor code is`
    );
    const secretRef = storeSecret(ctx, `autotask-${tenant}-${u.username}`, u.secret);
    log.note(`operator stores the secret for the worker: ${secretRef}`);
    return { ...u, secretRef };
  };
  const supply = (u: CreatedUser & { secretRef: string }) =>
    onboarding.executeUpdate(supplyAutotaskCredentialsUpdate, {
      args: [{ username: u.username, secretRef: u.secretRef }],
    });
  // The vendor picked from the list decides which tracking identifier Autotask accepts: the wrong one is refused.
  const wrong = await newUser('001 §2 (wrong vendor)', WRONG_INTEGRATION_VENDOR);
  log.step('-', 'operator', 'Send Onramp the credentials (update "supplyCredentials"; the secret only by reference)');
  const refused = await supply(wrong).then(
    () => undefined,
    (err: unknown) => (err as { cause?: Error }).cause?.message ?? (err as Error).message
  );
  if (!refused?.includes(INTEGRATION_VENDOR))
    throw new GuideError(`a user bound to "${WRONG_INTEGRATION_VENDOR}" was not refused with the vendor to select`);
  log.note(`Onramp refused them: ${refused}`);
  const officeProtect = await officeProtectOnboarding(ctx, log, tenant, tag, wrong, timing);
  const userA = await newUser('001 §2');
  log.step('-', 'operator', "Send the new API user's credentials");
  const accepted = await supply(userA);
  log.note(`Autotask accepted them with ${VENDOR}'s own tracking identifier (zone ${accepted.zoneUrl})`);
  log.step('-', 'Onramp', 'Check permissions per entity, create the Ticket webhook, add its fields, wait until ready');
  const done = await follow<AutotaskOnboardingStatus>(
    onboarding,
    (s) => [`[${s.step}]`, ...s.webhooks.map((h) => `webhook ${h.id} ${h.isReady ? 'ready' : 'not ready'}`)].join(' '),
    (s) => s.state === 'completed' || s.state === 'failed',
    log.note.bind(log),
    { intervalMs: ctx.fast ? 200 : 500 }
  );
  if (done.state !== 'completed') throw new GuideError(done.error ?? 'the Autotask onboarding failed');
  const oldWebhook = done.webhooks[0]!;

  const ticketChange = async (who: string) => {
    const before = await callouts(ctx, tenant);
    log.step('-', 'technician', `Changes a ticket in Autotask (${who})`);
    await admin(at, 'POST', '/tickets', { fields: { title: `Printer on fire (${who})`, status: 1, priority: 2 } });
    const events = await waitUntil(async () => {
      const now = await callouts(ctx, tenant);
      return now.length > before.length ? now : undefined;
    }, 'the signed webhook callout');
    log.note(`Onramp's receiver verified the signed callout of webhook ${events.at(-1)}`);
    return events;
  };
  await ticketChange('webhook of the first API user');

  // ---- Seed 004: change the API user ----
  log.title(
    "Seed 004: change the integration's API user (new webhook with the new credentials, old one deleted with the old)"
  );
  const userB = await newUser('004');
  const rotationRequest: AutotaskRotationRequest = {
    customer: { id: tenant, name: `MSP ${tag}` },
    vendor: { name: VENDOR },
    vendorProfile: VENDOR_PROFILE,
    integrationId: 'sophos-central',
    oldUser: { username: userA.username, secretRef: userA.secretRef },
    newUser: { username: userB.username, secretRef: userB.secretRef },
    oldWebhooks: [{ entity: 'Ticket', id: oldWebhook.id }],
    webhook: webhook(`sophos-${tag}-2`),
    timing,
  };
  const rotation = await startWorkflow<typeof autotaskWebhookRotation>(
    ctx,
    'autotaskWebhookRotation',
    rotationRequest,
    {
      workflowId: autotaskRotationWorkflowId(parseAutotaskRotationInput(rotationRequest)),
      staticSummary: `Autotask API-user rotation for ${tenant}`,
    }
  );
  log.step(
    '004',
    'Onramp',
    `Keep the old credentials active; create the new webhook as ${userB.username}, wait until ready, delete the old one as ${userA.username}`
  );
  log.webUi(rotation.workflowId);
  const rotated = await follow<AutotaskRotationStatus>(
    rotation,
    (s) =>
      `[${s.step}] new ${s.newWebhooks.map((h) => `${h.id}${h.isReady ? ' ready' : ''}`).join(', ') || '-'}; old ${s.oldWebhooks.map((h) => `${h.id} ${h.state}`).join(', ')}`,
    (s) => s.state === 'completed' || s.state === 'failed',
    log.note.bind(log),
    { intervalMs: ctx.fast ? 200 : 500 }
  );
  if (rotated.state !== 'completed') throw new GuideError(rotated.error ?? 'the rotation failed');

  log.step('004', 'Autotask admin', `Deactivate the previous API user ${userA.username} (its webhook is gone already)`);
  await admin(at, 'PATCH', `/api-users/${encodeURIComponent(userA.username)}`, { active: false });
  const calloutsBy = await ticketChange('webhook of the new API user');
  const webhooksAfter = (await admin<AdminWebhook[]>(at, 'GET', '/webhooks')).filter((h) =>
    h.name.startsWith(`sophos-${tag}`)
  );
  log.result(
    [
      `tenant ${tenant}: ${webhooksAfter.map((h) => `webhook ${h.id} "${h.name}" owned by ${h.owner ?? '?'} ${h.isActive ? 'active' : 'inactive'}`).join('; ')}`,
      `old webhook ${oldWebhook.id}: ${rotated.oldWebhooks.map((w) => w.state).join(', ')}`,
    ].join('\n')
  );
  return {
    tenant,
    onboardingWorkflowId: onboarding.workflowId,
    rotationWorkflowId: rotation.workflowId,
    oldUser: userA.username,
    newUser: userB.username,
    oldWebhook,
    newWebhooks: rotated.newWebhooks,
    webhooksAfter,
    calloutsBy,
    wrongVendorRefusal: refused,
    officeProtect,
  };
}

/**
 * Seed 001 itself: that user is bound to Office Protect's vendor, right for Office Protect's integration, whose
 * guide has no webhook step. Its onboarding (profile "office-protect") verifies the user and finishes, creating
 * no webhook.
 */
async function officeProtectOnboarding(
  ctx: GuideContext,
  log: GuideLog,
  tenant: string,
  tag: string,
  user: CreatedUser & { secretRef: string },
  timing: AutotaskOnboardingRequest['timing']
): Promise<{ workflowId: string; webhooks: number }> {
  const hookBase = `${ctx.autotaskReceiverUrl}/webhooks/autotask/${tenant}`;
  const request: AutotaskOnboardingRequest = {
    customer: { id: tenant, name: `MSP ${tag}` },
    vendor: { name: 'Office Protect' },
    vendorProfile: 'office-protect',
    integrationId: 'office-protect',
    credentials: { username: user.username, secretRef: user.secretRef },
    // Required by the input; unused, since the profile has no webhook step.
    webhook: {
      name: `op-${tag}`,
      webhookUrl: hookBase,
      deactivationUrl: `${hookBase}/deactivated`,
      signingKeyRef: ctx.autotaskSigningKeyRef,
    },
    timing,
  };
  log.step(
    '001',
    'Onramp',
    `That API user is bound to "${WRONG_INTEGRATION_VENDOR}": right for Office Protect, whose guide has no webhook step`
  );
  const h = await startWorkflow<typeof autotaskOnboarding>(ctx, 'autotaskOnboarding', request, {
    workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(request)),
    staticSummary: `Autotask Office Protect integration for ${tenant}`,
  });
  log.webUi(h.workflowId);
  const result = await h.result();
  log.note(`verified with Office Protect's own tracking identifier; ${result.webhooks.length} webhook(s) created`);
  return { workflowId: h.workflowId, webhooks: result.webhooks.length };
}

/** The webhook names of the signed callouts Onramp's receiver accepted for a tenant, oldest first. */
async function callouts(ctx: GuideContext, tenant: string): Promise<string[]> {
  const res = await fetch(`${ctx.autotaskReceiverUrl}/events?tenant=${encodeURIComponent(tenant)}`);
  if (!res.ok) throw new GuideError(`the Autotask receiver answered HTTP ${res.status}`);
  const body = (await res.json()) as { events: { webhook?: string }[] };
  return body.events.map((e) => e.webhook ?? '?');
}
