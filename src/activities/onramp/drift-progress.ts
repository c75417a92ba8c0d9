/**
 * The drift check of an order built from what its onboarding has learnt so far (credentials supplied
 * later through Updates, the webhooks it names, what the ConnectWise sync created, the Google roles),
 * not from the order alone. Read by each run of the order's drift check (activity driftTargetsForOrder).
 */
import type { Client } from '@temporalio/client';
import type { SyncCompanyOptions } from '../../contract/connectwise-onboarding-messages';
import { cwCustomerSlug } from '../../rules/connectwise-key-rotation-rules';
import type { DriftCheckRequest } from '../../domain/drift-schema';
import { orderFacts } from '../../temporal/order-facts';

/** The ConnectWise key a rotation switched the customer to (by the rotation's customer slug), or null. */
export type CurrentConnectwiseKey = (
  customerSlug: string
) => Promise<{ publicKey: string; privateKeyRef: string } | null>;

/**
 * A part is checked once the onboarding has completed it; credentials (Autotask API user, ConnectWise
 * connection) as soon as they are known. Undefined while nothing is checkable yet. The ConnectWise key is the
 * one in use now: after a rotation (`connectwiseKeyRotation` records the key it switched to), the rotated
 * key, not the one the onboarding was given (which the rotation had deleted).
 */
export async function driftRequestFromProgress(
  client: Client,
  orderId: string,
  currentConnectwiseKey?: CurrentConnectwiseKey
): Promise<DriftCheckRequest | undefined> {
  // The same facts an offboarding needs: what exists now for this order (running onboardings included).
  const {
    input: f,
    order,
    completed,
    syncApplied,
    unmatchedCompanies,
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
      vendorProfile: f.autotask.vendorProfile,
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
  const cw = order.integrations.connectwise;
  if (f.connectwise?.connection && cw) {
    // The rotation's record is keyed by the slug of the customer it rotates for: an order's rotation schedule
    // (src/services/rotation-schedules.ts) uses integrations.connectwise.customer.
    const rotated = currentConnectwiseKey ? await currentConnectwiseKey(cwCustomerSlug(cw.customer.name)) : null;
    // A match-only sync made nothing for customers without a company: nothing of theirs can have drifted.
    const unmatched = new Set(unmatchedCompanies.map((c) => c.toLowerCase()));
    const synced = f.connectwise.customers.filter((c) => !unmatched.has(c.toLowerCase()));
    // Orders accepted before the option carry no `sync`: their onboarding ran without it.
    const createsCompanies = (cw.sync as SyncCompanyOptions | undefined)?.createMissingCompanies === true;
    request.connectwise = {
      connection: rotated ? { ...f.connectwise.connection, ...rotated } : f.connectwise.connection,
      ...(createsCompanies ? { createMissingCompanies: true } : {}),
      ...(syncApplied && synced.length
        ? {
            billing: {
              customers: synced,
              agreementName: f.connectwise.agreementName,
              catalogItem: f.connectwise.catalogItem,
            },
          }
        : {}),
    };
  }
  return request.googleDelegation || request.autotask || request.connectwise || request.googleAdminRoles
    ? request
    : undefined;
}
