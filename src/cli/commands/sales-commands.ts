/** `onramp sales ...`: sales deals (issue 26): what a deal would start (plan), its state, the fields it waits for. */
import type { Command } from 'commander';
import { createSalesActivities } from '../../activities/sales';
import { loadConfig } from '../../config';
import type { SalesSystem } from '../../contract/sales-messages';
import type { SalesMappingFile } from '../../domain/sales-mapping-schema';
import { salesNeedsText } from '../../rules/sales-instructions';
import { loadSalesMapping } from '../../secrets/sales-mapping-file';
import { orderProblems } from '../../services/orders';
import { salesDealStatus, supplySalesFields } from '../../services/sales-deals';
import { CliError, withClient, type Out } from '../context';

const SYSTEMS: readonly SalesSystem[] = ['hubspot', 'salesforce', 'connectwise'];

function systemArg(value: string): SalesSystem {
  if (!(SYSTEMS as readonly string[]).includes(value)) throw new CliError(`system: one of ${SYSTEMS.join(', ')}`);
  return value as SalesSystem;
}

function mapping(): SalesMappingFile {
  const file = loadConfig().sales.mappingFile;
  if (!file) throw new CliError('no sales mapping: set ONRAMP_SALES_MAPPING to the deployment’s mapping file');
  return loadSalesMapping(file);
}

/** The account of a deal: `--account`, else the one account the mapping configures for the system (HubSpot's portal). */
function accountOf(m: SalesMappingFile, system: SalesSystem, given?: string): string {
  if (given) return given;
  const block = m.systems[system] as { portalId?: string } | undefined;
  if (system === 'hubspot' && block?.portalId) return block.portalId;
  throw new CliError(`--account: give the ${system} account of the deal (the mapping names none for ${system})`);
}

export function registerSalesCommands(program: Command, out: Out): void {
  const sales = program
    .command('sales')
    .description('deals of the sales systems (HubSpot, Salesforce, ConnectWise) and their orders');
  sales
    .command('plan <system> <dealId>')
    .description('what the deal would start, read through the vendor API and mapped, without starting anything')
    .option('--account <id>', 'the sales system account (default: the mapping’s)')
    .option('--json', 'the plan as JSON')
    .action(async (system: string, dealId: string, opts: { account?: string; json?: boolean }) => {
      const config = loadConfig();
      const m = mapping();
      const sys = systemArg(system);
      const activities = createSalesActivities({
        mapping: m,
        validateOrder: (request) => orderProblems(request, config),
      });
      const plan = await activities.planSalesDeal({ system: sys, account: accountOf(m, sys, opts.account), dealId });
      if (opts.json) return out(JSON.stringify(plan, null, 2));
      out(
        `${plan.dealName} (${sys} deal ${plan.dealId}): stage ${plan.stage}${plan.won ? ' (won)' : ' (not won: nothing would start)'}`
      );
      out(`order ${plan.orderId}: ${plan.integrations.join(', ') || 'no integration'}`);
      out(plan.needs.length ? salesNeedsText(plan, plan.needs) : 'complete: the order would start as it is');
      out(JSON.stringify(plan.request, null, 2));
    });
  sales
    .command('status <system> <dealId>')
    .description('the deal’s state: waiting for which fields, its order')
    .option('--account <id>', 'the sales system account (default: the mapping’s)')
    .action(async (system: string, dealId: string, opts: { account?: string }) => {
      const sys = systemArg(system);
      const account = accountOf(mapping(), sys, opts.account);
      await withClient(async (client) => {
        const s = await salesDealStatus(client, sys, account, dealId);
        out(`${s.system} deal ${s.dealId} → order ${s.orderId}: ${s.state}`);
        if (s.state === 'waiting-for-operator') out(salesNeedsText(s, s.needs));
        if (s.note) out(s.note);
      });
    });
  sales
    .command('supply <system> <account> <dealId>')
    .description(
      'supply the fields a won deal waits for: --field integrations.googleDelegation.adminEmail=it@x.example'
    )
    .requiredOption('--field <path=value...>', 'an order field the deal waits for, and its value')
    .action(async (system: string, account: string, dealId: string, opts: { field: string[] }) => {
      const fields: Record<string, string> = {};
      for (const f of opts.field) {
        const i = f.indexOf('=');
        if (i < 1) throw new CliError(`--field ${f}: write path=value`);
        fields[f.slice(0, i)] = f.slice(i + 1);
      }
      await withClient(async (client) => {
        const s = await supplySalesFields(client, systemArg(system), account, dealId, fields);
        out(s.state === 'waiting-for-operator' ? salesNeedsText(s, s.needs) : `${s.state}: ${s.note ?? ''}`);
      });
    });
}
