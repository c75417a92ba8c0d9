/**
 * `npm run bench`: Onramp under load against the vendor simulators (50–150 ms per call, the vendors'
 * published limits), on its own Temporal dev server and one worker process. Prints the figures, writes
 * bench/results/<timestamp>.json and a chart (.svg) next to it.
 *
 *   npm run bench                                   # every scenario, full sizes (~10 min on 2 cores)
 *   npm run bench -- --quick                        # every scenario, small sizes (~2 min)
 *   npm run bench -- --scenario delegation --sizes 1,100,1000
 *   npm run bench -- --scenario members --large-members 5000   # issue #24's group by reference (default 50,000)
 */
import { Command, InvalidArgumentError } from 'commander';
import { runBench, SCENARIOS, type BenchOptions, type ScenarioName } from './bench';
import { loadConfig } from '../src/config';
import { startBenchEnvironment } from './lib/environment';
import { writeResults } from './results';

function list(value: string): number[] {
  const out = value.split(',').map((s) => Number(s.trim()));
  if (!out.length || out.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('a comma-separated list of positive integers, e.g. 1,100,1000');
  return out;
}
function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}
function scenarios(value: string): ScenarioName[] {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (bad.length)
    throw new InvalidArgumentError(`unknown scenario ${bad.join(', ')}: choose from ${SCENARIOS.join(', ')}`);
  return names as ScenarioName[];
}

async function main(): Promise<void> {
  const cmd = new Command('bench')
    .description('Onramp load benchmark against the vendor simulators')
    .option('--scenario <names>', `comma-separated, from: ${SCENARIOS.join(', ')} (default: all)`, scenarios)
    .option('--quick', 'small sizes, under ~2 minutes', false)
    .option('--sizes <list>', 'concurrent delegation onboardings per run (default 1,100,1000; quick 1,20)', list)
    .option('--members <n>', 'members of the issue #3 group (default 1000)', count)
    .option('--limit-members <n>', 'members for the vendor-limit backlog (default 2000; quick 600)', count)
    .option(
      '--idle <n>',
      'onboardings of the four integrations left waiting on their human step (default 10000; quick 300)',
      count
    )
    .option('--reps <n>', 'repetitions of the overhead comparison (default 5; quick 3)', count)
    .option('--intake-rate <n>', 'intake requests per second (default 20; quick 10)', count)
    .option('--intake-seconds <n>', 'how long the intake runs (default 20; quick 5)', count)
    .option('--cw-customers <n>', 'customers synced into ConnectWise for its limit use (default 400; quick 60)', count)
    .option(
      '--cw-rpm <n>',
      "Onramp's ConnectWise pace per minute (default: ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE's)",
      count
    )
    .option(
      '--limit-workers <n>',
      'worker processes sharing the vendor limiters in the limits scenario (default 3)',
      count
    )
    .option(
      '--autotask-onboardings <n>',
      'Autotask onboardings of one database for its limits (default 40; quick 10)',
      count
    )
    .option('--kills <n>', 'kill -9 trials of the recovery scenario (default 5; quick 1)', count)
    .option('--large-members <n>', 'members of the members scenario, by org unit (default 50000; quick 2000)', count)
    .option('--fair-customers <n>', 'customers of the fairness scenario, one of them big (default 20)', count)
    .option('--fair-companies <n>', "the big customer's ConnectWise companies (default 2000; quick 200)", count)
    .option('--fair-members <n>', "the big customer's Google group members (default 5000; quick 600)", count)
    .option(
      '--fair-workers <n>',
      'worker processes of the fairness scenario, sharing limits in PostgreSQL (default 2)',
      count
    )
    .option('--out <dir>', 'where results go', 'bench/results')
    .parse();
  const o = cmd.opts<{
    scenario?: ScenarioName[];
    quick: boolean;
    sizes?: number[];
    members?: number;
    limitMembers?: number;
    idle?: number;
    reps?: number;
    intakeRate?: number;
    intakeSeconds?: number;
    cwCustomers?: number;
    cwRpm?: number;
    limitWorkers?: number;
    autotaskOnboardings?: number;
    kills?: number;
    largeMembers?: number;
    fairCustomers?: number;
    fairCompanies?: number;
    fairMembers?: number;
    fairWorkers?: number;
    out: string;
  }>();
  const options: BenchOptions = {
    scenarios: o.scenario ?? [...SCENARIOS],
    quick: o.quick,
    sizes: o.sizes ?? (o.quick ? [1, 20] : [1, 100, 1000]),
    groupMembers: o.members ?? 1000,
    limitMembers: o.limitMembers ?? (o.quick ? 600 : 2000),
    idleOnboardings: o.idle ?? (o.quick ? 300 : 10_000),
    overheadRepetitions: o.reps ?? (o.quick ? 3 : 5),
    intakeRatePerSecond: o.intakeRate ?? (o.quick ? 10 : 20),
    intakeSeconds: o.intakeSeconds ?? (o.quick ? 5 : 20),
    connectwiseCustomers: o.cwCustomers ?? (o.quick ? 60 : 400),
    connectwiseRequestsPerMinute: o.cwRpm ?? loadConfig({}).connectwise.requestsPerMinute,
    limitWorkers: o.limitWorkers,
    autotaskOnboardings: o.autotaskOnboardings,
    recoveryKills: o.kills,
    largeMembers: o.largeMembers,
    fairness: {
      ...(o.fairCustomers ? { customers: o.fairCustomers } : {}),
      ...(o.fairCompanies ? { bigCompanies: o.fairCompanies } : {}),
      ...(o.fairMembers ? { bigMembers: o.fairMembers } : {}),
      ...(o.fairWorkers ? { workers: o.fairWorkers } : {}),
    },
  };
  const log = (line: string) => console.log(`[bench] ${line}`);
  log(
    `starting a Temporal dev server and bundling the workflows (${options.quick ? 'quick' : 'full'} run: ${options.scenarios.join(', ')})`
  );
  const env = await startBenchEnvironment(log);
  try {
    const result = await runBench(env.ctx, options);
    const files = writeResults(result, o.out);
    log(`results: ${files.json}`);
    log(`chart:   ${files.svg}`);
  } finally {
    await env.teardown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  }
);
