import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnrampActivities } from '../activities';
import type { CwTarget } from '../activities/connectwise';
import type { CwObjectRef } from '../activities/connectwise/cleanup';
import { ADMIN_ROLE_SCOPES } from '../rules/google-admin-roles-rules';
import { fillOffboardingDefaults, offboardingWorkflowId } from '../rules/offboarding-rules';
import type {
  OffboardingInputV1,
  OffboardingIntegration,
  OffboardingReport,
  OffboardingRequest,
  OffboardingStatus,
  OffboardingStep,
} from '../domain/offboarding-schema';
import {
  ONRAMP_INTEGRATION,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
} from '../contract/search-attributes';
import { activityCause } from './autotask-common';
import { googleAdminRoleProvisioning } from './google-admin-roles';
import { startedWith } from './identity';
import { inputV1 } from './input';
import { FailureType } from '../contract/failure-types';

export const offboardingStatusQuery = defineQuery<OffboardingStatus>('status');
/** The operator did the step the vendor allows only in its UI (for this integration): verify now. */
export const offboardingOperatorDoneSignal = defineSignal<[OffboardingIntegration]>('operatorDone');

const READ: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};
const WRITE: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
};
const read = proxyActivities<OnrampActivities>(READ);
const write = proxyActivities<OnrampActivities>(WRITE);

/** The roles undo first checks that the delegation still grants the role scopes (else a note, not a failure). */
export const OFFBOARDING_ROLES_NEED_DELEGATION_PATCH = 'offboarding-roles-need-delegation';
/** Offboarding reads the ConnectWise key a rotation switched to (the order's own key was deleted by it). */
export const OFFBOARDING_ROTATED_CW_KEY_PATCH = 'offboarding-rotated-cw-key';
/** On each re-check after the role had no Delete level, delete again what is left (the hint offers "give the role Delete = All"). */
export const OFFBOARDING_CW_RETRY_FORBIDDEN_PATCH = 'offboarding-cw-retry-forbidden-deletes';

const REJECTED_AUTOTASK = new Set<string>([FailureType.AutotaskCredentialsRejected, FailureType.AutotaskUnknownUser]);

/**
 * The offboarding of one order: each integration's steps undone in reverse order of onboarding (Google
 * admin roles before the delegation they act through; Autotask webhooks before the API user; ConnectWise
 * additions, agreements, the catalog item and companies before the API key). Integrations run side by
 * side. Every removal is preceded by a lookup and treats "already gone" as done, so a partial onboarding
 * loses only what exists and a second offboarding changes nothing. Steps the vendors allow only in their UI
 * (delegation client ID, API user, API key) are asked of the operator, waited for (signal `operatorDone`
 * or a periodic re-check) and then verified. Plan mode lists the steps and writes nothing.
 */
