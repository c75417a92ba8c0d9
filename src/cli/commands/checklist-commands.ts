/**
 * `onramp checklist link|revoke|audit`: the customer admin's checklist page (src/checklist-page) from the
 * operator's side. A link is signed with ONRAMP_CHECKLIST_KEYS (the sandbox: its own key) and points at
 * ONRAMP_CHECKLIST_BASE_URL; revoking withdraws every link of the order (or of one integration) issued so far.
 */
import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { checklistKeysFromConfig, createChecklistLink } from '../../checklist';
import { checklistRecordsFromConfig } from '../../checklist/checklist-records';
import { loadConfig } from '../../config';
import { customerOnboardingWorkflowId, INTEGRATIONS } from '../../domain/customer-onboarding-schema';
import type { IntegrationName } from '../../contract/customer-onboarding-messages';
import { getOrderStatus, parseOrderId } from '../../services/orders';
import { CliError, withClient, type Out } from '../context';

function operator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

export function registerChecklistCommands(program: Command, out: Out): void {
  const checklist = program
    .command('checklist')
    .description("the customer admin's checklist page: issue a link, revoke links, read the page's audit");

  checklist
    .command('link <orderId>')
    .description('print a fresh signed link to the checklist page of one integration of an order')
    .addOption(new Option('--integration <name>', 'which integration').choices([...INTEGRATIONS]).makeOptionMandatory())
    .option('--to <email>', 'who the link is for (shown on the page, "who" in its audit); default: you (user@host)')
    .option('--hours <n>', 'how long the link stays valid (default: ONRAMP_CHECKLIST_LINK_TTL_HOURS)')
    .action(async (orderId: string, opts: { integration: IntegrationName; to?: string; hours?: string }) => {
      parseOrderId(orderId);
      const config = loadConfig();
      const hours = opts.hours === undefined ? undefined : Number(opts.hours);
      if (hours !== undefined && !(Number.isInteger(hours) && hours >= 1 && hours <= 24 * 90))
        throw new CliError('--hours: a whole number of hours from 1 to 2160 (90 days)');
      await withClient(async (client) => {
        const status = await getOrderStatus(client, orderId);
        if (!status.integrations.some((i) => i.name === opts.integration))
          throw new CliError(
            `order ${orderId} has no ${opts.integration} integration: one of ${status.integrations.map((i) => i.name).join(', ')}`
          );
      });
      const recipient = opts.to ?? operator();
      const records = checklistRecordsFromConfig(config);
      try {
        const url = createChecklistLink({
          baseUrl: config.checklist.baseUrl,
          key: await checklistKeysFromConfig(config),
          workflowId: customerOnboardingWorkflowId(orderId),
          integration: opts.integration,
          recipient,
          ttlSeconds: hours ? hours * 3600 : config.checklist.linkTtlSeconds,
        });
        await records.audit({
          actor: operator(),
          workflowId: customerOnboardingWorkflowId(orderId),
          integration: opts.integration,
          linkId: '-',
          action: 'link-issued',
          detail: `for ${recipient}`,
        });
        out(url);
      } finally {
        await records.close();
      }
    });

  checklist
    .command('revoke <orderId>')
    .description('withdraw every checklist link of an order (or of one integration) issued until now')
    .addOption(new Option('--integration <name>', 'only this integration').choices([...INTEGRATIONS]))
    .action(async (orderId: string, opts: { integration?: IntegrationName }) => {
      parseOrderId(orderId);
      const records = checklistRecordsFromConfig(loadConfig());
      const workflowId = customerOnboardingWorkflowId(orderId);
      const at = new Date();
      try {
        await records.revoke({
          workflowId,
          ...(opts.integration ? { integration: opts.integration } : {}),
          at,
          by: operator(),
        });
        await records.audit({
          actor: operator(),
          workflowId,
          integration: opts.integration ?? '*',
          linkId: '-',
          action: 'revoked',
        });
      } finally {
        await records.close();
      }
      out(
        `revoked every checklist link of order ${orderId}${opts.integration ? ` (${opts.integration})` : ''} issued until ${at.toISOString()}; \`onramp checklist link\` issues a new one`
      );
    });

  checklist
    .command('audit <orderId>')
    .description('what was done on the checklist pages of an order: who (the link’s recipient), what, when')
    .option('--json', 'one JSON object per line')
    .action(async (orderId: string, opts: { json?: boolean }) => {
      parseOrderId(orderId);
      const records = checklistRecordsFromConfig(loadConfig());
      try {
        const rows = await records.auditOf(customerOnboardingWorkflowId(orderId));
        if (!rows.length) out(`nothing was done on a checklist page of order ${orderId}`);
        for (const r of rows)
          out(
            opts.json
              ? JSON.stringify({ ...r, at: r.at.toISOString() })
              : [r.at.toISOString(), r.integration, r.action, `by ${r.actor}`, r.detail ?? ''].join('  ').trimEnd()
          );
      } finally {
        await records.close();
      }
    });
}
