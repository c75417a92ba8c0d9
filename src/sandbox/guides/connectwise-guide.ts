import { WorkflowUpdateFailedError } from '@temporalio/client';
import { connectwiseWorkflowId, type ConnectwiseOnboardingRequest } from '../../domain/connectwise-schema';
import {
  provideConnectionUpdate,
  recheckPermissionsSignal,
  type ConnectwiseStatus,
} from '../../contract/connectwise-onboarding-messages';
import type { SyncSummary } from '../../contract/connectwise-sync-messages';
import type { connectwiseOnboarding } from '../../workflows';
import {
  admin,
  follow,
  GuideError,
  GuideLog,
  runTag,
  startWorkflow,
  storeSecret,
  type GuideContext,
} from './guide-steps';

/** The clientId Sophos registered at developer.connectwise.com (the vendor's, not the MSP's: nothing to type). */
export const SANDBOX_CW_CLIENT_ID = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';

/** Seed 002 step 9: the security role of the integration, exactly the guide's list (no Security Roles read). */
export const SEED_002_ROLE = {
  'Companies/Company Maintenance': { inquire: 'All' },
  'Finance/Agreements': { add: 'All', edit: 'All', inquire: 'All' },
  'Procurement/Product Catalog': { add: 'All', edit: 'All', inquire: 'All' },
  'System/Table Setup': { add: 'All', edit: 'All', inquire: 'All' },
  'System/Member Maintenance': { inquire: 'All' },
  'Service Desk/Service Tickets': { add: 'All', edit: 'All', inquire: 'All' },
  'System/API Reports': { inquire: 'All' },
} as const;

/**
 * Onramp's addition to step 9, never granted silently: System › Security Roles Inquire lets the API member read
 * its own role, so Onramp can verify the Add/Edit levels (reads prove Inquire only). Guides grant it as a step
 * of its own, saying why.
 */
export const SECURITY_ROLES_READ = { 'System/Security Roles': { inquire: 'All' } } as const;
/** Seed 002's role with Onramp's read added (the step above). */
export const SEED_002_ROLE_READABLE = { ...SEED_002_ROLE, ...SECURITY_ROLES_READ } as const;
/** What the guides print for that step. */
export const SECURITY_ROLES_READ_STEP =
  'System > Security Roles > (the role) > System > Security Roles: Inquire Level = All. Not in seed 002: Onramp’s addition, so it can read the role and verify the Add/Edit levels; without it they stay unverified and the onboarding waits (permissionWait.unverified = "block", the default)';

export interface ConnectwiseGuideResult {
  workflowId: string;
  customer: string;
  rejections: string[];
  status: ConnectwiseStatus;
  sync?: SyncSummary;
  /** What Onramp said it could not verify before the Security Roles read was granted. */
  unverifiedSeen?: ConnectwiseStatus['unverified'];
}

