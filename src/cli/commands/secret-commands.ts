/**
 * `onramp secrets audit <orderId>`: who supplied which credential reference for an order, and when, from the
 * secret store's audit table (never a value). `onramp secrets rekey`: re-seal every row under the current
 * codec key, so a retired key can leave ONRAMP_CODEC_KEYS (docs/operations.md, "Codec keys").
 */
import type { Command } from 'commander';
import { codecFromConfig } from '../../codec';
import { loadConfig } from '../../config';
import { parseOrderId } from '../../services/orders';
import { PostgresSecretStore } from '../../secrets/secret-store';
import { CliError, type Out } from '../context';
import { operatorName } from './order-commands';

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
  secrets
    .command('rekey')
    .description(
      're-seal every secret-store row under the current codec key (the first of ONRAMP_CODEC_KEYS); resumable, idempotent, audited'
    )
    .option('--actor <name>', 'who runs it, for the audit (default: the OS user@host)')
    .option('--json', 'the report as one JSON object')
    .action(async (opts: { actor?: string; json?: boolean }) => {
      const config = loadConfig();
      if (!config.secretStore.url) throw new CliError('no secret store: set ONRAMP_SECRET_STORE_URL');
      const store = new PostgresSecretStore(config.secretStore.url, await codecFromConfig(config));
      try {
        const r = await store.rekey({ actor: operatorName(opts.actor), via: 'cli' });
        if (opts.json) out(JSON.stringify(r));
        else {
          out(`re-sealed ${r.rekeyed} row(s) under key ${r.currentKeyId}`);
          if (r.changedMeanwhile) out(`${r.changedMeanwhile} row(s) were rewritten meanwhile by their writer`);
          for (const [id, n] of Object.entries(r.usage)) out(`  key ${id}: ${n} row(s)`);
          const unused = Object.keys(r.usage).filter((id) => id !== r.currentKeyId);
          if (!unused.length && !r.failed.length)
            out(
              `every row is sealed under ${r.currentKeyId}: older keys can leave ONRAMP_CODEC_KEYS as far as the secret store goes (keep them while Temporal histories sealed with them must be read)`
            );
        }
        if (r.failed.length)
          throw new CliError(
            `${r.failed.length} row(s) did not open and were left as they are: ${r.failed
              .map((f) => `${f.name} (key ${f.keyId}): ${f.reason}`)
              .join('; ')}. Put their key back in ONRAMP_CODEC_KEYS (after the current one) and run rekey again`
          );
      } finally {
        await store.close();
      }
    });
}
