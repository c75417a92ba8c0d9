import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type OnrampActivities } from './activities';
import { loadVendorProfiles } from './secrets/vendor-profile-file';
import { autoHeartbeat } from './activities/heartbeat';
import { codecFromConfig, createDataConverter } from './codec';
import { loadConfig, processEnv, type OnrampConfig } from './config';
import { connectClient } from './client';
import { loadSalesMapping } from './secrets/sales-mapping-file';
import { orderProblems } from './services/orders';
import { createLogger, type Logger } from './logger';
import { createSentMailStore } from './activities/notify/sent-mail';
import { checklistKeysFromConfig, type ChecklistKeys } from './checklist';
import { rotationStateFromConfig } from './secrets/rotation-state';
import { PostgresSecretStore, secretStore, useSecretStore } from './secrets/secret-store';
import { connectTemporalNative, describeConnection } from './temporal/connection';
import { installRuntime } from './temporal/runtime';
import { sharedWorkflowModules } from './temporal/workflow-bundle';
import { makeCurrentIfNone, versionString, workerDeploymentOptions, workerVersion } from './temporal/worker-versioning';

export interface CreateWorkerOptions {
  config: OnrampConfig;
  /** Defaults to a new connection from `config.temporal` (src/temporal/connection.ts). */
  connection?: NativeConnection;
  /** Override activity endpoints (tests and the sandbox point them at simulators). */
  activities?: OnrampActivities;
  logger?: Logger;
  /** Defaults to the encrypting converter built from `config.codec` (src/codec). */
  dataConverter?: DataConverter;
}

/**
 * Cached workflows per worker unless ONRAMP_MAX_CACHED_WORKFLOWS says otherwise. With reuseV8Context the SDK
 * keeps a module cache per workflow, so every bundled module is evaluated once per cached workflow. While
 * the workflows imported the zod schemas (~600 of them) that was ~2 MB each; the workflow bundle now
 * loads no zod (src/temporal/workflow-bundle.ts refuses it) and a cached workflow costs too little to
 * tell 50 from 100 apart with 2,000 onboardings waiting (docs/benchmark.md). Evicted waiting
 * workflows cost nothing measurable in the worker. 100: at least the SDK's 40 concurrent workflow tasks,
 * and the workflows of the worker's 100 concurrent activities stay cached through a burst (a miss costs
 * a history fetch and replay). The SDK's own default (~2,300 on a 4 GB heap) is not bounded by need.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/**
 * How the worker process is launched (Dockerfile, `npm run worker`, `npm start`, the benchmark's workers): all
 * act before the process starts, so they cannot be set from here. test/launch-settings.test.ts keeps the
 * Dockerfile and package.json in step with these. Measured with 2,000 onboardings waiting (docs/benchmark.md):
 * - MALLOC_ARENA_MAX=2: the Temporal core (Rust, glibc malloc) allocates on many threads, and glibc gives
 *   each thread an arena of its own (up to 8 per core) that keeps its high-water mark;
 * - MALLOC_TRIM_THRESHOLD_ / MALLOC_MMAP_THRESHOLD_ = 128 KB, fixed: glibc otherwise raises both after the
 *   first large frees (up to 32/64 MB), so the buffers of a burst of workflow activations stay in the arenas
 *   after they are freed: the two arenas grew from 42 to 75 MB through a burst of 2,000 starts and kept it
 *   once all were closed; with fixed thresholds they stayed at ~38 MB;
 * - a 2 MB V8 semi-space (young generation) instead of 16 MB: each of the worker's two isolates (main
 *   thread and workflow thread) otherwise keeps up to 3 x 16 MB of young generation after a burst;
 * - --optimize-for-size: V8 grows its heaps less eagerly and keeps less compiled code. With 2,000 onboardings
 *   waiting the worker read 206 and 206 MB RSS with it, 228, 229 and 243 MB without (anonymous memory 143 vs
 *   165–181 MB; `npm run bench -- --scenario idle --idle 2000`, 2026-12-05, next to a mutation run), and started
 *   them as fast (194 vs 191 s). NODE_OPTIONS refuses it, so the Dockerfile passes it in CMD; set at run time
 *   (v8.setFlagsFromString) it saved nothing (229 MB): the main isolate exists by then.
 */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size'];
/** The part of WORKER_NODE_FLAGS that NODE_OPTIONS accepts (the Dockerfile's ENV; the rest goes in its CMD). */
export const WORKER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * The workflow code: a bundle pre-built at build time when ONRAMP_WORKFLOW_BUNDLE names one (production,
 * tests: bundling costs seconds per worker), otherwise bundled from source at start.
 */
export function workflowSource(
  bundle: string | undefined = processEnv().ONRAMP_WORKFLOW_BUNDLE
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  if (bundle) return { workflowBundle: { codePath: bundle } };
  const workflowsPath = require.resolve('./workflows');
  return { workflowsPath, bundlerOptions: { preloadModules: sharedWorkflowModules(workflowsPath) } };
}

