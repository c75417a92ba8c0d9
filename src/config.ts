import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadClientConfigProfile, type ClientConfigTLS, type ConfigDataSource } from '@temporalio/envconfig';
import { z } from 'zod';

/**
 * Onramp's configuration, read from the environment once and validated at start. This module is the only
 * one that reads `process.env` (test/config.test.ts checks it); docs/configuration.md's variable table is generated from
 * the schemas below (`npm run docs:config`; test/config.test.ts fails when it is out of date).
 *
 * An EMPTY variable means UNSET, everywhere: docker compose hands a service `VAR=''` for `${VAR:-}`, and an
 * operator who blanks a variable means "the default", never "the empty string".
 *
 * The Temporal connection follows the official SDKs' environment configuration (`@temporalio/envconfig`):
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, and a TOML profile from
 * `TEMPORAL_CONFIG_FILE` / `TEMPORAL_PROFILE`; environment variables override the profile. Onramp's own
 * settings are prefixed `ONRAMP_`.
 *
 * Secrets never live here: vendor credentials are *references* (`file:` / `env:`) resolved by the worker
 * when an activity needs them (see src/secrets). `TEMPORAL_API_KEY` is the one value, as the SDKs define it.
 */

/** The environment with empty values removed (empty = unset). */
export function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** The vendor profiles the sandbox ships (seeds 001 and 004). */
export const SANDBOX_VENDOR_PROFILES = resolve(__dirname, '..', 'config', 'vendor-profiles.sandbox.yaml');
/** The sales mapping the sandbox ships (HubSpot simulator; issue 26). */
export const SANDBOX_SALES_MAPPING = resolve(__dirname, '..', 'config', 'sales-mapping.sandbox.yaml');

/**
 * Give this process an environment variable: the sandbox and the tests play the vendor's deployment, which
 * holds the vendor's tracking identifier (src/simulators/autotask/vendor-deployment.ts).
 */
export function provideEnv(name: string, value: string): void {
  process.env[name] = value;
}

/** This process's environment, empty values removed: the one place `process.env` is read. */
export function processEnv(): Record<string, string> {
  return cleanEnv(process.env);
}

const url = z.url({ protocol: /^https?$/ });
const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const secretRef = z.string().regex(/^(env|file):.+$/, 'must be a secret reference like env:NAME or file:/path');
/** References a process resolves at start: `store:` needs the store (and its key ring) first, so not here. */
const PROCESS_SECRET_REF = /^(file:.+|env:[A-Za-z_][A-Za-z0-9_]*)$/;
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL like postgres://user:password@host:5432/db');
/** `ONRAMP_SMTP_URL`: a reference, or an smtp(s) URL that carries no password (a password is a secret: use a reference). */
function isSmtpSetting(v: string): boolean {
  if (/^(env|file):.+$/.test(v)) return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && !!u.hostname && !u.password;
  } catch {
    return false;
  }
}
const bool = z.enum(['true', 'false', '1', '0']);
/** A comma-separated list: each entry trimmed (then `normalize`d), empty ones dropped, every one checked by `entry`. */
const commaList = (entry: z.ZodString, normalize: (s: string) => string = (s) => s) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => normalize(s.trim()))
        .filter(Boolean)
    )
    .pipe(z.array(entry));
const hostList = commaList(
  z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'must be a comma-separated list of host or host:port'),
  (h) => h.toLowerCase()
);
const refList = commaList(
  z
    .string()
    .regex(PROCESS_SECRET_REF, 'each entry must be a secret reference (env:NAME or file:/path), comma-separated')
);

/** Every variable Onramp's processes read. Each `.describe()` is docs/configuration.md's text for it. */
/** A key ring by reference (`id=env:NAME,id=file:/path`, newest first): the codec's and the checklist links'. */
function keyList() {
  return z
    .string()
    .refine(
      (v) => v.split(',').every((e) => /^\s*[A-Za-z0-9._-]{1,64}=(env|file):.+$/.test(e)),
      'must list keys as id=env:NAME or id=file:/path, comma-separated, newest first'
    )
    .optional();
}

