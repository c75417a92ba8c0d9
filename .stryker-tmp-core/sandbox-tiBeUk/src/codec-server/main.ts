/** The codec server on its own (docker-compose, production): `node dist/codec-server/main.js`. */
// @ts-nocheck

import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { codecServerFromConfig } from './from-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: 'onramp-codec-server' });
  const server = await codecServerFromConfig(config, { logger });
  // In a container the UI reaches it through a published port: ONRAMP_CODEC_SERVER_HOST=0.0.0.0 there.
  const url = await server.listen(config.codec.server.port, config.codec.server.host);
  logger.info({ url, namespaces: config.codec.server.namespaces }, 'Onramp codec server listening');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`onramp codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
