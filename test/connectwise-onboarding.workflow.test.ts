import assert from 'node:assert/strict';
import { formatOtherStatus } from '../src/cli/format';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { request } from 'undici';
import { siteBaseUrl } from '../src/activities/connectwise/site';
import { apiHostFor } from '../src/rules/connectwise-site-rules';
import type { ConnectwiseOnboardingRequest } from '../src/domain/connectwise-schema';
import { createConnectwiseSimulator } from '../src/simulators/connectwise/connectwise-simulator';
import { OnrampIntegration, OnrampState, OnrampStep } from '../src/contract/search-attributes';
import { connectwiseOnboarding } from '../src/workflows';
import {
  connectwiseStatusQuery,
  provideConnectionUpdate,
  recheckPermissionsSignal,
  type ConnectwiseStatus,
} from '../src/contract/connectwise-onboarding-messages';
import { CLIENT_ID, connectwiseFixture, customers, fullRole, type ConnectwiseFixture } from './helpers/connectwise';
import {
  decodedWorkflow,
  eventually,
  integration,
  type Integration,
  rejectionOf,
  uniqueTaskQueue,
} from './helpers/integration';

const keyOf = (ref: string) => readFileSync(ref.slice('file:'.length), 'utf8');

describe('connectwiseOnboarding (real Temporal server + ConnectWise simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let cw: ConnectwiseFixture;
  let stack: Integration;
  const taskQueue = uniqueTaskQueue('connectwise');

  before(async () => {
    stack = await integration();
    env = stack.env;
    cw = await connectwiseFixture();
    await stack.worker(cw.activities, { taskQueue });
  });
  after(async () => {
    await stack.teardown();
    await cw.close();
  });

  const start = (req: ConnectwiseOnboardingRequest) =>
    env.client.workflow.start(connectwiseOnboarding, {
      workflowId: `connectwise-test-${randomUUID()}`,
      taskQueue,
      args: [req],
    });
  /** Every string in the history, memo and search attributes, payloads decoded (as an operator with the key sees them). */
  const history = async (workflowId: string) => (await decodedWorkflow(env.client, workflowId)).strings.join('\n');

  it('site rules: cloud hosts get the api- prefix; other hosts are refused unless explicitly allowed', () => {
    assert.equal(apiHostFor('na.myconnectwise.net'), 'api-na.myconnectwise.net');
    assert.equal(apiHostFor('api-eu.myconnectwise.net'), 'api-eu.myconnectwise.net');
    assert.equal(siteBaseUrl('au.myconnectwise.net', {}), 'https://au.myconnectwise.net');
    assert.throws(() => siteBaseUrl('127.0.0.1:8080', {}), /not a ConnectWise host/);
    assert.throws(() => siteBaseUrl('na.myconnectwise.net.evil.example', {}), /not a ConnectWise host/);
    assert.equal(
      siteBaseUrl('127.0.0.1:8080', { extraAllowedHosts: ['127.0.0.1:8080'], insecureHttpHosts: ['127.0.0.1:8080'] }),
      'http://127.0.0.1:8080'
    );
  });

  it('happy path: verifies keys, reads the role, syncs customers, is searchable, and keeps the key out of history', async () => {
    const m = await cw.newMember();
    const handle = await start(
      cw.request(m, { customers: customers(20, 'HP'), sync: { createMissingCompanies: true } })
    );
    const result = await handle.result();
    assert.equal(result.companyName, cw.sim.state.companyName);
    assert.match(result.apiBaseUrl, /\/v2025_1\/apis\/3\.0$/);
    assert.equal(
      result.permissions.length,
      16,
      "the seed's 15 rows and Company Maintenance Add (the sync creates companies)"
    );
    assert.ok(result.permissions.every((r) => r.ok === true));
    assert.equal(result.sync?.companies.created, 20);
    assert.equal(result.sync?.agreements.created, 20);
    assert.equal(cw.sim.state.companies.filter((c) => c.identifier.startsWith('HP')).length, 20);
    const status: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
    assert.equal(status.state, 'completed');
    assert.equal(status.permissionSource, 'security-role');
    assert.equal(status.connection.privateKey, 'verified');
    const desc = await handle.describe();
    assert.equal(desc.typedSearchAttributes.get(OnrampState), 'completed');
    assert.equal(desc.typedSearchAttributes.get(OnrampStep), 'done');
    assert.equal(desc.typedSearchAttributes.get(OnrampIntegration), 'connectwise');
    const h = await history(handle.workflowId);
    assert.ok(!h.includes(keyOf(m.keyRef)), 'the private key never reaches history');
    assert.ok(h.includes(m.keyRef), 'history carries the reference');
  });

  it('private key missing: waits, the validator refuses a pasted key, a wrong key is rejected, the right key completes it', async () => {
    const m = await cw.newMember();
    const req = cw.request(m);
    const handle = await start({
      ...req,
      connection: { ...req.connection, privateKeyRef: undefined },
      keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
    });
    const waiting = await eventually(async () => {
      const s: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
      return s.state === 'waiting-for-operator' ? s : undefined;
    }, 'the operator step');
    assert.equal(waiting.step, 'awaiting-connection');
    assert.equal(waiting.connection.privateKey, 'missing');
    assert.match(waiting.checklist.join('\n'), /API Members.*\n.*API Keys.*\n.*shown only once/s);

    // Pasting the key itself: refused by the validator, so it never enters history.
    const pasted = keyOf(m.keyRef);
    const e1 = await rejectionOf(handle.executeUpdate(provideConnectionUpdate, { args: [{ privateKeyRef: pasted }] }));
    assert.ok(e1 instanceof WorkflowUpdateFailedError);
    assert.match(String(e1.cause?.message), /looks like the private key itself.*file:\/path/);

    // A well-formed reference to a wrong key: the handler checks it against ConnectWise and refuses it.
    const wrong = cw.secretFile('WrongKey12345678');
    const e2 = await rejectionOf(handle.executeUpdate(provideConnectionUpdate, { args: [{ privateKeyRef: wrong }] }));
    assert.ok(e2 instanceof WorkflowUpdateFailedError);
    assert.match(String(e2.cause?.message), /rejected the API keys.*generate a new key pair/s);
    const after1: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
    assert.equal(after1.state, 'waiting-for-operator');
    assert.equal(after1.connection.privateKey, 'missing');
    assert.match(after1.lastRejection ?? '', /rejected the API keys/);

    const ok = await handle.executeUpdate(provideConnectionUpdate, { args: [{ privateKeyRef: m.keyRef }] });
    assert.equal(ok.verified, true);
    assert.equal(ok.companyName, cw.sim.state.companyName);
    await handle.result();
    const h = await history(handle.workflowId);
    assert.ok(h.includes(m.keyRef), 'the history check sees payloads');
    assert.ok(!h.includes(pasted), 'neither the pasted nor any resolved key is in history');
    assert.ok(!h.includes('WrongKey12345678'));
  });

  it('gives up after the key deadline, after reminders, telling the operator to generate a new key pair', async () => {
    const m = await cw.newMember();
    const req = cw.request(m);
    const handle = await start({
      ...req,
      connection: { ...req.connection, privateKeyRef: undefined },
      keyWait: { reminderIntervalSeconds: 1, deadlineHours: 3 / 3600 },
    });
    const err = await rejectionOf(handle.result());
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(
      String(err.cause?.message),
      /No working ConnectWise API key after 3 s.*generate a new key pair.*API Keys/s
    );
    const s: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
    assert.equal(s.state, 'failed');
    assert.ok(s.reminders >= 1, `reminders sent (${s.reminders})`);
    assert.ok(
      [...cw.receiver.notifications.keys()].some((k) => k.startsWith(`${handle.workflowId}:connectwise-key-reminder:`)),
      'a reminder was delivered'
    );
  });

  it('reports each missing permission with its menu path, waits, and completes after the role is fixed', async () => {
    const role = fullRole();
    role['Companies/Company Maintenance'] = { ...role['Companies/Company Maintenance'], inquire: 'None' };
    role['Finance/Agreements'] = { ...role['Finance/Agreements'], add: 'My' };
    role['Procurement/Product Catalog'] = { ...role['Procurement/Product Catalog'], edit: 'None' };
    role['System/Table Setup'] = { ...role['System/Table Setup'], add: 'None' };
    role['System/Member Maintenance'] = { ...role['System/Member Maintenance'], inquire: 'My' };
    role['Service Desk/Service Tickets'] = { ...role['Service Desk/Service Tickets'], edit: 'None' };
    role['System/API Reports'] = { ...role['System/API Reports'], inquire: 'None' };
    const m = await cw.newMember(role);
    // Member Maintenance at "My" still lets the member read its own record and role.
    const handle = await start({
      ...cw.request(m),
      permissionWait: { recheckIntervalSeconds: 3600, deadlineHours: 1 },
    });
    const s = await eventually(async () => {
      const x: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
      return x.step === 'awaiting-permissions' ? x : undefined;
    }, 'the permission table');
    assert.equal(s.state, 'waiting-for-operator');
    const missing = s.permissions!.filter((r) => r.ok === false).map((r) => `${r.area}/${r.action}/${r.found}`);
    assert.deepEqual(missing, [
      'Company Maintenance/inquire/None',
      'Agreements/add/My',
      'Product Catalog/edit/None',
      'Table Setup/add/None',
      'Member Maintenance/inquire/My',
      'Service Tickets/edit/None',
      'API Reports/inquire/None',
    ]);
    const reports = s.permissions!.find((r) => r.area === 'API Reports')!;
    assert.equal(
      reports.menuPath,
      `System > Security Roles > Sophos Integration ${m.roleId} > System > API Reports: set Inquire Level = All`
    );
    assert.equal((await handle.describe()).typedSearchAttributes.get(OnrampStep), 'awaiting-permissions');

    cw.sim.state.setRole(m.roleId, `Sophos Integration ${m.roleId}`, fullRole());
    await handle.signal(recheckPermissionsSignal);
    const result = await handle.result();
    assert.ok(result.permissions.every((r) => r.ok === true));
  });

  it('probes with reads when the role cannot be read, marking Add/Edit unverified', async () => {
    const role = fullRole();
    delete role['System/Security Roles'];
    role['System/API Reports'] = { inquire: 'None' };
    const m = await cw.newMember(role);
    const handle = await start({
      ...cw.request(m),
      permissionWait: { recheckIntervalSeconds: 1, deadlineHours: 2 / 3600 },
    });
    const err = await rejectionOf(handle.result());
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(
      String(err.cause?.message),
      /lacks 1 permission.*FIX System › API Reports Inquire Level: required All, found None → System > Security Roles/s
    );
    const s: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
    assert.equal(s.permissionSource, 'probe');
    assert.ok(
      s.permissions!.filter((r) => r.action !== 'inquire').every((r) => r.ok === 'unverified' && r.found === 'unknown')
    );
    // Unverified rows are warnings wherever an operator looks: the Web UI's details and the plain `onramp status`.
    const unverified = s.permissions!.filter((r) => r.ok === 'unverified').length;
    const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.equal(String(currentDetails).match(/^- .* is unverified \(needs /gm)?.length, unverified);
    assert.equal(formatOtherStatus(s, {}).match(/^WARNING .* is unverified/gm)?.length, unverified);
  });

  it('refuses a site that is not an allowed ConnectWise host before sending anything to it', async () => {
    const other = createConnectwiseSimulator({ companyId: cw.sim.state.companyId });
    const otherHost = new URL(await other.listen()).host;
    try {
      const m = await cw.newMember();
      const req = cw.request(m);
      const handle = await start({
        ...req,
        connection: { ...req.connection, site: otherHost },
        keyWait: { reminderIntervalSeconds: 3600, deadlineHours: 1 },
      });
      const s = await eventually(async () => {
        const x: ConnectwiseStatus = await handle.query(connectwiseStatusQuery);
        return x.lastRejection ? x : undefined;
      }, 'the site rejection');
      assert.match(s.lastRejection!, /not a ConnectWise host.*Nothing was sent/);
      assert.equal(s.state, 'waiting-for-operator');
      assert.equal([...other.requests.keys()].length, 0, 'the foreign host received no request at all');
      // The operator corrects the site: the same workflow goes on.
      const ok = await handle.executeUpdate(provideConnectionUpdate, { args: [{ site: cw.host }] });
      assert.equal(ok.verified, true);
      await handle.result();
    } finally {
      await other.close();
    }
  });

  it('simulator: a request without the clientId header gets a 400 naming it', async () => {
    const res = await request(`${cw.url}/v2025_1/apis/3.0/system/info`, { headers: { authorization: 'Basic eA==' } });
    assert.equal(res.statusCode, 400);
    assert.match(JSON.stringify(await res.body.json()), /clientId header is required/);
    assert.ok(CLIENT_ID);
  });
});
