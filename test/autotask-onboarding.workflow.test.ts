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
import { autotaskFixture, type AutotaskFixture } from './helpers/autotask';
import {
  decodedWorkflow,
  eventually,
  failureOf,
  integration,
  leaks,
  resolvedSecrets,
  type Integration,
} from './helpers/integration';
import { FailureType } from '../src/contract/failure-types';
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
    assert.ok(waiting.checklist.some((l) => /Office Protect - Alert Integration/.test(l)));
    assert.ok(waiting.checklist.some((l) => /maximum webhook count to at least 5/.test(l)));

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
      at.sim.maxConcurrency.get(`${u.credentials.integrationCode}|TicketWebhooks/Fields`)! <= 1,
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
    ]);
    assert.deepEqual(leaks(decoded.strings, secrets), []);
    assert.deepEqual(leaks(decoded.strings, resolvedSecrets()), [], 'no secret this process resolved');

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

  it('explains an unknown integration code (Autotask answers 500)', async () => {
    const u = at.addUser();
    const handle = await start(
      at.onboarding(tenant(), 'bad-code', { credentials: { ...u.credentials, integrationCode: 'NOTTHEVENDORCODE1' } })
    );
    const cause = await failureOf(handle);
    assert.equal(cause.type, FailureType.AutotaskIntegrationCodeRejected);
    assert.match(cause.message, /tracking identifier/);
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
