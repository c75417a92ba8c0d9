/**
 * Record one end-to-end history of every workflow type against the simulators, for the determinism
 * replay test (test/replay.test.ts). Re-record (and commit) when a workflow changes on purpose; a change
 * that breaks replay of these histories would break running onboardings after a deploy.
 *
 *   npx tsx scripts/record-histories.ts            # all, into test/histories/
 *   npx tsx scripts/record-histories.ts autotaskOnboarding driftCheck
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type OnrampActivities } from '../src/activities';
import { createOnrampStateActivities } from '../src/activities/onramp';
import { listFindings } from '../src/services/findings';
import { startGoogleDelegation } from '../src/client';
import { autotaskOnboardingWorkflowId, parseAutotaskOnboardingInput } from '../src/domain/autotask-schema';
import type { CwTarget } from '../src/activities/connectwise';
import { SEED_002_ROLE_READABLE } from '../src/sandbox/guides/connectwise-guide';
import { billingSchema } from '../src/domain/connectwise-schema';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { driftFindingWorkflowId, type DriftCheckRequest } from '../src/domain/drift-schema';
import { ADMIN_ROLE_SCOPES, parseAdminRoleInput } from '../src/domain/google-admin-roles-schema';
import { offboardingWorkflowId, type OffboardingRequest } from '../src/domain/offboarding-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { createNotifyReceiver } from '../src/simulators/notify-receiver';
import {
  cwKeyRotationStatusQuery,
  oldKeyDeletedSignal,
  provideNewKeyUpdate,
} from '../src/contract/connectwise-key-rotation-messages';
import { offboardingOperatorDoneSignal, offboardingStatusQuery } from '../src/contract/offboarding-messages';
import {
  autotaskOnboardingStatusQuery,
  supplyAutotaskCredentialsUpdate,
} from '../src/contract/autotask-onboarding-messages';
import { autotaskSecretRotationStatusQuery, endSigningOverlapSignal } from '../src/contract/autotask-rotation-messages';
import { autotaskFixture, VENDOR_PROFILES } from '../test/helpers/autotask';
import { useReplayCodecKey } from '../test/helpers/faults';
import { CLIENT_ID, connectwiseFixture, customers, fullRole } from '../test/helpers/connectwise';
import { googleAdminFixture, startProvisioning, type GoogleAdminFixture } from '../test/helpers/google-admin';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from '../test/helpers/temporal';

import { createSalesActivities } from '../src/activities/sales';
import { salesDealStatusQuery } from '../src/contract/sales-deal-messages';
import { parseSalesMapping, salesMappingV1 } from '../src/domain/sales-mapping-schema';
import { orderProblems, type OrderConfig } from '../src/services/orders';
import { deliverSalesEvent, supplySalesFields } from '../src/services/sales-deals';
import { createHubspotSimulator } from '../src/simulators/hubspot/hubspot-simulator';

const OUT = resolve(__dirname, '..', 'test', 'histories');

/** Each recording owns its simulators: they are created in `run` and the worker gets their activities. */
export type Recorder = (
  env: TestWorkflowEnvironment,
  withWorker: <T>(activities: Partial<OnrampActivities>, body: (taskQueue: string) => Promise<T>) => Promise<T>
) => Promise<WorkflowHandle>;

