import { heartbeating } from './activity-timeouts';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OnrampActivities } from '../activities';
import { DEFAULT_WEBHOOK_FIELDS } from '../rules/autotask-rules';
import { driftFindingWorkflowId, fillDriftCheckDefaults, FINDING_INTEGRATION } from '../rules/drift-rules';
import {
  adminRolesDrift,
  autotaskDrift,
  CLEARED_BY_CHECK,
  connectwiseDrift,
  delegationDrift,
  findingsMarkdown,
  findingSummary,
  NO_DRIFT,
  NOTHING_CHECKABLE_NOTE,
  NOTHING_TO_CHECK,
  resolvedByOperator,
} from '../rules/drift-instructions';
import {
  driftClearedSignal,
  driftFindingStatusQuery,
  resolveFindingSignal,
  type DriftCheckInputV1,
  type DriftCheckReport,
  type DriftCheckWorkflow,
  type DriftFinding,
  type DriftFindingInputV1,
  type DriftFindingWorkflow,
  type DriftIntegration,
} from '../contract/drift-messages';
import { inputV1 } from './input';
import { Progress } from './progress';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';

const act = proxyActivities<OnrampActivities>(
  heartbeating({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  })
);

type Customer = DriftCheckInputV1['customer'];

/**
 * The findings of one check as they come in, and what it checked completely (keys, or prefixes ending in
 * `:` for whole areas): an open finding is closed only when its key was checked and not found again.
 */
class Findings {
  readonly findings: DriftFinding[] = [];
  readonly checked: string[] = [];

  add(integration: DriftIntegration, key: string, problem: string, fix: string): void {
    this.findings.push({ integration, key: `${integration}:${key}`, problem, fix });
  }

  /** A blocking finding (no access): only that key counts as checked, the rest of the area keeps its findings. */
  blocked(f: DriftFinding): void {
    this.findings.push(f);
    this.checked.push(f.key!);
  }

  check(...keys: string[]): void {
    this.checked.push(...keys);
  }

  sorted(): DriftFinding[] {
    return [...this.findings].sort((x, y) => (x.key! < y.key! ? -1 : x.key! > y.key! ? 1 : 0));
  }
}

/** A permanent activity failure is itself a finding (credentials revoked, user inactive…); transient ones propagate. */
async function orFinding<T>(
  integration: DriftIntegration,
  key: string,
  fix: string,
  fn: () => Promise<T>
): Promise<T | DriftFinding> {
  try {
    return await fn();
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.nonRetryable)
      return { integration, key: `${integration}:${key}`, problem: cause.message, fix };
    throw err;
  }
}
const isFinding = (v: unknown): v is DriftFinding =>
  typeof v === 'object' && v !== null && 'problem' in v && 'fix' in v;

/** Every scope the delegation onboarding granted is still granted. */
async function checkDelegation(g: NonNullable<DriftCheckInputV1['googleDelegation']>, out: Findings) {
  const r = await orFinding('googleDelegation', 'access', delegationDrift.accessFix, () =>
    act.checkDelegatedScopes({
      subject: g.adminEmail,
      serviceAccount: g.serviceAccount,
      scopes: g.scopes,
      mode: 'each',
    })
  );
  if (isFinding(r)) return out.blocked(r);
  out.check('googleDelegation:');
  for (const s of r.filter((x) => !x.granted))
    out.add(
      'googleDelegation',
      `scope:${s.scope}`,
      delegationDrift.scopeLost(g.serviceAccount.clientId, s.scope),
      delegationDrift.scopeFix
    );
}

type AutotaskDrift = NonNullable<DriftCheckInputV1['autotask']>;
type AutotaskTarget = {
  tenant: string;
  vendorProfile: string;
  credentials: AutotaskDrift['credentials'];
  zoneUrl: string;
};

