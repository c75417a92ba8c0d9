/**
 * Seed 002's security role grants Companies › Company Maintenance at Inquire level only, so the sync must not
 * create (or rename) companies unless the order opts in with `sync.createMissingCompanies`, and then the role
 * check asks for Company Maintenance Add before anything is written.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createOnrampStateActivities } from '../src/activities/onramp';
import { SEED_002_ROLE_READABLE } from '../src/sandbox/guides/connectwise-guide';
import { customerOnboardingWorkflowId, type OrderRequest } from '../src/domain/customer-onboarding-schema';
import { offboardingWorkflowId } from '../src/domain/offboarding-schema';
import { offboardingStatusQuery, type OffboardingReport } from '../src/contract/offboarding-messages';
import type { ConnectwiseOnboardingRequest } from '../src/domain/connectwise-schema';
import { startOffboarding, offboardingOperatorDone } from '../src/services/offboarding';
import { startOrder, type OrderConfig } from '../src/services/orders';
import type { AreaLevels } from '../src/simulators/connectwise/connectwise-state';
import { connectwiseOnboarding, driftCheck } from '../src/workflows';
import { connectwiseStatusQuery, type ConnectwiseStatus } from '../src/contract/connectwise-onboarding-messages';
import { connectwiseFixture, type ConnectwiseFixture, type CwMember } from './helpers/connectwise';
import { eventually, failureOf, integration, type Integration } from './helpers/integration';
import { FailureType } from '../src/contract/failure-types';

/** POST/PATCH requests the simulator received on /company/companies (its request log, by `METHOD path`). */
function companyWrites(cw: ConnectwiseFixture): string[] {
  return [...cw.sim.requests.entries()]
    .filter(([k]) => /^(POST|PATCH|PUT) \/[^ ]*\/apis\/3\.0\/company\/companies/.test(k))
    .map(([k, n]) => `${k} ×${n}`);
}

const seedRole = (): Record<string, Partial<AreaLevels>> => structuredClone(SEED_002_ROLE_READABLE);

