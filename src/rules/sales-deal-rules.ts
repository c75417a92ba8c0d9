/**
 * When a deal that left its won stage may still cancel its order. "Written" is defined here, once:
 * an order has written to a vendor as soon as one of its integrations that creates or changes something at a
 * vendor has started its workflow (state other than pending/blocked): Google role provisioning (group, role,
 * assignments), Autotask (API user check, webhook), ConnectWise (companies, sync). Google delegation only reads
 * (it verifies a grant the customer's admin made), so an order whose only progress is a delegation waiting for
 * its grant has written nothing, and is cancelled. Checked just before cancelling; an integration starting in
 * the instant between the check and the cancellation is cancelled with the order (its own cancellation path).
 */
import type { IntegrationName, IntegrationStatus } from '../contract/customer-onboarding-messages';

export const WRITING_INTEGRATIONS: readonly IntegrationName[] = ['googleAdminRoles', 'autotask', 'connectwise'];

export function orderWritten(integrations: readonly Pick<IntegrationStatus, 'name' | 'state'>[]): boolean {
  return integrations.some(
    (i) => WRITING_INTEGRATIONS.includes(i.name) && i.state !== 'pending' && i.state !== 'blocked'
  );
}
