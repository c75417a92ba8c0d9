import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type OnrampActivities } from './activities';
import { autoHeartbeat } from './activities/heartbeat';
import { dataConverterFromConfig } from './codec';
import { loadConfig, type OnrampConfig } from './config';
import { createLogger, type Logger } from './logger';
import { installRuntime } from './temporal/runtime';

export interface CreateWorkerOptions {
  config: OnrampConfig;
  /** Defaults to a new connection to `config.temporal.address`. */
  connection?: NativeConnection;
  /** Override activity endpoints (tests and the sandbox point them at simulators). */
  activities?: OnrampActivities;
  logger?: Logger;
  /** Defaults to the encrypting converter built from `config.codec` (src/codec). */
  dataConverter?: DataConverter;
}

/**
 * Modules the workflow bundle evaluates once per worker and shares between all workflows (the SDK's
 * `preloadModules`), instead of once per cached workflow. With a reused V8 context the SDK gives every
 * workflow its own copy of every module it did not preload; Onramp's domain modules build ~600 zod schema
 * objects at load, which made each cached workflow cost ~2 MB (heap snapshot diff, issue 13). They are
 * pure (immutable schemas and functions, no per-workflow state), so sharing them is safe.
 */
export const WORKFLOW_PRELOAD_MODULES: string[] = [
  'zod',
  ...[
    'validation',
    'autotask',
    'connectwise',
    'google-delegation',
    'google-admin-roles',
    'customer-onboarding',
    'drift',
  ].map((m) => require.resolve(`./domain/${m}`)),
];

/**
 * Cached workflows per worker unless ONRAMP_MAX_CACHED_WORKFLOWS says otherwise. The SDK's default grows with
 * the heap limit (~2,300 on a 4 GB heap): every waiting onboarding stayed cached, and RSS grew ~1.9 MB per
 * onboarding. Onboardings wait hours to days between steps, so a cache miss costs one history replay per
 * step, while a cache slot costs memory for as long as the onboarding waits. 250 keeps every workflow that is
 * actively moving (bursts of 100 concurrent activities) cached and bounds memory; see README's benchmark.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

/**
 * The workflow code: a bundle pre-built at build time when ONRAMP_WORKFLOW_BUNDLE names one (production,
 * tests: bundling costs seconds per worker), otherwise bundled from source at start.
 */
export function workflowSource(
  env: NodeJS.ProcessEnv = process.env
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  const bundle = env.ONRAMP_WORKFLOW_BUNDLE;
  return bundle
    ? { workflowBundle: { codePath: bundle } }
    : { workflowsPath: require.resolve('./workflows'), bundlerOptions: { preloadModules: WORKFLOW_PRELOAD_MODULES } };
}

/** The activities' vendor endpoints and limits, from configuration (the sandbox passes simulator URLs the same way). */
export function activityDepsFromConfig(config: OnrampConfig): ActivityDeps {
  return {
    google: { tokenUrl: config.google.tokenUrl },
    googleAdmin: {
      apiRootUrl: config.google.apiRootUrl,
      directoryQuota: { limit: config.google.directoryQuotaPerMinute, windowMs: 60_000 },
    },
    notify: { webhookUrl: config.notify.webhookUrl, secretRef: config.notify.secretRef },
    autotask: { discoveryUrl: config.autotask.discoveryUrl, allowedZoneHosts: config.autotask.allowedZoneHosts },
    connectwise: {
      extraAllowedHosts: config.connectwise.allowedHosts,
      insecureHttpHosts: config.connectwise.insecureHttpHosts,
      requestsPerMinute: config.connectwise.requestsPerMinute,
    },
    limits: config.limits,
  };
}

export function activitiesFromConfig(config: OnrampConfig): OnrampActivities {
  return createActivities(activityDepsFromConfig(config));
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const { config } = opts;
  const connection = opts.connection ?? (await NativeConnection.connect({ address: config.temporal.address }));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: opts.dataConverter ?? (await dataConverterFromConfig(config)),
    activities: opts.activities ?? activitiesFromConfig(config),
    // Running activities heartbeat on their own, so a dead worker's activities are retried within seconds.
    interceptors: { activity: [autoHeartbeat] },
    ...workflowSource(),
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxCachedWorkflows: config.worker.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    // One V8 context shared by all cached workflows (the SDK 1.24 default, pinned here): far less memory and CPU
    // per open onboarding than a context each, which matters with thousands waiting for an operator.
    reuseV8Context: true,
    // Give in-flight activities a moment to finish on SIGTERM instead of being retried elsewhere.
    shutdownGraceTime: '10s',
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: 'onramp-worker' });
  installRuntime(logger, 'INFO', { metricsBindAddress: config.metrics.bindAddress });
  logger.info(
    {
      mode: config.mode,
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      metrics: config.metrics.bindAddress ? `http://${config.metrics.bindAddress}/metrics` : undefined,
    },
    config.mode === 'sandbox'
      ? 'Onramp worker starting in SANDBOX mode (vendor simulators, no real vendor is called)'
      : 'Onramp worker starting in LIVE mode'
  );
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker({ config, logger, connection });
  // Worker.run() handles SIGINT/SIGTERM itself (graceful shutdown).
  await worker.run();
  // An open connection keeps the process alive after a SIGTERM drain: a replica must exit to be replaced.
  await connection.close();
  logger.info('Onramp worker stopped');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Config errors are for humans: print them plainly, without a stack.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`onramp worker: ${message}\n`);
    process.exit(1);
  });
}
