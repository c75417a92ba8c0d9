import { z } from 'zod';
import type { Mutual } from './type-equality';
import type {
  CwKeyRotationInputV1,
  CwKeyRotationRequestV1,
  CwNewKeyV1,
} from '../contract/connectwise-key-rotation-messages';
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

export const newKeySchema = z.strictObject({ publicKey, privateKeyRef });

/**
 * Compile-time: the live schemas and the frozen version-1 shapes the workflow takes (src/contract) are the same.
 * A schema change that running workflows could not take fails typecheck here: add a V2 to the contract instead.
 */
const _frozenV1: [
  Mutual<CwKeyRotationInput, CwKeyRotationInputV1>,
  Mutual<CwKeyRotationRequest, CwKeyRotationRequestV1>,
  Mutual<z.input<typeof newKeySchema>, CwNewKeyV1>,
] = [true, true, true];

export function parseCwKeyRotationInput(value: unknown): CwKeyRotationInput {
  return parseOrThrow(cwKeyRotationInputSchema, value, 'ConnectWise key rotation input');
}