/** The API user still signs in, keeps every required right at All, and its webhooks still deliver. */
async function checkAutotask(a: AutotaskDrift, out: Findings) {
  const target = { tenant: a.tenant, vendorProfile: a.vendorProfile, credentials: a.credentials };
  const fix = autotaskDrift.credentialsFix;
  const v = await orFinding('autotask', 'credentials', fix, () => act.verifyAutotaskCredentials(target));
  if (isFinding(v)) return out.blocked(v);
  out.check('autotask:credentials');
  const t: AutotaskTarget = { ...target, zoneUrl: v.zoneUrl };
  // The rights the vendor's profile requires (the worker's profile file: what the onboarding checked).
  const perms = await orFinding('autotask', 'credentials', fix, async () =>
    act.checkAutotaskPermissions({
      ...t,
      requirements: (await act.readAutotaskVendorProfile({ vendorProfile: a.vendorProfile })).rights,
    })
  );
  if (isFinding(perms)) return out.blocked(perms);
  out.check('autotask:permission:');
  for (const p of perms.filter((x) => !x.allowed))
    out.add(
      'autotask',
      `permission:${p.entity}:${p.action}`,
      autotaskDrift.permissionLost(p.entity, p.action),
      autotaskDrift.permissionFix(p.grantedBy)
    );
  // Each required right must still be All: Restricted (2) hides records outside the restriction.
  for (const p of perms.filter((x) => x.allowed && x.access === 'restricted'))
    out.add(
      'autotask',
      `permission:${p.entity}:${p.action}`,
      autotaskDrift.permissionRestricted(p.entity, p.action),
      autotaskDrift.restrictedFix(p.grantedBy)
    );
  if (!(await checkNamedWebhooks(a, t, out))) return;
  await checkWebhookIds(a, t, out);
}

/** The webhooks the onboarding names: present, active, ready, sending every field. False when access was lost. */
async function checkNamedWebhooks(a: AutotaskDrift, t: AutotaskTarget, out: Findings): Promise<boolean> {
  const named = a.webhookNames ?? [];
  if (!named.length) return true;
  const found = await orFinding('autotask', 'credentials', autotaskDrift.credentialsFix, () =>
    act.inspectAutotaskWebhooks({
      ...t,
      webhooks: named.map((w) => ({ ...w, fields: w.fields ?? DEFAULT_WEBHOOK_FIELDS[w.entity] })),
    })
  );
  if (isFinding(found)) {
    out.blocked(found);
    return false;
  }
  for (const w of named) {
    out.check(`autotask:webhook:${w.entity}:${w.name}`, `autotask:webhook-field:${w.entity}:${w.name}:`);
    const hook = found.find((h) => h.entity === w.entity && h.name === w.name);
    if (!hook || !hook.isActive || !hook.isReady)
      out.add(
        'autotask',
        `webhook:${w.entity}:${w.name}`,
        autotaskDrift.namedHookBroken(w.entity, w.name, hook),
        autotaskDrift.namedHookFix
      );
    for (const field of hook?.missingFields ?? [])
      out.add(
        'autotask',
        `webhook-field:${w.entity}:${w.name}:${field}`,
        autotaskDrift.fieldMissing(w.entity, w.name, field),
        autotaskDrift.fieldFix
      );
  }
  return true;
}

/** The webhooks known by ID: still there and active. */
async function checkWebhookIds(a: AutotaskDrift, t: AutotaskTarget, out: Findings) {
  for (const w of a.webhooks) {
    const hook = await orFinding('autotask', 'credentials', autotaskDrift.credentialsFix, () =>
      act.getAutotaskWebhook({ ...t, entity: w.entity, id: w.id })
    );
    if (isFinding(hook)) return out.blocked(hook);
    out.check(`autotask:webhook-id:${w.entity}:${w.id}`);
    if (!hook || !hook.isActive)
      out.add(
        'autotask',
        `webhook-id:${w.entity}:${w.id}`,
        autotaskDrift.hookIdBroken(w.entity, w.id, !!hook),
        autotaskDrift.hookIdFix
      );
  }
}

type ConnectwiseDrift = NonNullable<DriftCheckInputV1['connectwise']>;
type ConnectwiseSite = Parameters<OnrampActivities['connectwiseBillingState']>[0]['site'];

/** The API member's key still works, its role keeps every required right, and the sync's billing still exists. */
async function checkConnectwise(c: ConnectwiseDrift, out: Findings) {
  const v = await act.verifyConnectwiseConnection(c.connection);
  if (!v.ok)
    return out.blocked({
      integration: 'connectwise',
      key: 'connectwise:connection',
      problem: connectwiseDrift.connectionBroken(v.field, v.message),
      fix: connectwiseDrift.connectionFix,
    });
  out.check('connectwise:connection', 'connectwise:permission:');
  const report = await act.checkConnectwisePermissions({
    connection: c.connection,
    site: v.site,
    ...(c.createMissingCompanies ? { createMissingCompanies: true } : {}),
  });
  for (const r of report.rows.filter((x) => x.ok === false))
    out.add(
      'connectwise',
      `permission:${r.module}/${r.area}:${r.action}`,
      connectwiseDrift.permissionLost(r),
      connectwiseDrift.permissionFix(r.menuPath)
    );
  if (c.billing) await checkConnectwiseBilling(c, c.billing, v.site, out);
}

