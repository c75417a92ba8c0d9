import { ADMIN_ROLE_SCOPES } from '../../domain/google-admin-roles-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../../domain/google-delegation-schema';
import type { OrderRequest } from '../../domain/customer-onboarding-schema';
import type { OrderStatus } from '../../services/orders';
import { AUTOTASK_LEVEL, createApiUser, createSecurityLevel } from './autotask-guide';
import { SANDBOX_CW_CLIENT_ID, SECURITY_ROLES_READ_STEP, SEED_002_ROLE_READABLE } from './connectwise-guide';
import { admin, GuideError, GuideLog, runTag, sleep, storeSecret, waitUntil, type GuideContext } from './guide-steps';
import {
  mailedChecklistLink,
  openChecklistPage,
  operatorChecklistLink,
  pageCheckNow,
  pageSupply,
} from './checklist-admin';

export interface OrderGuideResult {
  orderId: string;
  workflowId: string;
  status: OrderStatus;
}

/**
 * One sales order with all four integrations, sent to Onramp's intake API as a sales system would; the
 * customer's and the vendors' admins do their parts meanwhile, and the operator supplies the two credentials
 * through the intake API's actions.
 */
export async function runOrderGuide(
  ctx: GuideContext,
  opts: {
    /**
     * Called once the humans have prepared what the deal needs and just before the sales system sends the
     * order (`onramp sandbox order` saves the simulators' snapshot there, for `onramp sandbox compare`).
     */
    beforeOrder?: (orderId: string, customerId: string) => Promise<void>;
  } = {}
): Promise<OrderGuideResult> {
  if (!ctx.intakeUrl || !ctx.intakeToken) throw new GuideError('no intake API in this sandbox');
  const log = new GuideLog(ctx);
  const tag = runTag();
  const domain = `school-${tag}.example`;
  const adminEmail = `admin@${domain}`;
  const orderId = `SO-${tag.toUpperCase()}`;
  const tenant = `msp-${tag}`;
  const atAdmin = `autotask-admin@${tenant}.example`;
  const cwAdmin = `connectwise-admin@${tenant}.example`;
  const intake = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${ctx.intakeUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ctx.intakeToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  log.title(`One sales order, four integrations, through the intake API (order ${orderId})`);

  // ---- What the humans prepare before the deal closes ----
  // Each Workspace domain is a customer of its own: ask for this one's ID.
  const google = await admin<{ customerId: string }>(ctx.googleUrl, 'GET', `/customer?domain=${domain}`);
  log.step(
    '000/1',
    'customer admin',
    `Super admin ${adminEmail}; users teacher1-2 (Google customer ${google.customerId})`
  );
  for (const email of [adminEmail, `teacher1@${domain}`, `teacher2@${domain}`])
    await admin(ctx.googleUrl, 'POST', '/users', { email });
  log.step(
    '001',
    'Autotask admin',
    `Security level "${AUTOTASK_LEVEL}" with webhooks; New API User (Integration Vendor Sophos Central - Security)`
  );
  await createSecurityLevel(ctx.autotaskUrl);
  const atUser = await createApiUser(ctx.autotaskUrl);
  log.step('002', 'ConnectWise admin', 'Security role, API member, API key pair (private key shown once)');
  log.note(`and Onramp's addition to the role: ${SECURITY_ROLES_READ_STEP}`);
  const company = await admin<{ companyId: string }>(ctx.connectwiseUrl, 'GET', '/company');
  const role = await admin<{ id: number }>(ctx.connectwiseUrl, 'POST', '/security-roles', {
    name: `Sophos ${tag}`,
    settings: SEED_002_ROLE_READABLE,
  });
  await admin(ctx.connectwiseUrl, 'POST', '/api-members', { identifier: `sophos${tag}`, roleId: role.id });
  await admin(ctx.connectwiseUrl, 'POST', '/companies', { identifier: `SC-${tag}`, name: `Customer ${tag}` });
  const cwKeys = await admin<{ publicKey: string; privateKey: string }>(
    ctx.connectwiseUrl,
    'POST',
    `/api-members/sophos${tag}/api-keys`,
    { description: 'Sophos Central integration' }
  );

  // ---- The sales system sends the order ----
  const hookBase = `${ctx.autotaskReceiverUrl}/webhooks/autotask/${tenant}`;
  const order: OrderRequest = {
    orderId,
    customer: { id: tenant, name: `Customer ${tag}` },
    // The order's drift check (a Temporal Schedule): `onramp sandbox drift <orderId>` triggers it now.
    schedules: { driftCheckEveryHours: 24 },
    integrations: {
      googleDelegation: {
        customer: { domain },
        adminEmail,
        vendor: { name: 'Atera', supportEmail: 'support@atera.com' },
        serviceAccount: ctx.serviceAccount,
        scopes: [...new Set([...DEFAULT_DELEGATION_SCOPES, ...Object.values(ADMIN_ROLE_SCOPES)])],
        // With the checklist page the admin's "check now" is what ends the wait (Onramp's own next check is 30 s away).
        polling: ctx.checklistUrl
          ? { initialIntervalSeconds: 30, maxIntervalSeconds: 60, deadlineHours: 24 }
          : { initialIntervalSeconds: ctx.fast ? 1 : 5, maxIntervalSeconds: ctx.fast ? 2 : 30, deadlineHours: 24 },
      },
      googleAdminRoles: {
        customer: { domain, customerId: google.customerId },
        adminEmail,
        serviceAccount: { email: ctx.serviceAccount.email, keyRef: ctx.serviceAccount.keyRef },
        group: { email: `analytics-${tag}@${domain}`, displayName: 'Classroom analytics' },
        members: [{ email: `teacher1@${domain}` }, { email: `teacher2@${domain}` }],
        role: { name: `Education Admin ${tag}`, privileges: ['EDU_ANALYTICS_DATA_ACCESS'] },
        scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
        membership: { propagationTimeoutMinutes: 15, pollSeconds: ctx.fast ? 1 : 2, batchSize: 250 },
      },
      autotask: {
        customer: { id: tenant },
        adminEmail: atAdmin,
        vendor: { name: 'Sophos Central' },
        // The deployment's profile holds the Integration Vendor and Sophos's own tracking identifier.
        vendorProfile: 'sophos-central',
        integrationId: 'sophos-central',
        webhook: {
          name: `sophos-${tag}`,
          entities: ['Ticket'],
          webhookUrl: hookBase,
          deactivationUrl: `${hookBase}/deactivated`,
          signingKeyRef: ctx.autotaskSigningKeyRef,
        },
        timing: {
          readyPollSeconds: ctx.fast ? 0.2 : 1,
          readyDeadlineMinutes: 30,
          operatorDeadlineHours: 72,
          reminderMinutes: 60,
        },
      },
      connectwise: {
        customer: { name: `Customer ${tag}` },
        adminEmail: cwAdmin,
        connection: {
          site: new URL(ctx.connectwiseUrl).host,
          companyId: company.companyId,
          publicKey: cwKeys.publicKey,
          clientId: SANDBOX_CW_CLIENT_ID,
          apiMember: `sophos${tag}`,
        },
        customers: [{ identifier: `SC-${tag}`, name: `Customer ${tag}` }],
      },
    },
  };
  await opts.beforeOrder?.(orderId, tenant);
  log.step(
    '-',
    'sales system',
    `POST ${ctx.intakeUrl}/v1/onboardings (bearer token), order ${orderId} with 4 integrations`
  );
  const accepted = await intake<{ workflowId: string; statusUrl: string }>('POST', '/v1/onboardings', order);
  if (accepted.status !== 202)
    throw new GuideError(`the intake API answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  log.note(`202 Accepted; status at ${ctx.intakeUrl}${accepted.body.statusUrl}`);
  log.webUi(accepted.body.workflowId);
  const resend = await intake<{ workflowId: string }>('POST', '/v1/onboardings', order);
  log.note(
    `the same order sent again: ${resend.status}, same workflow (${resend.body.workflowId === accepted.body.workflowId ? 'idempotent' : 'DIFFERENT'})`
  );

  // ---- The humans act on what the order asks ----
  // With the checklist page (npm start), the admins act through their pages: the Google admin follows the
  // link e-mailed to them; the Autotask and ConnectWise admins get theirs from the operator.
  const pages = !!ctx.checklistUrl;
  let googleLink: string | undefined;
  if (pages && ctx.mailUrl) {
    const mailed = await mailedChecklistLink(ctx, adminEmail);
    googleLink = mailed.link;
    log.step('000/1', 'customer admin', `E-mail "${mailed.subject}" arrives; open its checklist page`);
    log.note(googleLink);
    log.note(`the page: ${(await openChecklistPage(googleLink)).status.slice(0, 160)}…`);
  }
  log.step(
    '000/2-6',
    'customer admin',
    `Authorize client ${ctx.serviceAccount.clientId} for ${order.integrations.googleDelegation!.scopes!.length} scopes`
  );
  await admin(ctx.googleUrl, 'PUT', `/domain-wide-delegation/${ctx.serviceAccount.clientId}`, {
    domain,
    scopes: order.integrations.googleDelegation!.scopes,
  });
  log.note(`(simulator) PUT /_admin/domain-wide-delegation/${ctx.serviceAccount.clientId} (the Admin console)`);
  if (googleLink) {
    log.step('000/6', 'customer admin', 'On the checklist page: "I’ve done this — check now"');
    if (!(await pageCheckNow(googleLink))) log.note('the page already shows Done: Onramp’s own check got there first');
  }

  const status = async () => (await intake<OrderStatus>('GET', `/v1/onboardings/${orderId}`)).body;
  const waitingFor = async (name: 'autotask' | 'connectwise', step: string) =>
    waitUntil(async () => {
      const s = await status();
      const d = s.details[name] as { step?: string } | undefined;
      return d?.step === step ? s : undefined;
    }, `${name} to wait for its credential`);
  const supply = async (integration: 'autotask' | 'connectwise', credential: unknown) => {
    const r = await intake<{ message?: string; detail?: string }>(
      'POST',
      `/v1/onboardings/${orderId}/actions/supply-credential`,
      {
        integration,
        credential,
      }
    );
    if (r.status !== 202)
      throw new GuideError(`supply-credential ${integration}: ${r.status} ${JSON.stringify(r.body)}`);
    log.note(r.body.message ?? '');
  };

  /** The admin's link: the e-mail of the waiting step (Mailpit), or, without a mail catcher, from the operator. */
  const adminLink = async (n: string, who: string, integration: string, to: string): Promise<string> => {
    if (ctx.mailUrl) {
      const mailed = await mailedChecklistLink(ctx, to);
      log.step(n, who, `E-mail "${mailed.subject}" arrives; open its checklist page`);
      log.note(mailed.link);
      return mailed.link;
    }
    const link = await operatorChecklistLink(ctx, orderId, integration, to);
    log.step(n, 'operator', `onramp checklist link ${orderId} --integration ${integration} --to ${to}`);
    log.note(link);
    return link;
  };
  await waitingFor('autotask', 'awaiting-credentials');
  if (pages) {
    const link = await adminLink('001', 'Autotask admin', 'autotask', atAdmin);
    log.step(
      '001',
      'Autotask admin',
      `On the checklist page: API user ${atUser.username}, the secret shown once, Send`
    );
    const r = await pageSupply(link, { username: atUser.username }, atUser.secret);
    if (!r.ok) throw new GuideError(`the Autotask credentials were refused: ${r.reason}`);
    log.note('the page: Accepted: the vendor confirmed it works.');
  } else {
    log.step(
      '001',
      'operator',
      `POST /v1/onboardings/${orderId}/actions/supply-credential: Autotask API user ${atUser.username}`
    );
    await supply('autotask', {
      username: atUser.username,
      secretRef: storeSecret(ctx, `order-${tag}-autotask`, atUser.secret),
    });
  }
  await waitingFor('connectwise', 'awaiting-connection');
  if (pages) {
    const link = await adminLink('002', 'ConnectWise admin', 'connectwise', cwAdmin);
    // A typo in the copied key first: the page shows the workflow's reason, the admin pastes it again.
    const typo = cwKeys.privateKey.slice(0, -1) + (cwKeys.privateKey.endsWith('A') ? 'B' : 'A');
    log.step('002', 'ConnectWise admin', 'On the checklist page: paste the private key (with a typo), Send');
    const first = await pageSupply(link, {}, typo);
    if (first.ok) throw new GuideError('a wrong private key was accepted');
    log.note(`the page: ${first.reason}`);
    log.step('002', 'ConnectWise admin', 'Paste the private key as shown once, Send');
    const second = await pageSupply(link, {}, cwKeys.privateKey);
    if (!second.ok) throw new GuideError(`the right private key was refused: ${second.reason}`);
    log.note('the page: Accepted: the vendor confirmed it works.');
  } else {
    log.step(
      '002',
      'operator',
      `POST /v1/onboardings/${orderId}/actions/supply-credential: ConnectWise private key (by reference)`
    );
    await supply('connectwise', { privateKeyRef: storeSecret(ctx, `order-${tag}-connectwise`, cwKeys.privateKey) });
  }

  log.step('-', 'Onramp', 'Every integration runs; admin roles start once the delegation is verified');
  let last = '';
  const deadline = Date.now() + 10 * 60_000;
  let final: OrderStatus;
  for (;;) {
    final = await status();
    const line = final.integrations.map((i) => `${i.name}:${i.state}`).join('  ');
    if (line !== last) log.note(`[${final.state}] ${line}`);
    last = line;
    if (final.execution !== 'RUNNING' || final.integrations.some((i) => i.state === 'failed')) break;
    if (Date.now() > deadline) throw new GuideError(`order ${orderId} still running after 10 min`);
    await sleep(ctx.fast ? 300 : 1000);
  }
  if (final.state !== 'completed')
    throw new GuideError(
      `order ${orderId} ended ${final.state}: ${final.integrations.map((i) => `${i.name} ${i.state}${i.error ? ` (${i.error})` : ''}`).join('; ')}`
    );
  log.result(`order ${orderId} completed: ${final.integrations.map((i) => `${i.name} ${i.state}`).join(', ')}`);
  return { orderId, workflowId: accepted.body.workflowId, status: final };
}
