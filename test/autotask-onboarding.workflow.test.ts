import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  autotaskOnboardingWorkflowId,
  parseAutotaskOnboardingInput,
  type AutotaskOnboardingRequest,
} from '../src/domain/autotask-schema';
import { OnrampCustomer, OnrampState, OnrampStep } from '../src/contract/search-attributes';
import { deriveAutotaskWebhookSecret } from '../src/webhooks/autotask-secret';
import { autotaskOnboarding } from '../src/workflows';
import {
  autotaskOnboardingStatusQuery,
  supplyAutotaskCredentialsUpdate,
} from '../src/contract/autotask-onboarding-messages';
import { autotaskFixture, INTEGRATION_CODE, type AutotaskFixture } from './helpers/autotask';
import { decodedWorkflow, eventually, failureOf, integration, leaks, type Integration } from './helpers/integration';
import { FailureType } from '../src/contract/failure-types';
import { canariesIn } from './helpers/canaries';
import { formatOtherStatus } from '../src/cli/format';

describe('autotaskOnboarding (real Temporal server + Autotask simulator over HTTP)', () => {
  let stack: Integration;
  let env: TestWorkflowEnvironment;
  let at: AutotaskFixture;
  let taskQueue: string;
  let t = 0;
  const tenant = () => `acme-${process.pid}-${++t}`;

  before(async () => {
    stack = await integration();
    env = stack.env;
    at = await autotaskFixture();
    ({ taskQueue } = await stack.worker(at.activities, 'autotask-onboarding'));
  });
  after(async () => {
    await stack.teardown();
    await at.close();
  });

  const start = (req: AutotaskOnboardingRequest): Promise<WorkflowHandle<typeof autotaskOnboarding>> =>
    env.client.workflow.start(autotaskOnboarding, {
      workflowId: autotaskOnboardingWorkflowId(parseAutotaskOnboardingInput(req)),
      taskQueue,
      args: [req],
    });

  it('publishes the checklist, accepts credentials by update, creates a ready webhook and receives signed events', async () => {
    const tn = tenant();
    const u = at.addUser();
    const handle = await start(at.onboarding(tn, 'office-protect'));
    const waiting = await eventually(async () => {
      const s = await handle.query(autotaskOnboardingStatusQuery);
      return s.state === 'waiting-for-operator' ? s : undefined;
    }, 'the operator step');
    assert.equal(waiting.step, 'awaiting-credentials');
    assert.ok(waiting.checklist.some((l) => /Locked" unchecked/.test(l)));
    // The admin selects the vendor of the order's profile; nobody is asked for a code.
    assert.ok(waiting.checklist.some((l) => /select "Sophos Central - Security"/.test(l)));
    assert.ok(waiting.checklist.some((l) => /nobody copies or types a code/.test(l)));
    assert.ok(!waiting.checklist.some((l) => /as shown on the API user|ApiIntegrationCode/.test(l)));
    assert.ok(waiting.checklist.some((l) => /maximum webhook count to at least 5/.test(l)));
    // Seed 004's lines of business: no API shows them, so the checklist asks explicitly.
    assert.ok(
      waiting.checklist.some((l) => /"General > IT Services".*Onramp cannot check this step, confirm it/.test(l))
    );
    assert.equal(waiting.integrationVendor, 'Sophos Central - Security');

    // A secret pasted in clear is refused by the validator, before anything is recorded or sent.
    await assert.rejects(
      handle.executeUpdate(supplyAutotaskCredentialsUpdate, {
        args: [{ ...u.credentials, secretRef: 'hunter2-the-secret' }],
      }),
      (e: unknown) => e instanceof WorkflowUpdateFailedError && /secret \*reference\*/.test(String(e.cause?.message))
    );
    const accepted = await handle.executeUpdate(supplyAutotaskCredentialsUpdate, { args: [u.credentials] });
    assert.equal(accepted.resourceId, u.user.resourceId);
    assert.equal(new URL(accepted.zoneUrl).host, new URL(at.simUrl).host);

    const result = await handle.result();
    assert.equal(result.webhooks.length, 1);
    const hook = at.sim.db.webhooks.get(result.webhooks[0]!.id)!;
    assert.equal(hook.name, 'office-protect-Ticket');
    assert.ok(hook.isActive && at.sim.db.isReady(hook));
    assert.equal(hook.fields.filter((f) => f.isSubscribedField).length, 3, 'three subscribed fields');
    assert.deepEqual(
      hook.excludedResources.map((e) => e.resourceID),
      [u.user.resourceId],
      "the integration's own user is excluded"
    );
    assert.equal(hook.ownerResourceID, u.user.resourceId);
    assert.match(hook.webhookUrl, /\?webhook=office-protect-Ticket$/);
    assert.equal(hook.secretKey, deriveAutotaskWebhookSecret(at.masterKey, hook.name));
    assert.ok(
      at.sim.maxConcurrency.get(`${INTEGRATION_CODE}|TicketWebhooks/Fields`)! <= 1,
      'fields were added one at a time'
    );

    const desc = await handle.describe();
    assert.equal(desc.typedSearchAttributes.get(OnrampState), 'completed');
    assert.equal(desc.typedSearchAttributes.get(OnrampStep), 'done');
    assert.equal(desc.typedSearchAttributes.get(OnrampCustomer), tn);

    // Neither the API secret nor the generated webhook secret is in the history, decoded as anyone holding
    // the codec key (or the Web UI through the codec server) reads it: not merely absent from ciphertext.
    const decoded = await decodedWorkflow(env.client, handle.workflowId);
    assert.ok(decoded.values.length > 0, 'payloads were decoded');
    const secrets = new Map([
      ['the API secret', u.user.secret],
      ['the webhook secret', hook.secretKey],
      ["the vendor's tracking identifier", INTEGRATION_CODE],
    ]);
    assert.deepEqual(leaks(decoded.strings, secrets), []);
    assert.deepEqual(canariesIn(decoded.strings), [], 'no secret the test planted (test/helpers/canaries.ts)');

    // A technician changes a ticket: Autotask calls out, signed; the receiver verifies and hands it on.
    at.activeHooks.set(tn, new Set([hook.name]));
    const ticket = at.sim.changeTicket(undefined, { title: 'Disk full', status: 1 });
    const ev = await eventually(
      async () => at.events.find((e) => e.tenant === tn && e.id === ticket),
      'the signed callout'
    );
    assert.equal(ev.action, 'Create');
    assert.equal(ev.webhook, 'office-protect-Ticket');
    // Changes made by the integration's own API user are excluded by Autotask.
    const before = at.sim.callouts.deliveries.length;
    at.sim.changeTicket(ticket, { status: 5 }, u.user.resourceId);
    await at.sim.callouts.drain();
    assert.equal(at.sim.callouts.deliveries.length, before);
  });

  it('reports each missing permission by name and creates nothing', async () => {
    const level = at.level('Restricted', { without: { Contacts: ['query'], Tickets: ['update'] } });
    const u = at.addUser({ level });
    const handle = await start(at.onboarding(tenant(), 'restricted', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskPermissionsMissing);
    assert.match(cause.message, /missing 2 permission/);
    // entityInformation says the API can query Contacts and update Tickets (canQuery/canUpdate true): only
    // userAccessForQuery/Update = 0 tells that this user cannot.
    assert.match(cause.message, /Contacts: cannot query, access None \(grant CRM > Account & Contact Access/);
    assert.match(cause.message, /Tickets: cannot update, access None \(grant Service Desk > Tickets/);
    assert.match(cause.message, /Resources\/Users \(HR\) > Security > Security Levels/);
    assert.doesNotMatch(cause.message, /Companies/);
    const status = await handle.query(autotaskOnboardingStatusQuery);
    assert.deepEqual(status.missing.length, 2);
    assert.equal(status.state, 'failed');
    assert.equal([...at.sim.db.webhooks.values()].filter((h) => h.ownerResourceID === u.user.resourceId).length, 0);
  });

  it('Restricted (2) access is a warning naming the setting, not a failure', async () => {
    const level = at.level('Mine only', { restricted: { Tickets: ['update'], Contacts: ['query'] } });
    const u = at.addUser({ level });
    const handle = await start(at.onboarding(tenant(), 'restricted-ok', { credentials: u.credentials }));
    const result = await handle.result();
    assert.equal(result.webhooks.length, 1);
    const status = await handle.query(autotaskOnboardingStatusQuery);
    assert.deepEqual(status.missing, []);
    assert.equal(status.warnings.length, 2);
    assert.match(
      status.warnings.join('\n'),
      /Tickets: update is Restricted, not All: open .*Security Levels > the API user's level > Service Desk > Tickets/
    );
    assert.match(status.warnings.join('\n'), /Contacts: query is Restricted/);
    const tickets = status.permissions.find((p) => p.entity === 'Tickets' && p.action === 'update');
    assert.equal(tickets?.access, 'restricted');
    assert.equal(status.permissions.find((p) => p.entity === 'Tickets' && p.action === 'create')?.access, 'all');
    // The same warnings where operators look without --json: the Web UI's details at the last step, and the
    // plain `onramp status` of the workflow.
    const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(String(currentDetails), /verified; 1 webhook\(s\) ready\.\n\n\*\*Warnings:\*\*\n/);
    assert.match(String(currentDetails), /^- Restricted: Tickets: update is Restricted, not All/m);
    assert.match(String(currentDetails), /^- Restricted: Contacts: query is Restricted/m);
    const plain = formatOtherStatus(status, {});
    assert.match(plain, /^WARNING Restricted: (Tickets: update|Contacts: query) is Restricted/m);
    assert.equal(plain.match(/^WARNING /gm)?.length, 2);
  });

  it('fails once on a wrong secret and never retries it (lockout)', async () => {
    const u = at.addUser();
    process.env[u.credentials.secretRef.slice(4)] = 'a-wrong-secret-value';
    const handle = await start(at.onboarding(tenant(), 'wrong-secret', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskCredentialsRejected);
    assert.match(cause.message, /HTTP 401.*does not retry/);
    assert.equal(at.sim.authFailures.get(u.user.username), 1, 'exactly one attempt reached Autotask');
    assert.equal(u.user.locked, false);
    assert.ok(!cause.message.includes('a-wrong-secret-value'));
  });

  it("an API user bound to another Integration Vendor: Autotask refuses the vendor's code (500), Onramp names the vendor to select", async () => {
    // The admin selected Office Protect's vendor; the order follows Sophos Central's profile, whose code the worker sends.
    const u = at.addUser({ integrationVendor: 'Office Protect - Alert Integration' });
    const handle = await start(at.onboarding(tenant(), 'wrong-vendor', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskIntegrationCodeRejected);
    assert.match(cause.message, /create a new API user and select "Sophos Central - Security"/);
    assert.ok(!cause.message.includes(INTEGRATION_CODE), 'the vendor code never appears in a message');
    assert.ok(!JSON.stringify(await handle.fetchHistory()).includes(INTEGRATION_CODE), 'nor in history');
  });

  it('seed 001 (Office Protect) has no webhook step: a profile with webhooks off completes without creating one', async () => {
    const u = at.addUser({ integrationVendor: 'Office Protect - Alert Integration', vendorProfile: 'office-protect' });
    const tn = tenant();
    const handle = await start(
      at.onboarding(tn, 'office-protect', {
        vendor: { name: 'Office Protect' },
        vendorProfile: 'office-protect',
        credentials: u.credentials,
      })
    );
    const result = await handle.result();
    assert.deepEqual(result.webhooks, []);
    assert.equal(
      [...at.sim.db.webhooks.values()].filter((h) => h.ownerResourceID === u.user.resourceId).length,
      0,
      'no webhook in Autotask'
    );
    assert.equal(u.user.webhooksCreated, 0);
    const s = await handle.query(autotaskOnboardingStatusQuery);
    assert.equal(s.step, 'done');
    assert.equal(s.webhooksInGuide, false);
    assert.ok(!s.checklist.some((l) => /Webhooks/.test(l)), 'the checklist has no webhook step either');
    assert.ok(s.checklist.some((l) => /select "Office Protect - Alert Integration"/.test(l)));
  });

  it("checks the guide's steps it can read (API-only licence) and asks for the others (level Active, lines of business)", async () => {
    const u = at.addUser();
    const handle = await start(at.onboarding(tenant(), 'guide-steps', { credentials: u.credentials }));
    await handle.result();
    const steps = Object.fromEntries(
      (await handle.query(autotaskOnboardingStatusQuery)).guideSteps.map((c) => [c.step, c])
    );
    assert.equal(steps['integration-vendor']?.state, 'verified');
    assert.equal(steps['api-only-licence']?.state, 'verified');
    assert.match(steps['api-only-licence'].detail, /API User/);
    assert.equal(steps['security-level-active']?.state, 'ask-the-admin');
    assert.match(steps['security-level-active'].detail, /confirm it is checked/);
    assert.equal(steps['lines-of-business']?.state, 'ask-the-admin');
    assert.match(steps['lines-of-business'].detail, /"General > IT Services", "General > Software Development"/);

    // A user whose level may not read Resources: its licence is unverified, and the status says so.
    const blind = at.addUser({ level: at.level('No Resources', { without: { Resources: ['query'] } }) });
    const h2 = await start(at.onboarding(tenant(), 'guide-steps-blind', { credentials: blind.credentials }));
    await h2.result();
    const licence = (await h2.query(autotaskOnboardingStatusQuery)).guideSteps.find(
      (c) => c.step === 'api-only-licence'
    );
    assert.equal(licence?.state, 'ask-the-admin');
    assert.match(licence.detail, /unverified: confirm it was created with New API User/);
  });

  it('refuses an API user whose license type is not API User (API-only), saying how to fix it', async () => {
    const u = at.addUser();
    u.user.licenseType = 1;
    const handle = await start(at.onboarding(tenant(), 'not-api-only', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskNotApiOnly);
    assert.match(cause.message, /license type is "Full", not API User \(API-only\).*New API User/);
    assert.equal(
      at.sim.db.webhooks.size > 0 &&
        [...at.sim.db.webhooks.values()].some((h) => h.ownerResourceID === u.user.resourceId),
      false,
      'nothing created'
    );
  });

  it('refuses an order naming a vendor profile the deployment does not have, naming those it has', async () => {
    const u = at.addUser();
    const handle = await start(
      at.onboarding(tenant(), 'no-profile', { vendorProfile: 'nobody-knows', credentials: u.credentials })
    );
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.VendorProfileUnknown);
    assert.match(cause.message, /vendorProfile: "nobody-knows".*one of: office-protect, sophos-central/);
  });

  it('says clearly when webhooks are not enabled for the security level', async () => {
    const u = at.addUser({ level: at.level('No webhooks', { webhooks: false }) });
    const handle = await start(at.onboarding(tenant(), 'no-webhooks', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskWebhooksDisabled);
    assert.match(cause.message, /Webhooks are not enabled.*Other > Webhooks/);
  });

  it('says clearly when the webhook limit is reached', async () => {
    const u = at.addUser({ level: at.level('One webhook', { max: 1 }) });
    at.seedWebhook(u.user, 'elsewhere', 'earlier');
    u.user.webhooksCreated = 1;
    const handle = await start(at.onboarding(tenant(), 'limit', { credentials: u.credentials }));
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskWebhookLimitReached);
    assert.match(cause.message, /maximum webhook count/);
  });
});
