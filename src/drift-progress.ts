/**
 * The drift check of an order built from what its onboarding has learnt so far (credentials supplied
 * later through Updates, the webhooks it names, what the ConnectWise sync created, the Google roles),
 * not from the order alone. Used to create the schedule and to refresh it when a credential arrives.
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { OnrampConfig } from './config';
import { driftScheduleId, parseDriftCheckInput, type DriftCheckRequest } from './domain/drift';
import { offboardingInputFor } from './offboarding';
import { ensureDriftSchedule } from './schedules';

export async function driftRequestFromProgress(
  client: Client,
  orderId: string
): Promise<DriftCheckRequest | undefined> {
  // The same facts an offboarding needs: what exists now for this order (running onboardings included).
  const f = await offboardingInputFor(client, orderId, { mode: 'plan', allowRunning: true });
  const request: DriftCheckRequest = { customer: f.customer };
  if (f.googleDelegation)
    request.googleDelegation = {
      adminEmail: f.googleDelegation.adminEmail,
      serviceAccount: f.googleDelegation.serviceAccount,
      scopes: f.googleDelegation.scopes,
    };
  if (f.googleAdminRoles) request.googleAdminRoles = { request: f.googleAdminRoles.request };
  if (f.autotask?.credentials)
    request.autotask = {
      tenant: f.autotask.tenant,
      credentials: f.autotask.credentials,
      webhookNames: f.autotask.webhooks,
    };
  if (f.connectwise?.connection)
    request.connectwise = {
      connection: f.connectwise.connection,
      ...(f.connectwise.customers.length
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

/** Create or update the order's drift schedule from its progress (idempotent). */
export async function refreshDriftSchedule(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  orderId: string,
  everyMs: number
): Promise<{ scheduleId: string; outcome: 'created' | 'updated' } | undefined> {
  const request = await driftRequestFromProgress(client, orderId);
  return request ? ensureDriftSchedule(client, config, request, everyMs) : undefined;
}

/**
 * Keep an existing drift schedule of the order's customer up to date with what the onboarding learnt (a
 * credential supplied later): only its workflow arguments change. No schedule: nothing to do.
 */
export async function refreshDriftScheduleArgs(client: Client, orderId: string): Promise<boolean> {
  const request = await driftRequestFromProgress(client, orderId);
  if (!request) return false;
  const input = parseDriftCheckInput(request);
  try {
    await client.schedule.getHandle(driftScheduleId(input.customer.id)).update((prev) => ({
      ...prev,
      action: prev.action.type === 'startWorkflow' ? { ...prev.action, args: [input] } : prev.action,
    }));
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
