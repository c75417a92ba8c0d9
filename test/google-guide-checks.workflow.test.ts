/**
 * Issue 23 (Google): what seeds 000 and 003 require, checked against the tenant (real Temporal server, Google
 * simulator over HTTP): the admin is a super admin (step 1), the order's client ID is the key's `client_id`
 * (step 4), the order's customer ID is the admin's customer (before the first write, in plan mode too), and a
 * Cloud Identity API disabled in the service account's project is named with its fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGoogleDelegation } from '../src/client';
import { FailureType } from '../src/contract/failure-types';
import { delegationStatusQuery } from '../src/contract/google-delegation-messages';
import { googleFixture, type GoogleFixture } from './helpers/google';
import { googleAdminFixture, startProvisioning, type GoogleAdminFixture } from './helpers/google-admin';
import { failureOf, integration, type Integration } from './helpers/integration';

describe('seed 000 steps 1 and 4 checked by googleDelegationOnboarding', () => {
  let stack: Integration;
  let g: GoogleFixture;
  let config: { temporal: { address: string; namespace: string; taskQueue: string } };
  let n = 0;
  const customer = (role?: 'delegatedAdmin' | 'user') => {
    const domain = `chk${++n}-${g.domain}`;
    const adminEmail = role ? `helpdesk@${domain}` : `admin@${domain}`;
    g.sim.state.addUser(adminEmail, role ?? 'superAdmin');
    return { customer: { domain }, adminEmail };
  };

  before(async () => {
    stack = await integration();
    g = await googleFixture();
    const { taskQueue } = await stack.worker(g.activities, 'google-checks');
    config = { temporal: { address: '', namespace: 'default', taskQueue } };
    g.grant();
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  it("step 4: an order whose client ID is not the key's client_id fails naming both fields", async () => {
    const other = `9${g.key.client_id.slice(1)}`;
    const request = g.request(customer());
    const handle = await startGoogleDelegation(stack.env.client, config, {
      ...request,
      serviceAccount: { ...request.serviceAccount, clientId: other },
    });
    const f = await failureOf(handle);
    assert.match(
      f.message,
      new RegExp(
        `serviceAccount\\.clientId is ${other}, but the key referenced by serviceAccount\\.keyRef has client_id ${g.key.client_id}.*Fix serviceAccount\\.clientId`
      )
    );
    assert.ok(f.chain.some((m) => m.includes('serviceAccount.clientId')));
    assert.equal((await handle.query(delegationStatusQuery)).state, 'failed');
  });

  it('step 1: a delegated admin fails with "a super admin must authorize", a super admin completes', async () => {
    const handle = await startGoogleDelegation(stack.env.client, config, g.request(customer('delegatedAdmin')));
    const f = await failureOf(handle);
    assert.match(
      f.message,
      /adminEmail helpdesk@\S+ is a delegated admin, not a super admin: a super admin must authorize/
    );
    const plain = await failureOf(await startGoogleDelegation(stack.env.client, config, g.request(customer('user'))));
    assert.match(plain.message, /is not an admin, not a super admin: a super admin must authorize/);
    const ok = await startGoogleDelegation(stack.env.client, config, g.request(customer()));
    assert.equal((await ok.result()).notified, true);
  });

  it('step 1 without a Directory user scope: the checklist asks the human to confirm the super admin', async () => {
    const scopes = ['https://mail.google.com/'];
    g.grant(scopes);
    try {
      const handle = await startGoogleDelegation(stack.env.client, config, {
        ...g.request(customer('delegatedAdmin')),
        scopes,
      });
      await handle.result(); // nothing can check it: the onboarding completes
      const { instructions } = await handle.query(delegationStatusQuery);
      assert.match(instructions.text, /CONFIRM YOURSELF: helpdesk@\S+ must be a super admin/);
    } finally {
      g.grant();
    }
  });
});

describe('seed 003 checked against the tenant before the first write (googleAdminRoleProvisioning)', () => {
  let stack: Integration;
  let g: GoogleAdminFixture;
  let taskQueue: string;

  before(async () => {
    stack = await integration();
    g = await googleAdminFixture();
    ({ taskQueue } = await stack.worker(g.activities(), 'google-tenant-checks'));
  });
  after(async () => {
    await stack.teardown();
    await g.close();
  });

  it('a well-formed customer ID of another tenant fails in plan mode naming customer.customerId', async () => {
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('wrong-customer', { mode: 'plan' }),
      customer: { domain: g.domain, customerId: '046psxkn' },
    });
    const f = await failureOf(handle);
    assert.match(
      f.message,
      new RegExp(
        `customer\\.customerId: C046psxkn is not the customer ID of ${g.admin}'s Workspace, which is ${g.customerId}\\. Fix customer\\.customerId`
      )
    );
    assert.doesNotMatch(f.message, /Bad Request/);
    assert.deepEqual(g.writes(), {}, 'nothing was written');
  });

  it('a delegated admin fails before the first write, naming adminEmail', async () => {
    const helpdesk = `helpdesk@${g.domain}`;
    g.sim.state.addUser(helpdesk, 'delegatedAdmin');
    const handle = await startProvisioning(stack.env.client, taskQueue, {
      ...g.request('delegated'),
      adminEmail: helpdesk,
    });
    const f = await failureOf(handle);
    assert.match(f.message, /adminEmail: helpdesk@\S+ is a delegated admin, not a super admin/);
    assert.deepEqual(g.writes(), {}, 'nothing was written');
  });

  it('Cloud Identity API disabled in the project: names the API, the project and the console URL', async () => {
    const sa = g.sim.state.serviceAccount(g.saEmail)!;
    const project = g.sim.state.projectNumberOf(sa);
    g.sim.state.setServiceEnabled(project, 'cloudidentity.googleapis.com', false);
    try {
      const f = await failureOf(await startProvisioning(stack.env.client, taskQueue, g.request('disabled')));
      assert.equal(f.type, FailureType.GoogleApiDisabled);
      assert.match(
        f.message,
        new RegExp(
          `Enable the Cloud Identity API \\(cloudidentity\\.googleapis\\.com\\) in project ${project}: https://console\\.cloud\\.google\\.com/apis/library/cloudidentity\\.googleapis\\.com\\?project=${project}`
        )
      );
      assert.deepEqual(g.writes(), {}, 'nothing was written');
    } finally {
      g.sim.state.setServiceEnabled(project, 'cloudidentity.googleapis.com', true);
    }
  });

  it('the 750-custom-role limit ends the run with the fix, not a generic 400', async () => {
    const d = g.sim.directory;
    const custom = [...d.roles.values()].filter((r) => !r.isSystemRole).length;
    for (let i = 0; i < 750 - custom; i++)
      d.roles.set(`fill-${i}`, {
        roleId: `fill-${i}`,
        roleName: `Filler ${i}`,
        roleDescription: '',
        rolePrivileges: [],
        isSystemRole: false,
        isSuperAdminRole: false,
      });
    try {
      const f = await failureOf(
        await startProvisioning(stack.env.client, taskQueue, { ...g.request('full'), scope: { type: 'CUSTOMER' } })
      );
      assert.match(f.message, /limit of 750 custom admin roles.*Delete unused custom roles/);
      assert.equal(f.chain.length > 0, true);
    } finally {
      for (const k of [...d.roles.keys()]) if (k.startsWith('fill-')) d.roles.delete(k);
    }
  });
});