export const recorders: Record<string, Recorder> = {
  async googleDelegationOnboarding(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant([...DEFAULT_DELEGATION_SCOPES]);
    const receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    try {
      const activities = notifyActivities(g, notifyUrl);
      return await withWorker(activities, async (taskQueue) => {
        const h = await startGoogleDelegation(
          env.client,
          { temporal: { address: env.address, namespace: 'default', taskQueue } },
          {
            customer: { domain: g.domain },
            adminEmail: g.admin,
            vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
            serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
            polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
          }
        );
        await h.result();
        return h;
      });
    } finally {
      await receiver.close();
      await g.close();
    }
  },

  /**
   * A delegation wait long enough to continue as new (`polling.roundsPerRun: 2`): the recorded run is the
   * second of the chain, so it starts from a carry (deadline, checks, scope states) and ends continuing as new.
   */
  async 'googleDelegationOnboarding-continued-as-new'(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant([DEFAULT_DELEGATION_SCOPES[0]]);
    const receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    try {
      return await withWorker(notifyActivities(g, notifyUrl), async (taskQueue) => {
        const h = await startGoogleDelegation(
          env.client,
          { temporal: { address: env.address, namespace: 'default', taskQueue } },
          {
            customer: { domain: g.domain },
            adminEmail: g.admin,
            vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
            serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
            polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1, roundsPerRun: 2 },
          }
        );
        const firstRunId = (await h.describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
        const nextRun = async (runId: string | undefined) => {
          const events = (await env.client.workflow.getHandle(h.workflowId, runId).fetchHistory()).events ?? [];
          return (
            events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined
          );
        };
        const second = await eventually(() => nextRun(firstRunId), 'the first continue-as-new');
        await eventually(() => nextRun(second), 'the second continue-as-new');
        g.grant([...DEFAULT_DELEGATION_SCOPES]);
        await h.result();
        return env.client.workflow.getHandle(h.workflowId, second);
      });
    } finally {
      await receiver.close();
      await g.close();
    }
  },

  async googleAdminRoleProvisioning(env, withWorker) {
    const g = await googleAdminFixture();
    try {
      return await withWorker(g.activities(), async (taskQueue) => {
        const h = await startProvisioning(env.client, taskQueue, {
          ...g.request('recorded'),
          members: g.users('member', 3).map((email) => ({ email })),
        });
        await h.result();
        return h;
      });
    } finally {
      await g.close();
    }
  },

  /**
   * Members by reference (an org unit) in pages of 2, two pages per run: the recorded run is the second of the
   * chain, so it starts from a carry (plan, group, counts, cursor) and ends continuing as new.
   */
  async 'googleAdminRoleProvisioning-continued-as-new'(env, withWorker) {
    const g = await googleAdminFixture();
    try {
      return await withWorker(g.activities(), async (taskQueue) => {
        for (let i = 0; i < 9; i++) g.sim.state.addUser(`teacher${i}@${g.domain}`, 'user', '/Teachers');
        const h = await startProvisioning(env.client, taskQueue, {
          ...g.request('recorded-pages'),
          members: g.users('member', 3).map((email) => ({ email })),
          membersFrom: { orgUnit: '/Teachers' },
          membership: { propagationTimeoutMinutes: 2, pollSeconds: 1, batchSize: 2, pagesPerRun: 2 },
        });
        await h.result();
        const firstRunId = (await h.describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
        const events = (await env.client.workflow.getHandle(h.workflowId, firstRunId).fetchHistory()).events ?? [];
        const second = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
        if (!second) throw new Error('the recorded provisioning did not continue as new');
        return env.client.workflow.getHandle(h.workflowId, second);
      });
    } finally {
      await g.close();
    }
  },

  async 'googleAdminRoleProvisioning-undo'(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant(Object.values(ADMIN_ROLE_SCOPES));
    try {
      return await withWorker(g.activities(), async (taskQueue) => {
        const applied = await (await startProvisioning(env.client, taskQueue, g.request('recorded'))).result();
        const h = await startProvisioning(env.client, taskQueue, {
          ...g.request('recorded'),
          mode: 'undo',
          undo: { ledger: applied.ledger },
        });
        await h.result();
        return h;
      });
    } finally {
      await g.close();
    }
  },

  async autotaskOnboarding(env, withWorker) {
    const at = await autotaskFixture();
    try {
      const u = at.addUser();
      return await withWorker(at.activities, async (taskQueue) => {
        const req = at.onboarding('recorded-tenant', 'office-protect');
        const h = await env.client.workflow.start('autotaskOnboarding', {
          workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
          taskQueue,
          args: [req],
        });
        await eventually(
          async () => (await h.query(autotaskOnboardingStatusQuery)).state === 'waiting-for-operator',
          'the operator step'
        );
        // The operator step by Update, so the recorded history covers it.
        await h.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [u.credentials] });
        await h.result();
        return h;
      });
    } finally {
      await at.close();
    }
  },

  async autotaskWebhookRotation(env, withWorker) {
    const at = await autotaskFixture();
    try {
      const oldU = at.addUser();
      const newU = at.addUser();
      const tenant = 'recorded-rotation';
      const oldId = at.seedWebhook(oldU.user, tenant, 'sophos-v1');
      at.activeHooks.set(tenant, new Set(['sophos-v1-Ticket', 'sophos-v2-Ticket']));
      return await withWorker(at.activities, async (taskQueue) => {
        const h = await env.client.workflow.start('autotaskWebhookRotation', {
          workflowId: `recorded-rotation-${randomUUID()}`,
          taskQueue,
          args: [at.rotation(tenant, oldU, newU, oldId, 'sophos-v2')],
        });
        await h.result();
        return h;
      });
    } finally {
      await at.close();
    }
  },

  /** Signing-secret rotation: overlap opened, one webhook's secretKey switched, the overlap ended by signal, revoke. */
  async autotaskSecretRotation(env, withWorker) {
    const at = await autotaskFixture();
    const dir = mkdtempSync(join(tmpdir(), 'onramp-keyring-'));
    try {
      const u = at.addUser();
      const tenant = 'recorded-secret-rotation';
      at.seedWebhook(u.user, tenant, 'sophos-v1');
      const activities = createActivities({
        google: { tokenUrl: 'http://127.0.0.1:9/unused' },
        notify: {},
        autotask: {
          discoveryUrl: at.simUrl,
          allowedZoneHosts: [new URL(at.simUrl).host],
          receiverKeyringDir: dir,
          vendorProfiles: VENDOR_PROFILES,
        },
      });
      return await withWorker(activities, async (taskQueue) => {
        const h = await env.client.workflow.start('autotaskSecretRotation', {
          workflowId: `recorded-secret-rotation-${randomUUID()}`,
          taskQueue,
          args: [
            {
              customer: { id: tenant },
              vendor: { name: 'Sophos Central' },
              vendorProfile: 'sophos-central',
              credentials: u.credentials,
              webhooks: [{ entity: 'Ticket', name: 'sophos-v1-Ticket' }],
              signingKeyRef: at.signingKeyRef,
            },
          ],
        });
        await eventually(
          async () => (await h.query(autotaskSecretRotationStatusQuery)).step === 'overlap',
          'the overlap'
        );
        await h.signal(endSigningOverlapSignal);
        await h.result();
        return h;
      });
    } finally {
      await at.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },

  async connectwiseOnboarding(env, withWorker) {
    const cw = await connectwiseFixture();
    try {
      const m = await cw.newMember();
      return await withWorker(cw.activities, async (taskQueue) => {
        const h = await env.client.workflow.start('connectwiseOnboarding', {
          workflowId: `recorded-cw-${randomUUID()}`,
          taskQueue,
          args: [cw.request(m)],
        });
        await h.result();
        return h;
      });
    } finally {
      await cw.close();
    }
  },

  /**
   * sync.createMissingCompanies off (the default): seed 002's role, one customer already a company, one not:
   * the sync matches one, reports the other unmatched, creates nothing.
   */
  async 'connectwiseOnboarding-match-only'(env, withWorker) {
    const cw = await connectwiseFixture();
    try {
      const m = await cw.newMember(structuredClone(SEED_002_ROLE_READABLE));
      const list = customers(2, 'RM');
      cw.sim.state.addCompany(list[0]!.identifier, list[0]!.name);
      return await withWorker(cw.activities, async (taskQueue) => {
        const h = await env.client.workflow.start('connectwiseOnboarding', {
          // The file's name: the replay runs it under that ID, and the sync child's ID derives from it.
          workflowId: 'connectwiseOnboarding-match-only',
          taskQueue,
          args: [cw.request(m, { customers: list })],
        });
        const r = (await h.result()) as { sync?: { unmatchedCompanies?: string[] } };
        if (r.sync?.unmatchedCompanies?.[0] !== list[1]!.identifier) throw new Error('expected one unmatched company');
        return h;
      });
    } finally {
      await cw.close();
    }
  },

  async connectwiseCustomerSync(env, withWorker) {
    const cw = await connectwiseFixture();
    try {
      const m = await cw.newMember();
      const connection = {
        site: cw.host,
        companyId: cw.sim.state.companyId,
        publicKey: m.publicKey,
        privateKeyRef: m.keyRef,
        clientId: CLIENT_ID,
      };
      const v = await cw.activities.verifyConnectwiseConnection(connection);
      if (!v.ok) throw new Error('the ConnectWise connection did not verify');
      const target: CwTarget = { connection, site: v.site };
      return await withWorker(cw.activities, async (taskQueue) => {
        const h = await env.client.workflow.start('connectwiseCustomerSync', {
          workflowId: `recorded-cw-sync-${randomUUID()}`,
          taskQueue,
          args: [
            {
              customer: 'Contoso MSP',
              vendor: 'Sophos Central',
              target,
              customers: customers(3, 'R'),
              billing: billingSchema.parse({}),
              mode: 'apply',
              createMissingCompanies: true,
              companyAddress: { city: 'Milano' },
            },
          ],
        });
        await h.result();
        return h;
      });
    } finally {
      await cw.close();
    }
  },

  /** The parent workflow running one integration (delegation) as a child, as the intake API starts it. */
  async customerOnboarding(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant([...DEFAULT_DELEGATION_SCOPES]);
    const receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    try {
      return await withWorker(notifyActivities(g, notifyUrl), async (taskQueue) => {
        const orderId = `SO-RECORDED-${randomUUID().slice(0, 8)}`;
        const order: OrderRequest = {
          orderId,
          customer: { id: 'recorded-customer', name: 'Recorded Customer' },
          integrations: {
            googleDelegation: {
              customer: { domain: g.domain },
              adminEmail: g.admin,
              vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
              serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
              polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 },
            },
          },
        };
        const h = await env.client.workflow.start('customerOnboarding', {
          workflowId: customerOnboardingWorkflowId(orderId),
          taskQueue,
          args: [order],
        });
        await h.result();
        return h;
      });
    } finally {
      await receiver.close();
      await g.close();
    }
  },

  /**
   * A HubSpot deal won without its admin's e-mail: the deal waits for the operator, who supplies it; the order
   * (delegation) starts as a child and completes (issue 26).
   */
  async salesDeal(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant([...DEFAULT_DELEGATION_SCOPES]);
    const receiver = createNotifyReceiver();
    const notifyUrl = `${await receiver.listen()}/notify`;
    // Deal IDs of their own: the deal workflow's ID is system + portal + deal, and every test on the same Temporal
    // server (the canary test replays this recorder) must not find another run's deal under that ID.
    const hub = createHubspotSimulator({
      accessToken: 'pat-recorded',
      clientSecret: 'recorded-secret',
      firstId: randomInt(1_000, 1_000_000_000),
    });
    process.env.ONRAMP_RECORD_HUBSPOT_TOKEN = 'pat-recorded';
    process.env.ONRAMP_RECORD_HUBSPOT_SECRET = 'recorded-secret';
    try {
      const mapping = parseSalesMapping(
        [
          'won: { hubspot: [closedwon] }',
          'products: [{ sku: ONR-GWS-DWD, integrations: [googleDelegation] }]',
          'order:',
          '  customer.id: { company: name, transform: slug }',
          '  customer.name: { company: name }',
          'integrations:',
          '  googleDelegation:',
          '    customer.domain: { company: domain }',
          '    adminEmail: { contact: { role: Technical admin, field: email } }',
          '    vendor: { constant: { name: Atera, supportEmail: support@atera.example } }',
          `    serviceAccount: { constant: { clientId: '${g.clientId}', email: '${g.saEmail}', keyRef: '${g.keyRef}' } }`,
          '    polling: { constant: { initialIntervalSeconds: 1, maxIntervalSeconds: 1, deadlineHours: 1 } }',
          'systems:',
          '  hubspot:',
          `    portalId: '${hub.portalId}'`,
          '    clientSecretRef: env:ONRAMP_RECORD_HUBSPOT_SECRET',
          '    accessTokenRef: env:ONRAMP_RECORD_HUBSPOT_TOKEN',
          '    webhookUrl: http://127.0.0.1:1/v1/sales/hubspot',
          `    apiBaseUrl: ${await hub.listen()}`,
        ].join('\n'),
        'recorded mapping'
      );
      const sales = createSalesActivities({
        mapping,
        client: async () => env.client,
        validateOrder: (request) => orderProblems(request, { temporal: { taskQueue: 'x' } } as OrderConfig),
      });
      return await withWorker({ ...notifyActivities(g, notifyUrl), ...sales }, async (taskQueue) => {
        const dealId = hub.createDeal({
          dealname: 'Recorded deal',
          dealstage: 'closedwon',
          company: { name: 'Recorded Customer', domain: g.domain },
          contacts: [{ email: 'buyer@example.com', role: 'Decision maker' }],
          lineItems: [{ sku: 'ONR-GWS-DWD', quantity: 1 }],
        });
        const event = {
          system: 'hubspot' as const,
          account: hub.portalId,
          dealId,
          eventId: '12345:1',
          stage: 'closedwon',
        };
        const config = { temporal: { taskQueue } } as Parameters<typeof deliverSalesEvent>[1];
        const { workflowId } = await deliverSalesEvent(env.client, config, salesMappingV1(mapping), event);
        await deliverSalesEvent(env.client, config, salesMappingV1(mapping), event); // a redelivery
        const h = env.client.workflow.getHandle(workflowId);
        await eventually(
          async () => (await h.query(salesDealStatusQuery)).state === 'waiting-for-operator',
          'the deal waiting for the admin e-mail'
        );
        await supplySalesFields(env.client, 'hubspot', hub.portalId, dealId, {
          'integrations.googleDelegation.adminEmail': g.admin,
        });
        await h.result();
        return h;
      });
    } finally {
      await hub.close();
      await receiver.close();
      await g.close();
    }
  },

  /** A check that finds drift (a scope removed), so the history covers starting the finding as a child. */
  async driftCheck(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant(DEFAULT_DELEGATION_SCOPES.slice(1));
    try {
      return await withWorker(driftActivities(env, g), async (taskQueue) => {
        const request = driftRequest(g, `recorded-drift-${randomUUID().slice(0, 8)}`);
        const h = await env.client.workflow.start('driftCheck', {
          workflowId: `recorded-drift-check-${randomUUID()}`,
          taskQueue,
          args: [request],
        });
        const report = (await h.result()) as { opened?: string[] };
        // The abandoned finding children would wait for an operator: close them, the recording is done.
        for (const key of report.opened ?? [])
          await env.client.workflow
            .getHandle(driftFindingWorkflowId(request.customer.id, key))
            .terminate('recording finished')
            .catch(() => undefined);
        return h;
      });
    } finally {
      await g.close();
    }
  },

  /** A finding opened by a drifted check and cleared by the next check once the scope is granted again. */
  async driftFinding(env, withWorker) {
    const g = await googleAdminFixture();
    g.grant(DEFAULT_DELEGATION_SCOPES.slice(1));
    try {
      return await withWorker(driftActivities(env, g), async (taskQueue) => {
        const request = driftRequest(g, `recorded-finding-${randomUUID().slice(0, 8)}`);
        const check = (n: number) =>
          env.client.workflow.execute('driftCheck', {
            workflowId: `recorded-finding-check-${n}-${randomUUID()}`,
            taskQueue,
            args: [request],
          }) as Promise<{ opened?: string[] }>;
        const key = (await check(1)).opened?.[0];
        if (!key) throw new Error('the drifted check opened no finding');
        // The next check learns what is open from visibility, which lags the start by a moment.
        await eventually(
          async () =>
            (await listFindings(env.client, { customer: request.customer.id, open: true })).some(
              (f) => f.key === key
            ) || undefined,
          'the finding listed as open'
        );
        g.grant([...DEFAULT_DELEGATION_SCOPES]);
        await check(2);
        const h = env.client.workflow.getHandle(driftFindingWorkflowId(request.customer.id, key));
        await h.result();
        return h;
      });
    } finally {
      await g.close();
    }
  },
};

