import { HEARTBEAT } from './activity-timeouts';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OnrampActivities } from '../activities';
import { DEFAULT_WEBHOOK_FIELDS, REQUIRED_PERMISSIONS } from '../rules/autotask-rules';
import {
  driftFindingWorkflowId,
  fillDriftCheckDefaults,
  FINDING_INTEGRATION,
  type DriftFinding,
  type DriftIntegration,
  type DriftReport,
} from '../rules/drift-rules';
import type { DriftCheckInput, DriftCheckRequest, DriftCheckInputV1 } from '../domain/drift-schema';
import { driftCheckV1 } from './drift-v1';
import { inputV1 } from './input';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';

const act = proxyActivities<OnrampActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export interface DriftFindingStatus {
  /** The problem key (per-problem findings); absent on the one-per-customer findings of older runs. */
  key?: string;
  findings: DriftFinding[];
  openedAt: string;
  resolved: boolean;
}
export const driftFindingStatusQuery = defineQuery<DriftFindingStatus>('status');
/** Operator: "I have fixed it" (or accept it); closes the finding. */
export const resolveFindingSignal = defineSignal<[string?]>('resolveFinding');
/** Sent by the next drift check that finds this problem gone. */
export const driftClearedSignal = defineSignal('driftCleared');

/** Findings of one check, and what it checked completely (keys, or prefixes ending in `:` for whole areas). */
interface CheckOutcome {
  findings: DriftFinding[];
  checked: string[];
}

/** Drift opens a finding for a required Autotask right lowered from All to Restricted (not only for None). */
export const DRIFT_AUTOTASK_RESTRICTED_PATCH = 'drift-autotask-restricted';

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

