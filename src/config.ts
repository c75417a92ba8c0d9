import { z } from 'zod';

/**
 * Onramp's configuration, read from the environment once and validated at start.
 * Names follow the official Temporal clients (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`);
 * Onramp's own settings are prefixed `ONRAMP_`.
 *
 * Secrets never live here: vendor credentials are *references* (`file:` / `env:`) resolved by the worker
 * when an activity needs them (see src/secrets).
 */
const url = z.url({ protocol: /^https?$/ });
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), url.optional());
const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const hostList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean)
  )
  .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a comma-separated list of host or host:port')));

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('onramp'),
  /** `sandbox`: vendor simulators on loopback; `live`: the real vendor APIs. Default: sandbox unless a live setting is present. */
  ONRAMP_MODE: z.enum(['sandbox', 'live']).optional(),
  ONRAMP_DATA_DIR: z.string().min(1).default('.onramp'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  /** Google OAuth token endpoint (JWT-bearer grant). Only overridden to reach the simulator. */
  ONRAMP_GOOGLE_TOKEN_URL: optionalUrl,
  /** Root URL for googleapis clients (Directory, Cloud Identity); unset means Google's own hosts. */
  ONRAMP_GOOGLE_API_ROOT_URL: optionalUrl,

  /** Where "integration complete" notifications to the vendor's support go (seed 000 step 7). */
  ONRAMP_NOTIFY_WEBHOOK_URL: optionalUrl,
  /** Reference to the HMAC key that signs those notifications (`env:NAME` or `file:/path`). */
  ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: z
    .string()
    .regex(/^(env|file):.+$/, 'must be a secret reference like env:NAME or file:/path')
    .optional(),

  /** Google Directory API quota to stay under (Google's default: 2,400 queries/min per user per project). */
  ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE: positiveInt.default(2400),

  /** Autotask zone discovery root; only overridden to reach the simulator. */
  ONRAMP_AUTOTASK_DISCOVERY_URL: optionalUrl,
  /** Extra zone hosts (host[:port], comma-separated) trusted besides webservicesN.autotask.net. */
  ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: hostList,

  /** Extra ConnectWise hosts (on-premises servers), comma-separated; cloud hosts are always allowed. */
  ONRAMP_CONNECTWISE_ALLOWED_HOSTS: hostList,
  /** Hosts among the above reached over plain http (the loopback simulator only). */
  ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS: hostList,
  /** Per-tenant pace below ConnectWise's ~1,000 requests/min throttle (930: 93 % of it, summed over all workers). */
  ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE: positiveInt.default(930),

  /** Loopback ports of the sandbox (`npm start`); in sandbox mode the vendor endpoints default to them. */
  ONRAMP_SANDBOX_GOOGLE_PORT: port.default(8480),
  ONRAMP_SANDBOX_NOTIFY_PORT: port.default(8481),
  ONRAMP_SANDBOX_AUTOTASK_PORT: port.default(8482),
  ONRAMP_SANDBOX_CONNECTWISE_PORT: port.default(8483),

  // --- Vendor limiter store (issue 11 point 3; src/activities/limits) ---
  /**
   * PostgreSQL connection string (postgres://user:pass@host:port/db) where every worker keeps the vendor
   * limiters' state, so Autotask's 3 concurrent calls per endpoint and hourly budget, ConnectWise's pace
   * and Google's per-minute quota hold across all workers. Empty or unset: each worker limits itself alone
   * (the sandbox and a single worker).
   */
  ONRAMP_LIMITER_POSTGRES_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL like postgres://user:password@host:5432/db')
      .optional()
  ),
  // --- end of the vendor limiter store ---

  /** Worker tuning. */
  ONRAMP_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  ONRAMP_MAX_CACHED_WORKFLOWS: positiveInt.optional(),
  /** host:port where the worker serves Prometheus metrics from the SDK runtime at /metrics; unset: no metrics. */
  ONRAMP_METRICS_BIND_ADDRESS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
      .optional()
  ),

  /**
   * Payload encryption keys, newest first: `id=env:NAME,id=file:/path` (each 32 random bytes, base64). The
   * first encrypts, all decrypt. Required in live mode; the sandbox generates its own under .onramp/sandbox/.
   */
  ONRAMP_CODEC_KEYS: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.split(',').every((e) => /^\s*[A-Za-z0-9._-]{1,64}=(env|file):.+$/.test(e)),
      'must list keys as id=env:NAME or id=file:/path, comma-separated, newest first'
    ),
  /** Codec server for the Web UI (`npm start` runs it on loopback). */
  ONRAMP_CODEC_SERVER_PORT: port.default(8484),
  /** Reference to the bearer token the codec server requires (required unless sandbox on loopback). */
  ONRAMP_CODEC_SERVER_TOKEN_REF: z
    .string()
    .regex(/^(env|file):.+$/, 'must be a secret reference like env:NAME or file:/path')
    .optional(),
  /** Web UI origins allowed to call the codec server (CORS), comma-separated. */
  ONRAMP_CODEC_SERVER_ALLOWED_ORIGINS: z.string().optional(),
  /** Namespaces whose payloads the codec server decodes (X-Namespace); default: TEMPORAL_NAMESPACE. */
  ONRAMP_CODEC_SERVER_NAMESPACES: z.string().optional(),
});

export type RawConfig = z.infer<typeof schema>;

