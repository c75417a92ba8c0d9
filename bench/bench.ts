import { cpus, totalmem } from 'node:os';
import type { BenchContext } from './lib/environment';
import { connectwiseLimits, type ConnectwiseLimitResult } from './scenarios/connectwise-limits';
import { delegationThroughput, type ThroughputResult } from './scenarios/delegation-throughput';
import {
  GOOGLE_DIRECTORY_QUOTA,
  provisionGroup,
  type DirectoryQuota,
  type GroupRunResult,
} from './scenarios/google-directory';
import { idleMemory, type IdleMemoryResult } from './scenarios/idle-memory';
import { largeMemberList, type LargeMemberListResult } from './scenarios/members';
import { intakeLatency, type IntakeResult } from './scenarios/intake';
import { sandboxIntake } from './scenarios/intake-sandbox';
import { autotaskLimits, type AutotaskLimitResult } from './scenarios/autotask-limits';
import { recovery, type RecoveryResult } from './scenarios/recovery';
import { fairness, type FairnessResult, type FairnessSizes } from './scenarios/fairness';
import { postgresAvailable, startThrowawayPostgres } from './lib/postgres';
import { orchestrationOverhead, type OverheadResult } from './scenarios/overhead';

export const SCENARIOS = [
  'delegation',
  'overhead',
  'group',
  'limits',
  'intake',
  'idle',
  'recovery',
  'members',
  'fairness',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  quick: boolean;
  sizes: number[];
  groupMembers: number;
  limitMembers: number;
  idleOnboardings: number;
  overheadRepetitions: number;
  intakeRatePerSecond: number;
  intakeSeconds: number;
  connectwiseCustomers: number;
  /** Onramp's ConnectWise pace (requests/min); default: what src/config.ts configures. */
  connectwiseRequestsPerMinute: number;
  /** Worker processes sharing the vendor limiters (PostgreSQL) in the limits scenario (default 3). */
  limitWorkers?: number;
  /** Autotask onboardings of one database in the limits scenario (default 40; quick 10). */
  autotaskOnboardings?: number;
  /** Also measure the intake inside `npm start` (on free ports; default: on the benchmark's own server only). */
  intakeSandbox?: boolean;
  /** kill -9 trials of the recovery scenario (default 5; quick 1). */
  recoveryKills?: number;
  /** Members of the large-list scenario, given by org unit (default 50,000; quick 2,000). */
  largeMembers?: number;
  /** The fairness scenario's customers and sizes (defaults: fairnessSizes). */
  fairness?: Partial<FairnessSizes>;
}

/** Issue 25: 20 customers, the big one with 2,000 ConnectWise companies and a 5,000-member Google group. */
export function fairnessSizes(quick: boolean, o: Partial<FairnessSizes> = {}): FairnessSizes {
  return {
    customers: 20,
    bigCompanies: quick ? 200 : 2000,
    bigMembers: quick ? 600 : 5000,
    smallCompanies: 3,
    smallMembers: 5,
    workers: 2,
    connectwiseSpeedup: 2,
    ...o,
  };
}

/**
 * Google's 2,400/min compressed to 400 per 10 s (the same rate), so a backlog spans several full quota
 * windows within a minute of benchmark; the limiter's guard shrinks in proportion but still covers the
 * simulator's 150 ms of latency jitter.
 */
export const COMPRESSED_DIRECTORY_QUOTA: DirectoryQuota = { limit: 400, windowMs: 10_000, guardMs: 200 };

export interface BenchResult {
  schema: 'onramp-bench/1';
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  options: BenchOptions;
  machine: { cpus: number; totalMemoryMB: number; node: string; platform: string };
  scenarios: {
    delegation?: ThroughputResult;
    overhead?: OverheadResult;
    /** Issue #3: a 1,000-member group at Google's 2,400/min. */
    group?: GroupRunResult;
    /** Vendor-limit use while a backlog exists, N worker processes sharing the limiter through PostgreSQL. */
    limits?: { googleDirectory: GroupRunResult; connectwise: ConnectwiseLimitResult; autotask: AutotaskLimitResult };
    /** Issue 25: one big customer and many small ones on one worker pool, each with limits of its own. */
    fairness?: FairnessResult;
    /** kill -9 of a worker mid-work: how long interrupted onboardings take to resume on a new worker. */
    recovery?: RecoveryResult;
    /** Intake API latency at a steady rate; its orders run customerOnboarding end to end. */
    intake?: IntakeResult;
    idle?: IdleMemoryResult;
    /** Issue #24: a group of tens of thousands by reference, at the Directory quota's own rate. */
    members?: LargeMemberListResult;
  };
  skipped: { scenario: string; reason: string }[];
}

