import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { checklistKeysFromConfig } from '../checklist';
import { checklistRecordsFromConfig } from '../checklist/checklist-records';
import { codecFromConfig } from '../codec';
import type { OnrampConfig } from '../config';
import type { Logger } from '../logger';
import { PostgresSecretStore } from '../secrets/secret-store';
import { createChecklistPageServer, type ChecklistPageServer } from './checklist-page-server';

/**
 * The checklist page as configured: link keys (ONRAMP_CHECKLIST_KEYS, or the sandbox's own), the audit and
 * revocations beside the secret store (or files), pasted secrets into the secret store (or, without one,
 * 0600 files under ONRAMP_SECRETS_DIR as the CLI writes them), HTTPS with ONRAMP_CHECKLIST_TLS_*.
 */
export async function checklistPageFromConfig(
  config: OnrampConfig,
  client: Client,
  opts: { logger?: Logger } = {}
): Promise<ChecklistPageServer & { closeAll(): Promise<void> }> {
  if (config.mode === 'live' && !config.checklist.tls && !config.checklist.trustProxy) {
    throw new Error(
      'ONRAMP_CHECKLIST_TLS_CERT_PATH and ONRAMP_CHECKLIST_TLS_KEY_PATH (or ONRAMP_CHECKLIST_TRUST_PROXY=true behind a TLS proxy): required in live mode, the page takes credentials'
    );
  }
  const keys = await checklistKeysFromConfig(config);
  const records = checklistRecordsFromConfig(config);
  const store = config.secretStore.url
    ? new PostgresSecretStore(config.secretStore.url, await codecFromConfig(config))
    : undefined;
  const { tls } = config.checklist;
  const server = createChecklistPageServer({
    client,
    keys,
    records,
    config,
    secrets: store ? { store } : { dir: config.secretsDir },
    rateLimitPerMinute: config.checklist.rateLimitPerMinute,
    trustProxy: config.checklist.trustProxy,
    ...(tls ? { https: { cert: await readFile(tls.certPath), key: await readFile(tls.keyPath) } } : {}),
    logger: opts.logger,
  });
  return {
    ...server,
    async closeAll() {
      await server.close();
      await records.close();
      await store?.close();
    },
  };
}
