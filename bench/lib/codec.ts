import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { createDataConverter, EncryptionCodec, loadKeyRing, parseKeySpec } from '../../src/codec';

/**
 * The encrypting data converter every Onramp client and worker uses, so the benchmark pays what production
 * pays. Keys come from ONRAMP_CODEC_KEYS; without it a throw-away key is put in the environment, which the
 * worker process inherits, so both sides share it.
 */
export async function benchDataConverter(env: NodeJS.ProcessEnv = process.env): Promise<DataConverter> {
  if (!env.ONRAMP_CODEC_KEYS) {
    env.ONRAMP_BENCH_CODEC_KEY = randomBytes(32).toString('base64');
    env.ONRAMP_CODEC_KEYS = 'bench=env:ONRAMP_BENCH_CODEC_KEY';
  }
  return createDataConverter(new EncryptionCodec(await loadKeyRing(parseKeySpec(env.ONRAMP_CODEC_KEYS), env)));
}
