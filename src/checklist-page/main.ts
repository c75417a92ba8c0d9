/** The checklist page service on its own (docker-compose, production): `node dist/checklist-page/main.js`. */
import { connectClient } from '../client';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { checklistPageFromConfig } from './from-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: 'onramp-checklist-page' });
  const client = await connectClient(config);
  const server = await checklistPageFromConfig(config, client, { logger });
  // In a container the admins reach it through a published port (or a proxy): ONRAMP_CHECKLIST_HOST=0.0.0.0 there.
  const url = await server.listen(config.checklist.port, config.checklist.host);
  logger.info({ url, publicUrl: config.checklist.baseUrl }, 'Onramp checklist page listening');
  const stop = () =>
    void server
      .closeAll()
      .then(() => client.connection.close())
      .then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`onramp checklist page: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