export async function customerOffboarding(request: OffboardingRequest): Promise<OffboardingReport> {
  const input = inputV1<OffboardingInputV1>(
    request,
    fillOffboardingDefaults,
    ['orderId', 'customer'],
    'offboarding input'
  );
  const apply = input.mode === 'apply';
  const steps: OffboardingStep[] = [];
  const instructions = new Map<OffboardingIntegration, string>();
  const notes: string[] = [];
  const operatorDone = new Set<OffboardingIntegration>();
  let state: OffboardingStatus['state'] = 'running';

  const status = (): OffboardingStatus => ({
    orderId: input.orderId,
    customer: input.customer.id,
    mode: input.mode,
    state,
    steps,
    instructions: [...instructions].map(([integration, text]) => ({ integration, text })),
    notes,
  });
  setHandler(offboardingStatusQuery, status);
  setHandler(offboardingOperatorDoneSignal, (name) => void operatorDone.add(name));

  const publish = () => {
    if (state === 'running' || state === 'waiting-for-operator')
      state = instructions.size ? 'waiting-for-operator' : 'running';
    const current = steps.filter((s) => s.state === 'running' || s.state === 'waiting-for-operator');
    upsertSearchAttributes([
      { key: OnrampStep, value: current.map((s) => s.integration).join(',') || (apply ? 'offboarding' : 'plan') },
      { key: OnrampState, value: state },
    ]);
    setCurrentDetails(
      [
        `**${apply ? 'Offboarding' : 'Offboarding plan (nothing is written)'} of order ${input.orderId} for ${input.customer.name}**`,
        ...steps.map((s) => `- [${s.state}] ${s.integration}: ${s.action}${s.by === 'operator' ? ' (operator)' : ''}`),
        ...[...instructions].map(([i, t]) => `\n**Operator, ${i}:** ${t}`),
      ].join('\n')
    );
  };
  const step = (
    integration: OffboardingIntegration,
    action: string,
    by: OffboardingStep['by'],
    detail?: string
  ): OffboardingStep => {
    const s: OffboardingStep = { integration, action, by, state: 'planned', ...(detail ? { detail } : {}) };
    steps.push(s);
    publish();
    return s;
  };
  const note = (integration: OffboardingIntegration, text: string) => {
    notes.push(`${integration}: ${text}`);
  };

  upsertSearchAttributes([
    { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.id) },
    // One value per workflow type (plan runs too: their step says "plan" and their ID ends in :plan:…).
    { key: OnrampIntegration, value: ONRAMP_INTEGRATION.customerOffboarding },
  ]);
  publish();

  /**
   * An operator step: skipped when `verify` already holds (a second offboarding never waits), else the
   * instruction is published and the step waits for the signal or the next periodic re-check, then verifies.
   */
  const operatorStep = async (
    integration: OffboardingIntegration,
    action: string,
    text: string,
    verify: () => Promise<true | string>
  ): Promise<void> => {
    const first = await verify();
    if (first === true) {
      note(integration, `${action}: already done`);
      return;
    }
    const s = step(integration, action, 'operator', first);
    if (!apply) return;
    s.state = 'waiting-for-operator';
    instructions.set(integration, text);
    publish();
    const deadline = Date.now() + input.timing.operatorDeadlineHours * 3600_000;
    for (;;) {
      await condition(
        () => operatorDone.has(integration),
        Math.max(1, Math.min(input.timing.recheckSeconds * 1000, deadline - Date.now())),
        { summary: `Wait for the operator (${integration}: ${action}) or the next re-check` }
      );
      operatorDone.delete(integration);
      const r = await verify();
      if (r === true) break;
      s.detail = r;
      if (Date.now() >= deadline) {
        s.state = 'failed';
        instructions.delete(integration);
        publish();
        throw ApplicationFailure.nonRetryable(
          `${integration}: "${action}" was not done within ${input.timing.operatorDeadlineHours} h (${r}). ${text}`,
          FailureType.OffboardingOperatorStepNotDone
        );
      }
    }
    s.state = 'verified';
    s.detail = undefined;
    instructions.delete(integration);
    publish();
  };

  // ---- Google: admin roles (undone by their own workflow), then the delegation they act through ----
  const google = async () => {
    const roles = input.googleAdminRoles;
    if (roles) {
      const l = roles.ledger;
      const items = [
        ...l.assignmentIds.map((id) => `role assignment ${id}`),
        ...(l.roleCreated && l.roleId ? [`role ${l.roleId}`] : []),
        ...(l.groupCreated && l.groupName
          ? [`group ${roles.request.group.email}`]
          : l.membersAdded.length
            ? [`${l.membersAdded.length} membership(s) of ${roles.request.group.email}`]
            : []),
      ];
      // Without the delegation (the admin removed the client ID: a second offboarding, or the customer acted
      // first) Onramp can neither see nor remove the roles: say what to check by hand instead of failing.
      const roleScopes = [...new Set(Object.values(ADMIN_ROLE_SCOPES))];
      const lost =
        items.length && patched(OFFBOARDING_ROLES_NEED_DELEGATION_PATCH)
          ? (
              await read.checkDelegatedScopes.executeWithOptions(
                { ...READ, summary: `Can Onramp still act as ${roles.request.adminEmail}? (role scopes)` },
                [
                  {
                    subject: roles.request.adminEmail,
                    serviceAccount: roles.request.serviceAccount,
                    scopes: roleScopes,
                    mode: 'each',
                  },
                ]
              )
            ).filter((x) => !x.granted)
          : [];
      if (!items.length) note('googleAdminRoles', 'the provisioning created nothing: nothing to remove');
      else if (lost.length)
        note(
          'googleAdminRoles',
          `the delegation no longer grants ${lost.map((x) => x.scope).join(', ')}, so Onramp cannot look up or remove ${items.join(', ')}. After an earlier offboarding they are gone; otherwise delete them in the Admin console (Account > Admin roles; Directory > Groups).`
        );
      else {
        const s = step('googleAdminRoles', `remove ${items.join(', ')}`, 'onramp');
        if (apply) {
          s.state = 'running';
          publish();
          await executeChild(googleAdminRoleProvisioning, {
            // From the order, not workflowInfo(): the same ID on every run of this offboarding (and in replay).
            workflowId: `${offboardingWorkflowId(input.orderId)}:google-admin-roles-undo`,
            args: [{ ...roles.request, mode: 'undo', undo: { ledger: l } }],
            // The order's customer, so `OnrampCustomer = <customer id>` finds the undo with the offboarding.
            typedSearchAttributes: [
              { key: OnrampCustomer, value: startedWith(OnrampCustomer, input.customer.id) },
              { key: OnrampIntegration, value: ONRAMP_INTEGRATION.googleAdminRoleProvisioning },
            ],
            staticSummary: `Undo Google admin roles of ${input.customer.name} (offboarding ${input.orderId})`,
          });
          s.state = 'removed';
          publish();
        }
      }
    }
    const g = input.googleDelegation;
    if (g) {
      const stillGranted = async (): Promise<true | string> => {
        const r = await read.checkDelegatedScopes.executeWithOptions(
          { ...READ, summary: `Mint a token as ${g.adminEmail} per scope: expect unauthorized_client` },
          [{ subject: g.adminEmail, serviceAccount: g.serviceAccount, scopes: g.scopes, mode: 'each' }]
        );
        const granted = r.filter((x) => x.granted).length;
        return granted === 0 ? true : `${granted} of ${g.scopes.length} scope(s) still granted`;
      };
      await operatorStep(
        'googleDelegation',
        `the admin of ${g.domain} removes client ID ${g.serviceAccount.clientId} from domain-wide delegation`,
        `Ask the super admin of ${g.domain} to open Admin console (admin.google.com) > Security > Access and data control > API controls > Manage Domain Wide Delegation and delete client ID ${g.serviceAccount.clientId} (${g.serviceAccount.email}). Onramp verifies that a token can no longer be minted for any of its ${g.scopes.length} scope(s) (unauthorized_client); the removal can take a while to propagate. Send "operatorDone googleDelegation" to check at once.`,
        stillGranted
      );
    }
  };

  // ---- Autotask: the webhooks Onramp created, then the API user (the UI alone deactivates it) ----
  const autotask = async () => {
    const a = input.autotask;
    if (!a) return;
    if (!a.credentials) {
      note(
        'autotask',
        'no API user credentials were ever accepted, so Onramp created nothing in Autotask. If an API user was created for this integration, deactivate it in Admin > Resources/Users.'
      );
      return;
    }
    const target = { tenant: a.tenant, credentials: a.credentials };
    const username = a.credentials.username;
    let rejectedAlready = false;
    if (a.webhooks.length) {
      let hooks: Awaited<ReturnType<OnrampActivities['findAutotaskWebhooksByName']>> = [];
      try {
        hooks = await read.findAutotaskWebhooksByName.executeWithOptions(
          { ...READ, summary: `Look up ${a.webhooks.length} webhook(s) by name` },
          [{ ...target, webhooks: a.webhooks }]
        );
      } catch (err) {
        if (!REJECTED_AUTOTASK.has(activityCause(err)?.type ?? '')) throw err;
        rejectedAlready = true;
        note(
          'autotask',
          `Autotask already rejects API user ${username}: Autotask deactivated its webhooks (${a.webhooks.map((w) => w.name).join(', ')}), but only their owner can delete them. If they still show under Admin > Extensions & Integrations > Webhooks, delete them there.`
        );
      }
      const removed: OffboardingStep[] = [];
      for (const h of hooks) {
        const s = step('autotask', `delete ${h.entity} webhook "${h.name}" (${h.id})`, 'onramp');
        if (!apply) continue;
        s.state = 'running';
        publish();
        s.state = await write.deleteAutotaskWebhook
          .executeWithOptions({ ...WRITE, summary: `Delete ${h.entity} webhook ${h.id} as ${username}` }, [
            { ...target, entity: h.entity, id: h.id },
          ])
          .then((o) => (o === 'deleted' ? 'removed' : 'already-gone'));
        removed.push(s);
        publish();
      }
      if (!hooks.length && !rejectedAlready) note('autotask', 'no webhook of this integration exists');
      if (apply && hooks.length) {
        const left = await read.findAutotaskWebhooksByName.executeWithOptions(
          { ...READ, summary: 'Verify the webhooks are gone' },
          [{ ...target, webhooks: a.webhooks }]
        );
        if (left.length)
          throw ApplicationFailure.nonRetryable(
            `autotask: webhook(s) ${left.map((h) => h.id).join(', ')} still exist after their deletion`,
            FailureType.OffboardingWebhookStillPresent
          );
      }
    }
    const userRejected = async (): Promise<true | string> => {
      try {
        await read.verifyAutotaskCredentials.executeWithOptions(
          { ...READ, summary: `Is API user ${username} still accepted? (expect 401)` },
          [target]
        );
        return `Autotask still accepts API user ${username}`;
      } catch (err) {
        if (REJECTED_AUTOTASK.has(activityCause(err)?.type ?? '')) return true;
        throw err;
      }
    };
    await operatorStep(
      'autotask',
      `deactivate API user ${username}`,
      `In Autotask, Admin > Account Settings & Users > Resources/Users: open API user ${username}, uncheck "Active" and save (API users cannot be deleted or deactivated through the API). Onramp verifies that Autotask rejects its credentials. Send "operatorDone autotask" to check at once.`,
      rejectedAlready ? async () => true : userRejected
    );
  };

  // ---- ConnectWise: what the sync created for billing (newest first), then the API key ----
  const connectwise = async () => {
    const c = input.connectwise;
    if (!c) return;
    if (!c.connection) {
      note(
        'connectwise',
        'the onboarding never had a complete connection, so Onramp created nothing in ConnectWise. If an API key was generated for it, delete it under System > Members > API Members > API Keys.'
      );
      return;
    }
    let connection = c.connection;
    if (c.rotationKey && patched(OFFBOARDING_ROTATED_CW_KEY_PATCH)) {
      const rotated = await read.readCurrentConnectwiseKey.executeWithOptions(
        { ...READ, summary: `Which ConnectWise key ${input.customer.name} uses now (after a key rotation)` },
        [{ customer: c.rotationKey }]
      );
      if (rotated) connection = { ...connection, ...rotated };
    }
    const keyLabel = `API key ${connection.publicKey}${connection.apiMember ? ` of API member ${connection.apiMember}` : ''}`;
    const v = await read.verifyConnectwiseConnection.executeWithOptions(
      { ...READ, summary: `Verify the ConnectWise key of ${input.customer.name}` },
      [connection]
    );
    if (!v.ok) {
      if (v.field !== 'keys')
        throw ApplicationFailure.nonRetryable(`connectwise: ${v.message}`, FailureType.OffboardingConnectWise);
      note(
        'connectwise',
        `${keyLabel} is already rejected by ConnectWise: Onramp cannot look up what the sync created. Delete the agreements "${c.agreementName}" of the synced companies and their ${c.catalogItem} additions by hand if they still exist.`
      );
      return;
    }
    const target: CwTarget = { connection, site: v.site };
    const inventory = () =>
      read.inventoryConnectwiseBilling.executeWithOptions(
        { ...READ, summary: `Look up the billing objects of ${c.customers.length} synced companies` },
        [
          {
            ...target,
            customers: c.customers,
            agreementName: c.agreementName,
            catalogItem: c.catalogItem,
            createdCompanies: c.created.companies,
            catalogItemCreated: c.created.catalogItem,
            ...(c.created.agreements
              ? { createdAgreements: c.created.agreements, createdAdditions: c.created.additions ?? [] }
              : {}),
          },
        ]
      );
    const objects = await inventory();
    if (!objects.length) note('connectwise', 'nothing the sync created for billing exists');
    const forbidden: CwObjectRef[] = [];
    for (const ref of objects) {
      const s = step('connectwise', `delete ${ref.label}`, 'onramp');
      if (!apply) continue;
      s.state = 'running';
      publish();
      const outcome = await write.deleteConnectwiseObject.executeWithOptions(
        { ...WRITE, summary: `Delete ${ref.label}` },
        [{ ...target, ref }]
      );
      if (outcome === 'forbidden') {
        forbidden.push(ref);
        s.by = 'operator';
        s.state = 'waiting-for-operator';
        s.detail = "the API member's security role has no Delete level here";
      } else s.state = outcome;
      publish();
    }
    if (forbidden.length) {
      const ids = new Set(forbidden.map((f) => `${f.kind}:${f.id}`));
      let checks = 0;
      await operatorStep(
        'connectwise',
        `delete ${forbidden.length} billing object(s) by hand`,
        `The API member's security role may not delete these (the guide's role grants no Delete level): ${forbidden.map((f) => f.label).join('; ')}. Delete them in ConnectWise (Finance > Agreements, Procurement > Product Catalog, Companies), or give the role Delete = All on those areas and send "operatorDone connectwise".`,
        async () => {
          let left = (await inventory()).filter((o) => ids.has(`${o.kind}:${o.id}`));
          // The first check runs right after the deletes were refused; later ones (the operator's signal or the
          // periodic re-check) try again, so a role given Delete = All meanwhile finishes the job.
          if (checks++ > 0 && left.length && patched(OFFBOARDING_CW_RETRY_FORBIDDEN_PATCH)) {
            const still: CwObjectRef[] = [];
            for (const ref of left) {
              const outcome = await write.deleteConnectwiseObject.executeWithOptions(
                { ...WRITE, summary: `Delete ${ref.label} (again)` },
                [{ ...target, ref }]
              );
              if (outcome === 'forbidden') still.push(ref);
            }
            left = still;
          }
          return left.length ? `${left.length} still present` : true;
        }
      );
      for (const s of steps)
        if (s.integration === 'connectwise' && s.state === 'waiting-for-operator') s.state = 'removed';
    }
    await operatorStep(
      'connectwise',
      `delete ${keyLabel}`,
      `In ConnectWise, System > Members > API Members${connection.apiMember ? ` > ${connection.apiMember}` : ''} > API Keys: delete the key with public key ${connection.publicKey} (or the whole API member if nothing else uses it). Onramp verifies that ConnectWise rejects the key. Send "operatorDone connectwise" to check at once.`,
      async () => {
        const r = await read.verifyConnectwiseConnection.executeWithOptions(
          { ...READ, summary: `Is ${keyLabel} rejected now?` },
          [connection]
        );
        return !r.ok && r.field === 'keys' ? true : `ConnectWise still accepts ${keyLabel}`;
      }
    );
  };

  const chains: [string, () => Promise<void>][] = [
    ['google', google],
    ['autotask', autotask],
    ['connectwise', connectwise],
  ];
  const results = await Promise.allSettled(chains.map(([, run]) => run()));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [
          `${chains[i]![0]}: ${(r.reason as Error).cause instanceof Error ? ((r.reason as Error).cause as Error).message : (r.reason as Error).message}`,
        ]
      : []
  );
  if (failures.length) {
    state = 'failed';
    for (const s of steps) if (s.state === 'running' || s.state === 'waiting-for-operator') s.state = 'failed';
    instructions.clear();
    publish();
    throw ApplicationFailure.nonRetryable(
      `Offboarding of order ${input.orderId} stopped: ${failures.join('; ')}. What was removed stays removed; start the offboarding again after fixing it (nothing is removed twice).`,
      FailureType.OffboardingFailed
    );
  }
  state = 'completed';
  publish();
  return status();
}
