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
import { DEFAULT_DELEGATION_SCOPES, type DelegationRequest, type DelegationStatus } from '../domain/google-delegation';
import { InputError } from '../domain/validation';
import { readSandboxDescriptor } from '../sandbox/descriptor';
import {
  type ONRAMP_SEARCH_ATTRIBUTES,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../temporal/search-attributes';
import { checkNowSignal, delegationStatusQuery } from '../workflows';
import { formatDelegationStatus } from './format';

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
    .command('status <workflowId>')
    .description('show an onboarding: step, state, each scope')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const s = await client.workflow.getHandle(workflowId).query(delegationStatusQuery);
        out(opts.json ? JSON.stringify(s, null, 2) : formatDelegationStatus(s));
      });
    });

  program
    .command('check-now <workflowId>')
    .description('"granted, check now": the admin has granted; verify without waiting for the next poll')
    .action(async (workflowId: string) => {
      await withClient(async (client) => {
        await client.workflow.getHandle(workflowId).signal(checkNowSignal);
        out(`signalled ${workflowId}: checking now`);
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

  const sandbox = program.command('sandbox').description('try Onramp against the simulators started by `npm start`');
  sandbox
    .command('delegation')
    .description('run a sandbox Google delegation onboarding end to end; this command also plays the customer admin')
    .option('--customer <domain>', 'customer domain', 'acme.example')
    .option('--admin <email>', 'super admin who grants (default admin@<customer>)')
    .option(
      '--omit-scope <url...>',
      'the admin "forgets" these scopes (the onboarding waits; grant later with `onramp sandbox grant`)'
    )
    .option('--grant-after <seconds>', 'seconds before the simulated admin clicks Authorize', '3')
    .option('--no-grant', 'do not play the admin: grant nothing')
    .action(
      async (opts: { customer: string; admin?: string; omitScope?: string[]; grantAfter: string; grant: boolean }) => {
        const config = loadConfig();
        const sb = readSandboxDescriptor(config.dataDir);
        if (!sb)
          throw new CliError('no sandbox is running here: start it with `npm start` (in another terminal) first');
        const admin = opts.admin ?? `admin@${opts.customer}`;
        const post = async (path: string, method: string, body: unknown) => {
          const res = await fetch(`${sb.googleUrl}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          if (!res.ok) throw new CliError(`Google simulator ${method} ${path}: HTTP ${res.status}`);
        };
        await post('/__sim/google/users', 'POST', { email: admin });
        const order: DelegationRequest = {
          customer: { domain: opts.customer, name: 'Sandbox customer' },
          adminEmail: admin,
          vendor: { name: 'Atera', supportEmail: 'support@atera.com' },
          serviceAccount: sb.serviceAccount,
          polling: { initialIntervalSeconds: 5, maxIntervalSeconds: 60, deadlineHours: 24 },
        };
        await withClient(async (client, cfg) => {
          const handle = await startGoogleDelegation(
            client,
            { temporal: { ...cfg.temporal, address: sb.temporalAddress } },
            order
          );
          out(`started ${handle.workflowId}`);
          out(
            `watch it: ${sb.webUiUrl}/namespaces/${cfg.temporal.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`
          );
          const s = await handle.query(delegationStatusQuery);
          out('\nInstruction for the customer admin (published by the workflow):');
          out(s.instructions.text.replace(/^/gm, '  '));
          if (opts.grant) {
            const scopes = DEFAULT_DELEGATION_SCOPES.filter((x) => !(opts.omitScope ?? []).includes(x));
            await sleep(Number(opts.grantAfter) * 1000);
            await post(`/__sim/google/delegations/${sb.serviceAccount.clientId}`, 'PUT', {
              scopes,
              domain: opts.customer,
            });
            out(
              `\n(simulated admin) authorized ${scopes.length} scopes; Google propagates them in ~${sb.propagationDelayMs / 1000} s`
            );
          }
          const final = await follow(client, handle.workflowId, out);
          out('');
          out(formatDelegationStatus(final));
          if (final.state === 'completed')
            out(
              `\nDone: vendor support notified (inbox: ${sb.notifyUrl.replace(/\/notify$/, '')}/__sim/notifications)`
            );
          else throw new CliError(final.error ?? `onboarding ended in state ${final.state}`);
        });
      }
    );

  sandbox
    .command('grant')
    .description('play the customer admin: authorize scopes for the sandbox service account')
    .requiredOption('--customer <domain>', 'the customer tenant whose admin authorizes')
    .option('--scope <url...>', 'scopes to authorize (default: the 16 of the guide)')
    .action(async (opts: { customer: string; scope?: string[] }) => {
      const sb = readSandboxDescriptor(loadConfig().dataDir);
      if (!sb) throw new CliError('no sandbox is running here: start it with `npm start` first');
      const scopes = opts.scope ?? [...DEFAULT_DELEGATION_SCOPES];
      const res = await fetch(`${sb.googleUrl}/__sim/google/delegations/${sb.serviceAccount.clientId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scopes, domain: opts.customer }),
      });
      if (!res.ok) throw new CliError(`Google simulator answered HTTP ${res.status}`);
      out(
        `(simulated admin) authorized ${scopes.length} scopes; visible after ~${sb.propagationDelayMs / 1000} s. Then: onramp check-now <workflowId>`
      );
    });

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
