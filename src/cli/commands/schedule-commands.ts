/** `onramp schedule ...`: Temporal Schedules for drift checks and rotations (validated before any change). */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { DRIFT_CHECK_HOURS } from '../../domain/customer-onboarding-schema';
import { validateOrder } from '../../services/orders';
import { driftCheckFromOrder, ensureDriftSchedule, ensureSchedule } from '../../services/schedules';
import { numberOption, readInputFile, withClient, type Out } from '../context';
import { rotationSchedule, ROTATION_WORKFLOWS, type RotationWorkflow } from '../rotation';

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
      // The order's ID and customer: each run reads what the order's onboarding has learnt by then.
      const drift = driftCheckFromOrder(order);
      await withClient(async (client) => {
        const r = await ensureDriftSchedule(client, config, drift, hours * 3600_000);
        out(`${r.outcome} schedule ${r.scheduleId} (every ${hours} h, overlap SKIP)`);
      });
    });
  schedule
    .command('rotation')
    .description(
      'run a rotation workflow periodically: autotaskWebhookRotation or connectwiseKeyRotation (input validated now)'
    )
    .requiredOption('-f, --file <path>', 'the workflow input (JSON or YAML)')
    .addOption(new Option('--workflow <type>').choices([...ROTATION_WORKFLOWS]).default('autotaskWebhookRotation'))
    .option('--every-days <n>', 'interval in days (1-365)', '90')
    .action(async (opts: { file: string; workflow: RotationWorkflow; everyDays: string }) => {
      const days = numberOption(opts.everyDays, '--every-days', 1, 365, 90);
      const spec = rotationSchedule(opts.workflow, readInputFile(opts.file), days * 86_400_000);
      await withClient(async (client, config) => {
        const outcome = await ensureSchedule(client, config, spec);
        out(`${outcome} schedule ${spec.scheduleId} (every ${days} days, overlap SKIP)`);
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
