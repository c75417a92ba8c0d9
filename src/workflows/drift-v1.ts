/**
 * The drift check as it was before per-problem findings: replayed histories only (see driftCheck).
 * Do not change its commands.
 */
import { HEARTBEAT } from './activity-timeouts';
import {
  ActivityFailure,
  ApplicationFailure,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OnrampActivities } from '../activities';
import { REQUIRED_PERMISSIONS } from '../rules/autotask-rules';
import { driftFindingWorkflowId, type DriftFinding, type DriftReport } from '../rules/drift-rules';
import type { DriftCheckInput, DriftCheckInputV1 } from '../domain/drift-schema';
import {
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
  ONRAMP_INTEGRATION,
} from '../contract/search-attributes';

const act = proxyActivities<OnrampActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const driftClearedSignal = 'driftCleared';

/** A permanent activity failure is itself a finding (credentials revoked, user inactive…); transient ones propagate. */
async function orFinding<T>(
  integration: DriftFinding['integration'],
  fix: string,
  fn: () => Promise<T>
): Promise<T | DriftFinding> {
  try {
    return await fn();
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.nonRetryable) return { integration, problem: cause.message, fix };
    throw err;
  }
}
const isFinding = (v: unknown): v is DriftFinding =>
  typeof v === 'object' && v !== null && 'problem' in v && 'fix' in v;