export const configSchema = z.object({
  // --- Temporal connection (the official SDKs' names, through @temporalio/envconfig) ---
  TEMPORAL_ADDRESS: z
    .string()
    .optional()
    .describe("Temporal frontend host:port. Default: the profile's address, else `localhost:7233`."),
  TEMPORAL_NAMESPACE: z.string().optional().describe("Namespace. Default: the profile's namespace, else `default`."),
  TEMPORAL_TASK_QUEUE: z.string().default('onramp').describe('Task queue the workers poll and orders are started on.'),
  TEMPORAL_API_KEY: z
    .string()
    .optional()
    .describe(
      'API key (Temporal Cloud); sent as a bearer token and turns TLS on. The value itself, as the SDKs define it.'
    ),
  TEMPORAL_TLS: bool
    .optional()
    .describe('`true` turns TLS on with the system roots; `false` turns it off even if a profile sets it.'),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z
    .string()
    .optional()
    .describe("PEM file of the CA that signed the server's certificate (self-hosted TLS); turns TLS on."),
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .optional()
    .describe("Name to verify the server's certificate against when it differs from the address's host."),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z
    .string()
    .optional()
    .describe('PEM client certificate for mTLS (with `TEMPORAL_TLS_CLIENT_KEY_PATH`); turns TLS on.'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().optional().describe('PEM private key of the mTLS client certificate.'),
  TEMPORAL_CONFIG_FILE: z
    .string()
    .optional()
    .describe(
      'Temporal client config TOML (profiles with address, namespace, api_key, tls). Default: `~/.config/temporalio/temporal.toml` if it exists.'
    ),
  TEMPORAL_PROFILE: z.string().optional().describe('Profile of that file to use. Default: `default`.'),

  // --- Onramp: mode, logging, data ---
  ONRAMP_MODE: z
    .enum(['sandbox', 'live'])
    .optional()
    .describe(
      '`sandbox`: vendor simulators on loopback; `live`: the real vendor APIs. Default: live if `ONRAMP_NOTIFY_WEBHOOK_URL` is set, else sandbox.'
    ),
  ONRAMP_DATA_DIR: z.string().default('.onramp').describe('Local state of the sandbox and the CLI.'),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default('info')
    .describe('Log level.'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional().describe('`json` (default; `npm start`: `pretty`) or `pretty`.'),

  // --- Vendors ---
  ONRAMP_GOOGLE_TOKEN_URL: url
    .optional()
    .describe('Google OAuth token endpoint (JWT-bearer grant); only set to reach a simulator.'),
  ONRAMP_GOOGLE_API_ROOT_URL: url
    .optional()
    .describe("Root URL of the googleapis clients (Directory, Cloud Identity); unset: Google's own hosts."),
  ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE: positiveInt
    .default(2400)
    .describe("Google Directory API quota to stay under (Google's default: 2,400 queries/min per user per project)."),
  ONRAMP_NOTIFY_WEBHOOK_URL: url
    .optional()
    .describe(
      'Where "integration complete" notifications to the vendor\'s support go (seed 000 step 7). Required in live mode.'
    ),
  ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: secretRef
    .optional()
    .describe('Reference (`env:NAME` / `file:/path`) to the HMAC key that signs those notifications; unset: unsigned.'),
  // --- E-mail to the humans who act (src/activities/notify/email.ts) ---
  ONRAMP_SMTP_URL: z
    .string()
    .refine(
      isSmtpSetting,
      'must be smtp://host:port or smtps://host:port (a user name may come before the host, never a password), or a reference env:NAME / file:/path whose value is the full URL with its credentials'
    )
    .optional()
    .describe(
      'SMTP server of the e-mail channel: `smtp://host:587` (STARTTLS when offered), `smtps://host:465`; with credentials, a reference (`env:NAME` / `file:/path`) to the full `smtps://user:password@host` URL, resolved when a message is sent and never logged. Unset: no e-mail is sent (the instructions stay in `onramp status` and the Web UI), except under `npm start`, which points it at the Mailpit it runs.'
    ),
  ONRAMP_MAIL_FROM: z
    .string()
    .optional()
    .describe(
      'Sender of the e-mails (`Onramp <onramp@msp.example>`). Required with `ONRAMP_SMTP_URL`; sandbox default `Onramp <onramp@sandbox.localhost>`.'
    ),
  ONRAMP_MAIL_REPLY_TO: z.string().optional().describe("Reply-To of the e-mails (the operators' shared inbox)."),
  ONRAMP_OPERATOR_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address like operators@msp.example')
    .optional()
    .describe(
      "The operator who gets a copy of every instruction, reminder and result; unset: only the customer's admin is written to."
    ),
  ONRAMP_SENT_MAIL_DIR: z
    .string()
    .optional()
    .describe(
      'Without `ONRAMP_SECRET_STORE_URL`: where the record of e-mails the SMTP server accepted is kept (one file per Message-ID), checked before every send. With it, the record is the `onramp_sent_mail` table of that database. Default: `$ONRAMP_DATA_DIR/sent-mail`.'
    ),

  ONRAMP_AUTOTASK_DISCOVERY_URL: url
    .optional()
    .describe('Autotask zone discovery root; only set to reach a simulator.'),
  ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: hostList.describe(
    'Extra zone hosts (host[:port], comma-separated) trusted besides webservicesN.autotask.net.'
  ),
  ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR: z
    .string()
    .optional()
    .describe(
      'Without `ONRAMP_SECRET_STORE_URL` (sandbox, single process): directory shared by the worker and the Autotask webhook receiver, holding which signing keys the receiver accepts per tenant (references) and the keys the signing-secret rotation generates. Ignored with a secret store (the keyring is kept there, sealed). Default: `$ONRAMP_DATA_DIR/autotask-keyring`.'
    ),
  ONRAMP_VENDOR_PROFILES: z
    .string()
    .optional()
    .describe(
      "Vendor profile file (YAML or JSON) of this deployment: per vendor profile, the Autotask Integration Vendor, a reference to the vendor's tracking identifier, webhooks yes/no, rights and lines of business. Orders name a profile (`integrations.autotask.vendorProfile`). Set it on the worker and on the clients that accept orders. Default in sandbox mode: `config/vendor-profiles.sandbox.yaml`."
    ),
  ONRAMP_SALES_MAPPING: z
    .string()
    .optional()
    .describe(
      'Sales mapping file (YAML) of this deployment: which deal stage means won per sales system, which SKUs mean which integrations and vendor profiles, where each order field comes from, and how each sales system (HubSpot, Salesforce, ConnectWise Manage) is reached, its secrets by reference. Validated at start with line numbers. Set it on the worker, the intake (its `/v1/sales/<system>` receivers) and the CLI (`onramp sales`). Unset in live mode: no sales receivers. Default in sandbox mode: `config/sales-mapping.sandbox.yaml`.'
    ),
  ONRAMP_CURRENT_CREDENTIALS_DIR: z
    .string()
    .optional()
    .describe(
      'Without `ONRAMP_SECRET_STORE_URL`: where rotations record the credential references in use now per customer (references only), read by the next rotation. Ignored with a secret store (the record is kept there, sealed). Default: `$ONRAMP_DATA_DIR/current-credentials`.'
    ),
  ONRAMP_CONNECTWISE_ALLOWED_HOSTS: hostList.describe(
    'Extra ConnectWise hosts (on-premises servers), comma-separated; cloud hosts are always allowed.'
  ),
  ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS: hostList.describe(
    'Hosts among the above reached over plain http (the loopback simulator only).'
  ),
  ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE: positiveInt
    .default(930)
    .describe(
      "Per-tenant pace below ConnectWise's ~1,000 requests/min throttle (93 % of it, summed over all workers)."
    ),

  // --- Vendor limiter store (src/activities/limits) ---
  ONRAMP_LIMITER_POSTGRES_URL: postgresUrl
    .optional()
    .describe(
      "PostgreSQL URL where every worker keeps the vendor limiters' state (Autotask's 3 concurrent calls per endpoint and hourly budget, ConnectWise's pace, Google's per-minute quota hold across all workers); unset: each worker limits itself alone (sandbox, single worker)."
    ),

  // --- Worker ---
  ONRAMP_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100).describe('Activities one worker runs at once.'),
  ONRAMP_MAX_CACHED_WORKFLOWS: positiveInt
    .optional()
    .describe('Workflows one worker keeps cached; unset: 100 (a waiting onboarding needs no slot; docs/benchmark.md).'),
  ONRAMP_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional()
    .describe('host:port where the worker serves Prometheus metrics at /metrics; unset: no metrics.'),
  ONRAMP_WORKFLOW_BUNDLE: z
    .string()
    .optional()
    .describe('Pre-built workflow bundle the worker loads (the image sets it); unset: bundle from source at start.'),
  ONRAMP_WORKER_DEPLOYMENT: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (Temporal refuses . and : in a deployment name)')
    .optional()
    .describe(
      'Worker Deployment this worker belongs to (Worker Versioning, docs/operations.md, Rolling upgrades): the worker declares the version `<deployment>:<build ID>` and every workflow it starts stays PINNED to it; the first version of a deployment makes itself current, later ones wait for `set-current-version`. Unset: unversioned (sandbox, tests). docker-compose.yml: `onramp`.'
    ),
  ONRAMP_WORKER_BUILD_ID: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_+=@-][A-Za-z0-9._+=@-]*$/, 'letters, digits and . _ + = @ - only, e.g. 2026-12-05-abc1234')
    .optional()
    .describe(
      "Build ID of this worker's version (with `ONRAMP_WORKER_DEPLOYMENT`). Unset: `bundle-` + the first 16 hex digits of the SHA-256 of `ONRAMP_WORKFLOW_BUNDLE`, so a new version exactly when the workflow code changes."
    ),

  // --- Payload encryption and the codec server ---
  ONRAMP_CODEC_KEYS: keyList().describe(
    'Payload encryption keys, newest first: `id=env:NAME,id=file:/path` (32 random bytes, base64, each). Required in live mode.'
  ),
  ONRAMP_CODEC_SERVER_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Interface the codec server binds (containers: `0.0.0.0`).'),
  ONRAMP_CODEC_SERVER_PORT: port.default(8484).describe('Port of the codec server for the Web UI.'),
  ONRAMP_CODEC_SERVER_TLS_CERT_PATH: z
    .string()
    .optional()
    .describe(
      'PEM certificate (chain) the codec server serves HTTPS with; the Web UI sends the access token only to an https:// codec endpoint. Unset: plain HTTP (sandbox, or TLS ended by a proxy).'
    ),
  ONRAMP_CODEC_SERVER_TLS_KEY_PATH: z.string().optional().describe('PEM private key of that certificate.'),
  ONRAMP_CODEC_SERVER_TOKEN_REF: secretRef
    .optional()
    .describe(
      'Reference to a fixed bearer token codec server callers may send (CLI, scripts); live mode needs it or OIDC.'
    ),
  ONRAMP_CODEC_SERVER_OIDC_ISSUER: url
    .optional()
    .describe(
      "OIDC issuer of the Web UI's sign-in: the codec server accepts callers' access tokens signed by its JWKS (the UI forwards them with TEMPORAL_CODEC_PASS_ACCESS_TOKEN)."
    ),
  ONRAMP_CODEC_SERVER_OIDC_JWKS_URL: url
    .optional()
    .describe("JWKS of that issuer. Default: the `jwks_uri` of the issuer's `/.well-known/openid-configuration`."),
  ONRAMP_CODEC_SERVER_OIDC_AUDIENCE: z
    .string()
    .optional()
    .describe('Audience the access token must carry (`aud`); unset: not checked.'),
  ONRAMP_CODEC_SERVER_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .describe('Web UI origins allowed to call the codec server (CORS), comma-separated. Default: the sandbox UI.'),
  ONRAMP_CODEC_SERVER_NAMESPACES: z
    .string()
    .optional()
    .describe(
      'Namespaces whose payloads the codec server decodes (X-Namespace), comma-separated. Default: the namespace.'
    ),

  // --- Intake API ---
  ONRAMP_INTAKE_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Interface the intake API binds (containers: `0.0.0.0`).'),
  ONRAMP_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(8485).describe('Port of the intake API.'),
  ONRAMP_INTAKE_HMAC_SECRET_REFS: refList.describe(
    'References to the HMAC secrets of the sales systems (several during a rotation), comma-separated.'
  ),
  ONRAMP_INTAKE_BEARER_TOKEN_REFS: refList.describe(
    'References to the bearer tokens the intake accepts, comma-separated.'
  ),

  // --- The customer admin's checklist page (src/checklist-page) ---
  ONRAMP_CHECKLIST_KEYS: keyList().describe(
    'Keys that sign checklist links, newest first: `id=env:NAME,id=file:/path` (32 random bytes, base64, each; the newest signs, all verify). Required in live mode; the sandbox generates its own.'
  ),
  ONRAMP_CHECKLIST_BASE_URL: url
    .optional()
    .describe(
      "Public URL of the checklist page service, as the customer's admin reaches it (links are `<url>/c/<token>`); must be https:// in live mode. Default: `http://127.0.0.1:$ONRAMP_CHECKLIST_PORT`."
    ),
  ONRAMP_CHECKLIST_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Interface the checklist page service binds (containers: `0.0.0.0`).'),
  ONRAMP_CHECKLIST_PORT: port.default(8487).describe('Port of the checklist page service.'),
  ONRAMP_CHECKLIST_TLS_CERT_PATH: z
    .string()
    .optional()
    .describe(
      'PEM certificate (chain) the checklist page serves HTTPS with. Unset: plain HTTP, and secrets are then accepted from loopback only (or behind a TLS proxy that sets `X-Forwarded-Proto: https`, with `ONRAMP_CHECKLIST_TRUST_PROXY`).'
    ),
  ONRAMP_CHECKLIST_TLS_KEY_PATH: z.string().optional().describe('PEM private key of that certificate.'),
  ONRAMP_CHECKLIST_TRUST_PROXY: bool
    .default('false')
    .describe('Trust `X-Forwarded-*` of the reverse proxy in front of the checklist page (TLS ended there).'),
  ONRAMP_CHECKLIST_LINK_TTL_HOURS: positiveInt
    .default(336)
    .describe('How long a checklist link stays valid (hours; default 14 days). The operator can revoke earlier.'),
  ONRAMP_CHECKLIST_RATE_LIMIT_PER_MINUTE: positiveInt
    .default(60)
    .describe('Requests one checklist link may make per minute (page views, check-now, credential forms).'),

  // --- Credentials operators supply (src/secrets/secret-store.ts) ---
  ONRAMP_SECRET_STORE_URL: postgresUrl
    .optional()
    .describe(
      'PostgreSQL URL of the secret store: `supply-credential` (intake and CLI) writes the secret there, encrypted with `ONRAMP_CODEC_KEYS`, and hands the workflow a `store:` reference the workers resolve; who supplied what and when is recorded beside it (`onramp secrets audit`). Rotations keep the Autotask receiver keyring and the current-credentials record there too (sealed, audited). Set it on the worker, intake, CLI and any Autotask webhook receiver alike. Unset: the CLI writes files under `ONRAMP_SECRETS_DIR` (sandbox) and the intake takes references only.'
    ),
  ONRAMP_SECRETS_DIR: z
    .string()
    .optional()
    .describe(
      'Where `onramp supply-credential` stores secrets as files for the workers when no secret store is set. Default: `$ONRAMP_DATA_DIR/secrets`.'
    ),

  // --- Sandbox (`npm start`) ---
  ONRAMP_SANDBOX_TEMPORAL_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(7233)
    .describe('Sandbox dev server port.'),
  ONRAMP_SANDBOX_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233).describe('Sandbox Web UI port.'),
  ONRAMP_SANDBOX_PROPAGATION_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(20)
    .describe("Google simulator's delay before a delegation grant takes effect."),
  ONRAMP_SANDBOX_RECEIVER_PORT: port
    .default(8486)
    .describe("Onramp's receiver of the Autotask simulator's webhook callouts (sandbox)."),
  ONRAMP_SANDBOX_GOOGLE_PORT: port
    .default(8480)
    .describe('Google simulator port (sandbox mode defaults the endpoints to it).'),
  ONRAMP_SANDBOX_NOTIFY_PORT: port.default(8481).describe('Vendor notification receiver port (sandbox).'),
  ONRAMP_SANDBOX_SMTP_PORT: port
    .default(8525)
    .describe("Mailpit's SMTP port (`npm start`): the sandbox worker's `ONRAMP_SMTP_URL` unless that is set."),
  ONRAMP_SANDBOX_MAIL_UI_PORT: port.default(8526).describe("Mailpit's web UI and API port (sandbox)."),
  ONRAMP_SANDBOX_AUTOTASK_PORT: port.default(8482).describe('Autotask simulator port (sandbox).'),
  ONRAMP_SANDBOX_CONNECTWISE_PORT: port.default(8483).describe('ConnectWise simulator port (sandbox).'),
  ONRAMP_SANDBOX_HUBSPOT_PORT: port
    .default(8496)
    .describe('HubSpot sales simulator port (`npm start`; `onramp sandbox sales hubspot`).'),
  ONRAMP_SANDBOX_SALESFORCE_PORT: port
    .default(8497)
    .describe('Salesforce sales simulator port (`npm start`; `onramp sandbox sales salesforce`).'),
  ONRAMP_SANDBOX_CONNECTWISE_SALES_PORT: port
    .default(8498)
    .describe(
      'ConnectWise Manage sales simulator port (`npm start`; `onramp sandbox sales connectwise`; its TLS front takes a free port).'
    ),

  // --- Development tooling ---
  TEMPORAL_CLI_PATH: z
    .string()
    .optional()
    .describe('Temporal CLI binary for the sandbox and tests; unset: built once with Go.'),
  ONRAMP_CACHE_DIR: z
    .string()
    .optional()
    .describe('Cache of tool builds (Temporal CLI, server for the prod proof). Default: `~/.cache/onramp`.'),
});

