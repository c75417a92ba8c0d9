/**
 * Rotation schedules: what `onramp schedule rotation` and an order's `schedules.rotateEveryDays` create.
 * Each rotation input is validated now, not at the first run. The arguments stay as created; each run
 * reads the credentials in use *now* (the receiver keyring for the Autotask signing key, the
 * current-credentials record for the ConnectWise key), so a later run never targets a key already
 * rotated away.
 */
import {
  autotaskRotationWorkflowId,
  autotaskSecretRotationWorkflowId,
  parseAutotaskRotationInput,
  parseAutotaskSecretRotationInput,
  webhookNameFor,
} from '../domain/autotask-schema';
import {
  cwCustomerSlug,
  cwKeyRotationWorkflowId,
  parseCwKeyRotationInput,
} from '../domain/connectwise-key-rotation-schema';
import type { Order } from '../domain/customer-onboarding-schema';
import { InputError } from '../domain/field-validators';
import type { ScheduleSpecInput } from './schedules';
import { ONRAMP_INTEGRATION } from '../contract/search-attributes';

export const ROTATION_WORKFLOWS = [
  'autotaskWebhookRotation',
  'autotaskSecretRotation',
  'connectwiseKeyRotation',
] as const;
export type RotationWorkflow = (typeof ROTATION_WORKFLOWS)[number];

export function rotationSchedule(workflow: RotationWorkflow, raw: unknown, everyMs: number): ScheduleSpecInput {
  const spec = (input: unknown, workflowId: string, customerId: string, summary: string): ScheduleSpecInput => ({
    scheduleId: `rotation:${workflowId}`,
    workflowType: workflow,
    args: [input],
    everyMs,
    customerId,
    integration: ONRAMP_INTEGRATION[workflow],
    summary,
  });
  if (workflow === 'connectwiseKeyRotation') {
    const input = parseCwKeyRotationInput(raw);
    // One schedule per customer: the workflow ID without the key it rotates.
    const perCustomer = cwKeyRotationWorkflowId(input).replace(/:[^:]+$/, '');
    const name = input.customer.name;
    return spec(input, perCustomer, cwCustomerSlug(name), `ConnectWise key rotation for ${name}`);
  }
  if (workflow === 'autotaskSecretRotation') {
    const input = parseAutotaskSecretRotationInput(raw);
    const id = input.customer.id;
    return spec(
      input,
      autotaskSecretRotationWorkflowId(input),
      id,
      `Autotask webhook signing-secret rotation for ${id}`
    );
  }
  const input = parseAutotaskRotationInput(raw);
  const id = input.customer.id;
  return spec(input, autotaskRotationWorkflowId(input), id, `Autotask webhook rotation for ${id}`);
}

/**
 * The rotation schedules an order asks for (`schedules.rotateEveryDays.<integration>`), every input
 * validated; an integration the order cannot rotate on a schedule is refused naming the field.
 * - autotask: the webhook signing secret (an API user can only be replaced by one the operator creates);
 * - connectwise: the API member's key (operator-made; the run asks for it, with reminders and a deadline).
 */
export function rotationSchedulesFromOrder(order: Order): ScheduleSpecInput[] {
  const every = order.schedules?.rotateEveryDays;
  if (!every) return [];
  const problems: string[] = [];
  const specs: ScheduleSpecInput[] = [];
  const days = (n: number) => n * 86_400_000;
  const at = order.integrations.autotask;
  if (every.autotask !== undefined) {
    if (!at) problems.push('schedules.rotateEveryDays.autotask: the order has no integrations.autotask');
    else if (!at.credentials)
      problems.push(
        'schedules.rotateEveryDays.autotask: the order carries no Autotask credentials (integrations.autotask.credentials), which own the webhooks the rotation re-signs; add them, or schedule it later with `onramp schedule rotation --workflow autotaskSecretRotation`'
      );
    else
      specs.push(
        rotationSchedule(
          'autotaskSecretRotation',
          {
            customer: at.customer,
            vendor: { name: at.vendor.name },
            vendorProfile: at.vendorProfile,
            credentials: at.credentials,
            webhooks: at.webhook.entities.map((entity) => ({ entity, name: webhookNameFor(at.webhook.name, entity) })),
            signingKeyRef: at.webhook.signingKeyRef,
          },
          days(every.autotask)
        )
      );
  }
  const cw = order.integrations.connectwise;
  if (every.connectwise !== undefined) {
    const c = cw?.connection;
    if (!cw) problems.push('schedules.rotateEveryDays.connectwise: the order has no integrations.connectwise');
    else if (!c?.site || !c.companyId || !c.publicKey || !c.privateKeyRef || !c.clientId)
      problems.push(
        'schedules.rotateEveryDays.connectwise: the order carries no complete ConnectWise connection (site, companyId, publicKey, privateKeyRef, clientId); schedule it after onboarding with `onramp schedule rotation --workflow connectwiseKeyRotation`'
      );
    else
      specs.push(
        rotationSchedule(
          'connectwiseKeyRotation',
          {
            customer: cw.customer,
            vendor: cw.vendor,
            connection: c,
            ...(cw.sync?.createMissingCompanies ? { createMissingCompanies: true } : {}),
          },
          days(every.connectwise)
        )
      );
  }
  if (problems.length) throw new InputError('onboarding order', problems);
  return specs;
}