/**
 * An offboarding of the Google part: the admin-role undo as a child, then the delegation removal as an
 * operator step (waited for, signalled, verified by unauthorized_client).
 */
async function recordOffboarding(env: TestWorkflowEnvironment, withWorker: Parameters<Recorder>[1]) {
  const g = await googleAdminFixture();
  g.grant(Object.values(ADMIN_ROLE_SCOPES));
  try {
    return await withWorker(g.activities(), async (taskQueue) => {
      const applied = await (await startProvisioning(env.client, taskQueue, g.request('offboarded'))).result();
      const orderId = `SO-RECORDED-OFF-${randomUUID().slice(0, 8)}`;
      const input: OffboardingRequest = {
        orderId,
        customer: { id: 'recorded-offboarded', name: 'Recorded Offboarded' },
        googleAdminRoles: { request: parseAdminRoleInput(g.request('offboarded')), ledger: applied.ledger },
        googleDelegation: {
          domain: g.domain,
          adminEmail: g.admin,
          serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
          scopes: Object.values(ADMIN_ROLE_SCOPES),
        },
        timing: { recheckSeconds: 60, operatorDeadlineHours: 1 },
      };
      const h = await env.client.workflow.start('customerOffboarding', {
        workflowId: offboardingWorkflowId(orderId),
        taskQueue,
        args: [input],
      });
      await eventually(
        async () => (await h.query(offboardingStatusQuery)).instructions.length > 0,
        'the delegation removal step'
      );
      g.grant([]);
      await h.signal(offboardingOperatorDoneSignal, 'googleDelegation');
      await h.result();
      return h;
    });
  } finally {
    await g.close();
  }
}
recorders.customerOffboarding = recordOffboarding;