export type RawConfig = z.infer<typeof configSchema>;

/** The Temporal connection, resolved from the environment and the client config profile. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Sent as `Authorization: Bearer`; implies TLS. */
  apiKey?: string;
  /** Present when TLS is on; `disabled` when it was turned off explicitly. */
  tls?: ClientConfigTLS;
  grpcMeta?: Record<string, string>;
  /** Where the settings came from, for logs: `environment` or `profile NAME (FILE) + environment`. */
  source?: string;
}

export interface OnrampConfig {
  temporal: TemporalSettings;
  mode: 'sandbox' | 'live';
  dataDir: string;
  log: { level: RawConfig['LOG_LEVEL']; format: 'json' | 'pretty'; formatSet: boolean };
  google: { tokenUrl: string; apiRootUrl?: string; directoryQuotaPerMinute: number };
  autotask: {
    discoveryUrl: string;
    allowedZoneHosts: string[];
    receiverKeyringDir: string;
    /** The vendor profile file (ONRAMP_VENDOR_PROFILES); unset in live mode until configured. */
    vendorProfilesFile?: string;
  };
  /** The sales mapping file (ONRAMP_SALES_MAPPING); unset in live mode until configured. */
  sales: { mappingFile?: string };
  connectwise: {
    allowedHosts: string[];
    insecureHttpHosts: string[];
    requestsPerMinute: number;
    currentCredentialsDir: string;
  };
  notify: { webhookUrl?: string; secretRef?: string };
  /** The e-mail channel: off when `smtpUrl` is unset. */
  mail: MailConfig;
  sandboxPorts: {
    google: number;
    notify: number;
    autotask: number;
    connectwise: number;
    smtp: number;
    mailUi: number;
    /** The sales simulators of `npm start` (issue 26). */
    sales: { hubspot: number; salesforce: number; connectwise: number };
  };
  sandbox: { temporalPort: number; uiPort: number; propagationSeconds: number; receiverPort: number };
  worker: {
    maxConcurrentActivities: number;
    maxCachedWorkflows?: number;
    workflowBundle?: string;
    /** Worker Versioning (src/temporal/worker-versioning.ts): unset deployment = unversioned. */
    deploymentName?: string;
    buildId?: string;
  };
  /** Vendor limiter state: shared by every worker through PostgreSQL, or in this process. */
  limits: { postgresUrl?: string };
  metrics: { bindAddress?: string };
  /** Payload encryption (src/codec) and its codec server for the Web UI (src/codec-server). */
  codec: {
    keys?: string;
    server: {
      host: string;
      port: number;
      tokenRef?: string;
      /** HTTPS: certificate and key files. */
      tls?: { certPath: string; keyPath: string };
      oidc?: { issuer: string; jwksUrl?: string; audience?: string };
      allowedOrigins: string[];
      namespaces: string[];
    };
  };
  intake: IntakeConfig;
  /** The customer admin's checklist page (src/checklist-page) and the links to it (src/checklist). */
  checklist: {
    keys?: string;
    baseUrl: string;
    host: string;
    port: number;
    tls?: { certPath: string; keyPath: string };
    trustProxy: boolean;
    linkTtlSeconds: number;
    rateLimitPerMinute: number;
  };
  /** Where supplied credentials go: the shared, encrypted store (PostgreSQL), or files under `secretsDir`. */
  secretStore: { url?: string };
  secretsDir: string;
  tooling: { temporalCliPath?: string; cacheDir?: string };
}