/** Each synced company, its agreement and the agreement's catalog-item addition, and the catalog item. */
async function checkConnectwiseBilling(
  c: ConnectwiseDrift,
  b: NonNullable<ConnectwiseDrift['billing']>,
  site: ConnectwiseSite,
  out: Findings
) {
  const state = await act.connectwiseBillingState({
    connection: c.connection,
    site,
    customers: b.customers,
    agreementName: b.agreementName,
    catalogItem: b.catalogItem,
  });
  out.check('connectwise:catalog-item', 'connectwise:company:', 'connectwise:agreement:', 'connectwise:addition:');
  const fix = connectwiseDrift.syncFix;
  if (!state.catalogItem) out.add('connectwise', 'catalog-item', connectwiseDrift.catalogItemGone(b.catalogItem), fix);
  for (const x of state.companies) {
    const id = x.identifier;
    if (!x.company)
      out.add(
        'connectwise',
        `company:${id}`,
        connectwiseDrift.companyGone(id),
        c.createMissingCompanies ? fix : connectwiseDrift.companyFix(id)
      );
    else if (!x.agreement)
      out.add('connectwise', `agreement:${id}`, connectwiseDrift.agreementGone(id, b.agreementName), fix);
    else if (!x.addition)
      out.add('connectwise', `addition:${id}`, connectwiseDrift.additionGone(id, b.agreementName, b.catalogItem), fix);
  }
}

/** The group, its members, the role and its assignments the provisioning set up (inspected read-only). */
async function checkAdminRoles(r: NonNullable<DriftCheckInputV1['googleAdminRoles']>['request'], out: Findings) {
  const plan = await orFinding('googleAdminRoles', 'access', adminRolesDrift.accessFix, () =>
    act.inspectAdminRoleTenant({
      caller: { customerId: r.customer.customerId, adminEmail: r.adminEmail, serviceAccount: r.serviceAccount },
      group: r.group,
      members: r.members,
      role: r.role,
      assignee: r.assignee,
      scope: r.scope,
    })
  );
  if (isFinding(plan)) return out.blocked(plan);
  out.check('googleAdminRoles:');
  const add = (key: string, problem: string) => out.add('googleAdminRoles', key, problem, adminRolesDrift.fix);
  const { group, role } = plan;
  if (group.state !== 'present')
    add('group', adminRolesDrift.groupChanged(r.group.email, group.state, group.differences));
  for (const m of plan.members.toAdd) add(`member:${m}`, adminRolesDrift.memberLeft(m, r.group.email));
  if (role.state !== 'present') add('role', adminRolesDrift.roleChanged(r.role.name, role.state, role.differences));
  for (const x of plan.assignments.toCreate) add(`assignment:${x}`, adminRolesDrift.assignmentRemoved(x));
}

/** Every integration of the target checked side by side. */
async function runChecks(input: DriftCheckInputV1): Promise<Findings> {
  const out = new Findings();
  const g = input.googleDelegation;
  const a = input.autotask;
  const c = input.connectwise;
  const r = input.googleAdminRoles?.request;
  await Promise.all([
    g && checkDelegation(g, out),
    a && checkAutotask(a, out),
    c && checkConnectwise(c, out),
    r && checkAdminRoles(r, out),
  ]);
  return out;
}

/** Whether a check that completed `checked` has looked at problem `key` (so its absence means fixed). */
const covers = (checked: readonly string[], key: string) =>
  checked.some((c) => (c.endsWith(':') ? key.startsWith(c) : key === c));