async function runChecks(input: DriftCheckInput): Promise<CheckOutcome> {
  const findings: DriftFinding[] = [];
  const checked: string[] = [];
  const checks: Promise<void>[] = [];
  const add = (integration: DriftIntegration, key: string, problem: string, fix: string) =>
    findings.push({ integration, key: `${integration}:${key}`, problem, fix });
  /** A blocking finding (no access): only that key counts as checked, the rest of the area keeps its findings. */
  const blocked = (f: DriftFinding) => {
    findings.push(f);
    checked.push(f.key!);
  };

  const g = input.googleDelegation;
  if (g) {
    checks.push(
      (async () => {
        const r = await orFinding(
          'googleDelegation',
          'access',
          'repair the service account key or admin, then run the delegation onboarding again',
          () =>
            act.checkDelegatedScopes({
              subject: g.adminEmail,
              serviceAccount: g.serviceAccount,
              scopes: g.scopes,
              mode: 'each',
            })
        );
        if (isFinding(r)) return blocked(r);
        checked.push('googleDelegation:');
        for (const s of r.filter((x) => !x.granted))
          add(
            'googleDelegation',
            `scope:${s.scope}`,
            `domain-wide delegation for client ID ${g.serviceAccount.clientId} no longer grants ${s.scope}`,
            'an admin removed the scope: add it again in Admin console > Security > API controls > Domain-wide delegation'
          );
      })()
    );
  }
  const a = input.autotask;
  if (a) {
    checks.push(
      (async () => {
        const target = { tenant: a.tenant, credentials: a.credentials };
        const fixCreds =
          'the API user was deactivated, locked or its secret changed: fix it in Autotask (Admin > Resources/Users) or rotate to a new user';
        const v = await orFinding('autotask', 'credentials', fixCreds, () => act.verifyAutotaskCredentials(target));
        if (isFinding(v)) return blocked(v);
        checked.push('autotask:credentials');
        const t = { ...target, zoneUrl: v.zoneUrl };
        const perms = await orFinding('autotask', 'credentials', fixCreds, () =>
          act.checkAutotaskPermissions({ ...t, requirements: REQUIRED_PERMISSIONS })
        );
        if (isFinding(perms)) return blocked(perms);
        checked.push('autotask:permission:');
        for (const p of perms.filter((x) => !x.allowed))
          add(
            'autotask',
            `permission:${p.entity}:${p.action}`,
            `the API user's security level lost ${p.entity} ${p.action}`,
            `restore it on the security level (${p.grantedBy})`
          );
        // Each required right must still be All: Restricted (2) hides records outside the restriction.
        // Behind a patch: checks recorded before it never opened a finding for a Restricted right.
        const restricted = perms.filter((x) => x.allowed && x.access === 'restricted');
        if (restricted.length && patched(DRIFT_AUTOTASK_RESTRICTED_PATCH))
          for (const p of restricted)
            add(
              'autotask',
              `permission:${p.entity}:${p.action}`,
              `the API user's security level lowered ${p.entity} ${p.action} from All to Restricted (records outside the restriction are invisible to the integration)`,
              `set it back to All on the security level (${p.grantedBy})`
            );
        const named = a.webhookNames ?? [];
        if (named.length) {
          const found = await orFinding('autotask', 'credentials', fixCreds, () =>
            act.inspectAutotaskWebhooks({
              ...t,
              webhooks: named.map((w) => ({ ...w, fields: w.fields ?? DEFAULT_WEBHOOK_FIELDS[w.entity] })),
            })
          );
          if (isFinding(found)) return blocked(found);
          for (const w of named) {
            checked.push(`autotask:webhook:${w.entity}:${w.name}`, `autotask:webhook-field:${w.entity}:${w.name}:`);
            const hook = found.find((h) => h.entity === w.entity && h.name === w.name);
            const fix = 'run the Autotask onboarding again to recreate or finish it, or reactivate it in Autotask';
            if (!hook || !hook.isActive || !hook.isReady)
              add(
                'autotask',
                `webhook:${w.entity}:${w.name}`,
                `${w.entity} webhook "${w.name}" is ${!hook ? 'gone' : !hook.isActive ? 'inactive (Autotask disables a callout after 25 failed deliveries)' : 'not ready (no subscribed field)'}`,
                fix
              );
            for (const field of hook?.missingFields ?? [])
              add(
                'autotask',
                `webhook-field:${w.entity}:${w.name}:${field}`,
                `${w.entity} webhook "${w.name}" no longer sends field ${field}`,
                'run the Autotask onboarding again (it adds missing fields only), or add it to the webhook in Autotask'
              );
          }
        }
        for (const w of a.webhooks) {
          const hook = await orFinding('autotask', 'credentials', fixCreds, () =>
            act.getAutotaskWebhook({ ...t, entity: w.entity, id: w.id })
          );
          if (isFinding(hook)) return blocked(hook);
          checked.push(`autotask:webhook-id:${w.entity}:${w.id}`);
          if (!hook || !hook.isActive)
            add(
              'autotask',
              `webhook-id:${w.entity}:${w.id}`,
              `${w.entity} webhook ${w.id} is ${hook ? 'inactive (Autotask disables a callout after 25 failed deliveries)' : 'gone'}`,
              'run the Autotask onboarding again to recreate it, or reactivate it in Autotask'
            );
        }
      })()
    );
  }
  const c = input.connectwise;
  if (c) {
    checks.push(
      (async () => {
        const v = await act.verifyConnectwiseConnection(c.connection);
        if (!v.ok)
          return blocked({
            integration: 'connectwise',
            key: 'connectwise:connection',
            problem: `the API member's connection no longer works (${v.field}): ${v.message}`,
            fix: 'generate a new API key pair for the member (System > Members > API Members) and supply it',
          });
        checked.push('connectwise:connection', 'connectwise:permission:');
        const report = await act.checkConnectwisePermissions({
          connection: c.connection,
          site: v.site,
          ...(c.createMissingCompanies ? { createMissingCompanies: true } : {}),
        });
        for (const r of report.rows.filter((x) => x.ok === false))
          add(
            'connectwise',
            `permission:${r.module}/${r.area}:${r.action}`,
            `the security role no longer grants ${r.module} › ${r.area} ${r.action} ${r.required} (found ${r.found})`,
            `restore it in System > Security Roles (${r.menuPath})`
          );
        const b = c.billing;
        if (b) {
          const state = await act.connectwiseBillingState({
            connection: c.connection,
            site: v.site,
            customers: b.customers,
            agreementName: b.agreementName,
            catalogItem: b.catalogItem,
          });
          checked.push(
            'connectwise:catalog-item',
            'connectwise:company:',
            'connectwise:agreement:',
            'connectwise:addition:'
          );
          const fix = 'run the ConnectWise customer sync again (it recreates what is missing and changes nothing else)';
          if (!state.catalogItem) add('connectwise', 'catalog-item', `catalog item ${b.catalogItem} is gone`, fix);
          for (const x of state.companies) {
            if (!x.company)
              add(
                'connectwise',
                `company:${x.identifier}`,
                `synced company ${x.identifier} is gone`,
                c.createMissingCompanies
                  ? fix
                  : `recreate company ${x.identifier} in ConnectWise (Companies > Company > +; the sync only matches companies unless the order sets sync.createMissingCompanies), then run the sync again`
              );
            else if (!x.agreement)
              add(
                'connectwise',
                `agreement:${x.identifier}`,
                `company ${x.identifier} lost agreement "${b.agreementName}"`,
                fix
              );
            else if (!x.addition)
              add(
                'connectwise',
                `addition:${x.identifier}`,
                `the agreement "${b.agreementName}" of ${x.identifier} no longer carries catalog item ${b.catalogItem}`,
                fix
              );
          }
        }
      })()
    );
  }
  const r = input.googleAdminRoles?.request;
  if (r) {
    checks.push(
      (async () => {
        const plan = await orFinding(
          'googleAdminRoles',
          'access',
          'repair delegation for the role scopes, then run the admin-role provisioning again',
          () =>
            act.inspectAdminRoleTenant({
              caller: { customerId: r.customer.customerId, adminEmail: r.adminEmail, serviceAccount: r.serviceAccount },
              group: r.group,
              members: r.members,
              role: r.role,
              assignee: r.assignee,
              scope: r.scope,
            })
        );
        if (isFinding(plan)) return blocked(plan);
        checked.push('googleAdminRoles:');
        const fix = 'run the Google admin-role provisioning again (it recreates only what is missing)';
        if (plan.group.state !== 'present')
          add(
            'googleAdminRoles',
            'group',
            `group ${r.group.email} is ${plan.group.state === 'absent' ? 'gone' : `changed (${plan.group.differences.join('; ')})`}`,
            fix
          );
        for (const m of plan.members.toAdd)
          add('googleAdminRoles', `member:${m}`, `${m} left group ${r.group.email}`, fix);
        if (plan.role.state !== 'present')
          add(
            'googleAdminRoles',
            'role',
            `role "${r.role.name}" is ${plan.role.state === 'absent' ? 'gone' : `changed (${plan.role.differences.join('; ')})`}`,
            fix
          );
        for (const x of plan.assignments.toCreate)
          add('googleAdminRoles', `assignment:${x}`, `the role assignment on ${x} was removed`, fix);
      })()
    );
  }
  await Promise.all(checks);
  findings.sort((x, y) => (x.key! < y.key! ? -1 : x.key! > y.key! ? 1 : 0));
  return { findings, checked };
}

