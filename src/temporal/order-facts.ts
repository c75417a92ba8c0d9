/**
 * What an order's onboarding has set up so far, read from Temporal: the order itself (its start argument),
 * the credentials and connection details the operator supplied later through Updates, the Google role
 * ledger, what the ConnectWise sync created. The offboarding starts from it (src/services/offboarding.ts),
 * and each drift check of the order reads it (activity driftTargetsForOrder).
 */
import type { Client } from '@temporalio/client';
import { webhookNameFor, type AutotaskCredentials } from '../domain/autotask-schema';
import type { ConnectwiseConnection } from '../domain/connectwise-schema';
import type { SyncSummary } from '../contract/connectwise-sync-messages';
import {
  supplyAutotaskCredentialsUpdate,
  type AutotaskOnboardingResult,
  type AutotaskOnboardingStatus,
} from '../contract/autotask-onboarding-messages';
import { provideConnectionUpdate } from '../contract/connectwise-onboarding-messages';
import { customerOnboardingWorkflowId, integrationWorkflowId, type Order } from '../domain/customer-onboarding-schema';
import {
  customerOnboardingStatusQuery,
  type CustomerOnboardingStatus,
  type IntegrationName,
} from '../contract/customer-onboarding-messages';
import type { ProvisioningLedger } from '../contract/google-admin-roles-messages';
import { parseOffboardingInput, type OffboardingInput, type OffboardingRequest } from '../domain/offboarding-schema';
import { cwCustomerSlug } from '../rules/connectwise-key-rotation-rules';
import { OperatorActionError, OrderNotFoundError } from '../rules/order-errors';
import { acceptedUpdates, childState, describeOrNull, startArgument } from './workflow-reads';

/** What an order's onboarding has done so far: the offboarding input, the order, what completed. */
export interface OrderFacts {
  input: OffboardingInput;
  order: Order;
  /** Integrations the onboarding completed. */
  completed: IntegrationName[];
  /** The ConnectWise sync ran in apply mode (its companies, agreements and additions exist). */
  syncApplied: boolean;
  /** Customers the (match-only) sync found no company for: nothing was made for them. */
  unmatchedCompanies: string[];
}