/**
 * An offboarding of the ConnectWise part with the seed's role (no Delete level): the delete is refused and
 * asked of the operator, who gives the role Delete = All and signals; Onramp deletes it itself on the
 * re-check, then waits for the API key's removal. Only the agreement the
 * sync created is the integration's (`created.agreements`).
 */
recorders['customerOffboarding-connectwise'] = async (env, withWorker) => {
  const cw = await connectwiseFixture();
  try {
    const m = await cw.newMember();
    const company = cw.sim.state.addCompany('RECOFF0001', 'Recorded Offboarded 1');
    cw.sim.state.addAgreement('Sophos Central', 'Security Services', company);
    return await withWorker(cw.activities, async (taskQueue) => {
      const orderId = `SO-RECORDED-CW-OFF-${randomUUID().slice(0, 8)}`;
      const input: OffboardingRequest = {
        orderId,
        customer: { id: 'recorded-cw-offboarded', name: 'Recorded CW Offboarded' },
        connectwise: {
          connection: cw.connection(m),
          customers: [company.identifier],
          agreementName: 'Sophos Central',
          catalogItem: 'SOPHOS-CENTRAL',
          created: { companies: [], catalogItem: false, agreements: [company.identifier], additions: [] },
        },
        timing: { recheckSeconds: 3600, operatorDeadlineHours: 2 },
      };
      const h = await env.client.workflow.start('customerOffboarding', {
        workflowId: offboardingWorkflowId(orderId),
        taskQueue,
        args: [input],
      });
      const instruction = async () =>
        (await h.query(offboardingStatusQuery)).instructions.find((i) => i.integration === 'connectwise')?.text;
      await eventually(async () => (await instruction())?.includes('Delete = All'), 'the hand-delete instruction');
      const role = fullRole();
      role['Finance/Agreements'] = { ...role['Finance/Agreements'], delete: 'All' };
      await cw.setRole(m.roleId, role);
      await h.signal(offboardingOperatorDoneSignal, 'connectwise');
      await eventually(async () => (await instruction())?.includes('API Keys'), 'the API key step');
      const member = cw.sim.state.members.get(m.identifier.toLowerCase())!;
      member.keys = member.keys.filter((k) => k.publicKey !== m.publicKey);
      await h.signal(offboardingOperatorDoneSignal, 'connectwise');
      const report = (await h.result()) as { state: string };
      if (report.state !== 'completed') throw new Error(`offboarding ended ${report.state}`);
      return h;
    });
  } finally {
    await cw.close();
  }
};

