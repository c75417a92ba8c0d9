import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { z } from 'zod';
import { EncryptionCodec, loadKeyRing, parseKeySpec } from '../src/codec';
import {
  autotaskOnboardingInputSchema,
  autotaskRotationInputSchema,
  autotaskSecretRotationInputSchema,
} from '../src/domain/autotask-schema';
import { onboardingInputSchema as connectwiseInputSchema } from '../src/domain/connectwise-schema';
import {
  fillAutotaskOnboardingDefaults,
  fillAutotaskRotationDefaults,
  fillAutotaskSecretRotationDefaults,
} from '../src/rules/autotask-rules';
import { fillConnectwiseOnboardingDefaults } from '../src/rules/connectwise-rules';
import { fillOrderDefaults } from '../src/rules/customer-onboarding-rules';
import type { Filler } from '../src/rules/fill-defaults';
import { fillDriftCheckDefaults } from '../src/rules/drift-rules';
import { fillAdminRoleDefaults } from '../src/rules/google-admin-roles-rules';
import { fillDelegationDefaults } from '../src/rules/google-delegation-rules';
import { orderSchema } from '../src/domain/customer-onboarding-schema';
import { driftCheckInputSchema } from '../src/domain/drift-schema';
import { adminRoleInputSchema } from '../src/domain/google-admin-roles-schema';
import { delegationInputSchema } from '../src/domain/google-delegation-schema';
import { cwKeyRotationInputSchema } from '../src/domain/connectwise-key-rotation-schema';
import { fillCwKeyRotationDefaults } from '../src/rules/connectwise-key-rotation-rules';
import { fillOffboardingDefaults } from '../src/rules/offboarding-rules';
import { offboardingInputSchema } from '../src/domain/offboarding-schema';
import { useReplayCodecKey } from './helpers/faults';
import { fieldPaths, without } from './helpers/field-paths';

/**
 * Workflows fill their input's defaults with zod-free fillers (src/rules; zod stays out of the
 * workflow bundle). They must give what the door's schema gives: checked on every recorded history's input
 * (started around the door, as the recorder does) and on every variant of it with one field left out that
 * the schema still accepts (so each default is exercised).
 */
const BY_TYPE: Record<string, [z.ZodType, Filler]> = {
  googleDelegationOnboarding: [delegationInputSchema, fillDelegationDefaults],
  googleAdminRoleProvisioning: [adminRoleInputSchema, fillAdminRoleDefaults],
  autotaskOnboarding: [autotaskOnboardingInputSchema, fillAutotaskOnboardingDefaults],
  autotaskWebhookRotation: [autotaskRotationInputSchema, fillAutotaskRotationDefaults],
  autotaskSecretRotation: [autotaskSecretRotationInputSchema, fillAutotaskSecretRotationDefaults],
  connectwiseOnboarding: [connectwiseInputSchema, fillConnectwiseOnboardingDefaults],
  customerOnboarding: [orderSchema, fillOrderDefaults],
  driftCheck: [driftCheckInputSchema, fillDriftCheckDefaults],
  customerOffboarding: [offboardingInputSchema, fillOffboardingDefaults],
  connectwiseKeyRotation: [cwKeyRotationInputSchema, fillCwKeyRotationDefaults],
  googleDelegationReverify: [delegationInputSchema, fillDelegationDefaults],
};

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

async function recordedInputs(): Promise<{ file: string; type: string; input: unknown }[]> {
  const env: NodeJS.ProcessEnv = {};
  useReplayCodecKey(env);
  const codec = new EncryptionCodec(await loadKeyRing(parseKeySpec(env.ONRAMP_CODEC_KEYS!), env));
  const dir = join(__dirname, 'histories');
  const out: { file: string; type: string; input: unknown }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as object
    );
    const started = history.events[0]!.workflowExecutionStartedEventAttributes!;
    const [plain] = await codec.decode([started.input!.payloads![0] as Payload]);
    out.push({ file, type: started.workflowType!.name!, input: defaultPayloadConverter.fromPayload(plain!) });
  }
  return out;
}

describe("workflow input defaults without zod (src/rules) match the schemas'", () => {
  it('on every recorded input, and on each variant of it missing one field the schema accepts', async () => {
    const inputs = (await recordedInputs()).filter((r) => BY_TYPE[r.type]);
    assert.ok(inputs.length >= 10, 'a recorded input of every workflow that takes one');
    let compared = 0;
    for (const { file, type, input } of inputs) {
      const [schema, fill] = BY_TYPE[type]!;
      for (const [label, variant] of [
        ['as recorded', input],
        ...fieldPaths(input, 4).map((p) => [`without ${p.join('.')}`, without(input, p)] as const),
      ] as const) {
        const parsed = schema.safeParse(variant);
        if (!parsed.success) continue;
        assert.deepEqual(json(fill(variant)), json(parsed.data), `${file} (${type}) ${label}`);
        compared++;
      }
    }
    assert.ok(compared > 40, `compared ${compared} inputs`);
  });
});