/** Whether a check that completed `checked` has looked at problem `key` (so its absence means fixed). */
const covers = (checked: readonly string[], key: string) =>
  checked.some((c) => (c.endsWith(':') ? key.startsWith(c) : key === c));

export interface DriftCheckReport extends DriftReport {
  /** Problem keys whose finding this check opened (a problem already open is not opened again). */
  opened?: string[];
  /** Problem keys whose open finding this check closed (the problem is gone). */
  closed?: string[];
  /** An order's check before its onboarding has anything checkable. */
  note?: string;
}

/**
 * The periodic drift check of one customer (started by its schedule). Given an order ID it first reads what
 * the order's onboarding has learnt so far, so the schedule created with the order never goes stale. Each
 * problem (a stable key) gets its own operator-visible finding, opened by the first check that sees it;
 * an open finding whose problem a later check no longer sees is closed. Read-only towards the vendors.
 */
export async function driftCheck(request: DriftCheckRequest): Promise<DriftCheckReport> {
  const input = inputV1<DriftCheckInputV1>(request, fillDriftCheckDefaults, ['customer'], 'drift check input');
  if (!patched('drift-per-problem')) return driftCheckV1(input);
  upsertSearchAttributes([
    { key: OnrampCustomer, value: input.customer.id },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.driftCheck },
    { key: OnrampStep, value: 'checking' },
    { key: OnrampState, value: 'running' },
  ]);
  const target = input.orderId ? await act.driftTargetsForOrder({ orderId: input.orderId }) : input;
  const { findings, checked } = target ? await runChecks(target) : { findings: [], checked: [] };
  const customer = input.customer;
  const open = new Set(await act.openDriftFindings({ customerId: customer.id }));
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
          staticSummary: `Drift of ${customer.name}: ${f.problem}`.slice(0, 400),
        });
        opened.push(f.key!);
      } catch (err) {
        // Open already (visibility had not listed it yet): one finding per problem.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    })
  );
  const current = new Set(findings.map((f) => f.key!));
  const closed: string[] = [];
  await Promise.all(
    [...open]
      .filter((k) => !current.has(k) && covers(checked, k))
      .map(async (k) => {
        try {
          await getExternalWorkflowHandle(driftFindingWorkflowId(customer.id, k)).signal(driftClearedSignal);
          closed.push(k);
        } catch {
          /* closed meanwhile (the operator resolved it) */
        }
      })
  );
  opened.sort();
  closed.sort();
  upsertSearchAttributes([
    { key: OnrampStep, value: findings.length ? 'drift-found' : 'no-drift' },
    { key: OnrampState, value: 'completed' },
  ]);
  setCurrentDetails(
    findings.length
      ? findings.map((f) => `- **${f.integration}**: ${f.problem}. Fix: ${f.fix}`).join('\n')
      : target
        ? 'No drift.'
        : 'Nothing to check yet.'
  );
  return {
    customer: customer.id,
    checkedAt: new Date().toISOString(),
    drifted: findings.length > 0,
    findings,
    opened,
    closed,
    ...(target ? {} : { note: 'the onboarding has nothing checkable yet (no credentials, nothing created)' }),
  };
}