async function runChecksV1(input: DriftCheckInput): Promise<DriftFinding[]> {
  const findings: DriftFinding[] = [];
  const checks: Promise<void>[] = [];
  const g = input.googleDelegation;
  if (g) {
    checks.push(
      (async () => {
        const r = await orFinding(
          'googleDelegation',
          'repair the service account key or admin, then run the delegation onboarding again',
          () =>
            act.checkDelegatedScopes({
              subject: g.adminEmail,
              serviceAccount: g.serviceAccount,
              scopes: g.scopes,
              mode: 'each',
            })
        );
        if (isFinding(r)) return void findings.push(r);
        const missing = r.filter((s) => !s.granted).map((s) => s.scope);
        if (missing.length) {
          findings.push({
            integration: 'googleDelegation',
            problem: `domain-wide delegation for client ID ${g.serviceAccount.clientId} no longer grants: ${missing.join(', ')}`,
            fix: 'an admin removed scopes: add them again in Admin console > Security > API controls > Domain-wide delegation',
          });
        }
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
        const v = await orFinding('autotask', fixCreds, () => act.verifyAutotaskCredentials(target));
        if (isFinding(v)) return void findings.push(v);
        const t = { ...target, zoneUrl: v.zoneUrl };
        const perms = await orFinding('autotask', fixCreds, () =>
          act.checkAutotaskPermissions({ ...t, requirements: REQUIRED_PERMISSIONS })
        );
        if (isFinding(perms)) return void findings.push(perms);
        const denied = perms.filter((p) => !p.allowed);
        if (denied.length) {
          findings.push({
            integration: 'autotask',
            problem: `the API user's security level lost: ${denied.map((p) => `${p.entity} ${p.action}`).join(', ')}`,
            fix: `restore them on the security level (${[...new Set(denied.map((p) => p.grantedBy))].join('; ')})`,
          });
        }
        if (a.webhookNames?.length) {
          const found = await orFinding('autotask', fixCreds, () =>
            act.findAutotaskWebhooksByName({ ...t, webhooks: a.webhookNames! })
          );
          if (isFinding(found)) findings.push(found);
          else
            for (const w of a.webhookNames) {
              const hook = found.find((h) => h.entity === w.entity && h.name === w.name);
              if (!hook || !hook.isActive || !hook.isReady)
                findings.push({
                  integration: 'autotask',
                  problem: `${w.entity} webhook "${w.name}" is ${!hook ? 'gone' : !hook.isActive ? 'inactive (Autotask disables a callout after 25 failed deliveries)' : 'not ready (no subscribed field)'}`,
                  fix: 'run the Autotask onboarding again to recreate or finish it, or reactivate it in Autotask',
                });
            }
        }
        for (const w of a.webhooks) {
          const hook = await orFinding('autotask', fixCreds, () =>
            act.getAutotaskWebhook({ ...t, entity: w.entity, id: w.id })
          );
          if (isFinding(hook)) findings.push(hook);
          else if (!hook || !hook.isActive) {
            findings.push({
              integration: 'autotask',
              problem: `${w.entity} webhook ${w.id} is ${hook ? 'inactive (Autotask disables a callout after 25 failed deliveries)' : 'gone'}`,
              fix: 'run the Autotask onboarding again to recreate it, or reactivate it in Autotask',
            });
          }
        }
      })()
    );
  }
  const c = input.connectwise;
  if (c) {
    checks.push(
      (async () => {
        const v = await act.verifyConnectwiseConnection(c.connection);
        if (!v.ok) {
          return void findings.push({
            integration: 'connectwise',
            problem: `the API member's connection no longer works (${v.field}): ${v.message}`,
            fix: 'generate a new API key pair for the member (System > Members > API Members) and supply it',
          });
        }
        const report = await act.checkConnectwisePermissions({ connection: c.connection, site: v.site });
        if (report.missing > 0) {
          const lost = report.rows.filter((r) => r.ok === false);
          findings.push({
            integration: 'connectwise',
            problem: `the security role lost ${report.missing} required permission(s)${lost.length ? `: ${lost.map((r) => `${r.module} › ${r.area} ${r.action} (found ${r.found})`).join(', ')}` : ''}`,
            fix: 'restore them in System > Security Roles (run `onramp status` on the ConnectWise onboarding for the table)',
          });
        }
        const b = c.billing;
        if (b) {
          const objects = await act.inventoryConnectwiseBilling({
            connection: c.connection,
            site: v.site,
            customers: b.customers,
            agreementName: b.agreementName,
            catalogItem: b.catalogItem,
            createdCompanies: [],
            catalogItemCreated: false,
          });
          const agreements = objects.filter((o) => o.kind === 'agreement');
          const withAddition = new Set(objects.filter((o) => o.kind === 'addition').map((o) => o.agreementId));
          const missingAgreements = b.customers.length - agreements.length;
          const missingAdditions = agreements.filter((x) => !withAddition.has(x.id)).length;
          if (missingAgreements > 0 || missingAdditions > 0)
            findings.push({
              integration: 'connectwise',
              problem: [
                missingAgreements > 0
                  ? `${missingAgreements} synced compan(ies) lost agreement "${b.agreementName}"`
                  : '',
                missingAdditions > 0
                  ? `${missingAdditions} agreement(s) no longer carry catalog item ${b.catalogItem}`
                  : '',
              ]
                .filter(Boolean)
                .join('; '),
              fix: 'run the ConnectWise customer sync again (it recreates what is missing and changes nothing else)',
            });
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
        if (isFinding(plan)) return void findings.push(plan);
        const problems = [
          plan.group.state !== 'present'
            ? `group ${r.group.email} is ${plan.group.state === 'absent' ? 'gone' : `changed (${plan.group.differences.join('; ')})`}`
            : '',
          plan.members.toAdd.length ? `${plan.members.toAdd.length} member(s) left the group` : '',
          plan.role.state !== 'present'
            ? `role "${r.role.name}" is ${plan.role.state === 'absent' ? 'gone' : `changed (${plan.role.differences.join('; ')})`}`
            : '',
          plan.assignments.toCreate.length
            ? `role assignment(s) on ${plan.assignments.toCreate.join(', ')} removed`
            : '',
        ].filter(Boolean);
        if (problems.length)
          findings.push({
            integration: 'googleAdminRoles',
            problem: problems.join('; '),
            fix: 'run the Google admin-role provisioning again (it recreates only what is missing)',
          });
      })()
    );
  }
  await Promise.all(checks);
  return findings;
}

/**
 * The drift check as recorded before per-problem findings (`patched('drift-per-problem')` is false when a
 * history from then replays): one finding per customer, a new problem while it is open dropped. Kept
 * verbatim so those histories replay; new runs never come here.
 */
export async function driftCheckV1(input: DriftCheckInputV1): Promise<DriftReport> {
  upsertSearchAttributes([
    { key: OnrampCustomer, value: input.customer.id },
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.driftCheck },
    { key: OnrampStep, value: 'checking' },
    { key: OnrampState, value: 'running' },
  ]);
  const findings = await runChecksV1(input);
  const report: DriftReport = {
    customer: input.customer.id,
    checkedAt: new Date().toISOString(),
    drifted: findings.length > 0,
    findings,
  };
  const findingId = driftFindingWorkflowId(input.customer.id);
  if (findings.length) {
    try {
      await startChild('driftFinding', {
        workflowId: findingId,
        args: [{ customer: input.customer, findings }],
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [
          { key: OnrampCustomer, value: input.customer.id },
          { key: OnrampVendor, value: [...new Set(findings.map((f) => f.integration))].join(', ') },
          { key: OnrampIntegration, value: ONRAMP_INTEGRATION.driftFinding },
          { key: OnrampStep, value: 'drift-found' },
          { key: OnrampState, value: 'waiting-for-operator' },
        ],
        staticSummary: `Drift found for ${input.customer.name}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // a finding is already open
    }
  } else {
    try {
      await getExternalWorkflowHandle(findingId).signal(driftClearedSignal);
    } catch {
      /* no open finding: nothing to clear */
    }
  }
  upsertSearchAttributes([
    { key: OnrampStep, value: findings.length ? 'drift-found' : 'no-drift' },
    { key: OnrampState, value: 'completed' },
  ]);
  setCurrentDetails(
    findings.length
      ? findings.map((f) => `- **${f.integration}**: ${f.problem}. Fix: ${f.fix}`).join('\n')
      : 'No drift.'
  );
  return report;
}
