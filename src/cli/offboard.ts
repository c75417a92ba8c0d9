/**
 * `onramp offboard <orderId> [--plan] [--wait] [--operator-done <integration>]`: remove what an order's
 * onboarding set up, in reverse order; the plan lists it without writing anything.
 */
import { Option, type Command } from 'commander';
import { offboardingWorkflowId } from '../domain/offboarding-schema';
import { offboardingOperatorDone, planOffboarding, startOffboarding } from '../services/offboarding';
import {
  offboardingStatusQuery,
  type OffboardingIntegration,
  type OffboardingStatus,
} from '../contract/offboarding-messages';
import { CliError, sleep, withClient, type Out } from './context';

/** The plan or report as text: one line per step, then the notes and what the operator must do. */
export function formatOffboarding(s: OffboardingStatus): string {
  const lines = [`offboarding ${s.mode === 'plan' ? 'plan ' : ''}of order ${s.orderId} (${s.customer}): ${s.state}`];
  for (const st of s.steps)
    lines.push(
      `  [${st.state}] ${st.integration}: ${st.action}${st.by === 'operator' ? ' (operator)' : ''}${st.detail ? ` — ${st.detail}` : ''}`
    );
  if (!s.steps.length) lines.push('  nothing to remove');
  for (const n of s.notes) lines.push(`  note: ${n}`);
  for (const i of s.instructions) lines.push(`\n  OPERATOR (${i.integration}): ${i.text}`);
  return lines.join('\n');
}

export function registerOffboardCommand(program: Command, out: Out): void {
  program
    .command('offboard <orderId>')
    .description(
      'remove what the onboarding of an order set up, in reverse order (operator steps are asked for and verified)'
    )
    .option('--plan', 'only list what would be removed; writes nothing')
    .option('--wait', 'follow the offboarding until it ends, printing what the operator must do')
    .option(
      '--keep-credentials-days <days>',
      "keep the customer's stored credentials and rotation state this many days, then delete them (default: delete at the end)",
      (v: string) => {
        if (!/^\d{1,4}$/.test(v) || Number(v) < 1)
          throw new CliError('--keep-credentials-days: a whole number of days, at least 1');
        return Number(v);
      }
    )
    .addOption(
      new Option(
        '--operator-done <integration>',
        'tell a running offboarding that a UI step is done: verify it now'
      ).choices(['googleDelegation', 'autotask', 'connectwise'])
    )
    .action(
      async (
        orderId: string,
        opts: { plan?: boolean; wait?: boolean; operatorDone?: OffboardingIntegration; keepCredentialsDays?: number }
      ) => {
        await withClient(async (client, config) => {
          if (opts.operatorDone) return out(await offboardingOperatorDone(client, orderId, opts.operatorDone));
          if (opts.plan) return out(formatOffboarding(await planOffboarding(client, config, orderId)));
          const started = await startOffboarding(client, config, orderId, {
            retainCredentialsDays: opts.keepCredentialsDays,
          });
          out(`offboarding order ${orderId} (workflow ${started.workflowId})`);
          if (started.pausedSchedules?.length) out(`paused schedule(s): ${started.pausedSchedules.join(', ')}`);
          const handle = client.workflow.getHandle(offboardingWorkflowId(orderId));
          let last = '';
          for (;;) {
            const desc = await handle.describe();
            const s = await handle.query(offboardingStatusQuery);
            const text = formatOffboarding(s);
            if (text !== last) out(text);
            last = text;
            // A retention keeps the workflow open after it completed: the offboarding itself is done.
            if (desc.status.name !== 'RUNNING' || !opts.wait || s.state === 'completed') {
              if (desc.status.name === 'FAILED')
                throw new CliError(
                  `the offboarding of order ${orderId} failed: onramp offboard ${orderId} --plan shows what is left`
                );
              return;
            }
            await sleep(1000);
          }
        });
      }
    );
}
