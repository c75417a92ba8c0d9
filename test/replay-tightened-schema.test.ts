import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, IllegalStateError, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createDataConverter, EncryptionCodec, loadKeyRing, parseKeySpec } from '../src/codec';
import { connectionSchema, onboardingInputSchema as connectwiseInputSchema } from '../src/domain/connectwise-schema';
import { orderSchema } from '../src/domain/customer-onboarding-schema';
import { delegationInputSchema } from '../src/domain/google-delegation-schema';
import { workflowSource } from '../src/worker';
import { useReplayCodecKey } from './helpers/faults';

/**
 * Workflows no longer re-validate their input with the live schema: a recorded run whose input today's
 * (tightened) schema refuses must still replay. The recorded input is rewritten the way a tightening
 * hits running orders: it now carries something the door refuses (an unknown key, an admin outside the
 * customer's domain), then the history is replayed against today's code.
 */
const codecEnv: NodeJS.ProcessEnv = {};

async function tightened(
  file: string,
  mutate: (input: Record<string, unknown>) => void,
  schema: typeof orderSchema | typeof delegationInputSchema | typeof connectwiseInputSchema
) {
  useReplayCodecKey(codecEnv);
  const codec = new EncryptionCodec(await loadKeyRing(parseKeySpec(codecEnv.ONRAMP_CODEC_KEYS!), codecEnv));
  const history = temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8')) as object
  );
  const started = history.events[0]!.workflowExecutionStartedEventAttributes!;
  const [plain] = await codec.decode([started.input!.payloads![0] as Payload]);
  const input = defaultPayloadConverter.fromPayload<Record<string, unknown>>(plain!);
  assert.ok(schema.safeParse(input).success, `${file}: the recorded input is valid today`);
  mutate(input);
  assert.equal(schema.safeParse(input).success, false, `${file}: today's schema refuses the rewritten input`);
  const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
  started.input!.payloads![0] = encoded as temporal.api.common.v1.IPayload;
  return { codec, history };
}

describe('replay after a schema was tightened (input validated at the door, not on replay)', () => {
  it("replays recorded orders, delegations and ConnectWise onboardings whose input today's schema refuses", async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch (err) {
      if (!(err instanceof IllegalStateError)) throw err;
    }
    const order = await tightened(
      'customerOnboarding.json',
      (o) => {
        o.legacyField = 'accepted before unknown keys were refused';
      },
      orderSchema
    );
    const delegation = await tightened(
      'googleDelegationOnboarding.json',
      (d) => {
        d.adminEmail = 'admin@another-domain.example';
      },
      delegationInputSchema
    );
    // The ConnectWise onboarding verifies its connection (a verifyConnectwiseConnection activity in the
    // recorded history): the connection it proves must not be re-validated with today's schema either.
    const connectwise = await tightened(
      'connectwiseOnboarding.json',
      (c) => {
        const connection = c.connection as Record<string, unknown>;
        assert.ok(connection.privateKeyRef, 'the recorded run verified the connection of its input');
        connection.legacyOption = 'accepted before unknown connection keys were refused';
        assert.equal(connectionSchema.safeParse(connection).success, false);
      },
      connectwiseInputSchema
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories(
      { ...workflowSource(), dataConverter: createDataConverter(order.codec), replayName: 'onramp-replay-tightened' },
      [
        { workflowId: 'customerOnboarding-tightened', history: order.history },
        { workflowId: 'googleDelegationOnboarding-tightened', history: delegation.history },
        { workflowId: 'connectwiseOnboarding-tightened', history: connectwise.history },
      ]
    )) {
      replayed++;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    assert.equal(replayed, 3);
    assert.deepEqual(failures, []);
  });
});
