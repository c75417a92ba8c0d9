/**
 * The drift check of an order built from what its onboarding has learnt so far (credentials supplied
 * later through Updates, the webhooks it names, what the ConnectWise sync created, the Google roles),
 * not from the order alone. Read by each run of the order's drift check (activity driftTargetsForOrder).
 */
// @ts-nocheck

import type { Client } from '@temporalio/client';
import type { DriftCheckRequest } from './domain/drift';
import { orderFacts } from './offboarding';

/**
 * A part is checked once the onboarding has completed it; credentials (Autotask API user, ConnectWise
 * connection) as soon as they are known. Undefined while nothing is checkable yet.
 */
export async function driftRequestFromProgress(
  client: Client,
  orderId: string
): Promise<DriftCheckRequest | undefined> {
  // The same facts an offboarding needs: what exists now for this order (running onboardings included).
  const {
    input: f,
    order,
    completed,
    syncApplied,
  } = await orderFacts(client, orderId, {
    mode: 'plan',
    allowRunning: true,
  });
  const done = new Set(completed);
  const request: DriftCheckRequest = { customer: f.customer };
  if (f.googleDelegation && done.has('googleDelegation'))
    request.googleDelegation = {
      adminEmail: f.googleDelegation.adminEmail,
      serviceAccount: f.googleDelegation.serviceAccount,
      scopes: f.googleDelegation.scopes,
    };
  if (f.googleAdminRoles && done.has('googleAdminRoles'))
    request.googleAdminRoles = { request: f.googleAdminRoles.request };
  const fields = order.integrations.autotask?.webhook.fields ?? {};
  if (f.autotask?.credentials)
    request.autotask = {
      tenant: f.autotask.tenant,
      credentials: f.autotask.credentials,
      ...(done.has('autotask')
        ? {
            webhookNames: f.autotask.webhooks.map((w) => ({
              ...w,
              ...(fields[w.entity]?.length ? { fields: fields[w.entity] } : {}),
            })),
          }
        : {}),
    };
  if (f.connectwise?.connection)
    request.connectwise = {
      connection: f.connectwise.connection,
      ...(syncApplied && f.connectwise.customers.length
        ? {
            billing: {
              customers: f.connectwise.customers,
              agreementName: f.connectwise.agreementName,
              catalogItem: f.connectwise.catalogItem,
            },
          }
        : {}),
    };
  return request.googleDelegation || request.autotask || request.connectwise || request.googleAdminRoles
    ? request
    : undefined;
}