/**
 * An open drift finding: one problem of one customer (older runs: every problem of a customer), visible in
 * the UI, `onramp findings` and `onramp list --state waiting-for-operator` until resolved or cleared.
 */
export async function driftFinding(input: {
  customer: { id: string; name: string };
  key?: string;
  findings: DriftFinding[];
}): Promise<{ resolvedBy: string }> {
  let resolvedBy: string | undefined;
  const openedAt = new Date().toISOString();
  setHandler(driftFindingStatusQuery, () => ({
    ...(input.key ? { key: input.key } : {}),
    findings: input.findings,
    openedAt,
    resolved: resolvedBy !== undefined,
  }));
  setHandler(resolveFindingSignal, (who) => void (resolvedBy = `operator${who ? ` (${who})` : ''}`));
  setHandler(driftClearedSignal, () => void (resolvedBy = 'a later drift check no longer found the problem'));
  setCurrentDetails(input.findings.map((f) => `- **${f.integration}**: ${f.problem}. Fix: ${f.fix}`).join('\n'));
  await condition(() => resolvedBy !== undefined);
  upsertSearchAttributes([
    { key: OnrampStep, value: 'resolved' },
    { key: OnrampState, value: 'completed' },
  ]);
  return { resolvedBy: resolvedBy! };
}
