import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities, type OnrampActivities } from '../../src/activities';
import type { AutotaskOnboardingRequest, AutotaskRotationRequest } from '../../src/domain/autotask-schema';
import {
  createAutotaskSimulator,
  type AutotaskSimulator,
  type AutotaskSimulatorOptions,
} from '../../src/simulators/autotask/autotask-simulator';
import {
  SYSTEM_API_LEVEL,
  type Action,
  type ApiUser,
  type Webhook,
} from '../../src/simulators/autotask/autotask-state';
import { signAutotaskBody } from '../../src/simulators/autotask/delivery';
import { vendorTrackingIdentifier } from '../../src/simulators/autotask/autotask-admin-routes';
import { playVendorDeployments } from '../../src/simulators/autotask/vendor-deployment';
import { loadVendorProfiles } from '../../src/secrets/vendor-profile-file';
import { SANDBOX_VENDOR_PROFILES } from '../../src/config';
import { listen } from '../../src/simulators/http';
import { deriveAutotaskWebhookSecret, webhookCalloutUrl } from '../../src/webhooks/autotask-secret';
import {
  createAutotaskWebhookReceiver,
  type AutotaskWebhookEvent,
  type ReceiverStats,
} from '../../src/webhooks/autotask-receiver';
import { plantCanary } from './canaries';

/** The vendor profiles the sandbox ships (seeds 001, 004); this process plays the vendors' deployments. */
export const VENDOR_PROFILES = playVendorDeployments(loadVendorProfiles(SANDBOX_VENDOR_PROFILES));
/** The fixture's default profile: Sophos Central (seed 004, with a webhook step). */
export const VENDOR_PROFILE = 'sophos-central';
export const INTEGRATION_VENDOR = VENDOR_PROFILES.profiles[VENDOR_PROFILE]!.autotask!.integrationVendor;
/**
 * Sophos Central's tracking identifier, as the vendor's own software holds it: what a third-party client acting
 * as the vendor sends. Onramp's orders never carry it.
 */
export const INTEGRATION_CODE = vendorTrackingIdentifier(INTEGRATION_VENDOR)!;
const ALL: Action[] = ['query', 'create', 'update', 'delete'];

export interface TestUser {
  user: ApiUser;
  credentials: { username: string; secretRef: string };
  /** Where activities send this user's calls: the tenant, the vendor profile, the credentials. */
  target(tenant: string): { tenant: string; vendorProfile: string; credentials: TestUser['credentials'] };
}

export interface AutotaskFixture {
  sim: AutotaskSimulator;
  simUrl: string;
  receiverUrl: string;
  events: AutotaskWebhookEvent[];
  deactivations: { tenant: string; webhook?: string }[];
  receiverStats: ReceiverStats;
  /** Webhook names whose secrets the receiver accepts, per tenant (both during a rotation). */
  activeHooks: Map<string, Set<string>>;
  masterKey: string;
  signingKeyRef: string;
  activities: OnrampActivities;
  /** An API user bound to `integrationVendor` (default: the default profile's, Sophos Central - Security). */
  addUser(opts?: { level?: string; secret?: string; integrationVendor?: string; vendorProfile?: string }): TestUser;
  /** A security level like "API User (system)" with webhooks enabled, minus `without` permissions. */
  level(
    name: string,
    opts?: {
      webhooks?: boolean;
      max?: number;
      without?: Record<string, Action[]>;
      /** Actions granted as Restricted (userAccessFor* = 2) instead of All. */
      restricted?: Record<string, Action[]>;
    }
  ): string;
  onboarding(
    tenant: string,
    integrationId: string,
    overrides?: Partial<AutotaskOnboardingRequest>
  ): AutotaskOnboardingRequest;
  rotation(
    tenant: string,
    oldUser: TestUser,
    newUser: TestUser,
    oldHookId: number,
    name: string
  ): AutotaskRotationRequest;
  /** A ready Ticket webhook owned by `owner`, as a previous integration would have left it. */
  seedWebhook(owner: ApiUser, tenant: string, name: string): number;
  close(): Promise<void>;
}