export interface MailConfig {
  /** `smtp(s)://…` without a password, or a secret reference to the full URL. */
  smtpUrl?: string;
  from: string;
  replyTo?: string;
  operatorEmail?: string;
  /** The file record of accepted messages (without a secret store). */
  sentMailDir: string;
  /** PostgreSQL of the record (the secret store's database), when set. */
  postgresUrl?: string;
}

export interface IntakeConfig {
  host: string;
  port: number;
  hmacSecretRefs: string[];
  bearerTokenRefs: string[];
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

/** Variables whose value may carry a secret (key material, tokens, passwords inside URLs). */
const SECRET_BEARING = /KEY|SECRET|TOKEN|PASSWORD|_URL$/;

/** What a config error may print of a value: never a secret, and no password from a URL's userinfo. */
export function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (!SECRET_BEARING.test(name)) return JSON.stringify(value);
  if (/_URL$/.test(name)) {
    const redacted = value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
    return redacted !== value || !/@/.test(value) ? JSON.stringify(redacted) : `a value of ${value.length} characters`;
  }
  return `a value of ${value.length} characters (not shown: it may be a secret)`;
}

function parse(env: Record<string, string>): RawConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `${i.path.join('.') || '(environment)'}: ${i.message} (got ${shownValue(String(i.path[0]), env[String(i.path[0])])})`
      )
    );
  }
  return parsed.data;
}

