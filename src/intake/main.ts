/** The intake service: `node dist/intake/main.js` (configured by the environment; see docs/configuration.md). */
import { connectClient } from '../client';
import { loadConfig } from '../config';
import { describeConnection } from '../temporal/connection';
import { createLogger } from '../logger';
import { codecFromConfig } from '../codec';
import { resolveSecretRef } from '../secrets/secret-ref';
import { PostgresSecretStore } from '../secrets/secret-store';
import { loadIntakeConfig } from './intake-config';
import { createIntakeServer } from './intake-server';
import { loadSalesMapping } from '../secrets/sales-mapping-file';
import { salesMappingV1 } from '../domain/sales-mapping-schema';
import { receiversFromMapping } from './sales/receivers';

async function main(): Promise<void> {
  const config = loadConfig();
  const intake = loadIntakeConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: 'onramp-intake' });
  const [hmacSecrets, bearerTokens] = await Promise.all([
    // Secret files end with a newline (`openssl rand -hex 32 > file`): it is not part of the secret.
    Promise.all(intake.hmacSecretRefs.map(async (r) => (await resolveSecretRef(r)).trim())),
    Promise.all(intake.bearerTokenRefs.map(async (r) => (await resolveSecretRef(r)).trim())),
  ]);
  const client = await connectClient(config);
  // Secrets sent to supply-credential go to the store the workers read, sealed with the payload key ring.
  const secretStore = config.secretStore.url
    ? new PostgresSecretStore(config.secretStore.url, await codecFromConfig(config))
    : undefined;
  // The sales receivers (POST /v1/sales/<system>): a bad mapping or secret reference stops the start, by line.
  const mapping = config.sales.mappingFile ? loadSalesMapping(config.sales.mappingFile) : undefined;
  const receivers = mapping
    ? receiversFromMapping(mapping, async (r) => resolveSecretRef(r)).catch((err: unknown) => {
        // Live: a receiver secret that does not resolve stops the start. Sandbox (the default mapping): the
        // HubSpot simulator's secrets exist only when the sandbox set them; without them, no sales receivers.
        if (config.mode !== 'sandbox') throw err;
        logger.warn({ err: (err as Error).message }, 'sales receivers off: their secrets did not resolve');
        return undefined;
      })
    : undefined;
  const built = await receivers;
  const sales = mapping && built ? { mapping: salesMappingV1(mapping), receivers: built } : undefined;
  const app = createIntakeServer({
    sales,
    client,
    config,
    // Callers are named by the reference of the secret or token they hold: the audit's "who".
    auth: {
      hmacSecrets,
      bearerTokens,
      hmacSecretNames: intake.hmacSecretRefs,
      bearerTokenNames: intake.bearerTokenRefs,
    },
    logger,
    secretStore,
  });
  await app.listen({ host: intake.host, port: intake.port });
  logger.info(
    {
      host: intake.host,
      port: intake.port,
      temporal: describeConnection(config.temporal),
      secretStore: secretStore
        ? 'PostgreSQL (ONRAMP_SECRET_STORE_URL)'
        : 'none: supply-credential takes references only',
    },
    'Onramp intake API listening'
  );
  const stop = () =>
    void app
      .close()
      .then(() => client.connection.close())
      .then(() => secretStore?.close())
      .then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`onramp intake: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
