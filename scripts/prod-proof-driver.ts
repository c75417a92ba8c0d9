/**
 * The Onramp half of scripts/prod-proof.sh. Against a Temporal server already running on PostgreSQL with
 * mTLS, it reads docker-compose.yml, resolves every Onramp service (the ones built from the Dockerfile:
 * codec-server, worker, intake) exactly as compose would with the `.env` docs/operations.md documents
 * (deploy/env.example) and this shell's overrides, maps what only exists inside a container to this
 * machine (hostname `temporal`, /run/secrets, /app, 0.0.0.0 and the published ports) explicitly and
 * visibly, and starts each service's command as a process: `node dist/...`, the image's compiled code.
 * Then: N worker replicas (compose's `deploy.replicas`, overridable) all polling; full orders through the
 * intake API over HTTP; every order completes and the vendor is notified exactly once; a client without a
 * certificate is refused by the server; an Autotask order waits for the operator, whose secret goes through
 * the intake's supply-credential into the PostgreSQL secret store (ONRAMP_SECRET_STORE_URL) and is read by a
 * worker: sealed row, audit without the value, the value in no service log; the codec server decodes a real history payload for a caller
 * presenting an OIDC access token signed by the (local) issuer's JWKS, and refuses one without; the Temporal
 * Web UI (compose's `temporal-ui`: ui-server at the image's version, with compose's environment) signs a user
 * in with that issuer in headless Chromium and shows a decoded payload, the browser sending the user's
 * access token to the codec server; then the vendor limits under load across the workers: the simulators
 * enforce ConnectWise's ~1,000/min, Autotask's 3 threads per endpoint and hourly threshold and Google's
 * per-minute Directory quota, the workers share one limiter in PostgreSQL (ONRAMP_LIMITER_POSTGRES_URL),
 * and the simulators must count 0 throttling answers. Vendor profiles and e-mail as production provides them:
 * deploy/vendor-profiles.example.yaml in the secrets volume with the tracking identifier in a file it references;
 * Mailpit (ONRAMP_PROOF_MAILPIT) as the SMTP server requiring authentication, the URL with its password by
 * reference; each order's instruction and result e-mails in Mailpit, once, with an onramp_sent_mail row each and
 * no secret; the first admin's checklist link fetched over HTTPS from compose's checklist-page service. It fails
 * as soon as any service exits.
 *
 * Environment: ONRAMP_PROOF_DIR (logs, secrets), ONRAMP_PROOF_TEMPORAL_ADDRESS (loopback host:port of the
 * server), ONRAMP_PROOF_PG_ADDRESS (loopback host:port of PostgreSQL), TEMPORAL_POSTGRES_PASSWORD,
 * ONRAMP_PROOF_UI_SERVER (the ui-server binary) and ONRAMP_PROOF_UI_CONFIG (its module's config/docker.yaml),
 * ONRAMP_PROOF_WORKERS (compose's replicas), ONRAMP_PROOF_ONBOARDINGS (4), ONRAMP_PROOF_PORT_BASE
 * (19460: Web UI +20, intake +25, codec server +24, worker i metrics +4+i), ONRAMP_PROOF_SCREENSHOT
 * (where the Web UI screenshot goes), load sizes ONRAMP_PROOF_CW_CUSTOMERS (240), ONRAMP_PROOF_GOOGLE_QUOTA
 * (300/min), ONRAMP_PROOF_GOOGLE_MEMBERS (330), ONRAMP_PROOF_AUTOTASK_HOURLY_LIMIT (150),
 * ONRAMP_PROOF_AUTOTASK_ONBOARDINGS (9); ONRAMP_PROOF_SKIP=ui,load,upgrade,faults,fairness leaves phases out (while working on one); ONRAMP_PROOF_ROWS (the outcome table's rows, default ONRAMP_PROOF_DIR/proof-rows.jsonl).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { X509Certificate, createHash } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { Agent, fetch as undiciFetch } from 'undici';
import { temporal } from '@temporalio/proto';
import { connectClient } from '../src/client';
import { loadConfig } from '../src/config';
import { temporalConnectionOptions } from '../src/temporal/connection';
import type { OrderRequest } from '../src/domain/customer-onboarding-schema';
import { customerOnboardingWorkflowId } from '../src/domain/customer-onboarding-schema';
import { DEFAULT_DELEGATION_SCOPES } from '../src/domain/google-delegation-schema';
import { createNotifyReceiver } from '../src/simulators/notify-receiver';
import { startOidcIssuer } from '../src/simulators/oidc-issuer';
import { startMailpit } from '../src/sandbox/mailpit';
import { loadVendorProfiles } from '../src/secrets/vendor-profile-file';
import type { customerOnboarding } from '../src/workflows/customer-onboarding';
import { startBenchGoogle } from '../bench/lib/google';
import {
  measureAutotask,
  startAutotaskLimitTenant,
  startAutotaskOnboardings,
} from '../bench/scenarios/autotask-limits';
import { vendorTrackingIdentifier } from '../src/simulators/autotask/autotask-admin-routes';
import {
  measureConnectwise,
  runConnectwiseSyncs,
  startConnectwiseLimitTenant,
} from '../bench/scenarios/connectwise-limits';
import { groupRequests, measureGroups, runGroupProvisioning } from '../bench/scenarios/google-directory';
import { checkPage } from './browser-check';
import { appendRow } from './proof/table';
import { proveUpgrade } from './proof/upgrade';
import { fairnessPhase } from './proof/fairness';
import { expectRows } from './proof/report';
import { resolveComposeFiles, type ResolvedService } from './compose-resolve';
import { registerFaultRows, runFaults } from './proof/faults';
import { startTcpProxy } from './proof/tcp-proxy';

const repoRoot = resolve(__dirname, '..');
const env = (name: string, fallback: string): string => process.env[name] || fallback;
const int = (name: string, fallback: number): number => {
  const n = Number(env(name, String(fallback)));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const proofDir = resolve(env('ONRAMP_PROOF_DIR', '.onramp/prod-proof'));
const secretsDir = join(proofDir, 'secrets');
const temporalAddress = env('ONRAMP_PROOF_TEMPORAL_ADDRESS', '127.0.0.1:17233');
const onboardings = int('ONRAMP_PROOF_ONBOARDINGS', 4);
const portBase = int('ONRAMP_PROOF_PORT_BASE', 19460);
const PORTS = {
  ui: portBase + 20,
  intake: portBase + 25,
  codec: portBase + 24,
  metrics: (i: number) => portBase + 4 + i,
  checklist: portBase + 27,
  smtp: portBase + 28,
  mailApi: portBase + 29,
};
const pgAddress = env('ONRAMP_PROOF_PG_ADDRESS', '127.0.0.1:55432');
const skip = new Set(env('ONRAMP_PROOF_SKIP', '').split(',').filter(Boolean));
/** The proof's one outcome table (scripts/proof/table.ts); prod-proof.sh prints it (scripts/proof/report.ts). */
const rowsFile = resolve(env('ONRAMP_PROOF_ROWS', join(proofDir, 'proof-rows.jsonl')));
/** What the browser calls: both on loopback, one site (the UI's cookies are SameSite=Strict). */
const uiOrigin = `http://127.0.0.1:${PORTS.ui}`;
const codecPublicUrl = `https://127.0.0.1:${PORTS.codec}`;
const checklistPublicUrl = `https://127.0.0.1:${PORTS.checklist}`;
/** A password inside a URL is never printed. */
const redact = (v: string) => v.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');

