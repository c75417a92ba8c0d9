/** `onramp findings`: the drift findings (one per customer and problem), open or closed. */
import type { Command } from 'commander';
import { listFindings } from '../../services/findings';
import { CliError, withClient, type Out } from '../context';

export function registerFindingCommands(program: Command, out: Out): void {
  program
    .command('findings')
    .description('list drift findings (one per customer and problem): open ones until a later check no longer sees it')
    .option('--customer <id>', "the order's customer ID (OnrampCustomer)")
    .option(
      '--integration <name>',
      'autotask, connectwise, googleDelegation, googleAdminRoles (or an OnrampIntegration)'
    )
    .option('--open', 'only open findings')
    .option('--limit <n>', 'at most this many', '200')
    .option('--json', 'one JSON object per line')
    .action(
      async (opts: { customer?: string; integration?: string; open?: boolean; limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new CliError('--limit: must be a whole number from 1 to 10000');
        await withClient(async (client) => {
          const rows = await listFindings(client, { ...opts, limit });
          for (const r of rows)
            out(
              opts.json
                ? JSON.stringify(r)
                : `${r.open ? 'OPEN  ' : 'closed'}  ${r.customer}  ${r.integration}  ${r.key ?? r.workflowId}  ${r.problem ?? '-'}`
            );
          if (!rows.length) out('no findings match');
        });
      }
    );
}
