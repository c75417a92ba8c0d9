/** What `onramp schedule rotation` schedules, per rotation workflow: the input validated now, not at the first run. */
import { autotaskRotationWorkflowId, parseAutotaskRotationInput } from '../domain/autotask';
import { cwKeyRotationWorkflowId, parseCwKeyRotationInput } from '../domain/connectwise-key-rotation';
import type { ScheduleSpecInput } from '../schedules';
import { ONRAMP_INTEGRATION } from '../temporal/search-attributes';

export const ROTATION_WORKFLOWS = ['autotaskWebhookRotation', 'connectwiseKeyRotation'] as const;
export type RotationWorkflow = (typeof ROTATION_WORKFLOWS)[number];

export function rotationSchedule(workflow: RotationWorkflow, raw: unknown, everyMs: number): ScheduleSpecInput {
  if (workflow === 'connectwiseKeyRotation') {
    const input = parseCwKeyRotationInput(raw);
    const id = cwKeyRotationWorkflowId(input);
    return {
      scheduleId: `rotation:${id.replace(/:[^:]+$/, '')}`,
      workflowType: workflow,
      args: [input],
      everyMs,
      customerId: input.customer.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      integration: ONRAMP_INTEGRATION.connectwiseKeyRotation,
      summary: `ConnectWise key rotation for ${input.customer.name}`,
    };
  }
  const input = parseAutotaskRotationInput(raw);
  return {
    scheduleId: `rotation:${autotaskRotationWorkflowId(input)}`,
    workflowType: workflow,
    args: [input],
    everyMs,
    customerId: input.customer.id,
    integration: ONRAMP_INTEGRATION.autotaskWebhookRotation,
    summary: `Autotask webhook rotation for ${input.customer.id}`,
  };
}
