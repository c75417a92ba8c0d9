/** `onramp delegation reverify`; the rotation schedules live in src/services/rotation-schedules.ts (shared with orders). */
import type { Command } from 'commander';
import { parseDelegationInput } from '../domain/google-delegation-schema';
import type { googleDelegationReverify } from '../workflows';
import { readInputFile, withClient, type Out } from './context';
import { customerPriority } from '../rules/fairness';

export { ROTATION_WORKFLOWS, rotationSchedule, type RotationWorkflow } from '../services/rotation-schedules';

/** `onramp delegation reverify -f <delegation input> --key-ref <ref>`: prove delegation with a new service-account key. */
export function registerReverifyCommand(delegation: Command, out: Out): void {
  delegation
    .command('reverify')
    .description('after the vendor made a new service-account key: verify delegation with it (no new grant needed)')
    .requiredOption('-f, --file <path>', 'the delegation input (customer, adminEmail, vendor, serviceAccount, scopes?)')
    .option(
      '--key-ref <ref>',
      'the new key as a secret reference (file:/path or env:NAME); default: the one in the file'
    )
    .action(async (opts: { file: string; keyRef?: string }) => {
      const raw = readInputFile(opts.file) as { serviceAccount?: Record<string, unknown> } | null;
      // The new key replaces the file's; validated with everything else (a bad reference names its field).
      const input = parseDelegationInput(
        opts.keyRef && raw && typeof raw === 'object'
          ? { ...raw, serviceAccount: { ...raw.serviceAccount, keyRef: opts.keyRef } }
          : raw
      );
      await withClient(async (client, config) => {
        const r = await client.workflow.execute<typeof googleDelegationReverify>('googleDelegationReverify', {
          workflowId: `google-delegation-reverify:${input.customer.domain}:${input.serviceAccount.clientId}:${Date.now()}`,
          taskQueue: config.temporal.taskQueue,
          args: [input],
          priority: customerPriority(input.customer.domain),
        });
        out(
          r.verified
            ? `delegation verified with the new key for ${input.scopes.length} scopes`
            : `not granted with the new key: ${r.missing.join(', ')}`
        );
      });
    });
}
