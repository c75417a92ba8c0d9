/**
 * Orders (customerOnboarding) and any Onramp workflow: start, status, list, and the operator's actions.
 * Secrets are never taken from argv: they are read from stdin or a file, and written for the worker only
 * once the order is known to be waiting for them.
 */
import { rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Option, type Command } from 'commander';
import { codecFromConfig } from '../../codec';
import { loadConfig } from '../../config';
import { customerOnboardingWorkflowId, INTEGRATIONS } from '../../domain/customer-onboarding-schema';
import { customerOnboardingStatusQuery, type IntegrationName } from '../../contract/customer-onboarding-messages';
import { checkNowSignal, type DelegationStatus } from '../../contract/google-delegation-messages';
import { adminRoleMembersPageQuery } from '../../contract/google-admin-roles-messages';
import { MEMBER_DETAIL_PAGE } from '../../rules/google-admin-roles-rules';
import {
  acceptOrder,
  credentialTarget,
  getOrderStatus,
  orderAction,
  OrderNotFoundError,
  parseOrderId,
  startAcceptedOrder,
  validateCredential,
  type SuppliedSecret,
} from '../../services/orders';
import {
  type ONRAMP_SEARCH_ATTRIBUTES,
  OnrampCustomer,
  OnrampIntegration,
  OnrampState,
  OnrampStep,
  OnrampVendor,
} from '../../contract/search-attributes';
import { CliError, readInputFile, withClient, type Out } from '../context';
import { followOrder, formatDelegationStatus, formatOrderStatus, formatOtherStatus } from '../format';
import { PostgresSecretStore } from '../../secrets/secret-store';
import { readSecret, storeSecret } from '../secrets-input';

