/**
 * `onramp sandbox ...`: each guide (seed) played end to end against the running `npm start` sandbox, one
 * command each. Everything comes from the sandbox's descriptor (.onramp/sandbox/sandbox.json): no ports,
 * customer IDs or keys to type. The humans of each guide are played through the simulators' admin API.
 */
import type { Command } from 'commander';
import { connectClient } from '../../client';
import { loadConfig } from '../../config';
import { DEFAULT_DELEGATION_SCOPES } from '../../domain/google-delegation-schema';
import { readSandboxDescriptor, type SandboxDescriptor } from '../descriptor';
import { runAdminRolesGuide } from './admin-roles-guide';
import { runAutotaskGuide } from './autotask-guide';
import { runConnectwiseGuide } from './connectwise-guide';
import { runDelegationGuide } from './delegation-guide';
import { admin, contextFromDescriptor, GuideError, type GuideContext } from './guide-steps';
import { registerDayTwoCommands, saveSnapshot } from './day-two-commands';
import { takeSnapshot } from './day-two-guide';
import { runOrderGuide } from './order-guide';
import { runSalesGuide, SALES_SYSTEMS } from './sales-guide';

export function descriptor(): SandboxDescriptor {
  const sb = readSandboxDescriptor(loadConfig().dataDir);
  if (!sb) throw new GuideError('no sandbox is running here: start it with `npm start` (in another terminal) first');
  return sb;
}

export async function withSandbox<T>(out: (s: string) => void, fn: (ctx: GuideContext) => Promise<T>): Promise<T> {
  const sb = descriptor();
  const config = loadConfig();
  const client = await connectClient({ ...config, temporal: { ...config.temporal, address: sb.temporalAddress } });
  const started = Date.now();
  try {
    return await fn(contextFromDescriptor(sb, client, out));
  } finally {
    out(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    await client.connection.close();
  }
}

export function registerSandboxCommands(program: Command, out: (s: string) => void): void {
  const sandbox = program
    .command('sandbox')
    .description('play a guide end to end against the simulators of `npm start`');
  sandbox
    .command('delegation')
    .description("seed 000: Google domain-wide delegation; also plays the customer's super admin")
    .option('--customer <domain>', 'customer domain (default: a new one per run)')
    .option(
      '--omit-scope <url...>',
      'the admin "forgets" these scopes (the onboarding waits; then `onramp sandbox grant`)'
    )
    .option('--grant-after <seconds>', 'seconds before the simulated admin clicks Authorize', '3')
    .option('--no-grant', 'do not play the admin: grant nothing')
    .action(async (opts: { customer?: string; omitScope?: string[]; grantAfter: string; grant: boolean }) => {
      await withSandbox(out, (ctx) =>
        runDelegationGuide(ctx, {
          customer: opts.customer,
          omitScopes: opts.omitScope,
          grant: opts.grant,
          grantAfterMs: Number(opts.grantAfter) * 1000,
        })
      );
    });
  sandbox
    .command('admin-roles')
    .description('seed 003: security group, members, custom admin role assigned per org unit')
    .action(async () => void (await withSandbox(out, (ctx) => runAdminRolesGuide(ctx))));
  sandbox
    .command('autotask')
    .description('seeds 001 + 004: security level, API user, webhook; then the API-user rotation of the webhook')
    .action(async () => void (await withSandbox(out, (ctx) => runAutotaskGuide(ctx))));
  sandbox
    .command('connectwise')
    .description('seed 002: security role, API member, key pair; the private key arrives missing, wrong, then right')
    .action(async () => void (await withSandbox(out, (ctx) => runConnectwiseGuide(ctx))));
  sandbox
    .command('order')
    .description(
      'one sales order with all four integrations through the intake API (saves a snapshot of the simulators just before the order: onramp sandbox compare <orderId>)'
    )
    .action(
      async () =>
        void (await withSandbox(out, (ctx) =>
          runOrderGuide(ctx, {
            beforeOrder: async (orderId) => {
              const file = saveSnapshot(orderId, await takeSnapshot(ctx));
              out(
                `\n(snapshot of every simulator before the order: ${file}; later: onramp sandbox compare ${orderId})`
              );
            },
          })
        ))
    );

  sandbox
    .command('sales <system>')
    .description(
      `issue 26: a deal moves to won in the simulated CRM (${SALES_SYSTEMS.join('|')}); its signed event reaches the intake, the order starts and completes`
    )
    .option('--without-admin', 'the deal has no "Technical admin" contact: the order waits; the operator supplies it')
    .action(async (system: string, opts: { withoutAdmin?: boolean }) => {
      if (!(SALES_SYSTEMS as readonly string[]).includes(system))
        throw new GuideError(`unknown sales system "${system}": use one of ${SALES_SYSTEMS.join(', ')}`);
      await withSandbox(out, (ctx) =>
        runSalesGuide(ctx, system as (typeof SALES_SYSTEMS)[number], { withoutAdmin: opts.withoutAdmin })
      );
    });

  registerDayTwoCommands(sandbox, out, { descriptor, withSandbox });

  sandbox
    .command('grant')
    .description('play the customer admin: authorize scopes for the sandbox service account')
    .requiredOption('--customer <domain>', 'the customer tenant whose admin authorizes')
    .option('--scope <url...>', 'scopes to authorize (default: the 16 of the guide)')
    .action(async (opts: { customer: string; scope?: string[] }) => {
      const sb = descriptor();
      const scopes = opts.scope ?? [...DEFAULT_DELEGATION_SCOPES];
      await admin(sb.googleUrl, 'PUT', `/domain-wide-delegation/${sb.serviceAccount.clientId}`, {
        domain: opts.customer,
        scopes,
      });
      out(
        `(simulated admin) authorized ${scopes.length} scopes; visible after ~${sb.propagationDelayMs / 1000} s. Then: onramp check-now <workflowId>`
      );
    });
}