describe('ConnectWise sync: match-only by default, sync.createMissingCompanies opt-in (seed 002 role)', () => {
  let it_: Integration;
  let cw: ConnectwiseFixture;
  let taskQueue: string;
  const config: OrderConfig = { temporal: { address: '', namespace: 'default', taskQueue: '' } };

  before(async () => {
    it_ = await integration();
    cw = await connectwiseFixture();
    config.connectwise = { allowedHosts: [cw.host] };
    // Onramp's own state too: an order's drift check reads the order's progress.
    const w = await it_.worker(
      { ...cw.activities, ...createOnrampStateActivities({ client: async () => it_.env.client }) },
      'cw-company-opt-in'
    );
    taskQueue = w.taskQueue;
    config.temporal.taskQueue = taskQueue;
  });
  after(async () => {
    await it_.teardown();
    await cw.close();
  });

  let seq = 0;
  /** Two customers that are companies already (one named differently in ConnectWise), two that are not. */
  const customersOf = () => {
    const tag = `OPT${process.pid % 1000}x${++seq}`;
    const list = [1, 2, 3, 4].map((i) => ({ identifier: `${tag}-${i}`, name: `Customer ${tag} ${i}` }));
    cw.sim.state.addCompany(list[0]!.identifier, list[0]!.name);
    cw.sim.state.addCompany(list[1]!.identifier, `${list[1]!.name} (as the MSP named it)`);
    return {
      list,
      existing: [list[0]!.identifier, list[1]!.identifier],
      missing: [list[2]!.identifier, list[3]!.identifier],
    };
  };
  const start = (req: ConnectwiseOnboardingRequest) =>
    it_.env.client.workflow.start(connectwiseOnboarding, {
      workflowId: `cw-opt-in-${randomUUID()}`,
      taskQueue,
      args: [req],
    });

  it("the seed's role, default options: completes, reports the unmatched companies, and never writes a company", async () => {
    const m = await cw.newMember(seedRole());
    const { list, existing, missing } = customersOf();
    const writesBefore = companyWrites(cw);
    const h = await start({ ...cw.request(m), customers: list });
    const r = await h.result();
    assert.deepEqual(r.sync?.unmatchedCompanies, missing, 'the unmatched customers, in the result');
    assert.deepEqual(r.sync?.companies, { created: 0, updated: 0, unchanged: 2 });
    assert.deepEqual(r.sync?.createdCompanies, []);
    assert.deepEqual(r.sync?.agreements, { created: 2, updated: 0, unchanged: 0 }, 'agreements for matched only');
    assert.ok(
      r.permissions.every((p) => p.ok === true),
      'the seed role passes the default table'
    );
    // Operator-visible: the status query and the Web UI's details name them.
    const s: ConnectwiseStatus = await h.query(connectwiseStatusQuery);
    assert.deepEqual(s.sync?.unmatchedCompanies, missing);
    assert.deepEqual(companyWrites(cw), writesBefore, 'no company POST/PATCH in the simulator request log');
    for (const id of missing)
      assert.equal(
        cw.sim.state.companies.some((c) => c.identifier === id),
        false,
        `${id} not created`
      );
    assert.equal(
      cw.sim.state.companies.find((c) => c.identifier === existing[1])?.name,
      `${list[1]!.name} (as the MSP named it)`,
      'an existing company is not renamed'
    );
  });

  it("the seed's role with createMissingCompanies: the role check fails before any write, naming Company Maintenance Add", async () => {
    const m = await cw.newMember(seedRole());
    const { list } = customersOf();
    const writesBefore = companyWrites(cw);
    const h = await start({
      ...cw.request(m),
      customers: list,
      sync: { createMissingCompanies: true, companyAddress: { city: 'Milano' } },
      permissionWait: { recheckIntervalSeconds: 1, deadlineHours: 0.0005 },
    });
    const f = await failureOf(h);
    assert.equal(f.type, FailureType.ConnectWisePermissionsMissing);
    assert.match(f.message, /lacks 1 permission/);
    assert.match(f.message, /Companies › Company Maintenance Add Level: required All, found None/);
    assert.match(
      f.message,
      /System > Security Roles > Sophos Integration \d+ > Companies > Company Maintenance: set Add Level = All/
    );
    const s: ConnectwiseStatus = await h.query(connectwiseStatusQuery);
    assert.deepEqual(
      s.permissions!.filter((p) => p.ok !== true).map((p) => `${p.area}/${p.action}/${p.found}`),
      ['Company Maintenance/add/None']
    );
    assert.match(s.checklist.join('\n'), /Companies › Company Maintenance \(Add\/Inquire = All\)/);
    assert.deepEqual(companyWrites(cw), writesBefore, 'nothing written');
  });

  it('createMissingCompanies with Company Maintenance Add: creates the missing companies; offboarding removes only those', async () => {
    const role = seedRole();
    role['Companies/Company Maintenance'] = { inquire: 'All', add: 'All', delete: 'All' };
    role['Finance/Agreements'] = { ...role['Finance/Agreements'], delete: 'All' };
    role['Procurement/Product Catalog'] = { ...role['Procurement/Product Catalog'], delete: 'All' };
    const m: CwMember = await cw.newMember(role);
    const { list, existing, missing } = customersOf();
    const orderId = `SO-CW-OPT-${process.pid}-${seq}`;
    const order: OrderRequest = {
      orderId,
      customer: { id: `cw-opt-${process.pid}-${seq}`, name: `Opt-in ${seq}` },
      integrations: {
        connectwise: {
          ...cw.request(m),
          customers: list,
          billing: { product: { identifier: `OPT-${seq}-${process.pid % 1000}` } },
          sync: { createMissingCompanies: true, companyAddress: { city: 'Milano' } },
        },
      },
    };
    await startOrder(it_.env.client, config, order);
    const onboarded = (await it_.env.client.workflow.getHandle(customerOnboardingWorkflowId(orderId)).result()) as {
      completed: string[];
    };
    assert.deepEqual(onboarded.completed, ['connectwise']);
    for (const id of list.map((c) => c.identifier))
      assert.ok(
        cw.sim.state.companies.some((c) => c.identifier === id),
        `${id} exists`
      );
    assert.ok(
      companyWrites(cw).some((w) => w.startsWith('POST ')),
      'the companies were created by POST'
    );
    for (const id of missing)
      assert.equal(
        cw.sim.state.companies.find((c) => c.identifier === id)?.city,
        'Milano',
        `${id} carries the order's sync.companyAddress`
      );
    assert.equal(
      cw.sim.state.companies.find((c) => c.identifier === existing[1])?.name,
      `${list[1]!.name} (as the MSP named it)`,
      'an existing company is still not renamed'
    );

    // The order's drift check holds the role to the opt-in's table: losing Company Maintenance Add is a finding.
    const drift = () =>
      it_.env.client.workflow.execute(driftCheck, {
        workflowId: `cw-opt-in-drift-${randomUUID()}`,
        taskQueue,
        args: [{ customer: order.customer, orderId }],
      });
    assert.deepEqual((await drift()).findings, [], 'clean after the onboarding');
    cw.sim.state.setRole(m.roleId, `Sophos Integration ${m.roleId}`, {
      ...role,
      'Companies/Company Maintenance': { inquire: 'All', delete: 'All' },
    });
    const found = await drift();
    assert.deepEqual(
      found.findings.map((f) => f.key),
      ['connectwise:permission:Companies/Company Maintenance:add']
    );
    cw.sim.state.setRole(m.roleId, `Sophos Integration ${m.roleId}`, role);

    await startOffboarding(it_.env.client, config, orderId, {
      timing: { recheckSeconds: 0.5, operatorDeadlineHours: 1 },
    });
    const handle = it_.env.client.workflow.getHandle(offboardingWorkflowId(orderId));
    // The API key is deleted by the operator in the UI; Onramp then verifies it is refused.
    await eventually(async () => {
      const s = await handle.query(offboardingStatusQuery);
      return s.instructions.some((i) => i.integration === 'connectwise') || undefined;
    }, 'the ConnectWise operator step');
    await request(`${cw.url}/_admin/api-members/${m.identifier}/api-keys/${m.publicKey}`, { method: 'DELETE' });
    await offboardingOperatorDone(it_.env.client, orderId, 'connectwise');
    const report = (await handle.result()) as OffboardingReport;
    assert.equal(report.state, 'completed', JSON.stringify(report.steps));
    const deleted = report.steps.filter((s) => /^delete company/.test(s.action)).map((s) => s.action);
    assert.equal(deleted.length, 2, JSON.stringify(deleted));
    for (const id of missing)
      assert.equal(
        cw.sim.state.companies.some((c) => c.identifier === id),
        false,
        `${id} (created) removed`
      );
    for (const id of existing)
      assert.ok(
        cw.sim.state.companies.some((c) => c.identifier === id),
        `${id} (there before) kept`
      );
  });
});