let n = 0;

export async function autotaskFixture(simOpts: AutotaskSimulatorOptions = {}): Promise<AutotaskFixture> {
  const sim = createAutotaskSimulator({ delivery: { retryDelayMs: 200, attempts: 3, timeoutMs: 2000 }, ...simOpts });
  const simUrl = await sim.listen();
  const dir = mkdtempSync(join(tmpdir(), 'onramp-autotask-'));
  const masterKey = plantCanary('Autotask webhook signing master key', randomBytes(32).toString('base64url'));
  writeFileSync(join(dir, 'signing.key'), masterKey);
  const activeHooks = new Map<string, Set<string>>();
  const events: AutotaskWebhookEvent[] = [];
  const deactivations: { tenant: string; webhook?: string }[] = [];
  const receiver = createAutotaskWebhookReceiver({
    secretsFor: (tenant) =>
      [...(activeHooks.get(tenant) ?? [])].map((name) => deriveAutotaskWebhookSecret(masterKey, name)),
    onEvent: (e) => void events.push(e),
    onDeactivation: (d) => void deactivations.push(d),
  });
  const receiverUrl = await listen(receiver.app);
  const activities = createActivities({
    google: { tokenUrl: 'http://127.0.0.1:9/unused' },
    notify: {},
    autotask: {
      discoveryUrl: simUrl,
      allowedZoneHosts: [new URL(simUrl).host],
      timeoutMs: 10_000,
      vendorProfiles: VENDOR_PROFILES,
    },
  });

  const fixture: AutotaskFixture = {
    sim,
    simUrl,
    receiverUrl,
    events,
    deactivations,
    receiverStats: receiver.stats,
    activeHooks,
    masterKey,
    signingKeyRef: `file:${join(dir, 'signing.key')}`,
    activities,
    addUser: (opts = {}) => {
      const id = `${++n}-${process.pid}`;
      const secret = plantCanary('Autotask API user secret', opts.secret ?? randomBytes(18).toString('base64url'));
      const env = `AUTOTASK_TEST_SECRET_${id.replace(/-/g, '_')}`;
      process.env[env] = secret;
      const user = sim.db.addUser({
        username: `onramp${id}@acme-msp.example`,
        secret,
        integrationCode: vendorTrackingIdentifier(opts.integrationVendor ?? INTEGRATION_VENDOR)!,
        securityLevel: opts.level ?? fixture.level('Onramp API'),
      });
      const credentials = { username: user.username, secretRef: `env:${env}` };
      const vendorProfile = opts.vendorProfile ?? VENDOR_PROFILE;
      return { user, credentials, target: (tenant) => ({ tenant, vendorProfile, credentials }) };
    },
    level: (name, opts = {}) => {
      const permissions = Object.fromEntries(
        Object.entries(SYSTEM_API_LEVEL.permissions).map(([e, acts]) => [
          e,
          acts.filter((a) => !(opts.without?.[e] ?? []).includes(a)),
        ])
      );
      sim.db.setLevel({
        name,
        permissions: { ...permissions, Tickets: permissions.Tickets ?? ALL },
        restricted: opts.restricted,
        webhooks: { enabled: opts.webhooks ?? true, max: opts.max ?? 5 },
      });
      return name;
    },
    onboarding: (tenant, integrationId, overrides = {}) => ({
      customer: { id: tenant },
      vendor: { name: 'Sophos Central' },
      vendorProfile: VENDOR_PROFILE,
      integrationId,
      webhook: {
        name: integrationId,
        webhookUrl: `${receiverUrl}/webhooks/autotask/${tenant}`,
        deactivationUrl: `${receiverUrl}/webhooks/autotask/${tenant}/deactivated`,
        signingKeyRef: fixture.signingKeyRef,
      },
      timing: { readyPollSeconds: 0.2, readyDeadlineMinutes: 1, operatorDeadlineHours: 1, reminderMinutes: 60 },
      ...overrides,
    }),
    rotation: (tenant, oldUser, newUser, oldHookId, name) => ({
      customer: { id: tenant },
      vendor: { name: 'Sophos Central' },
      vendorProfile: VENDOR_PROFILE,
      integrationId: 'sophos-central',
      oldUser: oldUser.credentials,
      newUser: newUser.credentials,
      oldWebhooks: [{ entity: 'Ticket', id: oldHookId }],
      webhook: {
        name,
        webhookUrl: `${receiverUrl}/webhooks/autotask/${tenant}`,
        deactivationUrl: `${receiverUrl}/webhooks/autotask/${tenant}/deactivated`,
        signingKeyRef: fixture.signingKeyRef,
      },
      timing: { readyPollSeconds: 0.2, readyDeadlineMinutes: 1, operatorDeadlineHours: 1, reminderMinutes: 60 },
    }),
    seedWebhook: (owner, tenant, name) => {
      const hookName = `${name}-Ticket`;
      const hook = sim.db.createWebhook(owner, 'Ticket', {
        name: hookName,
        webhookUrl: webhookCalloutUrl(`${receiverUrl}/webhooks/autotask/${tenant}`, hookName),
        deactivationUrl: webhookCalloutUrl(`${receiverUrl}/webhooks/autotask/${tenant}/deactivated`, hookName),
        secretKey: deriveAutotaskWebhookSecret(masterKey, hookName),
        isSubscribedToCreateEvents: true,
        isSubscribedToUpdateEvents: true,
      });
      hook.fields.push({ id: sim.db.id(), fieldID: 3, isSubscribedField: true, isDisplayAlwaysField: false });
      hook.readyAt = Date.now();
      return hook.id;
    },
    close: async () => {
      // The webhook secrets the simulator was given (Onramp derives them): planted as the vendor holds them.
      for (const hook of sim.db.webhooks.values())
        if (hook.secretKey) plantCanary('Autotask webhook secretKey, as the simulator holds it', hook.secretKey);
      await sim.close();
      await receiver.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

let nextCalloutId = 7_000_000;
/**
 * One ticket callout as Autotask sends it for webhook `name` of `tenant`, signed with the secret derived from
 * `master` (what a receiver that trusts `master` expects): the receiver's HTTP status.
 */
export async function deliverSignedCallout(
  receiverUrl: string,
  tenant: string,
  name: string,
  master: string
): Promise<number> {
  const body = JSON.stringify({
    Action: 'Update',
    Guid: 'test',
    EntityType: 'Ticket',
    Id: ++nextCalloutId,
    EventTime: new Date().toISOString(),
    Fields: { 3: 1 },
  });
  const res = await fetch(webhookCalloutUrl(`${receiverUrl}/webhooks/autotask/${tenant}`, name), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hook-signature': signAutotaskBody(deriveAutotaskWebhookSecret(master, name), body),
    },
    body,
  });
  return res.status;
}

/**
 * A ready Ticket webhook `name` of `owner`, calling the receiver at `receiverUrl` for `tenant` and signed with
 * the secret derived from the fixture's master key: what an onboarding leaves before a signing rotation.
 */
export function seedSignedWebhook(
  at: AutotaskFixture,
  owner: TestUser,
  receiverUrl: string,
  tenant: string,
  name: string
): Webhook {
  const base = `${receiverUrl}/webhooks/autotask/${tenant}`;
  const hook = at.sim.db.createWebhook(owner.user, 'Ticket', {
    name,
    webhookUrl: webhookCalloutUrl(base, name),
    deactivationUrl: webhookCalloutUrl(`${base}/deactivated`, name),
    secretKey: deriveAutotaskWebhookSecret(at.masterKey, name),
    isSubscribedToCreateEvents: true,
    isSubscribedToUpdateEvents: true,
  });
  hook.fields.push({ id: at.sim.db.id(), fieldID: 3, isSubscribedField: true, isDisplayAlwaysField: false });
  hook.readyAt = Date.now();
  return hook;
}
