/**
 * `onramp secrets audit <orderId>`: who supplied which credential reference for an order, and when, from the
 * secret store's audit table (never a value).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { parseOrderId } from '../../services/orders';
import { PostgresSecretStore } from '../../secrets/secret-store';
import { CliError, type Out } from '../context';

export function registerSecretsCommands(program: Command, out: Out): void {
  const secrets = program.command('secrets').description('the secret store that supply-credential writes to');
  secrets
    .command('audit <orderId>')
    .description('who supplied which credential (by reference, never the value) for an order, and when')
    .option('--json', 'one JSON object per line')
    .action(async (orderId: string, opts: { json?: boolean }) => {
      parseOrderId(orderId);
      const config = loadConfig();
      if (!config.secretStore.url)
        throw new CliError(
          'no secret store: set ONRAMP_SECRET_STORE_URL (without it, supply-credential writes files under ONRAMP_SECRETS_DIR and keeps no audit)'
        );
      const store = new PostgresSecretStore(config.secretStore.url, undefined);
      try {
        const rows = await store.audit(orderId);
        if (!rows.length) out(`no credential was supplied through the secret store for order ${orderId}`);
        for (const r of rows) {
          out(
            opts.json
              ? JSON.stringify({ ...r, at: r.at.toISOString() })
              : [r.at.toISOString(), r.integration, r.action, r.ref, `by ${r.actor} (${r.via})`].join('  ')
          );
        }
      } finally {
        await store.close();
      }
    });
}
