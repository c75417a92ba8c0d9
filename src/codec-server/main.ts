/** The codec server on its own (docker-compose, production): `tsx src/codec-server/main.ts`. */
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { codecServerFromConfig } from './from-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: 'onramp-codec-server' });
  const server = await codecServerFromConfig(config, { logger });
  // In a container the UI reaches it through a published port: bind all interfaces there.
  const host = process.env.ONRAMP_CODEC_SERVER_HOST ?? '127.0.0.1';
  const url = await server.listen(config.codec.server.port, host);
  logger.info({ url, namespaces: config.codec.server.namespaces }, 'Onramp codec server listening');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`onramp codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