/** The activities' vendor endpoints and limits, from configuration (the sandbox passes simulator URLs the same way). */
export function activityDepsFromConfig(config: OnrampConfig): ActivityDeps {
  // The receiver keyring and the current-credentials record: in the secret store when there is one.
  const rotation = rotationStateFromConfig(config);
  let client: ReturnType<typeof connectClient> | undefined;
  let checklistKeys: Promise<ChecklistKeys> | undefined;
  return {
    // Connected on first use (drift checks of an order read its onboarding's progress), then shared.
    onramp: {
      client: () =>
        (client ??= connectClient(config).catch((err: unknown) => {
          client = undefined;
          throw err;
        })),
    },
    google: { tokenUrl: config.google.tokenUrl },
    googleAdmin: {
      apiRootUrl: config.google.apiRootUrl,
      directoryQuota: { limit: config.google.directoryQuotaPerMinute, windowMs: 60_000 },
    },
    notify: { webhookUrl: config.notify.webhookUrl, secretRef: config.notify.secretRef },
    mail: {
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      replyTo: config.mail.replyTo,
      operatorEmail: config.mail.operatorEmail,
      store: createSentMailStore({ postgresUrl: config.mail.postgresUrl, dir: config.mail.sentMailDir }),
      // The admin's copy links the checklist page: in the sandbox (its own key), or live once its keys are set.
      ...(config.mode === 'sandbox' || config.checklist.keys
        ? {
            checklist: {
              baseUrl: config.checklist.baseUrl,
              ttlSeconds: config.checklist.linkTtlSeconds,
              keys: () =>
                (checklistKeys ??= checklistKeysFromConfig(config).catch((err: unknown) => {
                  checklistKeys = undefined;
                  throw err;
                })),
            },
          }
        : {}),
    },
    autotask: {
      discoveryUrl: config.autotask.discoveryUrl,
      allowedZoneHosts: config.autotask.allowedZoneHosts,
      keyring: rotation.keyring,
      // Read once at start: a bad file stops the worker with its line numbers.
      vendorProfiles: config.autotask.vendorProfilesFile
        ? loadVendorProfiles(config.autotask.vendorProfilesFile)
        : undefined,
    },
    connectwise: {
      extraAllowedHosts: config.connectwise.allowedHosts,
      insecureHttpHosts: config.connectwise.insecureHttpHosts,
      requestsPerMinute: config.connectwise.requestsPerMinute,
      currentCredentials: rotation.current,
    },
    limits: config.limits,
    sales: {
      // Read once at start: a bad file stops the worker with its line numbers.
      mapping: config.sales.mappingFile ? loadSalesMapping(config.sales.mappingFile) : undefined,
      // The intake's own check of an order (schema, ConnectWise hosts, vendor profiles): nothing duplicated.
      validateOrder: (request) => orderProblems(request, config),
    },
  };
}

export function activitiesFromConfig(config: OnrampConfig): OnrampActivities {
  return createActivities(activityDepsFromConfig(config));
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const { config } = opts;
  const connection = opts.connection ?? (await connectTemporalNative(config.temporal));
  const codec = !opts.dataConverter || config.secretStore.url ? await codecFromConfig(config) : undefined;
  // `store:` references (credentials supplied through the intake or the CLI) resolve through the shared store,
  // its values sealed with the same key ring as the payloads.
  if (config.secretStore.url && !secretStore()) useSecretStore(new PostgresSecretStore(config.secretStore.url, codec));
  const bundle = config.worker.workflowBundle ?? processEnv().ONRAMP_WORKFLOW_BUNDLE;
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: opts.dataConverter ?? createDataConverter(codec!),
    activities: opts.activities ?? activitiesFromConfig(config),
    ...workflowSource(bundle),
    // Rolling upgrades: the version this worker declares (ONRAMP_WORKER_DEPLOYMENT / ONRAMP_WORKER_BUILD_ID); every
    // workflow it starts stays PINNED to it (src/temporal/worker-versioning.ts). Unset: unversioned.
    ...workerDeploymentOptions(workerVersion(config.worker, bundle)),
    // Running activities heartbeat on their own, so a dead worker's activities are retried within seconds.
    interceptors: { activity: [autoHeartbeat] },
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
      temporal: describeConnection(config.temporal),
      taskQueue: config.temporal.taskQueue,
      metrics: config.metrics.bindAddress ? `http://${config.metrics.bindAddress}/metrics` : undefined,
      secretStore: config.secretStore.url ? 'PostgreSQL (ONRAMP_SECRET_STORE_URL)' : 'none: store: references fail',
      // Never the SMTP URL itself: with credentials it is a reference, and even then only whether it is set shows.
      mail: config.mail.smtpUrl
        ? `SMTP (ONRAMP_SMTP_URL), record in ${config.mail.postgresUrl ? 'PostgreSQL' : config.mail.sentMailDir}`
        : 'off (ONRAMP_SMTP_URL unset)',
      rotationState: config.secretStore.url
        ? 'secret store'
        : `files (${config.autotask.receiverKeyringDir}, ${config.connectwise.currentCredentialsDir})`,
    },
    config.mode === 'sandbox'
      ? 'Onramp worker starting in SANDBOX mode (vendor simulators, no real vendor is called)'
      : 'Onramp worker starting in LIVE mode'
  );
  const connection = await connectTemporalNative(config.temporal);
  const worker = await createWorker({ config, logger, connection });
  const version = worker.options.workerDeploymentOptions?.version;
  if (version) {
    logger.info({ version: versionString(version) }, 'worker deployment version (Worker Versioning, PINNED)');
    // The first version of a deployment makes itself current once the server has seen it poll.
    void makeCurrentIfNone(connection.workflowService, config.temporal.namespace, version, {
      identity: worker.options.identity,
    }).then((r) => logger.info({ ...r, version: versionString(version) }, 'current version of the deployment'));
  }
  // Worker.run() handles SIGINT/SIGTERM itself (graceful shutdown).
  await worker.run();
  // An open connection keeps the process alive after a SIGTERM drain: a replica must exit to be replaced.
  await connection.close();
  await secretStore()?.close();
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