export interface OnrampConfig {
  temporal: { address: string; namespace: string; taskQueue: string };
  mode: 'sandbox' | 'live';
  dataDir: string;
  log: { level: RawConfig['LOG_LEVEL']; format: RawConfig['LOG_FORMAT'] };
  google: { tokenUrl: string; apiRootUrl?: string; directoryQuotaPerMinute: number };
  autotask: { discoveryUrl: string; allowedZoneHosts: string[] };
  connectwise: { allowedHosts: string[]; insecureHttpHosts: string[]; requestsPerMinute: number };
  notify: { webhookUrl?: string; secretRef?: string };
  sandboxPorts: { google: number; notify: number; autotask: number; connectwise: number };
  worker: { maxConcurrentActivities: number; maxCachedWorkflows?: number };
  /** Vendor limiter state: shared by every worker through PostgreSQL, or in this process. */
  limits: { postgresUrl?: string };
  metrics: { bindAddress?: string };
  /** Payload encryption (src/codec) and its codec server for the Web UI (src/codec-server). */
  codec: {
    keys?: string;
    server: { port: number; tokenRef?: string; allowedOrigins: string[]; namespaces: string[] };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Onramp configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Settings that only make sense against real vendors: their presence means live mode unless ONRAMP_MODE says otherwise. */
const LIVE_HINTS = ['ONRAMP_NOTIFY_WEBHOOK_URL'] as const;

/** The real vendors' endpoints. */
const LIVE = {
  googleTokenUrl: 'https://oauth2.googleapis.com/token',
  autotaskDiscoveryUrl: 'https://webservices.autotask.net',
};

function splitList(v: string | undefined): string[] | undefined {
  const items = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OnrampConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${i.path.join('.') || '(environment)'}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`
      )
    );
  }
  const c = parsed.data;
  const mode = c.ONRAMP_MODE ?? (LIVE_HINTS.some((k) => env[k]) ? 'live' : 'sandbox');
  // In sandbox mode every vendor endpoint defaults to the simulators `npm start` runs on loopback, so a worker
  // started on its own never reaches a real vendor by accident. Explicit settings win in both modes.
  const sandbox = mode === 'sandbox';
  const sim = (p: number) => `http://127.0.0.1:${p}`;
  const googleSim = sim(c.ONRAMP_SANDBOX_GOOGLE_PORT);
  const autotaskSim = `127.0.0.1:${c.ONRAMP_SANDBOX_AUTOTASK_PORT}`;
  const connectwiseSim = `127.0.0.1:${c.ONRAMP_SANDBOX_CONNECTWISE_PORT}`;
  const withSim = (hosts: string[], simHost: string) =>
    sandbox && !hosts.includes(simHost) ? [...hosts, simHost] : hosts;
  const problems: string[] = [];
  if (mode === 'live' && !c.ONRAMP_NOTIFY_WEBHOOK_URL) {
    problems.push(
      'ONRAMP_NOTIFY_WEBHOOK_URL: required in live mode: set it to the vendor support intake that must learn of each completed delegation'
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    temporal: { address: c.TEMPORAL_ADDRESS, namespace: c.TEMPORAL_NAMESPACE, taskQueue: c.TEMPORAL_TASK_QUEUE },
    mode,
    dataDir: c.ONRAMP_DATA_DIR,
    log: { level: c.LOG_LEVEL, format: c.LOG_FORMAT },
    google: {
      tokenUrl: c.ONRAMP_GOOGLE_TOKEN_URL ?? (sandbox ? `${googleSim}/token` : LIVE.googleTokenUrl),
      apiRootUrl: c.ONRAMP_GOOGLE_API_ROOT_URL ?? (sandbox ? `${googleSim}/` : undefined),
      directoryQuotaPerMinute: c.ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE,
    },
    autotask: {
      discoveryUrl: c.ONRAMP_AUTOTASK_DISCOVERY_URL ?? (sandbox ? `http://${autotaskSim}` : LIVE.autotaskDiscoveryUrl),
      allowedZoneHosts: withSim(c.ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS, autotaskSim),
    },
    connectwise: {
      allowedHosts: withSim(c.ONRAMP_CONNECTWISE_ALLOWED_HOSTS, connectwiseSim),
      insecureHttpHosts: withSim(c.ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS, connectwiseSim),
      requestsPerMinute: c.ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE,
    },
    notify: {
      webhookUrl: c.ONRAMP_NOTIFY_WEBHOOK_URL ?? (sandbox ? `${sim(c.ONRAMP_SANDBOX_NOTIFY_PORT)}/notify` : undefined),
      secretRef: c.ONRAMP_NOTIFY_WEBHOOK_SECRET_REF,
    },
    sandboxPorts: {
      google: c.ONRAMP_SANDBOX_GOOGLE_PORT,
      notify: c.ONRAMP_SANDBOX_NOTIFY_PORT,
      autotask: c.ONRAMP_SANDBOX_AUTOTASK_PORT,
      connectwise: c.ONRAMP_SANDBOX_CONNECTWISE_PORT,
    },
    worker: {
      maxConcurrentActivities: c.ONRAMP_MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: c.ONRAMP_MAX_CACHED_WORKFLOWS,
    },
    limits: { postgresUrl: c.ONRAMP_LIMITER_POSTGRES_URL },
    metrics: { bindAddress: c.ONRAMP_METRICS_BIND_ADDRESS },
    codec: {
      keys: c.ONRAMP_CODEC_KEYS || undefined,
      server: {
        port: c.ONRAMP_CODEC_SERVER_PORT,
        tokenRef: c.ONRAMP_CODEC_SERVER_TOKEN_REF,
        allowedOrigins: splitList(c.ONRAMP_CODEC_SERVER_ALLOWED_ORIGINS) ?? [
          `http://localhost:${env.ONRAMP_SANDBOX_UI_PORT || 8233}`,
          `http://127.0.0.1:${env.ONRAMP_SANDBOX_UI_PORT || 8233}`,
        ],
        namespaces: splitList(c.ONRAMP_CODEC_SERVER_NAMESPACES) ?? [c.TEMPORAL_NAMESPACE],
      },
    },
  };
}
