/** `onramp schedule ...`: Temporal Schedules for drift checks and rotations (validated before any change). */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { autotaskRotationWorkflowId, parseAutotaskRotationInput } from '../../domain/autotask';
import { DRIFT_CHECK_HOURS } from '../../domain/customer-onboarding';
import { validateOrder } from '../../orders';
import { driftCheckFromOrder, ensureDriftSchedule, ensureSchedule } from '../../schedules';
import { ONRAMP_INTEGRATION } from '../../temporal/search-attributes';
import { CliError, numberOption, readInputFile, withClient, type Out } from '../context';

export function registerScheduleCommands(program: Command, out: Out): void {
  const schedule = program.command('schedule').description('Temporal Schedules: periodic drift checks and rotations');
  schedule
    .command('drift')
    .description("create or update the periodic drift check of an order's customer (idempotent)")
    .requiredOption('-f, --file <path>', 'the order file the customer was onboarded with')
    .option('--every-hours <n>', `interval in hours (${DRIFT_CHECK_HOURS.min}-${DRIFT_CHECK_HOURS.max})`, '24')
    .action(async (opts: { file: string; everyHours: string }) => {
      const hours = numberOption(opts.everyHours, '--every-hours', DRIFT_CHECK_HOURS.min, DRIFT_CHECK_HOURS.max, 24);
      const config = loadConfig();
      const order = validateOrder(readInputFile(opts.file), config);
      const drift = driftCheckFromOrder(order);
      if (!drift) throw new CliError(`${opts.file} carries no credentials a drift check could verify`);
      await withClient(async (client) => {
        const r = await ensureDriftSchedule(client, config, drift, hours * 3600_000);
        out(`${r.outcome} schedule ${r.scheduleId} (every ${hours} h, overlap SKIP)`);
      });
    });
  schedule
    .command('rotation')
    .description('run a rotation workflow periodically, e.g. autotaskWebhookRotation (input validated now)')
    .requiredOption('-f, --file <path>', 'the workflow input (JSON or YAML)')
    .addOption(new Option('--workflow <type>').choices(['autotaskWebhookRotation']).default('autotaskWebhookRotation'))
    .option('--every-days <n>', 'interval in days (1-365)', '90')
    .action(async (opts: { file: string; workflow: string; everyDays: string }) => {
      const days = numberOption(opts.everyDays, '--every-days', 1, 365, 90);
      const input = parseAutotaskRotationInput(readInputFile(opts.file));
      await withClient(async (client, config) => {
        const scheduleId = `rotation:${autotaskRotationWorkflowId(input)}`;
        const outcome = await ensureSchedule(client, config, {
          scheduleId,
          workflowType: opts.workflow,
          args: [input],
          everyMs: days * 86_400_000,
          customerId: input.customer.id,
          integration: ONRAMP_INTEGRATION.autotaskWebhookRotation,
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
}
