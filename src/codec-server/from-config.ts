import { readFile } from 'node:fs/promises';
import { codecFromConfig } from '../codec';
import type { OnrampConfig } from '../config';
import type { Logger } from '../logger';
import { resolveSecretRef } from '../secrets/secret-ref';
import { oidcVerifier } from './oidc';
import { createCodecServer, type CodecServer } from './codec-server';

/**
 * The codec server as configured. Live mode requires the Web UI's OIDC issuer (ONRAMP_CODEC_SERVER_OIDC_*:
 * users' access tokens verified against its JWKS) or a fixed token (ONRAMP_CODEC_SERVER_TOKEN_REF); the
 * sandbox runs without either, serving loopback callers only.
 */
export async function codecServerFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'codec'>,
  opts: { logger?: Logger; allowedOrigins?: string[] } = {}
): Promise<CodecServer> {
  const { server } = config.codec;
  if (config.mode === 'live' && !server.tokenRef && !server.oidc) {
    throw new Error(
      "ONRAMP_CODEC_SERVER_OIDC_ISSUER or ONRAMP_CODEC_SERVER_TOKEN_REF: required in live mode: the Web UI's OIDC issuer (its users' access tokens are verified) or a reference to a fixed bearer token"
    );
  }
  const token = server.tokenRef ? (await resolveSecretRef(server.tokenRef)).trim() : undefined;
  return createCodecServer({
    codec: await codecFromConfig(config),
    token,
    ...(server.oidc ? { verifyAccessToken: oidcVerifier(server.oidc) } : {}),
    allowedOrigins: opts.allowedOrigins ?? server.allowedOrigins,
    namespaces: server.namespaces,
    logger: opts.logger,
    ...(server.tls
      ? { https: { cert: await readFile(server.tls.certPath), key: await readFile(server.tls.keyPath) } }
      : {}),
  });
}