const TLS_FILES: { key: 'serverCACert' | 'clientCert' | 'clientKey'; env: string; toml: string }[] = [
  { key: 'serverCACert', env: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', toml: 'server_ca_cert_path' },
  { key: 'clientCert', env: 'TEMPORAL_TLS_CLIENT_CERT_PATH', toml: 'client_cert_path' },
  { key: 'clientKey', env: 'TEMPORAL_TLS_CLIENT_KEY_PATH', toml: 'client_key_path' },
];

/**
 * The Temporal connection as the official SDKs resolve it (`@temporalio/envconfig`: TOML profile, then
 * environment variables on top), with Onramp's defaults, empty variables ignored, and every problem named.
 */
export function temporalSettings(env: Record<string, string>, taskQueue: string): TemporalSettings {
  const problems: string[] = [];
  if (env.TEMPORAL_CONFIG_FILE && !existsSync(env.TEMPORAL_CONFIG_FILE)) {
    throw new ConfigError([`TEMPORAL_CONFIG_FILE: ${env.TEMPORAL_CONFIG_FILE} does not exist`]);
  }
  let profile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: env, profile: env.TEMPORAL_PROFILE });
  } catch (err) {
    const what = env.TEMPORAL_CONFIG_FILE
      ? `TEMPORAL_CONFIG_FILE (${env.TEMPORAL_CONFIG_FILE})`
      : 'Temporal client config';
    throw new ConfigError([`${what}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  let tls = profile.tls;
  if (tls && !tls.disabled) {
    for (const f of TLS_FILES) {
      const src: ConfigDataSource | undefined = tls[f.key];
      if (src && 'path' in src && !existsSync(src.path)) {
        problems.push(`${f.env} (or the profile's tls.${f.toml}): ${src.path} does not exist`);
      }
    }
    if (!!tls.clientCert !== !!tls.clientKey) {
      problems.push(
        'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both the certificate and its key'
      );
    }
  }
  if (tls && Object.keys(tls).length === 0) tls = undefined;
  if (problems.length) throw new ConfigError(problems);
  const fromFile = env.TEMPORAL_CONFIG_FILE || env.TEMPORAL_PROFILE;
  return {
    address: profile.address || 'localhost:7233',
    namespace: profile.namespace || 'default',
    taskQueue,
    ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
    ...(tls ? { tls } : {}),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length ? { grpcMeta: profile.grpcMeta } : {}),
    source: fromFile
      ? `profile ${env.TEMPORAL_PROFILE ?? 'default'} (${env.TEMPORAL_CONFIG_FILE ?? 'default config file'}) + environment`
      : 'environment',
  };
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): OnrampConfig {
  const env = cleanEnv(rawEnv);
  const c = parse(env);
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
  if (!c.ONRAMP_CODEC_SERVER_TLS_CERT_PATH !== !c.ONRAMP_CODEC_SERVER_TLS_KEY_PATH) {
    problems.push(
      'ONRAMP_CODEC_SERVER_TLS_CERT_PATH and ONRAMP_CODEC_SERVER_TLS_KEY_PATH: set both (HTTPS) or neither (HTTP)'
    );
  }
  if (!c.ONRAMP_CHECKLIST_TLS_CERT_PATH !== !c.ONRAMP_CHECKLIST_TLS_KEY_PATH) {
    problems.push(
      'ONRAMP_CHECKLIST_TLS_CERT_PATH and ONRAMP_CHECKLIST_TLS_KEY_PATH: set both (HTTPS) or neither (HTTP)'
    );
  }
  if (mode === 'live' && c.ONRAMP_CHECKLIST_BASE_URL?.startsWith('http:')) {
    problems.push(
      "ONRAMP_CHECKLIST_BASE_URL: must be https:// in live mode: the customer's admin pastes credentials into that page"
    );
  }
  if (mode === 'live' && !c.ONRAMP_NOTIFY_WEBHOOK_URL) {
    problems.push(
      'ONRAMP_NOTIFY_WEBHOOK_URL: required in live mode: set it to the vendor support intake that must learn of each completed delegation'
    );
  }
  if (c.ONRAMP_SMTP_URL && !c.ONRAMP_MAIL_FROM) {
    problems.push('ONRAMP_MAIL_FROM: required with ONRAMP_SMTP_URL: set the sender, like Onramp <onramp@msp.example>');
  }
  if (c.ONRAMP_WORKER_BUILD_ID && !c.ONRAMP_WORKER_DEPLOYMENT) {
    problems.push(
      'ONRAMP_WORKER_DEPLOYMENT: set it with ONRAMP_WORKER_BUILD_ID (a build ID names a version of a deployment), or unset ONRAMP_WORKER_BUILD_ID for an unversioned worker'
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const temporal = temporalSettings(env, c.TEMPORAL_TASK_QUEUE);
  return {
    temporal,
    mode,
    dataDir: c.ONRAMP_DATA_DIR,
    log: { level: c.LOG_LEVEL, format: c.LOG_FORMAT ?? 'json', formatSet: c.LOG_FORMAT !== undefined },
    google: {
      tokenUrl: c.ONRAMP_GOOGLE_TOKEN_URL ?? (sandbox ? `${googleSim}/token` : LIVE.googleTokenUrl),
      apiRootUrl: c.ONRAMP_GOOGLE_API_ROOT_URL ?? (sandbox ? `${googleSim}/` : undefined),
      directoryQuotaPerMinute: c.ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE,
    },
    autotask: {
      discoveryUrl: c.ONRAMP_AUTOTASK_DISCOVERY_URL ?? (sandbox ? `http://${autotaskSim}` : LIVE.autotaskDiscoveryUrl),
      allowedZoneHosts: withSim(c.ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS, autotaskSim),
      receiverKeyringDir: c.ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR ?? `${c.ONRAMP_DATA_DIR}/autotask-keyring`,
      vendorProfilesFile: c.ONRAMP_VENDOR_PROFILES ?? (sandbox ? SANDBOX_VENDOR_PROFILES : undefined),
    },
    sales: { mappingFile: c.ONRAMP_SALES_MAPPING ?? (sandbox ? SANDBOX_SALES_MAPPING : undefined) },
    connectwise: {
      allowedHosts: withSim(c.ONRAMP_CONNECTWISE_ALLOWED_HOSTS, connectwiseSim),
      insecureHttpHosts: withSim(c.ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS, connectwiseSim),
      requestsPerMinute: c.ONRAMP_CONNECTWISE_REQUESTS_PER_MINUTE,
      currentCredentialsDir: c.ONRAMP_CURRENT_CREDENTIALS_DIR ?? `${c.ONRAMP_DATA_DIR}/current-credentials`,
    },
    notify: {
      webhookUrl: c.ONRAMP_NOTIFY_WEBHOOK_URL ?? (sandbox ? `${sim(c.ONRAMP_SANDBOX_NOTIFY_PORT)}/notify` : undefined),
      secretRef: c.ONRAMP_NOTIFY_WEBHOOK_SECRET_REF,
    },
    mail: {
      smtpUrl: c.ONRAMP_SMTP_URL,
      from: c.ONRAMP_MAIL_FROM ?? 'Onramp <onramp@sandbox.localhost>',
      replyTo: c.ONRAMP_MAIL_REPLY_TO,
      operatorEmail: c.ONRAMP_OPERATOR_EMAIL,
      sentMailDir: c.ONRAMP_SENT_MAIL_DIR ?? `${c.ONRAMP_DATA_DIR}/sent-mail`,
      postgresUrl: c.ONRAMP_SECRET_STORE_URL,
    },
    sandboxPorts: {
      google: c.ONRAMP_SANDBOX_GOOGLE_PORT,
      notify: c.ONRAMP_SANDBOX_NOTIFY_PORT,
      autotask: c.ONRAMP_SANDBOX_AUTOTASK_PORT,
      connectwise: c.ONRAMP_SANDBOX_CONNECTWISE_PORT,
      smtp: c.ONRAMP_SANDBOX_SMTP_PORT,
      mailUi: c.ONRAMP_SANDBOX_MAIL_UI_PORT,
      sales: {
        hubspot: c.ONRAMP_SANDBOX_HUBSPOT_PORT,
        salesforce: c.ONRAMP_SANDBOX_SALESFORCE_PORT,
        connectwise: c.ONRAMP_SANDBOX_CONNECTWISE_SALES_PORT,
      },
    },
    sandbox: {
      temporalPort: c.ONRAMP_SANDBOX_TEMPORAL_PORT,
      uiPort: c.ONRAMP_SANDBOX_UI_PORT,
      propagationSeconds: c.ONRAMP_SANDBOX_PROPAGATION_SECONDS,
      receiverPort: c.ONRAMP_SANDBOX_RECEIVER_PORT,
    },
    worker: {
      maxConcurrentActivities: c.ONRAMP_MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: c.ONRAMP_MAX_CACHED_WORKFLOWS,
      workflowBundle: c.ONRAMP_WORKFLOW_BUNDLE,
      deploymentName: c.ONRAMP_WORKER_DEPLOYMENT,
      buildId: c.ONRAMP_WORKER_BUILD_ID,
    },
    limits: { postgresUrl: c.ONRAMP_LIMITER_POSTGRES_URL },
    metrics: { bindAddress: c.ONRAMP_METRICS_BIND_ADDRESS },
    codec: {
      keys: c.ONRAMP_CODEC_KEYS,
      server: {
        host: c.ONRAMP_CODEC_SERVER_HOST,
        port: c.ONRAMP_CODEC_SERVER_PORT,
        tokenRef: c.ONRAMP_CODEC_SERVER_TOKEN_REF,
        ...(c.ONRAMP_CODEC_SERVER_TLS_CERT_PATH && c.ONRAMP_CODEC_SERVER_TLS_KEY_PATH
          ? { tls: { certPath: c.ONRAMP_CODEC_SERVER_TLS_CERT_PATH, keyPath: c.ONRAMP_CODEC_SERVER_TLS_KEY_PATH } }
          : {}),
        ...(c.ONRAMP_CODEC_SERVER_OIDC_ISSUER
          ? {
              oidc: {
                issuer: c.ONRAMP_CODEC_SERVER_OIDC_ISSUER,
                ...(c.ONRAMP_CODEC_SERVER_OIDC_JWKS_URL ? { jwksUrl: c.ONRAMP_CODEC_SERVER_OIDC_JWKS_URL } : {}),
                ...(c.ONRAMP_CODEC_SERVER_OIDC_AUDIENCE ? { audience: c.ONRAMP_CODEC_SERVER_OIDC_AUDIENCE } : {}),
              },
            }
          : {}),
        allowedOrigins: splitList(c.ONRAMP_CODEC_SERVER_ALLOWED_ORIGINS) ?? [
          `http://localhost:${c.ONRAMP_SANDBOX_UI_PORT}`,
          `http://127.0.0.1:${c.ONRAMP_SANDBOX_UI_PORT}`,
        ],
        namespaces: splitList(c.ONRAMP_CODEC_SERVER_NAMESPACES) ?? [temporal.namespace],
      },
    },
    intake: {
      host: c.ONRAMP_INTAKE_HOST,
      port: c.ONRAMP_INTAKE_PORT,
      hmacSecretRefs: c.ONRAMP_INTAKE_HMAC_SECRET_REFS,
      bearerTokenRefs: c.ONRAMP_INTAKE_BEARER_TOKEN_REFS,
    },
    checklist: {
      keys: c.ONRAMP_CHECKLIST_KEYS,
      baseUrl: c.ONRAMP_CHECKLIST_BASE_URL ?? `http://127.0.0.1:${c.ONRAMP_CHECKLIST_PORT}`,
      host: c.ONRAMP_CHECKLIST_HOST,
      port: c.ONRAMP_CHECKLIST_PORT,
      ...(c.ONRAMP_CHECKLIST_TLS_CERT_PATH && c.ONRAMP_CHECKLIST_TLS_KEY_PATH
        ? { tls: { certPath: c.ONRAMP_CHECKLIST_TLS_CERT_PATH, keyPath: c.ONRAMP_CHECKLIST_TLS_KEY_PATH } }
        : {}),
      trustProxy: c.ONRAMP_CHECKLIST_TRUST_PROXY === 'true' || c.ONRAMP_CHECKLIST_TRUST_PROXY === '1',
      linkTtlSeconds: c.ONRAMP_CHECKLIST_LINK_TTL_HOURS * 3600,
      rateLimitPerMinute: c.ONRAMP_CHECKLIST_RATE_LIMIT_PER_MINUTE,
    },
    secretStore: { url: c.ONRAMP_SECRET_STORE_URL },
    secretsDir: c.ONRAMP_SECRETS_DIR ?? `${c.ONRAMP_DATA_DIR}/secrets`,
    tooling: { temporalCliPath: c.TEMPORAL_CLI_PATH, cacheDir: c.ONRAMP_CACHE_DIR },
  };
}

/** The intake service's settings: at least one way to authenticate callers. */
export function loadIntakeConfig(rawEnv: NodeJS.ProcessEnv = process.env): IntakeConfig {
  const { intake } = loadConfig(rawEnv);
  if (!intake.hmacSecretRefs.length && !intake.bearerTokenRefs.length) {
    throw new ConfigError([
      'ONRAMP_INTAKE_HMAC_SECRET_REFS or ONRAMP_INTAKE_BEARER_TOKEN_REFS: set at least one, or every request would be refused',
    ]);
  }
  return intake;
}

/** docs/configuration.md's table of every variable, generated from the schema (scripts/config-table.ts writes it). */
export function configTableMarkdown(): string {
  const rows = ['| Variable | Default | Meaning |', '| --- | --- | --- |'];
  for (const [name, field] of Object.entries(configSchema.shape)) {
    const probe = (field as z.ZodType).safeParse(undefined);
    const d: unknown = probe.success ? probe.data : undefined;
    const def = typeof d === 'string' || typeof d === 'number' ? `\`${d}\`` : '';
    const description = (field as z.ZodType).description ?? '';
    rows.push(`| \`${name}\` | ${def} | ${description.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}