/** Who runs the CLI, for the secret store's audit: `--actor`, else the OS user and host. */
export function operatorName(actor?: string): string {
  if (actor) return actor;
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

/** An ID that exists, or undefined: the describe is how `status` learns a workflow's type. */
async function describeIfExists(client: Client, workflowId: string) {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * `onramp status <id>`: an order ID, the order's workflow ID, or the ID of any Onramp workflow (a child
 * such as `customer-onboarding:X:googleDelegation`, a schedule's run, a standalone onboarding). What is
 * shown is decided by the workflow's type, never by the shape of the ID.
 */
/** What `status --members` asks for: which list, which page (1-based, MEMBER_DETAIL_PAGE per page). */
interface MembersOption {
  list: 'failed' | 'added';
  page: number;
}

async function showStatus(client: Client, id: string, json: boolean, out: Out, members?: MembersOption): Promise<void> {
  let desc = id.includes(':') ? undefined : await describeIfExists(client, customerOnboardingWorkflowId(id));
  desc ??= await describeIfExists(client, id);
  if (!desc) {
    if (!id.includes(':')) throw new OrderNotFoundError(id);
    throw new CliError(`no workflow ${id}: give an order ID or a workflow ID (onramp list shows them)`);
  }
  const handle = client.workflow.getHandle(desc.workflowId);
  if (members) {
    if (desc.type !== 'googleAdminRoleProvisioning')
      throw new CliError(
        `--members pages a googleAdminRoles provisioning's members; ${desc.workflowId} is a ${desc.type} (give the child's workflow ID, e.g. customer-onboarding:<order>:googleAdminRoles)`
      );
    const page = await handle.query(adminRoleMembersPageQuery, {
      list: members.list,
      offset: (members.page - 1) * MEMBER_DETAIL_PAGE,
      limit: MEMBER_DETAIL_PAGE,
    });
    const pages = Math.max(1, Math.ceil(page.total / MEMBER_DETAIL_PAGE));
    if (json) out(JSON.stringify({ ...page, page: members.page, pages }, null, 2));
    else
      out(
        [
          `${members.list} members, page ${members.page} of ${pages} (${page.total} in all)`,
          ...page.items.map((m) => `  ${m.email} ${m.role}${m.reason ? `: ${m.reason}` : ''}`),
        ].join('\n')
      );
    return;
  }
  if (desc.type === 'customerOnboarding') {
    const { orderId } = await handle.query(customerOnboardingStatusQuery);
    const s = await getOrderStatus(client, orderId);
    out(json ? JSON.stringify(s, null, 2) : formatOrderStatus(s));
    return;
  }
  let s: unknown;
  try {
    s = await handle.query('status');
  } catch {
    // No status query (or not answering): what Temporal knows is still worth showing.
    s = undefined;
  }
  const sa = desc.typedSearchAttributes;
  const summary = {
    workflowId: desc.workflowId,
    type: desc.type,
    execution: desc.status.name,
    customer: sa.get(OnrampCustomer),
    integration: sa.get(OnrampIntegration),
    step: sa.get(OnrampStep),
    state: sa.get(OnrampState),
  };
  if (json) out(JSON.stringify({ ...summary, status: s }, null, 2));
  else if (desc.type === 'googleDelegationOnboarding' && s) out(formatDelegationStatus(s as DelegationStatus));
  else out(formatOtherStatus(s, summary));
}

export function registerOrderCommands(program: Command, out: Out): void {
  program
    .command('start')
    .description('start the onboarding of a sales order (JSON or YAML file); idempotent on orderId')
    .requiredOption(
      '-f, --file <path>',
      'order file: orderId, customer {id, name}, integrations {googleDelegation?, googleAdminRoles?, autotask?, connectwise?}'
    )
    .option('--wait', 'follow progress until the order ends')
    .action(async (opts: { file: string; wait?: boolean }) => {
      // Validated whole before connecting: a bad order is refused even when Temporal is down, and starts nothing.
      const config = loadConfig();
      const order = acceptOrder(readInputFile(opts.file), config);
      await withClient(async (client) => {
        const started = await startAcceptedOrder(client, config, order);
        out(`accepted order ${started.orderId} (workflow ${started.workflowId})`);
        if (opts.wait) {
          const s = await followOrder(client, started.orderId, out);
          if (s.state !== 'completed') throw new CliError(`order ended in state ${s.state}`);
        }
      });
    });

  program
    .command('status <id>')
    .description('show an order (by order ID) or any Onramp workflow (by workflow ID, e.g. a child)')
    .option('--json', 'machine-readable output')
    .addOption(
      new Option(
        '--members [list]',
        `a googleAdminRoles provisioning's members, ${MEMBER_DETAIL_PAGE} per page: failed (default) or added`
      ).choices(['failed', 'added'])
    )
    .option('--page <n>', 'with --members: which page (from 1)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new CliError(`--page: ${v} is not a page number (1, 2, …)`);
      return n;
    })
    .action(async (id: string, opts: { json?: boolean; members?: true | 'failed' | 'added'; page?: number }) => {
      if (opts.page !== undefined && !opts.members) throw new CliError('--page goes with --members');
      const members = opts.members
        ? { list: opts.members === true ? ('failed' as const) : opts.members, page: opts.page ?? 1 }
        : undefined;
      await withClient((client) => showStatus(client, id, opts.json ?? false, out, members));
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
        parseOrderId(orderId);
        await withClient(async (client) =>
          out(await orderAction(client, orderId, action, { integration: opts.integration }))
        );
      });
  }

  program
    .command('cancel <orderId>')
    .description(
      "cancel the onboarding of an order (its running integrations are cancelled, its customer's drift schedule paused)"
    )
    .action(async (orderId: string) => {
      parseOrderId(orderId);
      await withClient(async (client) => out(await orderAction(client, orderId, 'cancel')));
    });

  program
    .command('supply-credential <orderId>')
    .description('give an integration the credential it waits for; the secret is read from stdin or a file, never argv')
    .addOption(new Option('--integration <name>').choices(['autotask', 'connectwise']).makeOptionMandatory())
    .option('--username <key>', 'autotask: API user "Username (key)"')
    .option('--site <host>', 'connectwise: site host, e.g. na.myconnectwise.net')
    .option('--company-id <id>', 'connectwise: company ID')
    .option('--public-key <key>', 'connectwise: public key (not secret)')
    .option('--client-id <guid>', 'connectwise: integration clientId')
    .option('--secret-stdin', 'read the secret (Autotask secret, ConnectWise private key) from stdin')
    .option('--secret-file <path>', 'read the secret from this file')
    .option('--actor <name>', 'who supplies it, for the secret store audit (default: the OS user@host)')
    .action(
      async (
        orderId: string,
        opts: {
          integration: 'autotask' | 'connectwise';
          username?: string;
          site?: string;
          companyId?: string;
          publicKey?: string;
          clientId?: string;
          secretStdin?: boolean;
          secretFile?: string;
          actor?: string;
        }
      ) => {
        parseOrderId(orderId);
        const withSecret = opts.secretStdin || opts.secretFile;
        const credential = (ref: string | undefined): Record<string, string> =>
          Object.fromEntries(
            Object.entries(
              opts.integration === 'autotask'
                ? { username: opts.username, secretRef: ref }
                : {
                    site: opts.site,
                    companyId: opts.companyId,
                    publicKey: opts.publicKey,
                    clientId: opts.clientId,
                    privateKeyRef: ref,
                  }
            ).filter((e): e is [string, string] => e[1] !== undefined)
          );
        const config = loadConfig();
        // Every field checked before anything is read or written (the reference is a stand-in here).
        validateCredential(
          opts.integration,
          credential(withSecret ? 'file:/checked-before-writing' : undefined),
          config
        );
        await withClient(async (client) => {
          // The order must exist and wait for this credential before the secret is written anywhere.
          await credentialTarget(client, orderId, opts.integration);
          const secret = withSecret ? await readSecret(opts) : undefined;
          const supply = async (ref: string | undefined, stored?: SuppliedSecret) =>
            out(
              await orderAction(client, orderId, 'supply-credential', {
                integration: opts.integration,
                credential: credential(ref),
                config,
                secret: stored,
              })
            );
          if (secret && config.secretStore.url) {
            // The shared store the workers read (ONRAMP_SECRET_STORE_URL): the workflow gets a store: reference.
            const store = new PostgresSecretStore(config.secretStore.url, await codecFromConfig(config));
            try {
              await supply(undefined, { value: secret, store, actor: operatorName(opts.actor), via: 'cli' });
            } finally {
              await store.close();
            }
            return;
          }
          const ref = secret ? storeSecret(`${orderId}-${opts.integration}`, secret) : undefined;
          try {
            await supply(ref);
          } catch (err) {
            // A refused secret is of no use to anyone: do not leave it on disk.
            if (ref) rmSync(ref.slice('file:'.length), { force: true });
            throw err;
          }
        });
      }
    );

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
    .option('--customer <id>', "the order's customer ID (OnrampCustomer): every workflow of its orders")
    .option('--vendor <name>')
    .option('--integration <name>', 'e.g. customer-onboarding, google-delegation, autotask-onboarding')
    .addOption(new Option('--state <state>').choices(['running', 'waiting-for-operator', 'completed', 'failed']))
    .option('--limit <n>', 'at most this many', '50')
    .action(
      async (opts: { customer?: string; vendor?: string; integration?: string; state?: string; limit: string }) => {
        const q = (v: string) => `"${v.replace(/["\\]/g, '')}"`;
        const parts = ['OnrampIntegration IS NOT NULL'];
        if (opts.customer) parts.push(`OnrampCustomer = ${q(opts.customer)}`);
        if (opts.vendor) parts.push(`OnrampVendor = ${q(opts.vendor)}`);
        if (opts.integration) parts.push(`OnrampIntegration = ${q(opts.integration)}`);
        if (opts.state) parts.push(`OnrampState = ${q(opts.state)}`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new CliError('--limit: must be a whole number from 1 to 10000');
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
      }
    );
}
