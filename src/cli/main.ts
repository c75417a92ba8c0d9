/**
 * `onramp`: the operator CLI. Talks to Temporal through the client (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE).
 * Secrets are never taken from argv: orders carry secret *references*.
 */
import { readFileSync } from 'node:fs';

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { connectClient, startGoogleDelegation } from '../client';
import { loadConfig, type OnrampConfig } from '../config';
import type { DelegationRequest, DelegationStatus } from '../domain/google-delegation';
import { InputError } from '../domain/validation';
import {
  type ONRAMP_SEARCH_ATTRIBUTES,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../temporal/search-attributes';
import { checkNowSignal, delegationStatusQuery, googleAdminRoleProvisioning } from '../workflows';
import {
  getOrderStatus,
  OperatorActionError,
  orderAction,
  OrderConflictError,
  OrderNotFoundError,
  startOrder,
} from '../orders';
import {
  INTEGRATIONS,
  integrationWorkflowId,
  parseOrder,
  type IntegrationName,
  type OrderRequest,
} from '../domain/customer-onboarding';
import { readSecret, storeSecret } from './secrets-input';
import { driftCheckFromOrder, ensureDriftSchedule, ensureSchedule } from '../schedules';
import { autotaskRotationWorkflowId, parseAutotaskRotationInput } from '../domain/autotask';
import { followOrder, formatDelegationStatus, formatOrderStatus } from './format';
import { registerSandboxCommands } from './sandbox';

class CliError extends Error {}

function readOrderFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

async function withClient<T>(fn: (client: Client, config: OnrampConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new CliError(
      `cannot reach Temporal at ${config.temporal.address} (${(err as Error).message}). Is it running? (npm start runs one)`
    );
  }
  try {
    return await fn(client, config);
  } finally {
    await client.connection.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Print status changes until the onboarding ends; returns its final status. */
async function follow(client: Client, workflowId: string, print: (s: string) => void): Promise<DelegationStatus> {
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

export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Command {
  const program = new Command('onramp')
    .description('Onramp: vendor integration onboardings as durable Temporal workflows')
    .showHelpAfterError('(run with --help for usage)');

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
      const order = readOrderFile(opts.file) as DelegationRequest;
      await withClient(async (client, config) => {
        const handle = await startGoogleDelegation(client, config, order);
        out(`started ${handle.workflowId}`);
        if (opts.wait) {
          const s = await follow(client, handle.workflowId, out);
          if (s.state !== 'completed') throw new CliError(s.error ?? `onboarding ended in state ${s.state}`);
        }
      });
    });

  program
    .command('start')
    .description('start the onboarding of a sales order (JSON or YAML file); idempotent on orderId')
    .requiredOption(
      '-f, --file <path>',
      'order file: orderId, customer {id, name}, integrations {googleDelegation?, googleAdminRoles?, autotask?, connectwise?}'
    )
    .option('--wait', 'follow progress until the order ends')
    .action(async (opts: { file: string; wait?: boolean }) => {
      const order = readOrderFile(opts.file) as OrderRequest;
      await withClient(async (client, config) => {
        const started = await startOrder(client, config, order);
        out(`accepted order ${started.orderId} (workflow ${started.workflowId})`);
        if (opts.wait) {
          const s = await followOrder(client, started.orderId, out);
          if (s.state !== 'completed') throw new CliError(`order ended in state ${s.state}`);
        }
      });
    });

  program
    .command('status <id>')
    .description('show an order (by order ID) or one onboarding workflow (by workflow ID)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const orderId = id.startsWith('customer-onboarding:')
          ? id.slice('customer-onboarding:'.length)
          : id.includes(':')
            ? undefined
            : id;
        if (orderId) {
          const s = await getOrderStatus(client, orderId);
          out(opts.json ? JSON.stringify(s, null, 2) : formatOrderStatus(s));
          return;
        }
        const handle = client.workflow.getHandle(id);
        const desc = await handle.describe();
        const s: unknown = await handle.query('status');
        if (!opts.json && desc.type === 'googleDelegationOnboarding')
          out(formatDelegationStatus(s as DelegationStatus));
        else out(JSON.stringify(s, null, 2));
      });
    });

  for (const [action, description] of [
    ['retry', 'start one failed integration of an order again'],
    ['abandon', 'give up on one failed integration so the order can finish'],
  ] as const) {
    program
      .command(`${action} <orderId>`)
      .description(description)
      .addOption(
        new Option('--integration <name>', 'which integration').choices([...INTEGRATIONS]).makeOptionMandatory()
      )
      .action(async (orderId: string, opts: { integration: IntegrationName }) => {
        await withClient(async (client) =>
          out(await orderAction(client, orderId, action, { integration: opts.integration }))
        );
      });
  }

  program
    .command('cancel <orderId>')
    .description('cancel the onboarding of an order (its running integrations are cancelled too)')
    .action(async (orderId: string) => {
      await withClient(async (client) => out(await orderAction(client, orderId, 'cancel')));
    });

  program
    .command('supply-credential <orderId>')
    .description('give an integration the credential it waits for; the secret is read from stdin or a file, never argv')
    .addOption(new Option('--integration <name>').choices(['autotask', 'connectwise']).makeOptionMandatory())
    .option('--username <key>', 'autotask: API user "Username (key)"')
    .option('--integration-code <code>', 'autotask: the tracking identifier')
    .option('--site <host>', 'connectwise: site host, e.g. na.myconnectwise.net')
    .option('--company-id <id>', 'connectwise: company ID')
    .option('--public-key <key>', 'connectwise: public key (not secret)')
    .option('--client-id <guid>', 'connectwise: integration clientId')
    .option('--secret-stdin', 'read the secret (Autotask secret, ConnectWise private key) from stdin')
    .option('--secret-file <path>', 'read the secret from this file')
    .action(
      async (
        orderId: string,
        opts: {
          integration: 'autotask' | 'connectwise';
          username?: string;
          integrationCode?: string;
          site?: string;
          companyId?: string;
          publicKey?: string;
          clientId?: string;
          secretStdin?: boolean;
          secretFile?: string;
        }
      ) => {
        const secret = opts.secretStdin || opts.secretFile ? await readSecret(opts) : undefined;
        const ref = secret ? storeSecret(`${orderId}-${opts.integration}`, secret) : undefined;
        const credential =
          opts.integration === 'autotask'
            ? { username: opts.username, integrationCode: opts.integrationCode, secretRef: ref }
            : Object.fromEntries(
                Object.entries({
                  site: opts.site,
                  companyId: opts.companyId,
                  publicKey: opts.publicKey,
                  clientId: opts.clientId,
                  privateKeyRef: ref,
                }).filter(([, v]) => v !== undefined)
              );
        await withClient(async (client) =>
          out(await orderAction(client, orderId, 'supply-credential', { integration: opts.integration, credential }))
        );
      }
    );

  program
    .command('plan')
    .description('what the Google admin-role provisioning of an order would create, without writing anything')
    .requiredOption('-f, --file <path>', 'order file with integrations.googleAdminRoles')
    .action(async (opts: { file: string }) => {
      const order = parseOrder(readOrderFile(opts.file));
      const roles = order.integrations.googleAdminRoles;
      if (!roles) throw new CliError(`${opts.file} has no integrations.googleAdminRoles to plan`);
      await withClient(async (client, config) => {
        const request = { ...roles, mode: 'plan' as const };
        const result = await client.workflow.execute(googleAdminRoleProvisioning, {
          workflowId: `${integrationWorkflowId(order.orderId, 'googleAdminRoles')}:plan:${Date.now()}`,
          taskQueue: config.temporal.taskQueue,
          args: [request],
        });
        out(JSON.stringify(result.plan, null, 2));
      });
    });

  program
    .command('check-now <id>')
    .description(
      '"granted, check now": the admin has granted; verify without waiting (order ID or delegation workflow ID)'
    )
    .action(async (id: string) => {
      await withClient(async (client) => {
        if (!id.includes(':')) return out(await orderAction(client, id, 'check-now'));
        await client.workflow.getHandle(id).signal(checkNowSignal);
        out(`signalled ${id}: checking now`);
      });
    });

  program
    .command('list')
    .description('list onboardings, filtered by search attributes')
    .option('--customer <domain>')
    .option('--vendor <name>')
    .addOption(new Option('--state <state>').choices(['running', 'waiting-for-operator', 'completed', 'failed']))
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { customer?: string; vendor?: string; state?: string; limit: string }) => {
      const q = (v: string) => `"${v.replace(/["\\]/g, '')}"`;
      const parts = ['OnrampIntegration IS NOT NULL'];
      if (opts.customer) parts.push(`OnrampCustomer = ${q(opts.customer)}`);
      if (opts.vendor) parts.push(`OnrampVendor = ${q(opts.vendor)}`);
      if (opts.state) parts.push(`OnrampState = ${q(opts.state)}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive whole number');
      await withClient(async (client) => {
        let n = 0;
        for await (const wf of client.workflow.list({ query: parts.join(' AND ') })) {
          const sa = wf.typedSearchAttributes;
          const v = (k: (typeof ONRAMP_SEARCH_ATTRIBUTES)[number]) => sa.get(k) ?? '-';
          out(
            [
              wf.workflowId,
              v(OnrampIntegration),
              v(OnrampCustomer),
              v(OnrampVendor),
              v(OnrampStep),
              v(OnrampState),
            ].join('  ')
          );
          if (++n >= limit) break;
        }
        if (!n) out('no onboardings match');
      });
    });

  const schedule = program.command('schedule').description('Temporal Schedules: periodic drift checks and rotations');
  schedule
    .command('drift')
    .description("create or update the periodic drift check of an order's customer (idempotent)")
    .requiredOption('-f, --file <path>', 'the order file the customer was onboarded with')
    .option('--every-hours <n>', 'interval in hours', '24')
    .action(async (opts: { file: string; everyHours: string }) => {
      const order = parseOrder(readOrderFile(opts.file));
      const hours = Number(opts.everyHours);
      if (!(hours > 0)) throw new CliError('--every-hours must be a positive number');
      const drift = driftCheckFromOrder(order);
      if (!drift) throw new CliError(`${opts.file} carries no credentials a drift check could verify`);
      await withClient(async (client, config) => {
        const r = await ensureDriftSchedule(client, config, drift, hours * 3600_000);
        out(`${r.outcome} schedule ${r.scheduleId} (every ${hours} h, overlap SKIP)`);
      });
    });
  schedule
    .command('rotation')
    .description('run a rotation workflow periodically, e.g. autotaskWebhookRotation (input validated now)')
    .requiredOption('-f, --file <path>', 'the workflow input (JSON or YAML)')
    .addOption(new Option('--workflow <type>').choices(['autotaskWebhookRotation']).default('autotaskWebhookRotation'))
    .option('--every-days <n>', 'interval in days', '90')
    .action(async (opts: { file: string; workflow: string; everyDays: string }) => {
      const input = parseAutotaskRotationInput(readOrderFile(opts.file));
      const days = Number(opts.everyDays);
      if (!(days > 0)) throw new CliError('--every-days must be a positive number');
      await withClient(async (client, config) => {
        const scheduleId = `rotation:${autotaskRotationWorkflowId(input)}`;
        const outcome = await ensureSchedule(client, config, {
          scheduleId,
          workflowType: opts.workflow,
          args: [input],
          everyMs: days * 86_400_000,
          customerId: input.customer.id,
          integration: 'autotask-webhook-rotation',
          summary: `Autotask webhook rotation for ${input.customer.id}`,
        });
        out(`${outcome} schedule ${scheduleId} (every ${days} days, overlap SKIP)`);
      });
    });
  schedule
    .command('list')
    .description("list Onramp's schedules")
    .action(async () => {
      await withClient(async (client) => {
        let n = 0;
        for await (const s of client.schedule.list()) {
          out(
            `${s.scheduleId}  ${s.action?.type === 'startWorkflow' ? s.action.workflowType : ''}  next ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}`
          );
          n++;
        }
        if (!n) out('no schedules');
      });
    });

  registerSandboxCommands(program, out);

  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (code?.startsWith('commander.')) return 2; // commander already printed the usage error
    if (err instanceof InputError || err instanceof CliError) process.stderr.write(`onramp: ${err.message}\n`);
    else if (
      err instanceof OrderNotFoundError ||
      err instanceof OperatorActionError ||
      err instanceof OrderConflictError
    )
      process.stderr.write(`onramp: ${err.message}\n`);
    else if (err instanceof WorkflowNotFoundError) process.stderr.write(`onramp: no such onboarding: ${err.message}\n`);
    else process.stderr.write(`onramp: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1)
  );
}