export async function runBench(ctx: BenchContext, options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const scenarios: BenchResult['scenarios'] = {};
  const skipped: BenchResult['skipped'] = [];
  const want = new Set(options.scenarios);
  if (want.has('delegation')) scenarios.delegation = await delegationThroughput(ctx, options.sizes);
  if (want.has('overhead')) scenarios.overhead = await orchestrationOverhead(ctx, options.overheadRepetitions);
  if (want.has('group')) scenarios.group = await provisionGroup(ctx, options.groupMembers, GOOGLE_DIRECTORY_QUOTA);
  if (want.has('limits')) {
    const workers = options.limitWorkers ?? 3;
    // The workers share their limiter state through PostgreSQL, as production's do (ONRAMP_LIMITER_POSTGRES_URL).
    const pg = workers > 1 && postgresAvailable() ? await startThrowawayPostgres() : undefined;
    if (workers > 1 && !pg)
      skipped.push({
        scenario: 'limits',
        reason: 'no PostgreSQL server binaries: workers limited alone (apt-get install postgresql)',
      });
    // ONRAMP_BENCH_LIMIT_VENDORS=autotask,... runs some vendors only (while working on one).
    const only = process.env.ONRAMP_BENCH_LIMIT_VENDORS?.split(',');
    const run = (v: string) => !only || only.includes(v);
    try {
      scenarios.limits = {
        googleDirectory: run('google')
          ? await provisionGroup(ctx, options.limitMembers, COMPRESSED_DIRECTORY_QUOTA, workers, pg?.url)
          : (undefined as never),
        connectwise: run('connectwise')
          ? await connectwiseLimits(
              ctx,
              options.connectwiseCustomers,
              options.connectwiseRequestsPerMinute,
              workers,
              pg?.url
            )
          : (undefined as never),
        autotask: run('autotask')
          ? await autotaskLimits(ctx, options.autotaskOnboardings ?? (options.quick ? 10 : 40), workers, pg?.url)
          : (undefined as never),
      };
    } finally {
      await pg?.stop();
    }
  }
  if (want.has('intake')) {
    scenarios.intake = await intakeLatency(ctx, options.intakeRatePerSecond, options.intakeSeconds);
    if (options.intakeSandbox ?? ctx.ownServer) {
      try {
        scenarios.intake.sandbox = await sandboxIntake(ctx.log, options.intakeRatePerSecond, options.intakeSeconds);
      } catch (err) {
        skipped.push({ scenario: 'intake.sandbox', reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  if (want.has('recovery')) scenarios.recovery = await recovery(ctx, options.recoveryKills ?? (options.quick ? 1 : 5));
  if (want.has('fairness')) {
    const sizes = fairnessSizes(options.quick, options.fairness);
    const pg = sizes.workers > 1 && postgresAvailable() ? await startThrowawayPostgres() : undefined;
    if (sizes.workers > 1 && !pg)
      skipped.push({ scenario: 'fairness', reason: 'no PostgreSQL server binaries: each worker limited alone' });
    try {
      scenarios.fairness = await fairness(ctx, sizes, pg?.url);
    } finally {
      await pg?.stop();
    }
  }
  if (want.has('idle')) scenarios.idle = await idleMemory(ctx, options.idleOnboardings);
  if (want.has('members'))
    scenarios.members = await largeMemberList(
      ctx,
      options.largeMembers ?? (options.quick ? 2000 : 50_000),
      COMPRESSED_DIRECTORY_QUOTA
    );
  return {
    schema: 'onramp-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    options,
    machine: {
      cpus: cpus().length,
      totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      platform: process.platform,
    },
    scenarios,
    skipped,
  };
}
