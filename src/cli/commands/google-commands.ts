/** `onramp delegation start` and `onramp plan`: Google Workspace workflows started on their own. */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { startGoogleDelegation } from '../../client';
import { integrationWorkflowId } from '../../domain/customer-onboarding-schema';
import { delegationStatusQuery, type DelegationStatus } from '../../contract/google-delegation-messages';
import { parseAdminRoleInput } from '../../domain/google-admin-roles-schema';
import { validateOrder } from '../../services/orders';
import { googleAdminRoleProvisioning } from '../../workflows';
import { CliError, readInputFile, sleep, withClient, type Out } from '../context';
import { registerReverifyCommand } from '../rotation';
import { customerPriority } from '../../rules/fairness';

/** Print status changes until the onboarding ends; returns its final status. */
export async function followDelegation(client: Client, workflowId: string, print: Out): Promise<DelegationStatus> {
  const handle = client.workflow.getHandle(workflowId);
  let last = '';
  for (;;) {
    const s = await handle.query(delegationStatusQuery);
    const granted = s.scopes.filter((x) => x.state === 'granted').length;
    const line = `  [${s.step}] ${granted}/${s.scopes.length} scopes verified, ${s.checks} check(s)${s.nextCheckAt ? `, next check ${s.nextCheckAt}` : ''}`;
    if (line !== last) print(line);
    last = line;
    if (s.state === 'completed' || s.state === 'failed') return s;
    const desc = await handle.describe();
    if (desc.status.name !== 'RUNNING') return s;
    await sleep(1000);
  }
}

export function registerGoogleCommands(program: Command, out: Out): void {
  const delegation = program.command('delegation').description('Google Workspace domain-wide delegation onboardings');
  delegation
    .command('start')
    .description('start a delegation onboarding from an order file (JSON or YAML)')
    .requiredOption(
      '-f, --file <path>',
      'order file: customer, adminEmail, vendor, serviceAccount {clientId, email, keyRef}, scopes?'
    )
    .option('--wait', 'follow progress until the onboarding ends')
    .action(async (opts: { file: string; wait?: boolean }) => {
      const order = readInputFile(opts.file);
      await withClient(async (client, config) => {
        const handle = await startGoogleDelegation(client, config, order as never);
        out(`started ${handle.workflowId}`);
        if (opts.wait) {
          const s = await followDelegation(client, handle.workflowId, out);
          if (s.state !== 'completed') throw new CliError(s.error ?? `onboarding ended in state ${s.state}`);
        }
      });
    });
  registerReverifyCommand(delegation, out);

  program
    .command('plan')
    .description('what the Google admin-role provisioning of an order would create, without writing anything')
    .requiredOption('-f, --file <path>', 'order file with integrations.googleAdminRoles')
    .action(async (opts: { file: string }) => {
      await withClient(async (client, config) => {
        const order = validateOrder(readInputFile(opts.file), config);
        const roles = order.integrations.googleAdminRoles;
        if (!roles) throw new CliError(`${opts.file} has no integrations.googleAdminRoles to plan`);
        const request = parseAdminRoleInput({ ...roles, mode: 'plan' });
        const result = await client.workflow.execute(googleAdminRoleProvisioning, {
          workflowId: `${integrationWorkflowId(order.orderId, 'googleAdminRoles')}:plan:${Date.now()}`,
          taskQueue: config.temporal.taskQueue,
          args: [request],
          priority: customerPriority(order.customer.id),
        });
        out(JSON.stringify(result.plan, null, 2));
      });
    });
}