/** A finding for each problem not open yet (one per problem key); returns the keys it opened. */
async function openFindings(customer: Customer, findings: DriftFinding[], open: Set<string>): Promise<string[]> {
  const opened: string[] = [];
  await Promise.all(
    findings.map(async (f) => {
      if (open.has(f.key!)) return;
      try {
        await startChild(driftFinding, {
          workflowId: driftFindingWorkflowId(customer.id, f.key),
          args: [{ customer, key: f.key, findings: [f] }],
          parentClosePolicy: 'ABANDON',
          typedSearchAttributes: [
            { key: OnrampCustomer, value: customer.id },
            { key: OnrampIntegration, value: FINDING_INTEGRATION[f.integration] },
            { key: OnrampStep, value: 'drift-found' },
            { key: OnrampState, value: 'waiting-for-operator' },
          ],
          staticSummary: findingSummary(customer.name, f.problem),
        });
        opened.push(f.key!);
      } catch (err) {
        // Open already (visibility had not listed it yet): one finding per problem.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    })
  );
  return opened.sort();
}

/** Close each open finding whose problem this check looked at and no longer found; returns the keys it closed. */
async function closeFindings(customer: Customer, open: Set<string>, outcome: Findings): Promise<string[]> {
  const current = new Set(outcome.findings.map((f) => f.key!));
  const closed: string[] = [];
  await Promise.all(
    [...open]
      .filter((k) => !current.has(k) && covers(outcome.checked, k))
      .map(async (k) => {
        try {
          await getExternalWorkflowHandle(driftFindingWorkflowId(customer.id, k)).signal(driftClearedSignal);
          closed.push(k);
        } catch {
          /* closed meanwhile (the operator resolved it) */
        }
      })
  );
  return closed.sort();
}

/**
 * The periodic drift check of one customer (started by its schedule). Given an order ID it first reads what
 * the order's onboarding has learnt so far, so the schedule created with the order never goes stale. Each
 * problem (a stable key) gets its own operator-visible finding, opened by the first check that sees it;
 * an open finding whose problem a later check no longer sees is closed. Read-only towards the vendors.
 */
export async function driftCheck(request: DriftCheckInputV1): Promise<DriftCheckReport> {
  const input = inputV1<DriftCheckInputV1>(request, fillDriftCheckDefaults, ['customer'], 'drift check input');
  const customer = input.customer;
  upsertSearchAttributes([
    { key: OnrampCustomer, value: customer.id },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.driftCheck },
  ]);
  const progress = new Progress<'checking' | 'drift-found' | 'no-drift'>('checking');
  progress.enter('checking', 'running');
  // 1. What to check: the order's onboarding as it stands, or the input itself.
  const target = input.orderId ? await act.driftTargetsForOrder({ orderId: input.orderId }) : input;
  // 2. Check every integration.
  const outcome = target ? await runChecks(target) : new Findings();
  const findings = outcome.sorted();
  // 3. Open a finding per new problem, close those of problems gone.
  const open = new Set(await act.openDriftFindings({ customerId: customer.id }));
  const opened = await openFindings(customer, findings, open);
  const closed = await closeFindings(customer, open, outcome);
  // 4. Report.
  progress.enter(
    findings.length ? 'drift-found' : 'no-drift',
    'completed',
    findings.length ? findingsMarkdown(findings) : target ? NO_DRIFT : NOTHING_TO_CHECK
  );
  return {
    customer: customer.id,
    checkedAt: new Date().toISOString(),
    drifted: findings.length > 0,
    findings,
    opened,
    closed,
    ...(target ? {} : { note: NOTHING_CHECKABLE_NOTE }),
  };
}

/**
 * An open drift finding: one problem of one customer, visible in the UI, `onramp findings` and
 * `onramp list --state waiting-for-operator` until resolved or cleared.
 */
export async function driftFinding(input: DriftFindingInputV1): Promise<{ resolvedBy: string }> {
  let resolvedBy: string | undefined;
  const openedAt = new Date().toISOString();
  setHandler(driftFindingStatusQuery, () => ({
    ...(input.key ? { key: input.key } : {}),
    findings: input.findings,
    openedAt,
    resolved: resolvedBy !== undefined,
  }));
  setHandler(resolveFindingSignal, (who) => void (resolvedBy = resolvedByOperator(who)));
  setHandler(driftClearedSignal, () => void (resolvedBy = CLEARED_BY_CHECK));
  setCurrentDetails(findingsMarkdown(input.findings));
  await condition(() => resolvedBy !== undefined);
  new Progress<'drift-found' | 'resolved'>('drift-found').enter('resolved', 'completed');
  return { resolvedBy: resolvedBy! };
}

/**
 * AUTO_UPGRADE, unlike every other type (PINNED, src/temporal/worker-versioning.ts): a finding waits without a
 * deadline for an operator or the next drift check, so pinned it would keep its version's workers alive for good,
 * and `onramp findings` queries it, which needs a worker of its version. Its history up to the resolution holds no
 * command at all (handlers and one wait), so any version replays it; a change that adds a command before the wait
 * would need `patched()`, which Onramp does not use: give the finding a new workflow type instead.
 */
setWorkflowOptions(
  // Only on a versioned worker: an unversioned one (sandbox, tests) must not name a behavior (the server refuses it).
  () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {}),
  driftFinding
);

/** The workflows keep the signatures their clients start them by (src/contract/drift-messages.ts). */
export const driftCheckSignature: DriftCheckWorkflow = driftCheck;
export const driftFindingSignature: DriftFindingWorkflow = driftFinding;