/** Re-verification of delegation with a (new) service-account key: per-scope tokens, then one for all. */
recorders.googleDelegationReverify = async (env, withWorker) => {
  const g = await googleAdminFixture();
  g.grant([...DEFAULT_DELEGATION_SCOPES]);
  try {
    return await withWorker(g.activities(), async (taskQueue) => {
      const h = await env.client.workflow.start('googleDelegationReverify', {
        workflowId: `recorded-reverify-${randomUUID()}`,
        taskQueue,
        args: [
          {
            customer: { domain: g.domain },
            adminEmail: g.admin,
            vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
            serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
          },
        ],
      });
      await h.result();
      return h;
    });
  } finally {
    await g.close();
  }
};

/** A key rotation: the operator's new key by Update, the switch notification, the old key deleted and verified refused. */
recorders.connectwiseKeyRotation = async (env, withWorker) => {
  const cw = await connectwiseFixture();
  try {
    const m = await cw.newMember();
    return await withWorker(cw.activities, async (taskQueue) => {
      const connection = cw.connection(m);
      const h = await env.client.workflow.start('connectwiseKeyRotation', {
        workflowId: `recorded-cw-rotation-${randomUUID()}`,
        taskQueue,
        args: [{ customer: { name: 'Recorded MSP' }, connection, timing: { recheckSeconds: 60 } }],
      });
      await eventually(
        async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-new-key',
        'the key step'
      );
      const fresh = cw.sim.state.createApiKey(m.identifier, 'rotated');
      await h.executeUpdate(provideNewKeyUpdate, {
        args: [{ publicKey: fresh.publicKey, privateKeyRef: cw.secretFile(fresh.privateKey) }],
      });
      await eventually(
        async () => (await h.query(cwKeyRotationStatusQuery)).step === 'awaiting-old-key-removal',
        'the revoke step'
      );
      const member = cw.sim.state.members.get(m.identifier.toLowerCase())!;
      member.keys = member.keys.filter((k) => k.publicKey !== m.publicKey);
      await h.signal(oldKeyDeletedSignal);
      await h.result();
      return h;
    });
  } finally {
    await cw.close();
  }
};