/** Seed 002: ConnectWise API member, key pair and security role for Sophos Central; the key arrives late and wrong first. */
export async function runConnectwiseGuide(ctx: GuideContext): Promise<ConnectwiseGuideResult> {
  const log = new GuideLog(ctx);
  const tag = runTag();
  const cw = ctx.connectwiseUrl;
  const customer = `MSP ${tag}`;
  log.title(`Seed 002: ConnectWise API keys and security role for Sophos Central (${customer})`);
  const company = await admin<{ companyId: string; companyName: string }>(cw, 'GET', '/company');

  log.step(
    '9',
    'ConnectWise admin',
    'System > Security Roles: the role of the integration (done first, so the member can use it)'
  );
  const role = await admin<{ id: number; name: string }>(cw, 'POST', '/security-roles', {
    name: `Sophos ${tag}`,
    settings: SEED_002_ROLE,
  });
  log.note(
    `(simulator) POST /_admin/security-roles: "${role.name}" (id ${role.id}): Companies inquire; Agreements, Product Catalog, Table Setup, Service Tickets add/edit/inquire; Member Maintenance, API Reports inquire — exactly the guide's list, so the member cannot read its own role yet`
  );
  const identifier = `sophos${tag}`;
  log.step(
    '1-3',
    'ConnectWise admin',
    `System > Members > API Members > +: member "${identifier}" on role "${role.name}"; Save`
  );
  await admin(cw, 'POST', '/api-members', { identifier, roleId: role.id });
  log.step('4-8', 'ConnectWise admin', `${identifier} > API Keys > +: description "Sophos Central integration"; Save`);
  const keys = await admin<{ publicKey: string; privateKey: string }>(
    cw,
    'POST',
    `/api-members/${identifier}/api-keys`,
    {
      description: 'Sophos Central integration',
    }
  );
  log.note(`(simulator) public key ${keys.publicKey}; the private key is shown this once`);

  const customers = [1, 2, 3].map((i) => ({ identifier: `SC-${tag}-${i}`, name: `Sophos customer ${tag} ${i}` }));
  log.step(
    'Before',
    'ConnectWise admin',
    `Companies > Company > +: the MSP's clients ${customers.map((c) => c.identifier).join(', ')} exist (the role only lets the integration read companies)`
  );
  for (const c of customers) await admin(cw, 'POST', '/companies', c);

  const request: ConnectwiseOnboardingRequest = {
    customer: { name: customer },
    vendor: { name: 'Sophos Central' },
    connection: {
      site: new URL(cw).host,
      companyId: company.companyId,
      publicKey: keys.publicKey,
      clientId: SANDBOX_CW_CLIENT_ID,
      apiMember: identifier,
    },
    customers,
  };
  const handle = await startWorkflow<typeof connectwiseOnboarding>(ctx, 'connectwiseOnboarding', request, {
    workflowId: connectwiseWorkflowId(customer, company.companyId),
    staticSummary: `ConnectWise for ${customer} (Sophos Central)`,
  });
  log.step(
    '-',
    'operator',
    'Start the onboarding with site, company, public key and clientId; the private key is not at hand yet'
  );
  log.webUi(handle.workflowId);
  const waiting = await follow<ConnectwiseStatus>(
    handle,
    () => undefined,
    (s) => s.step === 'awaiting-connection',
    log.note.bind(log)
  );
  log.note(`Onramp waits for the operator: private key ${waiting.connection.privateKey}`);

  const rejections: string[] = [];
  const supply = async (what: string, key: string): Promise<boolean> => {
    const ref = storeSecret(ctx, `connectwise-${tag}-${what}`, key);
    log.step('-', 'operator', `Supply the private key (${what}) by reference ${ref} (update "provideConnection")`);
    try {
      const r = await handle.executeUpdate(provideConnectionUpdate, { args: [{ privateKeyRef: ref }] });
      log.note(
        `accepted: ${r.verified ? `verified against ${r.companyName ?? company.companyName}` : `waiting for ${r.waitingFor.join(', ')}`}`
      );
      return r.verified;
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const why = err.cause?.message ?? err.message;
      rejections.push(why);
      log.note(`refused, the workflow keeps waiting: ${why}`);
      return false;
    }
  };
  // A typo in the copied key: one character off.
  const wrong = keys.privateKey.slice(0, -1) + (keys.privateKey.endsWith('A') ? 'B' : 'A');
  if (await supply('mistyped', wrong)) throw new GuideError('a wrong private key was accepted');
  if (!(await supply('as shown once', keys.privateKey))) throw new GuideError('the right private key was refused');

  log.step(
    '9',
    'Onramp',
    "Read the API member's security role and compare it with the guide, area by area; then sync the customers"
  );
  const render = (s: ConnectwiseStatus) =>
    `[${s.step}]${s.permissions ? ` ${s.permissions.filter((p) => p.ok === true).length}/${s.permissions.length} permissions ok` : ''}${s.unverified ? `, ${s.unverified.rights.length} unverified (${s.unverified.reason})` : ''}`;
  const intervalMs = ctx.fast ? 200 : 500;
  const held = await follow<ConnectwiseStatus>(
    handle,
    render,
    (s) =>
      s.state === 'completed' ||
      s.state === 'failed' ||
      (s.step === 'awaiting-permissions' && !!s.unverified?.blocking),
    log.note.bind(log),
    { intervalMs }
  );
  let unverifiedSeen: ConnectwiseStatus['unverified'];
  if (held.unverified?.blocking) {
    // The role of the guide does not let the member read roles: Onramp says which rights it cannot verify.
    unverifiedSeen = held.unverified;
    log.note(`Onramp waits: unverified ${held.unverified.rights.join(', ')}`);
    log.note(held.unverified.howToVerify);
    log.step('9+', 'ConnectWise admin', SECURITY_ROLES_READ_STEP.replace('(the role)', `"${role.name}"`));
    await admin(cw, 'PUT', `/security-roles/${role.id}`, { name: role.name, settings: SEED_002_ROLE_READABLE });
    log.step('-', 'operator', 'Tell Onramp the role was fixed (signal "recheckPermissions")');
    await handle.signal(recheckPermissionsSignal);
  }
  const status = await follow<ConnectwiseStatus>(
    handle,
    render,
    (s) => s.state === 'completed' || s.state === 'failed',
    log.note.bind(log),
    { intervalMs }
  );
  if (status.state !== 'completed') throw new GuideError(status.error ?? 'the ConnectWise onboarding failed');
  const sync = status.sync;
  log.result(
    `${company.companyName}: keys verified after ${rejections.length} refused attempt(s); permissions from the ${status.permissionSource}; ` +
      (sync
        ? `companies matched ${sync.companies.unchanged + sync.companies.updated}, agreements created ${sync.agreements.created}, catalog item ${sync.catalogItem}`
        : 'no sync')
  );
  return { workflowId: handle.workflowId, customer, rejections, status, sync, unverifiedSeen };
}
