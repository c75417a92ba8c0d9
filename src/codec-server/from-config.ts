import { codecFromConfig } from '../codec';
import type { OnrampConfig } from '../config';
import type { Logger } from '../logger';
import { resolveSecretRef } from '../secrets/secret-ref';
import { createCodecServer, type CodecServer } from './server';

/**
 * The codec server as configured. Live mode requires a token (ONRAMP_CODEC_SERVER_TOKEN_REF); the sandbox
 * runs without one, serving loopback callers only.
 */
export async function codecServerFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'codec'>,
  opts: { logger?: Logger; allowedOrigins?: string[] } = {}
): Promise<CodecServer> {
  const { server } = config.codec;
  if (config.mode === 'live' && !server.tokenRef) {
    throw new Error(
      'ONRAMP_CODEC_SERVER_TOKEN_REF: required in live mode: a reference (env:NAME or file:/path) to the bearer token codec server callers must send'
    );
  }
  const token = server.tokenRef ? (await resolveSecretRef(server.tokenRef)).trim() : undefined;
  return createCodecServer({
    codec: await codecFromConfig(config),
    token,
    allowedOrigins: opts.allowedOrigins ?? server.allowedOrigins,
    namespaces: server.namespaces,
    logger: opts.logger,
  });
}
