/**
 * The "order world" the order-level tests (drift, offboarding, the offboarding CLI and crash tests, the intake)
 * each built by hand: the Google, Autotask and ConnectWise simulators, a notify receiver, an in-process worker
 * with every vendor's activities pointed at them, the door's configuration, and the order they onboard.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type OnrampActivities } from '../../src/activities';
import type { OrderRequest } from '../../src/domain/customer-onboarding-schema';
import { ADMIN_ROLE_SCOPES } from '../../src/domain/google-admin-roles-schema';
import { orderAction, type OrderConfig } from '../../src/services/orders';
import type { AreaLevels } from '../../src/simulators/connectwise/connectwise-state';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { autotaskFixture, type AutotaskFixture } from './autotask';
import { connectwiseFixture, customers, fullRole, type ConnectwiseFixture, type CwMember } from './connectwise';
import { googleAdminFixture, type GoogleAdminFixture } from './google-admin';
import { eventually, integration, uniqueTaskQueue, type Integration, type RunningWorker } from './integration';

/** The activities of `acts` whose names match `re` (a vendor fixture's own, pointed at its simulator). */
export const pickActivities = (acts: Partial<OnrampActivities>, re: RegExp) =>
  Object.fromEntries(Object.entries(acts).filter(([k]) => re.test(k))) as Partial<OnrampActivities>;

/** The ConnectWise role of the guide plus Delete on the areas whose objects the sync creates (so Onramp can remove them). */
export function cwRoleWithDelete(): Record<string, Partial<AreaLevels>> {
  const role = fullRole();
  for (const area of ['Finance/Agreements', 'Procurement/Product Catalog', 'Companies/Company Maintenance'])
    role[area] = { ...role[area], delete: 'All' };
  return role;
}

/** The delegation part of an order for the Google admin fixture's tenant (polling every second, 1 h deadline). */
export function delegationOf(g: GoogleAdminFixture): NonNullable<OrderRequest['integrations']['googleDelegation']> {
  return {
    customer: { domain: g.domain },
    adminEmail: g.admin,
    vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
    serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
    scopes: Object.values(ADMIN_ROLE_SCOPES),
    polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
  };
}

/** What "as before" compares in the Google tenant (not audit records such as write counters). */
export const googleTenant = (g: GoogleAdminFixture) =>
  structuredClone({
    groups: [...g.sim.directory.groups.keys()].sort(),
    members: [...g.sim.directory.members].map(([k, v]) => [k, [...v.keys()].sort()]),
    roles: [...g.sim.directory.roles.keys()].sort(),
    assignments: [...g.sim.directory.assignments.keys()].sort(),
    grant: [...g.sim.state.effectiveScopes(g.clientId, g.domain)].sort(),
  });

const worldSnapshot = (g: GoogleAdminFixture, at: AutotaskFixture, cw: ConnectwiseFixture) =>
  structuredClone({
    google: googleTenant(g),
    autotask: { webhooks: [...at.sim.db.webhooks.keys()].sort() },
    connectwise: {
      companies: cw.sim.state.companies,
      agreements: cw.sim.state.agreements,
      catalog: cw.sim.state.catalog,
      additions: cw.sim.state.additions,
    },
  });

export interface WorldOrder {
  orderId: string;
  customer: { id: string; name: string };
  schedules?: OrderRequest['schedules'];
  /** googleAdminRoles under this name, with `members` members (default 2). */
  roles: { name: string; members?: number };
  /** Autotask onboarding creating the webhook `webhooks` (its credentials arrive later, through supply-credential). */
  autotask?: { webhooks: string; /** Default: the fixture's (sophos-central). */ vendorProfile?: string };
  /** ConnectWise for this API member, syncing two customers whose identifiers start with `companies` (key supplied later). */
  connectwise?: { member: CwMember; companies: string };
}

export interface OrderWorldOptions {
  /** Task queue prefix. */
  name: string;
  /** The Autotask simulator (default true). */
  autotask?: boolean;
  /** The ConnectWise simulator (default true). */
  connectwise?: boolean;
  /** An in-process worker on the world's task queue (default true); false for tests that run their own. */
  worker?: boolean;
}

