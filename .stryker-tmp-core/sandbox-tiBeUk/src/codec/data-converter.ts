// @ts-nocheck
import type { DataConverter } from '@temporalio/common';
import { join } from 'node:path';
import { processEnv, type OnrampConfig } from '../config';
import { EncryptionCodec } from './encryption-codec';
import { loadKeyRing, parseKeySpec, sandboxKeyRing, type KeyRing } from './key-ring';

/**
 * The one data converter of every Onramp Client, Worker and the codec server: payloads encrypted, and
 * failure messages and stack traces moved into an encrypted payload too (otherwise a vendor error that
 * echoes a request lands in history in clear).
 */
export function createDataConverter(codec: EncryptionCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The failure converter goes by path because workflows convert their failures inside the workflow bundle:
 * a pre-built bundle must be built with `bundleWorkflowCode({ failureConverterPath: FAILURE_CONVERTER_PATH })`.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The key ring the configuration names: `ONRAMP_CODEC_KEYS` when set; in sandbox mode without it, a key
 * generated once under `<dataDir>/sandbox/`. Live mode without keys is a configuration error.
 */
export async function keyRingFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'codec'>,
  env: NodeJS.ProcessEnv = processEnv()
): Promise<KeyRing> {
  if (config.codec.keys) return loadKeyRing(parseKeySpec(config.codec.keys), env);
  if (config.mode === 'sandbox') return sandboxKeyRing(join(config.dataDir, 'sandbox'));
  throw new Error(
    'ONRAMP_CODEC_KEYS: required in live mode: list the payload encryption keys as id=env:NAME or id=file:/path, newest first'
  );
}

export async function codecFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'codec'>,
  env: NodeJS.ProcessEnv = processEnv()
): Promise<EncryptionCodec> {
  return new EncryptionCodec(await keyRingFromConfig(config, env));
}

export async function dataConverterFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'codec'>,
  env: NodeJS.ProcessEnv = processEnv()
): Promise<DataConverter> {
  return createDataConverter(await codecFromConfig(config, env));
}
