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
  ONRAMP_GOOGLE_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
  /** Root URL for googleapis clients (Directory, Cloud Identity); unset means Google's own hosts. */
  ONRAMP_GOOGLE_API_ROOT_URL: optionalUrl,

  /** Where "integration complete" notifications to the vendor's support go (seed 000 step 7). */
  ONRAMP_NOTIFY_WEBHOOK_URL: optionalUrl,
  /** Reference to the HMAC key that signs those notifications (`env:NAME` or `file:/path`). */
  ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: z
    .string()
    .regex(/^(env|file):.+$/, 'must be a secret reference like env:NAME or file:/path')
    .optional(),

  /** Worker tuning. */
  ONRAMP_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  ONRAMP_MAX_CACHED_WORKFLOWS: positiveInt.optional(),
});

export type RawConfig = z.infer<typeof schema>;

export interface OnrampConfig {
  temporal: { address: string; namespace: string; taskQueue: string };
  mode: 'sandbox' | 'live';
  dataDir: string;
  log: { level: RawConfig['LOG_LEVEL']; format: RawConfig['LOG_FORMAT'] };
  google: { tokenUrl: string; apiRootUrl?: string };
  notify: { webhookUrl?: string; secretRef?: string };
  worker: { maxConcurrentActivities: number; maxCachedWorkflows?: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Onramp configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LIVE_HINTS = ['ONRAMP_GOOGLE_API_ROOT_URL', 'ONRAMP_NOTIFY_WEBHOOK_URL'] as const;

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
    google: { tokenUrl: c.ONRAMP_GOOGLE_TOKEN_URL, apiRootUrl: c.ONRAMP_GOOGLE_API_ROOT_URL },
    notify: { webhookUrl: c.ONRAMP_NOTIFY_WEBHOOK_URL, secretRef: c.ONRAMP_NOTIFY_WEBHOOK_SECRET_REF },
    worker: {
      maxConcurrentActivities: c.ONRAMP_MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: c.ONRAMP_MAX_CACHED_WORKFLOWS,
    },
  };
}
