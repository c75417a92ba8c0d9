/**
 * Issue 14's sandbox demo, as `onramp sandbox ...` plays it (docs/sandbox-day-two.md), against the simulators
 * on ephemeral ports and the shared test Temporal server: after `onramp sandbox order`, hand changes in each
 * simulator are found by the order's SCHEDULED drift check (the schedule is triggered, not the workflow
 * started), one finding per problem, closed by a later clean check; `onramp offboard` then puts every
 * simulator back as it was just before the order (apart from audit records and the two credentials the
 * offboarding asks the humans to retire), and a second offboarding writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import {
  compareSnapshots,
  makeHandChange,
  playOffboardingHumans,
  takeSnapshot,
  triggerScheduledDrift,
  undoHandChange,
  type HandChange,
  type HandChangeRecord,
  type SimulatorSnapshot,
} from '../src/sandbox/guides/day-two-guide';
import { runOrderGuide } from '../src/sandbox/guides/order-guide';
import { driftScheduleId } from '../src/domain/drift-schema';
import { offboardingWorkflowId, type OffboardingInput } from '../src/domain/offboarding-schema';
import type { OffboardingReport } from '../src/contract/offboarding-messages';
import { listFindings } from '../src/services/findings';
import { startOffboarding } from '../src/services/offboarding';
import { orderFacts } from '../src/temporal/order-facts';
import { eventually } from './helpers/integration';
import { sandboxStack, vendorWrites, type SandboxStack } from './helpers/sandbox';

const CHANGES: HandChange[] = ['assignment', 'scope', 'webhook', 'right', 'permission', 'addition'];

describe('sandbox day two: scheduled drift finds hand changes in every simulator; offboarding restores them all', () => {
  let s: SandboxStack;
  let client: Client;
  let orderId: string;
  let facts: OffboardingInput;
  let beforeOrder: SimulatorSnapshot | undefined;
  const writes = () => vendorWrites(s.google, s.autotask, s.connectwise);
  const openFindings = async (customer: string) =>
    (await listFindings(client, { customer, open: true })).map((f) => f.key!).sort();

  before(async () => {
    s = await sandboxStack('sandbox-day-two');
    client = s.env.client;
    const r = await runOrderGuide(s.ctx, {
      beforeOrder: async () => {
        beforeOrder = await takeSnapshot(s.ctx);
      },
    });
    assert.equal(r.status.state, 'completed');
    orderId = r.orderId;
    facts = (await orderFacts(client, orderId)).input;
  });
  after(async () => {
    await s?.teardown();
  });

  it("the order creates its drift schedule; a triggered run of it finds each simulator's hand change (one finding each, nothing written) and a later clean run closes them", async () => {
    const customer = facts.customer.id;
    const schedule = await client.schedule.getHandle(driftScheduleId(customer)).describe();
    assert.equal(schedule.action.type, 'startWorkflow');
    assert.equal((schedule.action as { workflowType: string }).workflowType, 'driftCheck');

    const clean = await triggerScheduledDrift(client, customer);
    assert.deepEqual(clean.report.findings, [], 'right after the onboarding nothing has drifted');
    assert.match(clean.workflowId, new RegExp(`^${driftScheduleId(customer)}:run`), 'a run the schedule started');

    const changes: HandChangeRecord[] = [];
    for (const c of CHANGES) changes.push(await makeHandChange(s.ctx, facts, c));
    assert.deepEqual(
      [...new Set(changes.map((c) => c.vendor))].sort(),
      ['autotask', 'connectwise', 'google'],
      'a hand change in every simulator'
    );
    const expected = changes.map((c) => c.expectedFinding).sort();

    const w0 = writes();
    const drifted = await triggerScheduledDrift(client, customer);
    assert.deepEqual(
      drifted.report.findings.map((f) => f.key).sort(),
      expected,
      `one problem per hand change, no other: ${JSON.stringify(drifted.report.findings)}`
    );
    assert.deepEqual(drifted.report.opened, expected, 'each opened as its own finding');
    assert.deepEqual(writes(), w0, 'the drift check wrote nothing to any simulator');
    await eventually(
      async () => JSON.stringify(await openFindings(customer)) === JSON.stringify(expected),
      'onramp findings --customer --open to list the six'
    );

    const again = await triggerScheduledDrift(client, customer);
    assert.deepEqual(again.report.opened, [], 'a problem still there is not opened twice');

    for (const c of [...changes].reverse()) await undoHandChange(s.ctx, c);
    const fixed = await triggerScheduledDrift(client, customer);
    assert.deepEqual(fixed.report.findings, []);
    assert.deepEqual(fixed.report.closed, expected, 'the clean check closes each finding');
    await eventually(async () => (await openFindings(customer)).length === 0, 'no open finding left');
  });

  it('offboard puts every simulator back as it was before the order (audit records and the retired credentials aside); a second offboard writes nothing', async () => {
    assert.ok(beforeOrder, 'snapshot taken just before the order');
    const config = { temporal: { address: '', namespace: 'default', taskQueue: s.ctx.taskQueue } };
    const first = await startOffboarding(client, config, orderId, {
      timing: { recheckSeconds: 1, operatorDeadlineHours: 1 },
    });
    assert.deepEqual(first.pausedSchedules, [driftScheduleId(facts.customer.id)], 'the drift check is paused');
    const report = await playOffboardingHumans(s.ctx, client, facts);
    assert.equal(report.state, 'completed', JSON.stringify(report));

    const a = facts.autotask!.credentials!.username.toLowerCase();
    const cw = facts.connectwise!.connection!;
    const diff = compareSnapshots(beforeOrder, await takeSnapshot(s.ctx));
    assert.deepEqual(
      diff,
      [
        `~ autotask.apiUsers.${a}.active: true → false`,
        `- connectwise.apiMembers.${cw.apiMember}.keys.${cw.publicKey}: "Sophos Central integration"`,
      ],
      'only the API user (deactivated) and the API key (deleted), which the offboarding asked the admins to retire'
    );

    const w1 = writes();
    const snap1 = await takeSnapshot(s.ctx);
    const second = await startOffboarding(client, config, orderId, {
      timing: { recheckSeconds: 1, operatorDeadlineHours: 1 },
    });
    const again = (await client.workflow.getHandle(second.workflowId).result()) as OffboardingReport;
    assert.equal(again.state, 'completed');
    assert.deepEqual(again.instructions, [], 'waits for nobody');
    assert.deepEqual(
      again.steps.filter((x) => x.state === 'removed' && x.integration !== 'googleAdminRoles'),
      [],
      'nothing left to remove'
    );
    assert.deepEqual(writes(), w1, 'no vendor write');
    assert.deepEqual(compareSnapshots(snap1, await takeSnapshot(s.ctx)), [], 'every simulator unchanged');
    assert.equal(second.workflowId, offboardingWorkflowId(orderId));
  });
});
