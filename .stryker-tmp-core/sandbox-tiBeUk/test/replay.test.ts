// @ts-nocheck
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IllegalStateError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createDataConverter, EncryptionCodec, loadKeyRing, parseKeySpec } from '../src/codec';
import { workflowSource } from '../src/worker';
import { useReplayCodecKey } from './helpers/faults';

/**
 * Determinism gate: every recorded history (scripts/record-histories.ts) must replay against today's
 * workflow code. A change that would break onboardings already running after a deploy fails here.
 */
const DIR = join(__dirname, 'histories');
/** The fixture key lives in its own environment object, not process.env, to leave other tests' keys alone. */
const codecEnv: NodeJS.ProcessEnv = {};
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(DIR, file), 'utf8')) as object);
}

describe('replay of recorded workflow histories (determinism)', () => {
  it('has a recorded history for every workflow type the worker registers', () => {
    const types = new Set(
      files.map(
        (f) => load(f).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? `unknown in ${f}`
      )
    );
    for (const type of [
      'googleDelegationOnboarding',
      'googleAdminRoleProvisioning',
      'autotaskOnboarding',
      'autotaskWebhookRotation',
      'connectwiseOnboarding',
      'connectwiseCustomerSync',
      'customerOnboarding',
      'driftCheck',
      'driftFinding',
      'customerOffboarding',
      'connectwiseKeyRotation',
      'googleDelegationReverify',
    ]) {
      assert.ok(types.has(type), `record a history of ${type}: npx tsx scripts/record-histories.ts ${type}`);
    }
  });

  it('replays every history without nondeterminism', async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch (err) {
      if (!(err instanceof IllegalStateError)) throw err;
    }
    useReplayCodecKey(codecEnv);
    const dataConverter = createDataConverter(
      new EncryptionCodec(await loadKeyRing(parseKeySpec(codecEnv.ONRAMP_CODEC_KEYS!), codecEnv))
    );
    const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: load(f) }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories(
      { ...workflowSource(), dataConverter, replayName: 'onramp-replay' },
      histories
    )) {
      replayed++;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    assert.equal(replayed, files.length, 'every history was replayed');
    assert.deepEqual(failures, [], 'histories that no longer replay (a nondeterministic workflow change)');
  });
});