export async function orderFacts(
  client: Client,
  orderId: string,
  opts: { mode?: 'plan' | 'apply'; timing?: OffboardingRequest['timing']; allowRunning?: boolean } = {}
): Promise<OrderFacts> {
  let syncApplied = false;
  let unmatchedCompanies: string[] = [];
  const parent = client.workflow.getHandle(customerOnboardingWorkflowId(orderId));
  const desc = await describeOrNull(parent);
  if (!desc) throw new OrderNotFoundError(orderId);
  if (desc.status.name === 'RUNNING' && !opts.allowRunning)
    throw new OperatorActionError(
      `the onboarding of order ${orderId} is still running: cancel it first (onramp cancel ${orderId}), then offboard`
    );
  const history = await parent.fetchHistory();
  const order = await startArgument<Order>(client, history);
  let status: CustomerOnboardingStatus | undefined;
  try {
    status = await parent.query(customerOnboardingStatusQuery);
  } catch {
    /* without a worker the children are found by their first-attempt IDs below */
  }
  const childId = (name: IntegrationName) =>
    status?.integrations.find((x) => x.name === name)?.workflowId ?? integrationWorkflowId(orderId, name);
  const i = order.integrations;
  const request: OffboardingRequest = {
    orderId,
    customer: order.customer,
    mode: opts.mode ?? 'apply',
    ...(opts.timing ? { timing: opts.timing } : {}),
  };

  if (i.googleDelegation) {
    const g = i.googleDelegation;
    request.googleDelegation = {
      domain: g.customer.domain,
      adminEmail: g.adminEmail,
      serviceAccount: g.serviceAccount,
      scopes: g.scopes,
    };
  }
  if (i.googleAdminRoles) {
    // Every attempt (the operator may have retried it): each ledger holds only what that attempt created.
    const attempts = status?.integrations.find((x) => x.name === 'googleAdminRoles')?.attempts ?? 1;
    const ledgers: ProvisioningLedger[] = [];
    for (let n = 1; n <= attempts; n++) {
      const c = await childState<{ ledger: ProvisioningLedger }, { ledger: ProvisioningLedger }>(
        client,
        integrationWorkflowId(orderId, 'googleAdminRoles', n)
      );
      const ledger = c.result?.ledger ?? c.status?.ledger;
      if (ledger) ledgers.push(ledger);
    }
    if (ledgers.length) request.googleAdminRoles = { request: i.googleAdminRoles, ledger: mergeLedgers(ledgers) };
  }
  if (i.autotask) {
    const a = i.autotask;
    let credentials: AutotaskCredentials | undefined = a.credentials;
    const c = await childState<AutotaskOnboardingResult, AutotaskOnboardingStatus>(client, childId('autotask'));
    // A profile without a webhook step (seed 001) made none: nothing to check or remove.
    const webhooksMade = c.status?.webhooksInGuide ?? (c.result ? c.result.webhooks.length > 0 : true);
    if (!credentials && c.handle) {
      const supplied = await acceptedUpdates<AutotaskCredentials>(
        client,
        await c.handle.fetchHistory(),
        supplyAutotaskCredentialsUpdate.name
      );
      credentials = supplied.at(-1);
    }
    request.autotask = {
      tenant: a.customer.id,
      vendorProfile: a.vendorProfile,
      ...(credentials ? { credentials } : {}),
      webhooks: webhooksMade
        ? a.webhook.entities.map((entity) => ({ entity, name: webhookNameFor(a.webhook.name, entity) }))
        : [],
    };
  }
  if (i.connectwise) {
    const cw = i.connectwise;
    const c = await childState<{ sync?: SyncSummary }, { sync?: SyncSummary }>(client, childId('connectwise'));
    let conn: Partial<ConnectwiseConnection> = { ...cw.connection };
    if (c.handle) {
      for (const patch of await acceptedUpdates<Partial<ConnectwiseConnection>>(
        client,
        await c.handle.fetchHistory(),
        provideConnectionUpdate.name
      ))
        conn = { ...conn, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    }
    let sync = c.result?.sync ?? c.status?.sync;
    if (!sync && c.handle) {
      // The sync child may have finished even when its parent did not.
      const s = await childState<SyncSummary, { summary?: SyncSummary }>(
        client,
        `${c.handle.workflowId}:customer-sync`
      );
      sync = s.result ?? s.status?.summary;
    }
    syncApplied = sync?.mode === 'apply';
    unmatchedCompanies = sync?.unmatchedCompanies ?? [];
    const complete =
      conn.site && conn.companyId && conn.publicKey && conn.privateKeyRef && conn.clientId
        ? (conn as ConnectwiseConnection & { privateKeyRef: string })
        : undefined;
    request.connectwise = {
      ...(complete ? { connection: complete } : {}),
      customers: cw.customers.map((x) => x.identifier),
      agreementName: cw.billing.agreement.name,
      catalogItem: cw.billing.product.identifier,
      ...(cwCustomerSlug(cw.customer.name) ? { rotationKey: cwCustomerSlug(cw.customer.name) } : {}),
      created: {
        companies: sync?.mode === 'apply' ? (sync.createdCompanies ?? []) : [],
        catalogItem: sync?.mode === 'apply' && sync.catalogItem === 'created',
        // A sync that recorded what it created (and every run since) limits the deletes to that.
        ...(sync?.mode === 'apply' && sync.createdAgreements
          ? { agreements: sync.createdAgreements, additions: sync.createdAdditions ?? [] }
          : {}),
      },
    };
  }
  return {
    input: parseOffboardingInput(request),
    order,
    completed: (status?.integrations ?? []).filter((x) => x.state === 'completed').map((x) => x.name),
    syncApplied,
    unmatchedCompanies,
  };
}

function mergeLedgers(ledgers: ProvisioningLedger[]): ProvisioningLedger {
  const created = ledgers.find((l) => l.groupCreated) ?? ledgers.find((l) => l.groupName);
  const role = ledgers.find((l) => l.roleCreated) ?? ledgers.find((l) => l.roleId);
  return {
    groupCreated: ledgers.some((l) => l.groupCreated),
    ...(created?.groupName ? { groupName: created.groupName } : {}),
    membersAdded: [...new Set(ledgers.flatMap((l) => l.membersAdded))],
    roleCreated: ledgers.some((l) => l.roleCreated),
    ...(role?.roleId ? { roleId: role.roleId } : {}),
    assignmentIds: [...new Set(ledgers.flatMap((l) => l.assignmentIds))],
    ...(ledgers.some((l) => l.membersAddedByReference)
      ? { membersAddedByReference: ledgers.reduce((n, l) => n + (l.membersAddedByReference ?? 0), 0) }
      : {}),
  };
}