const say = (line: string) => process.stdout.write(`[driver] ${line}\n`);
class ProofFailure extends Error {}
function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ProofFailure(message);
  say(`ok: ${message}`);
}

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ProofFailure) throw err;
      if (Date.now() > deadline) throw new ProofFailure(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Container -> this machine: every rewrite is listed here and printed.
// ---------------------------------------------------------------------------------------------------------
interface Mapping {
  from: string;
  to: string;
}

function mapService(
  s: ResolvedService,
  replica: number
): { argv: string[]; env: Record<string, string>; mapped: string[] } {
  // The secrets volume as compose resolved it: `<host dir>:/run/secrets:ro`.
  const mounts: Mapping[] = s.volumes.map((v) => {
    const [host, container] = v.split(':');
    return { from: container!, to: resolve(repoRoot, host!) };
  });
  const rules: { test: (k: string, v: string) => boolean; map: (v: string) => string; why: string }[] = [
    {
      test: (_k, v) => v.includes('temporal:7233'),
      map: (v) => v.replace('temporal:7233', temporalAddress),
      why: 'compose service hostname',
    },
    {
      test: (_k, v) => v.includes('@postgresql:5432/'),
      map: (v) => v.replace('@postgresql:5432/', `@${pgAddress}/`),
      why: 'compose service hostname',
    },
    {
      test: (_k, v) => mounts.some((m) => v.includes(m.from)),
      map: (v) => mounts.reduce((acc, m) => acc.split(m.from).join(m.to), v),
      why: 'volume',
    },
    { test: (_k, v) => v.startsWith('/app/'), map: (v) => join(repoRoot, v.slice(5)), why: 'image WORKDIR /app' },
    { test: (k) => k === 'ONRAMP_INTAKE_PORT', map: () => String(PORTS.intake), why: 'published port' },
    { test: (k) => k === 'ONRAMP_CODEC_SERVER_PORT', map: () => String(PORTS.codec), why: 'published port' },
    { test: (k) => k === 'TEMPORAL_UI_PORT', map: () => String(PORTS.ui), why: 'published port' },
    { test: (k) => k === 'ONRAMP_CHECKLIST_PORT', map: () => String(PORTS.checklist), why: 'published port' },
    {
      test: (k) => k === 'ONRAMP_METRICS_BIND_ADDRESS',
      map: () => `127.0.0.1:${PORTS.metrics(replica)}`,
      why: 'one port per replica on one host',
    },
    { test: (_k, v) => v === '0.0.0.0', map: () => '127.0.0.1', why: 'loopback only on this machine' },
  ];
  const out: Record<string, string> = {};
  const mapped: string[] = [];
  // The container's environment: the image's ENV, then compose's (compose wins), as docker does.
  for (const [k, v0] of Object.entries({ ...s.imageEnv, ...s.environment })) {
    let v = v0;
    for (const r of rules) {
      if (r.test(k, v)) {
        const nv = r.map(v);
        if (nv !== v) mapped.push(`${k}: ${redact(v)} -> ${redact(nv)} (${r.why})`);
        v = nv;
      }
    }
    out[k] = v;
  }
  for (const [k, v] of Object.entries(out)) {
    if (/temporal:7233|@postgresql:|\/run\/secrets|^\/app\/|0\.0\.0\.0/.test(v))
      throw new ProofFailure(`${s.name}: ${k}=${redact(v)} still names something that exists only inside a container`);
  }
  if (!s.built) return { argv: [], env: out, mapped };
  const [cmd, ...args] = s.command;
  if (cmd !== 'node')
    throw new ProofFailure(`${s.name}: command ${s.command.join(' ')} is not the compiled image command`);
  return { argv: args, env: out, mapped };
}

interface RunningService {
  name: string;
  child: ChildProcess;
  log: string;
  exited?: string;
}

function startService(
  name: string,
  argv: string[],
  serviceEnv: Record<string, string>,
  exe = 'node',
  cwd = repoRoot
): RunningService {
  const log = join(proofDir, `${name}.log`);
  const child = spawn(exe, argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const svc: RunningService = { name, child, log };
  child.once('exit', (code, signal) => (svc.exited = `exit ${code ?? signal}`));
  return svc;
}

async function stopService(s: RunningService): Promise<string> {
  if (s.exited) return s.exited;
  const done = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  const t = sleep(20_000).then(() => 'timeout');
  if ((await Promise.race([done.then(() => 'ok'), t])) === 'timeout') {
    s.child.kill('SIGKILL');
    return 'killed after 20 s';
  }
  return s.exited ?? 'stopped';
}

interface MailSeen {
  messageId: string;
  to: string;
  subject: string;
  workflowId: string;
  kind: string;
  /** The source as the SMTP server received it, and its decoded text part. */
  raw: string;
  text: string;
}

/** Every message Mailpit holds, through its API (`/api/v1/messages`, then each message's source and text). */
async function mailpitMessages(api: string): Promise<MailSeen[]> {
  const list = (await (await fetch(`${api}/api/v1/messages?limit=1000`)).json()) as {
    messages: { ID: string; MessageID: string; To: { Address: string }[]; Subject: string }[];
  };
  return Promise.all(
    list.messages.map(async (m) => {
      const raw = await (await fetch(`${api}/api/v1/message/${m.ID}/raw`)).text();
      const { Text } = (await (await fetch(`${api}/api/v1/message/${m.ID}`)).json()) as { Text?: string };
      // Long header lines arrive folded (RFC 5322 2.2.3): unfold the header section before reading a field.
      const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
      return {
        messageId: `<${m.MessageID}>`,
        to: m.To.map((t) => t.Address.toLowerCase()).join(','),
        subject: m.Subject,
        workflowId: header('X-Onramp-Workflow-Id'),
        kind: header('X-Onramp-Mail-Kind'),
        raw,
        text: Text ?? '',
      };
    })
  );
}

/**
 * The orders' e-mails as the humans received them: each Google order's instruction and result to its admin and
 * the operators, the vendor's support told once the grant holds, the Autotask order's operator instruction and
 * result; each message once, each in the workers' shared record (onramp_sent_mail), none carrying a secret.
 */
async function checkMail(o: {
  api: string;
  storeUrl: string;
  google: { orderId: string; admin: string; vendor: string }[];
  autotaskOrderId: string;
  secrets: { name: string; value: string }[];
}): Promise<MailSeen[]> {
  const want = (orderId: string, to: string, kind: string) => ({ orderId, key: `${to}/${kind}` });
  const expected = [
    ...o.google.flatMap((g) => [
      want(g.orderId, g.admin, 'instruction'),
      want(g.orderId, OPERATOR_EMAIL, 'instruction'),
      want(g.orderId, g.admin, 'result'),
      want(g.orderId, OPERATOR_EMAIL, 'result'),
      want(g.orderId, g.vendor, 'result'),
    ]),
    want(o.autotaskOrderId, OPERATOR_EMAIL, 'instruction'),
    want(o.autotaskOrderId, OPERATOR_EMAIL, 'result'),
  ];
  const has = (all: MailSeen[], e: { orderId: string; key: string }) =>
    all.some((m) => m.workflowId.includes(`:${e.orderId}:`) && `${m.to}/${m.kind}` === e.key);
  const mails = await eventually(`the orders' ${expected.length} e-mails in Mailpit`, async () => {
    const all = await mailpitMessages(o.api);
    const missing = expected.filter((e) => !has(all, e));
    if (missing.length)
      throw new Error(
        `${all.length} messages in Mailpit (${all.map((m) => `${m.workflowId} ${m.to}/${m.kind}`).join('; ')}); missing ${missing.map((e) => `${e.orderId} ${e.key}`).join('; ')}`
      );
    return all;
  });
  check(
    true,
    `mail: ${expected.length} e-mails arrived over SMTP in Mailpit (/api/v1/messages): for each of ${o.google.length} Google orders the instruction and result to the admin and ${OPERATOR_EMAIL} and the vendor's support; the Autotask order's instruction and result to the operators`
  );
  const ids = mails.map((m) => m.messageId);
  check(
    new Set(ids).size === ids.length,
    `mail: each of the ${ids.length} messages arrived once (distinct Message-IDs)`
  );
  const pg = new PgClient({ connectionString: o.storeUrl });
  await pg.connect();
  try {
    const rows = (await pg.query<{ message_id: string; kind: string }>('SELECT message_id, kind FROM onramp_sent_mail'))
      .rows;
    const recorded = new Set(rows.map((r) => r.message_id));
    const unrecorded = ids.filter((id) => !recorded.has(id));
    check(
      rows.length === ids.length && unrecorded.length === 0,
      `mail: onramp_sent_mail holds one row per message the SMTP server accepted (${rows.length} rows, ${unrecorded.length} unrecorded${unrecorded.length ? `: ${unrecorded.join(', ')}` : ''})`
    );
  } finally {
    await pg.end();
  }
  const leaks = mails.flatMap((m) =>
    o.secrets
      .filter((sec) => sec.value.length >= 8 && (m.raw.includes(sec.value) || m.text.includes(sec.value)))
      .map((sec) => `${sec.name} in "${m.subject}" to ${m.to}`)
  );
  check(
    leaks.length === 0,
    `mail: no secret in any of the ${mails.length} messages (source and text searched for ${o.secrets.map((x) => x.name).join(', ')})${leaks.length ? `: ${leaks.join('; ')}` : ''}`
  );
  return mails;
}

/**
 * The customer admin's checklist page as the admin reaches it: the link from their instruction e-mail, opened over
 * HTTPS with only make-secrets.sh's CA trusted (as a browser trusting the organisation's CA), answering 200 with
 * the order's integration and customer.
 */
async function checkChecklistLink(o: {
  mails: MailSeen[];
  admin: string;
  customerName: string;
  publicUrl: string;
  ca: Buffer;
  storeUrl: string;
  alive: () => void;
}): Promise<void> {
  const tls = new Agent({ connect: { ca: o.ca } });
  await eventually('checklist page /healthz over HTTPS', async () => {
    o.alive();
    const r = await undiciFetch(`${o.publicUrl}/healthz`, { dispatcher: tls });
    if (!r.ok) throw new Error(String(r.status));
  });
  const mail = o.mails.find((m) => m.to === o.admin && m.kind === 'instruction');
  const escaped = o.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = new RegExp(`${escaped}/c/[A-Za-z0-9._~-]+`).exec(mail?.text ?? '')?.[0];
  check(link, `checklist: ${o.admin}'s instruction e-mail links the checklist page (${o.publicUrl}/c/<token>)`);
  const r = await undiciFetch(link, { dispatcher: tls });
  const html = await r.text();
  const integration = 'Google Workspace domain-wide delegation';
  check(
    r.status === 200 && html.includes(integration) && html.includes(o.customerName),
    `checklist: the e-mailed link over HTTPS (the service's certificate verified against the CA) answered ${r.status}; the page shows "${integration}" for "${o.customerName}"`
  );
  await tls.close();
  // The view is an audit row beside the secret store, naming the link's recipient (docs/operations.md, Audit).
  const pg = new PgClient({ connectionString: o.storeUrl });
  await pg.connect();
  try {
    const rows = (
      await pg.query<{ actor: string; action: string; integration: string }>(
        'SELECT actor, action, integration FROM onramp_checklist_audit'
      )
    ).rows;
    check(
      rows.some((r) => r.action === 'viewed' && r.actor === o.admin && r.integration === 'googleDelegation'),
      `checklist: onramp_checklist_audit records the view by ${o.admin} (${rows.map((r) => `${r.action} ${r.integration}`).join(', ') || 'no rows'})`
    );
  } finally {
    await pg.end();
  }
}

/** Where the workers send the operators' copies (ONRAMP_OPERATOR_EMAIL). */
const OPERATOR_EMAIL = 'operators@msp.example';

/**
 * The vendor profile file as docs/operations.md tells an operator to deploy it: deploy/vendor-profiles.example.yaml
 * copied into the secrets volume as vendor-profiles.yaml, and each profile's tracking identifier (the code Autotask
 * issued for its Integration Vendor; here the simulator's) alone in the file its `file:/run/secrets/...` reference
 * names. The references inside the file are container paths: mapped to the secrets directory, and printed.
 */
function deployVendorProfiles(): { trackingIdentifiers: string[] } {
  const source = join(repoRoot, 'deploy/vendor-profiles.example.yaml');
  const profiles = loadVendorProfiles(source);
  const trackingIdentifiers: string[] = [];
  for (const [name, p] of Object.entries(profiles.profiles)) {
    if (!p.autotask) continue;
    const { trackingIdentifierRef: ref, integrationVendor } = p.autotask;
    if (!ref.startsWith('file:/run/secrets/'))
      throw new ProofFailure(
        `vendor profile ${name}: trackingIdentifierRef ${ref} is not a file of the secrets volume`
      );
    const code = vendorTrackingIdentifier(integrationVendor);
    if (!code)
      throw new ProofFailure(
        `vendor profile ${name}: the Autotask simulator lists no Integration Vendor "${integrationVendor}"`
      );
    const path = join(secretsDir, ref.slice('file:/run/secrets/'.length));
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, code, { mode: 0o644 });
    trackingIdentifiers.push(code);
    say(
      `vendor profile ${name}: the tracking identifier of "${integrationVendor}" in ${ref} (only the workers read it)`
    );
  }
  const text = readFileSync(source, 'utf8');
  writeFileSync(
    join(secretsDir, 'vendor-profiles.yaml'),
    text.split('file:/run/secrets/').join(`file:${secretsDir}/`),
    {
      mode: 0o644,
    }
  );
  say(
    `    vendor-profiles.yaml (deploy/vendor-profiles.example.yaml): file:/run/secrets/ -> file:${secretsDir}/ inside the file (volume)`
  );
  return { trackingIdentifiers };
}

async function main(): Promise<void> {
  // The vendors, at their documented limits (the benchmark's tenants: bench/scenarios/*-limits.ts):
  // - Google: the Directory quota per impersonated admin, 2,400/min scaled down (the workers' window is Google's
  //   real minute; ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE tells them the same number);
  // - ConnectWise: ~1,000 requests/min per tenant, compressed to the same rate over 10 s (Onramp's pace is a
  //   rate, so the workers' shipped default, 930/min, applies unchanged);
  // - Autotask: 3 threads per endpoint, and the rolling hourly threshold lowered to ONRAMP_PROOF_AUTOTASK_HOURLY_LIMIT
  //   (the workers learn it from ThresholdInformation, as in production; their hour is Autotask's real hour).
  const googleQuota = { limit: int('ONRAMP_PROOF_GOOGLE_QUOTA', 300), windowMs: 60_000, guardMs: 1000 };
  const google = await startBenchGoogle({
    directoryQuota: { limit: googleQuota.limit, windowMs: googleQuota.windowMs },
  });
  const googleUrl = `http://${new URL(google.deps().google.tokenUrl).host}`;
  const cw = await startConnectwiseLimitTenant(10_000);
  const atHourly = int('ONRAMP_PROOF_AUTOTASK_HOURLY_LIMIT', 150);
  const at = await startAutotaskLimitTenant(atHourly, 3600_000, mkdtempSync(join(tmpdir(), 'onramp-proof-at-')));
  const receiver = createNotifyReceiver();
  const notifyUrl = `${await receiver.listen()}/notify`;
  // The identity provider the Web UI signs users in with (OIDC authorization code flow) and whose JWKS the
  // codec server verifies the forwarded access tokens against.
  const uiClientSecret = randomBytes(16).toString('hex');
  const oidc = await startOidcIssuer({
    clients: [
      { clientId: 'temporal-ui', clientSecret: uiClientSecret, redirectUris: [`${uiOrigin}/auth/sso/callback`] },
    ],
    // The codec server's audience, not the UI's client ID: an ID token (audience: the client) is not accepted.
    audience: 'onramp-codec',
  });
  // The vendor's service account key, supplied as a file in the secrets volume like every secret.
  const keyFile = google.keyFile as { client_id: string; client_email: string };
  const keyName = 'vendor-service-account.json';
  writeFileSync(join(secretsDir, keyName), JSON.stringify(keyFile), { mode: 0o644 });
  const deployed = deployVendorProfiles();
  // The SMTP server: the cached Mailpit, requiring authentication. Its password reaches the workers only through
  // the reference ONRAMP_SMTP_URL=file:/run/secrets/smtp-url, as docs/operations.md tells operators to pass it.
  const mailpitBinary = process.env.ONRAMP_PROOF_MAILPIT;
  if (!mailpitBinary) throw new ProofFailure('ONRAMP_PROOF_MAILPIT (the Mailpit binary) not set');
  const smtpPassword = randomBytes(18).toString('hex');
  const mailDir = mkdtempSync(join(tmpdir(), 'onramp-proof-mail-'));
  writeFileSync(join(mailDir, 'auth'), `onramp:${smtpPassword}\n`, { mode: 0o600 });
  writeFileSync(join(secretsDir, 'smtp-url'), `smtp://onramp:${smtpPassword}@127.0.0.1:${PORTS.smtp}\n`, {
    mode: 0o644,
  });
  const mailLog = createWriteStream(join(proofDir, 'mailpit.log'));
  const mailpit = await startMailpit({
    binary: mailpitBinary,
    smtpPort: PORTS.smtp,
    uiPort: PORTS.mailApi,
    extraArgs: ['--smtp-auth-file', join(mailDir, 'auth'), '--smtp-auth-allow-insecure'],
    onLog: (l) => mailLog.write(`${l}\n`),
  });
  say(
    `SMTP server: Mailpit (${mailpitBinary}) on 127.0.0.1:${PORTS.smtp}, authentication required; API ${mailpit.uiUrl}`
  );

  // What an operator puts in the shell / .env for this machine: the vendor endpoints of the simulators, the
  // local OIDC issuer and UI origin, the database password, the secrets directory. Everything else comes from
  // The documented .env (deploy/env.example, docs/operations.md).
  const shellEnv: Record<string, string> = {
    ONRAMP_SECRETS_DIR: secretsDir,
    TEMPORAL_POSTGRES_PASSWORD: env('TEMPORAL_POSTGRES_PASSWORD', ''),
    ONRAMP_NOTIFY_WEBHOOK_URL: notifyUrl,
    ONRAMP_GOOGLE_TOKEN_URL: `${googleUrl}/token`,
    ONRAMP_GOOGLE_API_ROOT_URL: `${googleUrl}/`,
    ONRAMP_GOOGLE_DIRECTORY_QUOTA_PER_MINUTE: String(googleQuota.limit),
    ONRAMP_CONNECTWISE_ALLOWED_HOSTS: cw.host,
    ONRAMP_CONNECTWISE_INSECURE_HTTP_HOSTS: cw.host,
    ONRAMP_AUTOTASK_DISCOVERY_URL: at.url,
    ONRAMP_AUTOTASK_ALLOWED_ZONE_HOSTS: at.host,
    ONRAMP_OIDC_ISSUER: oidc.url,
    ONRAMP_OIDC_AUDIENCE: 'onramp-codec',
    ONRAMP_OIDC_UI_CLIENT_SECRET: uiClientSecret,
    ONRAMP_UI_ORIGIN: uiOrigin,
    ONRAMP_CODEC_SERVER_PUBLIC_URL: codecPublicUrl,
    TEMPORAL_TASK_QUEUE: 'onramp-prod-proof',
    // This deployment onboards Autotask: its profile file in the secrets volume (deploy/vendor-profiles.example.yaml).
    ONRAMP_VENDOR_PROFILES: '/run/secrets/vendor-profiles.yaml',
    // E-mail (docs/operations.md): the SMTP URL with its password by reference, the sender, the operators' inbox.
    ONRAMP_SMTP_URL: 'file:/run/secrets/smtp-url',
    ONRAMP_MAIL_FROM: 'Onramp <onramp@msp.example>',
    ONRAMP_OPERATOR_EMAIL: OPERATOR_EMAIL,
    // The checklist page as the customers' admins reach it (compose: ONRAMP_CHECKLIST_BASE_URL of every service).
    ONRAMP_CHECKLIST_PUBLIC_URL: checklistPublicUrl,
  };
  say(`shell overrides (the rest from deploy/env.example as .env): ${Object.keys(shellEnv).join(', ')}`);
  const resolveCompose = () =>
    resolveComposeFiles(
      join(repoRoot, 'docker-compose.yml'),
      join(repoRoot, 'deploy/env.example'),
      shellEnv,
      join(repoRoot, 'Dockerfile')
    );
  let services = resolveCompose();
  const onramp = Object.values(services).filter((s) => s.built);
  check(
    onramp
      .map((s) => s.name)
      .sort()
      .join(',') === 'checklist-page,codec-server,intake,worker',
    `docker-compose.yml's Onramp services resolved: ${onramp.map((s) => `${s.name} (${s.command.join(' ')})`).join('; ')}`
  );
  let workerService = services.worker!;
  const replicas = int(
    'ONRAMP_PROOF_WORKERS',
    Number((workerService.raw.deploy as { replicas?: number } | undefined)?.replicas ?? 1)
  );

  const running: RunningService[] = [];
  // Faults (scripts/proof/faults.ts): their rows are owed from now on; the last worker reaches Temporal and
  // PostgreSQL only through TCP proxies the proof can cut (partition-worker).
  const faultNames = skip.has('faults')
    ? []
    : registerFaultRows(rowsFile, env('ONRAMP_PROOF_FAULTS', '').split(',').filter(Boolean));
  const proxies = faultNames.length
    ? await Promise.all([startTcpProxy(temporalAddress), startTcpProxy(pgAddress)])
    : [];
  const partitioned = replicas - 1;
  const start = (s: ResolvedService, name: string, replica = 0, through = false) => {
    const m = mapService(s, replica);
    if (through && proxies.length) {
      const [t, p] = proxies as [{ address: string }, { address: string }];
      for (const [k, v] of Object.entries(m.env)) {
        const nv = v.split(temporalAddress).join(t.address).split(`@${pgAddress}/`).join(`@${p.address}/`);
        if (nv !== v) m.mapped.push(`${k}: ${redact(v)} -> ${redact(nv)} (the proof's TCP proxy, partition-worker)`);
        m.env[k] = nv;
      }
    }
    say(`${name}: node ${m.argv.join(' ')}; ${Object.keys(m.env).length} variables from compose + image`);
    for (const line of m.mapped) say(`    ${line}`);
    running.push(startService(name, m.argv, m.env));
    return m.env;
  };
  const startWorker = (i: number) => {
    const e = start(workerService, `worker-${i + 1}`, i, i === partitioned);
    return { env: e, service: running.at(-1)! };
  };
  let failed = false;
  let client: Client | undefined;
  try {
    start(services['codec-server']!, 'codec-server');
    start(services['checklist-page']!, 'checklist-page');
    let intakeEnv = start(services.intake!, 'intake');
    // The first worker's environment stands for all (the last one's may name the partition proxies instead).
    const workerEnv = Array.from({ length: replicas }, (_, i) => startWorker(i).env)[0]!;
    check(
      /^postgres:\/\/temporal:[^@]+@127\.0\.0\.1:\d+\/onramp$/.test(workerEnv.ONRAMP_LIMITER_POSTGRES_URL ?? ''),
      `every worker keeps its vendor limits in PostgreSQL: ONRAMP_LIMITER_POSTGRES_URL=${redact(workerEnv.ONRAMP_LIMITER_POSTGRES_URL ?? '(unset)')}`
    );
    // The secret store supply-credential writes and the workers read: compose's database `onramp`, mapped like the
    // limiter's URL (the intake and the workers must name the same one).
    const storeUrl = workerEnv.ONRAMP_SECRET_STORE_URL ?? '';
    check(
      /^postgres:\/\/temporal:[^@]+@127\.0\.0\.1:\d+\/onramp$/.test(storeUrl) &&
        intakeEnv.ONRAMP_SECRET_STORE_URL === storeUrl,
      `the intake and every worker share the secret store in PostgreSQL: ONRAMP_SECRET_STORE_URL=${redact(storeUrl || '(unset)')}`
    );
    const alive = () => {
      const dead = running.find((s) => s.exited);
      if (dead) throw new ProofFailure(`${dead.name} ${dead.exited}: see ${dead.log}`);
    };

    // A client configured exactly like the intake (mTLS from the same variables), for checks and pollers.
    const config = loadConfig(intakeEnv);
    check(
      config.temporal.tls?.clientCert,
      `clients use mTLS (${config.temporal.address}, server name ${config.temporal.tls?.serverName})`
    );
    client = await eventually('connect with the client certificate', () => connectClient(config));
    const taskQueue = config.temporal.taskQueue;
    const pids = running.filter((s) => s.name.startsWith('worker-')).map((s) => String(s.child.pid));
    const pollers = async (type: temporal.api.enums.v1.TaskQueueType) =>
      (
        await client!.workflowService.describeTaskQueue({
          namespace: config.temporal.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: type,
        })
      ).pollers?.map((p) => p.identity ?? '') ?? [];
    const t0 = Date.now();
    await eventually(
      `all ${replicas} workers polling ${taskQueue}`,
      async () => {
        alive();
        const wf = await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
        const act = await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
        const n = (ids: string[]) => pids.filter((p) => ids.some((id) => id.startsWith(`${p}@`))).length;
        if (n(wf) < replicas || n(act) < replicas) throw new Error(`pollers: ${wf.join(', ')} / ${act.join(', ')}`);
      },
      180_000
    );
    check(true, `${replicas} worker processes polling after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // The server refuses a client without a certificate (mTLS is required, not offered).
    const noCert = await Connection.connect({
      address: config.temporal.address,
      tls: {
        serverNameOverride: 'temporal',
        serverRootCACertificate: readFileSync(join(secretsDir, 'temporal-tls/ca.pem')),
      },
      connectTimeout: 5000,
    })
      .then(async (c) => {
        try {
          await c.workflowService.getSystemInfo({});
          return 'accepted';
        } finally {
          await c.close();
        }
      })
      .catch((e: unknown) => `refused (${(e as Error).message.split('\n')[0]})`);
    check(noCert.startsWith('refused'), `a client without a certificate is ${noCert}`);

    // Orders through the intake API, as a sales system sends them.
    await eventually('intake /healthz', async () => {
      alive();
      const r = await fetch(`http://127.0.0.1:${PORTS.intake}/healthz`);
      if (!r.ok) throw new Error(String(r.status));
    });
    const token = readFileSync(join(secretsDir, 'intake-token'), 'utf8').trim();
    const run = Date.now().toString(36);
    const orders: OrderRequest[] = Array.from({ length: onboardings }, (_, i) => {
      const domain = `proof${i + 1}-${run}.example`;
      google.sim.state.addUser(`admin@${domain}`);
      return {
        orderId: `prod-proof-${run}-${i + 1}`,
        customer: { id: `proof${i + 1}-${run}`, name: `Proof customer ${i + 1}` },
        integrations: {
          googleDelegation: {
            customer: { domain, name: `Proof customer ${i + 1}` },
            adminEmail: `admin@${domain}`,
            vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
            serviceAccount: {
              clientId: keyFile.client_id,
              email: keyFile.client_email,
              keyRef: `file:/run/secrets/${keyName}`.replace('/run/secrets', secretsDir),
            },
            polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
          },
        },
      };
    });
    const started = Date.now();
    for (const o of orders) {
      const res = await fetch(`http://127.0.0.1:${PORTS.intake}/v1/onboardings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(o),
      });
      const body = await res.text();
      check(res.status === 202, `intake accepted order ${o.orderId} (${res.status} ${body.slice(0, 120)})`);
    }
    for (const o of orders) {
      google.sim.state.setGrant(
        keyFile.client_id,
        [...DEFAULT_DELEGATION_SCOPES],
        undefined,
        o.integrations.googleDelegation?.customer.domain
      );
    }
    const durations: number[] = [];
    for (const o of orders) {
      const h = client.workflow.getHandle<typeof customerOnboarding>(customerOnboardingWorkflowId(o.orderId));
      const result = await Promise.race([
        h.result(),
        (async () => {
          for (let i = 0; i < 360; i++) {
            alive();
            await sleep(500);
          }
          throw new ProofFailure(`${h.workflowId} did not complete within 180 s`);
        })(),
      ]);
      durations.push(Date.now() - started);
      check(result.completed.includes('googleDelegation'), `${h.workflowId} completed`);
    }
    const notes = [...receiver.notifications.values()];
    check(
      notes.length === onboardings && notes.every((n) => n.deliveries === 1),
      `vendor notified exactly once per order (${notes.length})`
    );

    // --- Credentials operators supply, stored where workers read them (the secret store) ----------------------
    // One Autotask order without credentials: it waits for the operator, who sends the secret itself through the
    // intake's supply-credential. The intake seals it into PostgreSQL, the workflow gets only `store:<name>`, a
    // worker reads it. Autotask's simulator is the load phase's (the only discovery URL the workers know): its
    // few calls land in the same rolling hour, before the load phase counts from its own start.
    const canary = `proof-canary-${randomBytes(16).toString('hex')}`;
    const storeOrderId = `prod-proof-${run}-store`;
    {
      const { credentials: _credentials, ...atRequest } = at.requests(1, `proof-store-${run}`)[0]!;
      const user = at.sim.db.addUser({
        username: `store-${run}@acme-msp.example`,
        secret: canary,
        integrationCode: vendorTrackingIdentifier('Sophos Central - Security')!,
        securityLevel: 'Onramp API',
      });
      const intake = async (path: string, body?: unknown) => {
        const r = await fetch(`http://127.0.0.1:${PORTS.intake}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: r.status, text: await r.text() };
      };
      const placed = await intake('/v1/onboardings', {
        orderId: storeOrderId,
        customer: { id: `proof-store-${run}`, name: 'Proof customer (secret store)' },
        integrations: { autotask: atRequest },
      });
      check(placed.status === 202, `store: intake accepted Autotask order ${storeOrderId} without credentials`);
      const state = async () =>
        (
          JSON.parse((await intake(`/v1/onboardings/${storeOrderId}`)).text) as {
            details?: { autotask?: { state?: string; workflowId?: string } };
          }
        ).details?.autotask;
      await eventually('the Autotask integration waiting for the operator', async () => {
        alive();
        const a = await state();
        if (a?.state !== 'waiting-for-operator') throw new Error(`state ${a?.state}`);
      });
      const supplied = await intake(`/v1/onboardings/${storeOrderId}/actions/supply-credential`, {
        integration: 'autotask',
        credential: { username: user.username },
        secret: canary,
      });
      const ref = /(store:\S+)\)/.exec(supplied.text)?.[1] ?? '';
      check(
        supplied.status === 202 && ref.startsWith(`store:${storeOrderId}/autotask/`) && !supplied.text.includes(canary),
        `store: supply-credential with the secret itself answered ${supplied.status}, the workflow gets ${ref || '(no store: reference)'}`
      );
      const h = client.workflow.getHandle<typeof customerOnboarding>(customerOnboardingWorkflowId(storeOrderId));
      let settled = false;
      const result = await Promise.race([
        h.result().finally(() => (settled = true)),
        (async () => {
          for (let i = 0; i < 360 && !settled; i++) {
            alive();
            await sleep(500);
          }
          if (!settled) throw new ProofFailure(`${h.workflowId} did not complete within 180 s`);
          return await h.result();
        })(),
      ]);
      const child = await state();
      // Which worker ran it: the identities (pid@host) on the child's activity tasks.
      const ran = new Set<string>();
      for (const e of (await client.workflow.getHandle(child?.workflowId ?? '').fetchHistory()).events ?? []) {
        const id = e.activityTaskStartedEventAttributes?.identity;
        if (id) ran.add(id);
      }
      const on = pids.filter((p) => [...ran].some((id) => id.startsWith(`${p}@`)));
      check(
        result.completed.includes('autotask') &&
          child?.state === 'completed' &&
          on.length > 0 &&
          on.length === ran.size,
        `store: the Autotask integration completed (${child?.workflowId}) on worker${on.length > 1 ? 's' : ''} ${on.map((p) => `pid ${p}`).join(', ')} of ${replicas}, the secret read from the store (${at.sim.hourlyCount()} Autotask calls, in the load phase's hour)`
      );
      const pg = new PgClient({ connectionString: storeUrl });
      await pg.connect();
      try {
        const forms = [canary, Buffer.from(canary).toString('hex'), Buffer.from(canary).toString('base64')];
        const text = (rows: Record<string, unknown>[]) =>
          rows
            .flatMap((r) =>
              Object.values(r).map((v) =>
                Buffer.isBuffer(v) ? `${v.toString('utf8')} ${v.toString('hex')} ${v.toString('base64')}` : String(v)
              )
            )
            .join('\n');
        const name = ref.slice('store:'.length);
        const secrets = (
          await pg.query<Record<string, unknown>>('SELECT * FROM onramp_secrets WHERE name = $1', [name])
        ).rows;
        check(
          secrets.length === 1 && !forms.some((f) => text(secrets).includes(f)),
          `store: onramp_secrets row ${name} holds ${(secrets[0]?.sealed as Buffer | undefined)?.length ?? 0} sealed bytes (key ${String(secrets[0]?.key_id)}), no plaintext`
        );
        const audit = (
          await pg.query<Record<string, unknown>>('SELECT * FROM onramp_secret_audit WHERE order_id = $1', [
            storeOrderId,
          ])
        ).rows;
        const row = audit.find((r) => r.ref === ref && r.action === 'supplied');
        check(
          audit.length === 1 && row && !forms.some((f) => text(audit).includes(f)),
          `store: onramp_secret_audit records ${String(row?.action)} ${String(row?.ref)} by ${String(row?.actor)} via ${String(row?.via)}, without the value`
        );
      } finally {
        await pg.end();
      }
    }

    // --- E-mail: the orders' humans heard from Onramp over SMTP, recorded once, without a secret ------------------
    const mails = await checkMail({
      api: mailpit.uiUrl,
      storeUrl,
      google: orders.map((o) => ({
        orderId: o.orderId,
        admin: o.integrations.googleDelegation!.adminEmail.toLowerCase(),
        vendor: o.integrations.googleDelegation!.vendor.supportEmail.toLowerCase(),
      })),
      autotaskOrderId: storeOrderId,
      secrets: [
        { name: 'the supplied Autotask secret', value: canary },
        ...deployed.trackingIdentifiers.map((value) => ({ name: 'the tracking identifier', value })),
        { name: 'the SMTP password', value: smtpPassword },
        { name: 'the codec key', value: readFileSync(join(secretsDir, 'codec-key'), 'utf8').trim() },
        { name: 'the intake token', value: token },
        ...(existsSync(join(secretsDir, 'checklist-key'))
          ? [{ name: 'the checklist link key', value: readFileSync(join(secretsDir, 'checklist-key'), 'utf8').trim() }]
          : []),
        { name: 'the database password', value: env('TEMPORAL_POSTGRES_PASSWORD', '') },
        {
          name: "the service account's private key",
          value: ((google.keyFile as { private_key?: string }).private_key ?? '').split('\n')[1] ?? '',
        },
      ],
    });

    if (running.some((r) => r.name === 'checklist-page'))
      await checkChecklistLink({
        mails,
        admin: orders[0]!.integrations.googleDelegation!.adminEmail.toLowerCase(),
        customerName: orders[0]!.customer.name,
        publicUrl: checklistPublicUrl,
        ca: readFileSync(join(secretsDir, 'temporal-tls/ca.pem')),
        storeUrl,
        alive,
      });
    else say('checklist: docker-compose.yml has no checklist-page service: no link followed');

    // The codec server, as the Web UI calls it: a payload from the real history, the user's access token.
    const h = client.workflow.getHandle(customerOnboardingWorkflowId(orders[0]!.orderId));
    const raw = await Connection.connect(temporalConnectionOptions(config.temporal));
    const history = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: config.temporal.namespace,
      execution: { workflowId: h.workflowId },
    });
    await raw.close();
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    check(
      payload?.metadata?.encoding && Buffer.from(payload.metadata.encoding).toString() === 'binary/encrypted',
      'history holds the order encrypted'
    );
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])
          ),
          data: Buffer.from(payload.data ?? []).toString('base64'),
        },
      ],
    });
    // The codec server serves HTTPS with deploy/make-secrets.sh's certificate, signed by the private CA.
    const codecTls = new Agent({ connect: { ca: readFileSync(join(secretsDir, 'temporal-tls/ca.pem')) } });
    const decode = (authorization?: string) =>
      undiciFetch(`${codecPublicUrl}/decode`, {
        dispatcher: codecTls,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-namespace': config.temporal.namespace,
          origin: uiOrigin,
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
    await eventually('codec server /healthz', async () => {
      alive();
      const r = await undiciFetch(`${codecPublicUrl}/healthz`, { dispatcher: codecTls });
      if (!r.ok) throw new Error(String(r.status));
    });
    const ok = await decode(`Bearer ${await oidc.sign({ sub: 'operator@example.com' })}`);
    const decoded = (await ok.json()) as { payloads: { data: string }[] };
    const text = Buffer.from(decoded.payloads?.[0]?.data ?? '', 'base64').toString();
    check(
      ok.status === 200 && text.includes(orders[0]!.orderId),
      `codec server decodes for a verified OIDC access token (${ok.status}, ${text.length} bytes of JSON)`
    );
    const none = await decode();
    const forged = await decode(`Bearer ${(await oidc.sign({ sub: 'x' })).slice(0, -4)}AAAA`);
    check(
      none.status === 401 && forged.status === 401,
      `codec server refuses no token (${none.status}) and a forged one (${forged.status})`
    );

    // --- The Web UI decodes in production: compose's temporal-ui, OIDC sign-in, the token to the codec server --
    if (!skip.has('ui')) {
      const ui = services['temporal-ui']!;
      const image = typeof ui.raw.image === 'string' ? ui.raw.image : '';
      const uiServer = process.env.ONRAMP_PROOF_UI_SERVER;
      const uiConfig = process.env.ONRAMP_PROOF_UI_CONFIG;
      if (!uiServer || !uiConfig) throw new ProofFailure('ONRAMP_PROOF_UI_SERVER / ONRAMP_PROOF_UI_CONFIG not set');
      // The image's server: ui-server at the image's tag, run as its entrypoint runs it (`ui-server --env docker
      // start`) with the image's config template (config/docker.yaml) and compose's environment.
      const version = /^temporalio\/ui:(.+)$/.exec(image)?.[1];
      check(
        version && uiServer.includes(`v${version}`),
        `temporal-ui: ${image} as ui-server v${version} (${uiServer})`
      );
      const root = mkdtempSync(join(tmpdir(), 'onramp-proof-ui-'));
      mkdirSync(join(root, 'config'));
      copyFileSync(uiConfig, join(root, 'config', 'docker.yaml'));
      // base.yaml is read before docker.yaml: the one setting the image leaves to the container network.
      writeFileSync(join(root, 'config', 'base.yaml'), 'host: 127.0.0.1\n');
      say(
        '    temporal-ui: config/base.yaml host: 127.0.0.1 (loopback only on this machine; the image binds all interfaces)'
      );
      const m = mapService({ ...ui, environment: { TEMPORAL_UI_PORT: '8080', ...ui.environment } }, 0);
      say(`temporal-ui: ${uiServer} --env docker start; ${Object.keys(m.env).length} variables from compose`);
      for (const line of m.mapped) say(`    ${line}`);
      running.push(
        startService(
          'temporal-ui',
          ['--root', root, '--config', 'config', '--env', 'docker', 'start'],
          m.env,
          uiServer,
          root
        )
      );
      await eventually(
        'Web UI /healthz',
        async () => {
          alive();
          const r = await fetch(`${uiOrigin}/healthz`);
          if (!r.ok) throw new Error(String(r.status));
        },
        120_000
      );
      // The order's start event holds its input; the UI must decode it through the codec server to show it.
      const h = client.workflow.getHandle(customerOnboardingWorkflowId(orders[0]!.orderId));
      const runId = (await h.describe()).runId;
      const path = `/namespaces/${config.temporal.namespace}/workflows/${h.workflowId}/${runId}/history`;
      const shot = resolve(env('ONRAMP_PROOF_SCREENSHOT', join(proofDir, 'codec-ui-oidc-decoded.png')));
      mkdirSync(dirname(shot), { recursive: true });
      const profile = mkdtempSync(join(tmpdir(), 'onramp-proof-chromium-'));
      const issuedBefore = oidc.issued.length;
      const codecCert = new X509Certificate(readFileSync(join(secretsDir, 'codec-tls/server.pem')));
      const codecSpki = createHash('sha256')
        .update(codecCert.publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64');
      let page;
      try {
        // "Sign in": the UI's login button leads to /auth/sso; the provider signs the user in and sends the
        // browser back to the callback, where ui-server exchanges the code and hands the UI the tokens.
        page = await checkPage(
          process.env.CHROMIUM ?? 'chromium',
          profile,
          `${uiOrigin}/auth/sso?returnUrl=${encodeURIComponent(path)}`,
          orders[0]!.orderId,
          shot,
          120_000,
          codecPublicUrl,
          // Chromium trusts exactly the codec server's certificate (its key's SPKI hash), as an operator's browser
          // trusts the organisation's CA; nothing else is exempted from certificate checks.
          [`--ignore-certificate-errors-spki-list=${codecSpki}`]
        );
      } finally {
        // Chromium may still be writing its profile as it exits: a leftover temp directory is no failure.
        await sleep(1000);
        try {
          rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
        } catch {
          say(`    (left ${profile} behind: Chromium was still writing it)`);
        }
      }
      const tokens = oidc.issued.slice(issuedBefore);
      check(
        tokens.length >= 1,
        `the Web UI signed the user in with the OIDC provider (${tokens.length} code exchange)`
      );
      const decodes = page.watched.filter((r) => r.method === 'POST' && r.url === `${codecPublicUrl}/decode`);
      const withToken = decodes.filter((r) => tokens.some((t) => r.authorization === `Bearer ${t}`));
      check(
        withToken.length > 0 && withToken.every((r) => r.status === 200),
        `the browser sent the signed-in user's access token to the codec server: ${withToken.length} of ${decodes.length} /decode calls carried it, answered ${[...new Set(decodes.map((r) => r.status))].join(', ')}`
      );
      check(
        page.found,
        `the Web UI shows the decoded order input (${orders[0]!.orderId}) on ${path}; screenshot ${shot}`
      );
      rmSync(root, { recursive: true, force: true });
    }

    // --- Vendor limits shared by every worker, under load ------------------------------------------------------
    if (!skip.has('load')) {
      const run2 = `${run}-load`;
      const cwCustomers = int('ONRAMP_PROOF_CW_CUSTOMERS', 240);
      const googleMembers = int('ONRAMP_PROOF_GOOGLE_MEMBERS', 330);
      const atOnboardings = int('ONRAMP_PROOF_AUTOTASK_ONBOARDINGS', 9);
      const atCap = Math.floor(atHourly * 0.9); // the workers leave 10 % of the hour to other integrations
      google.grantAll();
      say(
        `load on ${replicas} workers: ConnectWise ${cwCustomers} customers (${cw.vendorLimit.limit}/${cw.vendorLimit.windowMs / 1000} s), Google ${googleMembers} members in ${replicas} groups (${googleQuota.limit}/min), Autotask ${atOnboardings} onboardings (${atHourly}/h, 3 threads per endpoint)`
      );
      const t0 = Date.now();
      const throttledBefore = { cw: cw.sim.throttled(), at: at.sim.throttled(), google: google.sim.throttled() };
      const atHandles = await startAutotaskOnboardings(client, taskQueue, at.requests(atOnboardings, `proof-${run2}`));
      const atDone = new Set<string>();
      for (const handle of atHandles)
        void handle.result().then(
          () => atDone.add(handle.workflowId),
          () => undefined
        );
      const stopWatch = { stop: false };
      const watchAlive = (async () => {
        while (!stopWatch.stop) {
          alive();
          await sleep(500);
        }
      })();
      const cwRun = (async () => {
        const s0 = Date.now();
        await runConnectwiseSyncs(client, taskQueue, cw, cwCustomers, replicas, `prod-proof-cw-${run2}`);
        return Date.now() - s0;
      })();
      const googleRun = (async () => {
        const s0 = Date.now();
        const reqs = groupRequests(google, `school-${run2}.example`, googleMembers, replicas, run2);
        const results = await runGroupProvisioning(client, taskQueue, reqs);
        return { ms: Date.now() - s0, results };
      })();
      const [cwMs, g] = await Promise.race([
        Promise.all([cwRun, googleRun]),
        watchAlive.then(() => {
          throw new ProofFailure('load stopped');
        }),
      ]);
      // Autotask: the backlog is bigger than the hourly budget; the workers together stop at the cap. Their cap
      // is the database's less what other integrations used (ThresholdInformation, a snapshot: the secret-store
      // order's calls above count there), so the count may halt a few calls short of 90 %: held means either the
      // cap reached, or no call for 15 s with onboardings pending and at least 80 % of the threshold used (a
      // refused call waits a minute of Autotask's hour before it asks again).
      const atLast = { n: -1, at: Date.now() };
      await eventually(
        `Autotask backlog at the shared hourly cap (${atCap} of ${atHourly})`,
        async () => {
          alive();
          if (atDone.size === atOnboardings)
            throw new ProofFailure(
              `all ${atOnboardings} Autotask onboardings completed within the hourly budget: raise ONRAMP_PROOF_AUTOTASK_ONBOARDINGS`
            );
          const n = at.sim.hourlyCount();
          if (n >= atCap - replicas) return;
          if (n !== atLast.n) Object.assign(atLast, { n, at: Date.now() });
          if (Date.now() - atLast.at < 15_000 || n < Math.floor(atHourly * 0.8)) throw new Error(`${n} calls so far`);
          say(`  Autotask held at ${n} calls (no call for 15 s, ${atOnboardings - atDone.size} onboardings pending)`);
        },
        180_000
      );
      stopWatch.stop = true;
      await watchAlive;
      const cwM = measureConnectwise(cw, t0);
      const gM = measureGroups(google, googleQuota, t0, g.ms, g.results, googleMembers, replicas);
      const atM = measureAutotask(at, t0);
      const throttled = {
        cw: cw.sim.throttled() - throttledBefore.cw,
        at: at.sim.throttled() - throttledBefore.at,
        google: google.sim.throttled() - throttledBefore.google,
      };
      const held = atOnboardings - atDone.size;
      const perProcess = (n: number) => `${replicas} x ${n} = ${replicas * n} if each worker limited alone`;
      say('load figures:');
      say(
        `  ConnectWise  ${cwCustomers} customers in ${(cwMs / 1000).toFixed(1)} s: ${cwM.apiRequests} API requests, ${cwM.http429s} 429s (simulator's count ${throttled.cw}); limit ${cw.vendorLimit.limit}/${cw.vendorLimit.windowMs / 1000} s (~1,000/min), Onramp pace 930/min shared (${perProcess(930)}/min); full windows used ${cwM.use.fractions.join(', ') || 'n/a'} (mean ${cwM.use.meanFraction}), busiest sliding window ${cwM.use.maxInAnySlidingWindow}/${cw.vendorLimit.limit}`
      );
      say(
        `  Google       ${gM.added}/${googleMembers} members added in ${(g.ms / 1000).toFixed(1)} s: ${gM.requests.directory} Directory requests, ${gM.quotaErrors} quota errors (403 userRateLimitExceeded), ${gM.http429s} 429s (simulator's count ${throttled.google}); quota ${googleQuota.limit}/min (${perProcess(googleQuota.limit)}/min); full windows used ${gM.use.fractions.join(', ') || 'n/a'}, busiest sliding minute ${gM.use.maxInAnySlidingWindow}/${googleQuota.limit}`
      );
      say(
        `  Autotask     ${atOnboardings} onboardings: ${atDone.size} completed, ${held} held back by the shared hourly budget; ${at.sim.hourlyCount()} calls in the hour = ${(at.sim.hourlyCount() / atHourly).toFixed(3)} of the ${atHourly}/h threshold (cap ${atCap} = 90 %, ${perProcess(atCap)}); ${atM.rejected} 429s (simulator's count ${throttled.at}); peak ${atM.maxConcurrencyPerEndpoint} concurrent calls per endpoint (limit 3, ${perProcess(3)})`
      );
      check(
        cwM.http429s === 0 && throttled.cw === 0,
        `ConnectWise answered 0 throttling responses to ${cwM.apiRequests} requests from ${replicas} workers`
      );
      check(
        gM.rejected === 0 && throttled.google === 0 && gM.added === googleMembers,
        `Google answered 0 quota errors / 429s to ${gM.requests.directory} Directory requests from ${replicas} workers`
      );
      check(
        atM.rejected === 0 &&
          throttled.at === 0 &&
          atM.maxConcurrencyPerEndpoint <= 3 &&
          at.sim.hourlyCount() <= atHourly,
        `Autotask answered 0 throttling responses (threads, hourly threshold) to ${atM.apiRequests} calls from ${replicas} workers; held ${held} onboardings at the cap`
      );
      check(
        cwM.apiRequests > cw.vendorLimit.limit * 2 && gM.requests.directory > googleQuota.limit,
        'the load exceeded every limit it was held to (more requests than one window allows)'
      );
      // The held onboardings would resume when Autotask's hour rolls on; the proof ends here.
      await Promise.all(
        atHandles
          .filter((h) => !atDone.has(h.workflowId))
          .map((h) => h.terminate('prod-proof: Autotask hourly budget reached, load phase over').catch(() => undefined))
      );
    }

    // --- Rolling upgrade: onboardings waiting on version A finish there while B becomes current --------------------
    // scripts/proof/upgrade.ts; the proof table's `upgrade` row. Its workers' logs join the leak check below.
    // --- Fair sharing between customers (scripts/proof/fairness.ts): the proof table's `fairness` row ------------
    if (!skip.has('fairness')) {
      expectRows(rowsFile, ['fairness']);
      const row = await fairnessPhase({ client, taskQueue, google, googleQuota, say, alive });
      appendRow(rowsFile, row);
      // A FAILED row fails the proof at its end (scripts/proof/report.ts); the phases after it still run.
      if (!row.ok) say(`FAILED: fairness: ${row.detail ?? ''} (${JSON.stringify(row.figures)})`);
    }

    if (!skip.has('upgrade')) {
      expectRows(rowsFile, ['upgrade']);
      const row = await proveUpgrade({
        client,
        config,
        configEnv: intakeEnv,
        workerEnv,
        secretsDir,
        metricsPort: (i) => portBase + 45 + i,
        google: {
          addAdmin: (email) => google.sim.state.addUser(email),
          grant: (domain) =>
            google.sim.state.setGrant(keyFile.client_id, [...DEFAULT_DELEGATION_SCOPES], undefined, domain),
          serviceAccount: {
            clientId: keyFile.client_id,
            email: keyFile.client_email,
            keyRef: `file:${join(secretsDir, keyName)}`,
          },
        },
        start: (name, serviceEnv) => startService(name, mapService(workerService, 0).argv, serviceEnv),
        stop: stopService,
        say,
      });
      appendRow(rowsFile, row);
      // A FAILED row fails the proof at its end (scripts/proof/report.ts); the phases after it still run.
      if (!row.ok) say(`FAILED: upgrade: ${row.detail ?? ''} (${JSON.stringify(row.figures)})`);
    }

    // --- Faults under load (scripts/proof/faults.ts): one row each in the proof's table ---------------------------
    if (faultNames.length) {
      const waitUp = async (name: string, svc: RunningService) => {
        await eventually(
          `${name} (pid ${svc.child.pid}) up again`,
          async () => {
            alive();
            if (name.startsWith('worker-')) {
              const ids = [
                ...(await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)),
                ...(await pollers(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)),
              ];
              if (ids.filter((id) => id.startsWith(`${svc.child.pid}@`)).length < 2) throw new Error('not polling');
            } else if (name === 'intake') {
              if (!(await fetch(`http://127.0.0.1:${PORTS.intake}/healthz`)).ok) throw new Error('intake not up');
            } else await sleep(1000);
          },
          120_000
        );
      };
      await runFaults({
        names: faultNames,
        rowsFile,
        client,
        namespace: config.temporal.namespace,
        taskQueue,
        replicas,
        running,
        startWorker: (i) => startWorker(i).service,
        restartServices: async (names, extra) => {
          Object.assign(shellEnv, extra);
          services = resolveCompose();
          workerService = services.worker!;
          for (const name of names) {
            const idx = running.findIndex((r) => r.name === name);
            if (idx >= 0) {
              const [old] = running.splice(idx, 1);
              say(`${name}: stopping pid ${old!.child.pid} (${await stopService(old!)})`);
              if (existsSync(old!.log)) renameSync(old!.log, old!.log.replace(/\.log$/, '.before-restart.log'));
            }
            if (name.startsWith('worker-')) startWorker(Number(name.split('-')[1]) - 1);
            else {
              const e = start(services[name]!, name);
              if (name === 'intake') intakeEnv = e;
            }
            await waitUp(name, running.at(-1)!);
          }
        },
        stopService,
        alive,
        say,
        intakeEnv: () => intakeEnv,
        placeOrder: async (order) => {
          const r = await fetch(`http://127.0.0.1:${PORTS.intake}/v1/onboardings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(order),
          });
          return { status: r.status, text: await r.text() };
        },
        cw,
        google,
        serviceAccount: {
          clientId: keyFile.client_id,
          email: keyFile.client_email,
          keyRef: `file:${join(secretsDir, keyName)}`,
        },
        notifications: () => [...receiver.notifications.values()],
        mailApi: mailpit.uiUrl,
        throttled: () => ({
          connectwise: cw.sim.throttled(),
          autotask: at.sim.throttled(),
          google: google.sim.throttled(),
        }),
        storeUrl,
        secretsDir,
        partition: { worker: partitioned, proxies },
        runDir: proofDir,
        repoRoot,
        pg: { data: env('ONRAMP_PROOF_PGDATA', ''), bin: env('ONRAMP_PROOF_PG_BIN', '') },
        metricsUrl: (i) => `http://127.0.0.1:${PORTS.metrics(i)}/metrics`,
      });
    }

    alive();
    // The supplied secret in no service's output (the Onramp services, the Web UI, the Temporal server), read at the
    // end so every line the services wrote since is included.
    const logFiles = [
      ...readdirSync(proofDir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(proofDir, f)),
      ...(existsSync(join(proofDir, 'logs')) ? readdirSync(join(proofDir, 'logs')) : [])
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(proofDir, 'logs', f)),
    ];
    const leaked = logFiles.filter((f) => readFileSync(f, 'utf8').includes(canary));
    check(
      logFiles.length > replicas && leaked.length === 0,
      `store: the supplied secret in ${leaked.length} of ${logFiles.length} service logs${leaked.length ? ` (found in ${leaked.join(', ')})` : ''}`
    );
    // The secrets the workers resolve by reference for the vendor profile and the SMTP server: in no log either.
    const resolved = [...deployed.trackingIdentifiers, smtpPassword];
    const leakedRefs = logFiles.filter((f) => resolved.some((v) => readFileSync(f, 'utf8').includes(v)));
    check(
      leakedRefs.length === 0,
      `the tracking identifier and the SMTP password (resolved by reference) in ${leakedRefs.length} of ${logFiles.length} service logs${leakedRefs.length ? ` (found in ${leakedRefs.join(', ')})` : ''}`
    );
    const sorted = [...durations].sort((a, b) => a - b);
    say('figures:');
    say(
      `  Onramp processes                 ${running.filter((r) => r.name !== 'temporal-ui').length} (codec-server, checklist-page, intake, ${replicas} workers)${running.some((r) => r.name === 'temporal-ui') ? ' + the Web UI server' : ''}`
    );
    say(`  orders completed                 ${onboardings}/${onboardings} through the intake API`);
    say(
      `  e-mails over SMTP (Mailpit)      ${mails.length} (${[...new Set(mails.map((m) => m.kind))].map((k) => `${mails.filter((m) => m.kind === k).length} ${k}`).join(', ')}), ${mails.length} onramp_sent_mail rows`
    );
    say(`  wall time (first POST to last)   ${((sorted.at(-1) ?? 0) / 1000).toFixed(2)} s`);
    for (const w of running.filter((s) => s.name.startsWith('worker-'))) {
      const i = Number(w.name.split('-')[1]) - 1;
      const m = await (await fetch(`http://127.0.0.1:${PORTS.metrics(i)}/metrics`)).text();
      const sum = (name: string) =>
        m
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
          .reduce((a, l) => a + (Number(l.split(' ').pop()) || 0), 0);
      say(
        `  ${w.name} (pid ${w.child.pid}): ${sum('temporal_workflow_task_execution_latency_seconds_count')} workflow tasks, ${sum('temporal_activity_execution_latency_seconds_count')} activities`
      );
    }
  } catch (err) {
    failed = true;
    process.stderr.write(`[driver] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    for (const s of running) process.stderr.write(`[driver]   ${s.name} log: ${s.log}\n`);
  } finally {
    const codes = await Promise.all(running.map(async (s) => `${s.name} ${await stopService(s)}`));
    say(`services stopped: ${codes.join(', ')}`);
    await client?.connection.close();
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([google.close(), receiver.close(), cw.close(), at.close(), oidc.close(), mailpit.stop()]);
    mailLog.end();
    rmSync(mailDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`[driver] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
