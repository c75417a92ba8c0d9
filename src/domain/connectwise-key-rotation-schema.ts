import { z } from 'zod';
import { connectionSchema, plainName, privateKeyRef, publicKey } from './connectwise-schema';
import { parseOrThrow } from './field-validators';
export * from '../rules/connectwise-key-rotation-rules';

/** Rotation of a ConnectWise API member's key pair (seed 002: keys are made in System > Members > API Members). */
export const cwKeyRotationInputSchema = z.strictObject({
  /** As in the ConnectWise onboarding of this customer. */
  customer: z.strictObject({ name: plainName('customer', 100) }),
  vendor: z
    .strictObject({ name: z.string().trim().min(1).max(100).default('Sophos Central') })
    .default({ name: 'Sophos Central' }),
  /** The connection in use now (its key is the one rotated away). */
  connection: connectionSchema.required({ privateKeyRef: true }),
  /**
   * As the order's integrations.connectwise.sync.createMissingCompanies: the sync creates companies, so the new
   * key's member needs Companies › Company Maintenance Add = All as well. Absent or false: the seed's role.
   */
  createMissingCompanies: z.boolean().optional(),
  timing: z
    .strictObject({
      reminderMinutes: z
        .number()
        .positive()
        .max(24 * 60)
        .default(60),
      recheckSeconds: z.number().min(0.2).max(86_400).default(300),
      operatorDeadlineHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(72),
    })
    .default({ reminderMinutes: 60, recheckSeconds: 300, operatorDeadlineHours: 72 }),
});
export type CwKeyRotationRequest = z.input<typeof cwKeyRotationInputSchema>;
export type CwKeyRotationInput = z.output<typeof cwKeyRotationInputSchema>;
/** The workflow's input, version 1: validated at the door, never re-validated by the workflow (see src/workflows/input.ts). */
export type CwKeyRotationInputV1 = CwKeyRotationInput;

export const newKeySchema = z.strictObject({ publicKey, privateKeyRef });
export type CwNewKey = z.input<typeof newKeySchema>;

export function parseCwKeyRotationInput(value: unknown): CwKeyRotationInput {
  return parseOrThrow(cwKeyRotationInputSchema, value, 'ConnectWise key rotation input');
}