function driftRequest(g: GoogleAdminFixture, customerId: string): DriftCheckRequest {
  return {
    customer: { id: customerId, name: 'Recorded Customer' },
    googleDelegation: {
      adminEmail: g.admin,
      serviceAccount: { clientId: g.clientId, email: g.saEmail, keyRef: g.keyRef },
      scopes: [...DEFAULT_DELEGATION_SCOPES],
    },
  };
}

/** Drift checks also ask Temporal which findings are open (the worker's client). */
function driftActivities(env: TestWorkflowEnvironment, g: GoogleAdminFixture): Partial<OnrampActivities> {
  return { ...g.activities(), ...createOnrampStateActivities({ client: async () => env.client }) };
}

/** The Google fixture's activities, with the notification pointed at a receiver. */
function notifyActivities(g: GoogleAdminFixture, webhookUrl: string): OnrampActivities {
  return createActivities({ google: { tokenUrl: `${g.url}/token` }, notify: { webhookUrl } });
}

/**
 * Saved as protobufjs's JSON form of the History message (enum names, 64-bit integers as strings, bytes
 * as base64), which `temporal.api.history.v1.History.fromObject` reads back (see test/replay.test.ts).
 * Not the CLI's proto3 JSON: the SDK's historyFromJSON/historyToJSON fail in this install ("type must be
 * a Type": @temporalio/common and @temporalio/proto load two different protobufjs copies).
 */
/** The history of the handle's run (a handle from getHandle(id, runId) records that run, else the latest). */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<string> {
  const history = await handle.fetchHistory();
  const text = JSON.stringify(history, null, 1);
  if (!temporal.api.history.v1.History.fromObject(JSON.parse(text) as object).events?.length) {
    throw new Error(`${name}: the recorded history does not read back`);
  }
  const path = join(OUT, `${name}.json`);
  writeFileSync(path, `${text}\n`);
  return path;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  // Before testEnv(): the recording workers and client encrypt with the fixed fixture key the replay uses.
  useReplayCodecKey();
  const env = await testEnv();
  mkdirSync(OUT, { recursive: true });
  try {
    for (const [name, record] of Object.entries(recorders)) {
      if (only.length && !only.includes(name)) continue;
      const handle = await record(env, async (activities, body) => {
        const taskQueue = uniqueTaskQueue(`record-${name}`);
        const worker = await createTestWorker(env, taskQueue, activities);
        return worker.runUntil(body(taskQueue));
      });
      console.log(`recorded ${name}: ${await recordHistory(handle, name)}`);
    }
  } finally {
    await env.teardown();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    }
  );
}