export interface OrderWorld {
  stack: Integration;
  env: TestWorkflowEnvironment;
  g: GoogleAdminFixture;
  /** Throws when the world was built without it. */
  at: AutotaskFixture;
  /** Throws when the world was built without it. */
  cw: ConnectwiseFixture;
  receiver: NotifyReceiver;
  notifyUrl: string;
  taskQueue: string;
  /** The door's configuration: the task queue, and the ConnectWise simulator's host on the allow-list. */
  config: OrderConfig;
  /** Every vendor's activities, pointed at the simulators (what the world's worker runs). */
  activities: Partial<OnrampActivities>;
  worker?: RunningWorker;
  order(o: WorldOrder): OrderRequest;
  /** Every simulator's state that an offboarding must restore (Google tenant, Autotask webhooks, ConnectWise objects). */
  snapshot(): ReturnType<typeof worldSnapshot>;
  /** supply-credential for a waiting integration, retried until the integration waits for it. */
  supply(orderId: string, integration: 'autotask' | 'connectwise', credential: unknown): Promise<unknown>;
  teardown(): Promise<void>;
}

export async function orderWorld(opts: OrderWorldOptions): Promise<OrderWorld> {
  const stack = await integration();
  const env = stack.env;
  const [g, atF, cwF] = await Promise.all([
    googleAdminFixture(),
    opts.autotask === false ? undefined : autotaskFixture(),
    opts.connectwise === false ? undefined : connectwiseFixture(),
  ]);
  const taskQueue = uniqueTaskQueue(opts.name);
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue } };
  if (cwF) config.connectwise = { allowedHosts: [cwF.host] };
  const receiver = createNotifyReceiver();
  const notifyUrl = `${await receiver.listen()}/notify`;
  const activities: Partial<OnrampActivities> = {
    ...createActivities({
      google: { tokenUrl: `${g.url}/token` },
      notify: { webhookUrl: notifyUrl },
      googleAdmin: { apiRootUrl: g.url },
      // Drift checks of an order read its onboarding's progress through the worker's client.
      onramp: { client: async () => env.client },
    }),
    // Each vendor fixture's own activities win over createActivities' copies (their settings point at the simulator).
    ...(atF ? pickActivities(atF.activities, /autotask/i) : {}),
    ...(cwF ? pickActivities(cwF.activities, /connectwise/i) : {}),
  };
  const worker = opts.worker === false ? undefined : await stack.worker(activities, { taskQueue });
  const need = <T>(f: T | undefined, what: string): T => {
    if (!f) throw new Error(`this order world was built without ${what}`);
    return f;
  };
  const world: OrderWorld = {
    stack,
    env,
    g,
    get at() {
      return need(atF, 'Autotask');
    },
    get cw() {
      return need(cwF, 'ConnectWise');
    },
    receiver,
    notifyUrl,
    taskQueue,
    config,
    activities,
    worker,
    order: (o) => ({
      orderId: o.orderId,
      customer: o.customer,
      ...(o.schedules ? { schedules: o.schedules } : {}),
      integrations: {
        googleDelegation: delegationOf(g),
        googleAdminRoles: {
          ...g.request(o.roles.name),
          members: g.users(`${o.roles.name}-m`, o.roles.members ?? 2).map((email) => ({ email })),
        },
        // Credentials and the private key arrive later through supply-credential, as in the guides.
        ...(o.autotask
          ? {
              autotask: world.at.onboarding(
                o.customer.id,
                o.autotask.webhooks,
                o.autotask.vendorProfile ? { vendorProfile: o.autotask.vendorProfile } : {}
              ),
            }
          : {}),
        ...(o.connectwise
          ? {
              connectwise: {
                ...world.cw.request(o.connectwise.member),
                connection: { ...world.cw.request(o.connectwise.member).connection, privateKeyRef: undefined },
                customers: customers(2, o.connectwise.companies),
                // The sync creates the companies (the world's member has the full role), so offboarding has them to remove.
                sync: { createMissingCompanies: true, companyAddress: { city: 'Milano', zip: '20121' } },
                keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
              },
            }
          : {}),
      },
    }),
    snapshot: () => worldSnapshot(g, world.at, world.cw),
    supply: (orderId, integration, credential) =>
      eventually(
        () =>
          orderAction(env.client, orderId, 'supply-credential', { integration, credential, config }).catch(() => false),
        `${integration} to take its credential`
      ),
    teardown: async () => {
      await stack.teardown();
      await Promise.all([g.close(), atF?.close(), cwF?.close(), receiver.close()]);
    },
  };
  return world;
}
