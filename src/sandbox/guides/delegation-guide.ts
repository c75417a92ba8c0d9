import { startGoogleDelegation } from '../../client';
import { DEFAULT_DELEGATION_SCOPES, type DelegationRequest } from '../../domain/google-delegation-schema';
import type { DelegationStatus } from '../../contract/google-delegation-messages';
import { formatDelegationStatus } from '../../cli/format';
import { admin, follow, GuideError, GuideLog, runTag, sleep, type GuideContext } from './guide-steps';
import { mailedChecklistLink, openChecklistPage, pageCheckNow } from './checklist-admin';

export interface DelegationGuideOptions {
  /** Customer domain; a new one per run by default. */
  customer?: string;
  /** The admin "forgets" these scopes: the onboarding keeps waiting (then `onramp sandbox grant`). */
  omitScopes?: string[];
  /** false: do not play the admin at all. */
  grant?: boolean;
  grantAfterMs?: number;
}

export interface DelegationGuideResult {
  workflowId: string;
  customer: string;
  status: DelegationStatus;
}

/** Seed 000: Google Workspace domain-wide delegation for Atera IT Autopilot, both sides played. */
export async function runDelegationGuide(
  ctx: GuideContext,
  opts: DelegationGuideOptions = {}
): Promise<DelegationGuideResult> {
  const log = new GuideLog(ctx);
  const customer = opts.customer ?? `acme-${runTag()}.example`;
  const adminEmail = `admin@${customer}`;
  const scopes = DEFAULT_DELEGATION_SCOPES.filter((s) => !(opts.omitScopes ?? []).includes(s));
  log.title(`Seed 000: Google Workspace domain-wide delegation for Atera IT Autopilot (customer ${customer})`);

  log.step('1', 'customer admin', `Sign in to the Google Admin Console as a super admin: ${adminEmail}`);
  await admin(ctx.googleUrl, 'POST', '/users', { email: adminEmail });
  log.note(`(simulator) POST /_admin/users created ${adminEmail}`);

  const request: DelegationRequest = {
    customer: { domain: customer, name: `Sandbox customer ${customer}` },
    adminEmail,
    vendor: { name: 'Atera', supportEmail: 'support@atera.com' },
    serviceAccount: ctx.serviceAccount,
    // With the e-mail and the checklist page the admin's "check now" ends the wait (Onramp's next check is 30 s away).
    polling:
      ctx.mailUrl && ctx.checklistUrl
        ? { initialIntervalSeconds: 30, maxIntervalSeconds: 60, deadlineHours: 24 }
        : { initialIntervalSeconds: ctx.fast ? 1 : 5, maxIntervalSeconds: ctx.fast ? 2 : 60, deadlineHours: 24 },
  };
  log.step('-', 'Onramp', 'Start the onboarding; it publishes the admin instruction and waits for the grant');
  const handle = await startGoogleDelegation(
    ctx.client,
    { temporal: { address: '', namespace: ctx.namespace, taskQueue: ctx.taskQueue } },
    request
  );
  log.webUi(handle.workflowId);
  const first = await handle.query<DelegationStatus>('status');
  log.note('Instruction for the customer admin (from the workflow):');
  log.note(first.instructions.text.replace(/^/gm, '  '));
  // With npm start's mail catcher and checklist page, the admin works from the e-mail and the page.
  let link: string | undefined;
  if (ctx.mailUrl && ctx.checklistUrl) {
    const mailed = await mailedChecklistLink(ctx, adminEmail);
    link = mailed.link;
    log.step('1', 'customer admin', `E-mail "${mailed.subject}" arrives; open its checklist page`);
    log.note(link);
    log.note(`the page: ${(await openChecklistPage(link)).status.slice(0, 160)}…`);
  }

  if (opts.grant !== false) {
    await sleep(opts.grantAfterMs ?? (ctx.fast ? 0 : 3000));
    log.step('2-4', 'customer admin', 'Security > API controls > Domain-wide delegation > Add new');
    log.note(`Client ID ${ctx.serviceAccount.clientId}; ${scopes.length} OAuth scopes (comma-separated)`);
    if (opts.omitScopes?.length) log.note(`(forgets ${opts.omitScopes.length}: ${opts.omitScopes.join(', ')})`);
    log.step('6', 'customer admin', 'Authorize (the guide has no step 5)');
    const grant = await admin<{ visibleAt?: string }>(
      ctx.googleUrl,
      'PUT',
      `/domain-wide-delegation/${ctx.serviceAccount.clientId}`,
      { domain: customer, scopes, signedInAs: adminEmail }
    );
    log.note(
      `(simulator) PUT /_admin/domain-wide-delegation/${ctx.serviceAccount.clientId}; Google propagates it by ${grant.visibleAt ?? 'now'}`
    );
    if (link) {
      log.step('6', 'customer admin', 'On the checklist page: "I’ve done this — check now"');
      if (!(await pageCheckNow(link))) log.note('the page already shows Done: Onramp’s own check got there first');
    }
  }

  log.step('-', 'Onramp', 'Verify each scope with a token request as the admin, backing off until Google propagates');
  const status = await follow<DelegationStatus>(
    handle,
    (s) =>
      `[${s.step}] ${s.scopes.filter((x) => x.state === 'granted').length}/${s.scopes.length} scopes verified, ${s.checks} check(s)`,
    (s) => s.state === 'completed' || s.state === 'failed',
    log.note.bind(log),
    { intervalMs: ctx.fast ? 300 : 1000, timeoutMs: 24 * 3600_000 }
  );
  if (status.state !== 'completed') throw new GuideError(status.error ?? `onboarding ended in state ${status.state}`);
  log.step('7', 'Onramp for the admin', `Send the admin email to Atera support (${request.vendor.supportEmail})`);
  log.note(`notified at ${status.notifiedAt ?? '?'} (idempotent: one notification however often it is retried)`);
  log.result(`delegation verified for ${customer}\n${formatDelegationStatus(status)}`);
  return { workflowId: handle.workflowId, customer, status };
}
