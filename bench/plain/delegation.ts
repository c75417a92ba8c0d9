/**
 * The plain-script baseline of the delegation throughput (issue #24 item 6): the same vendor calls as a
 * googleDelegationOnboarding whose grant is in place — per scope a token minted as the admin (4 at a time), one
 * token for all scopes, the super-admin check (a token and Directory users.get), the vendor notification — with
 * the same libraries (google-auth-library, googleapis, undici) and the same concurrency (every delegation at
 * once, at most `maxConcurrentActivities` steps in flight as the worker's activity slots), and no Temporal.
 * A child process of the benchmark, as the worker is, so the simulators in the parent share the CPU the same
 * way. Says `ready`, runs on `go` (its configuration, over IPC: too large for the environment), answers `done`.
 */
import { readFile } from 'node:fs/promises';
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1';
import { request } from 'undici';
import { mapWithConcurrency } from '../../src/activities/concurrency';
import {
  createGoogleTransporter,
  delegatedJwt,
  mintDelegatedToken,
  type ServiceAccountKey,
} from '../../src/activities/google/token';
import { USER_READ_SCOPES } from '../../src/rules/google-delegation-rules';

export interface PlainDelegation {
  domain: string;
  adminEmail: string;
  scopes: string[];
  vendor: { name: string; supportEmail: string };
  serviceAccount: { clientId: string; email: string; keyPath: string };
}

export interface PlainConfig {
  tokenUrl: string;
  apiRootUrl: string;
  notifyUrl: string;
  maxConcurrentActivities: number;
  delegations: PlainDelegation[];
}

export type PlainMessage =
  | { type: 'ready' }
  | {
      type: 'done';
      t0: number;
      doneAt: number[];
      failed: number;
      firstError?: string;
      /** The script's own CPU time (user + system) over the batch, seconds. */
      cpuSeconds: number;
    };

/** At most `n` steps at once: the worker's maxConcurrentActivityTaskExecutions. */
function semaphore(n: number) {
  let free = n;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((r) => queue.push(r));
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else free++;
    }
  };
}

/** As the activity: the key file read per step (it resolves keyRef each time). */
const loadKey = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as ServiceAccountKey;

async function delegation(cfg: PlainConfig, d: PlainDelegation, step: ReturnType<typeof semaphore>): Promise<void> {
  const settings = { tokenUrl: cfg.tokenUrl };
  // Check each scope: one token per scope, 4 at a time (src/activities/google/delegation.ts).
  await step(async () => {
    const key = await loadKey(d.serviceAccount.keyPath);
    const transporter = createGoogleTransporter(settings);
    await mapWithConcurrency(d.scopes, 4, (scope) =>
      mintDelegatedToken(settings, key, d.adminEmail, [scope], transporter)
    );
  });
  // All together, then the super-admin check (a token for one user-read scope and users.get).
  await step(async () => {
    const key = await loadKey(d.serviceAccount.keyPath);
    await mintDelegatedToken(settings, key, d.adminEmail, d.scopes, createGoogleTransporter(settings));
    const userScope = d.scopes.find((s) => USER_READ_SCOPES.includes(s));
    if (!userScope) return;
    const auth = delegatedJwt(key, d.adminEmail, [userScope], createGoogleTransporter(settings));
    const directory = new admin_directory_v1.Admin({
      auth,
      retry: false,
      rootUrl: cfg.apiRootUrl.replace(/\/?$/, '/'),
    });
    const user = (await directory.users.get({ userKey: d.adminEmail, fields: 'primaryEmail,isAdmin,isDelegatedAdmin' }))
      .data;
    if (user.isAdmin !== true) throw new Error(`${d.adminEmail} is not a super admin`);
  });
  // The vendor notification (src/activities/notify/webhook.ts).
  await step(async () => {
    const verifiedAt = new Date().toISOString();
    const body = JSON.stringify({
      event: 'google.delegation.verified',
      customerDomain: d.domain,
      adminEmail: d.adminEmail,
      vendor: d.vendor.name,
      vendorSupportEmail: d.vendor.supportEmail,
      clientId: d.serviceAccount.clientId,
      scopes: d.scopes,
      verifiedAt,
    });
    const res = await request(cfg.notifyUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `plain:${d.domain}:delegation-verified`,
        'x-onramp-timestamp': String(Math.floor(Date.now() / 1000)),
      },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await res.body.text();
    if (res.statusCode >= 300 && res.statusCode !== 409) throw new Error(`notification answered ${res.statusCode}`);
  });
}

async function main(): Promise<void> {
  const send = (m: PlainMessage) => process.send?.(m);
  const cfg = await new Promise<PlainConfig>((resolve) => {
    process.once('message', (m: { type: 'go'; config: PlainConfig }) => resolve(m.config));
    send({ type: 'ready' });
  });
  const step = semaphore(cfg.maxConcurrentActivities);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const doneAt: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(
    cfg.delegations.map((d) =>
      delegation(cfg, d, step).then(
        () => void doneAt.push(Date.now()),
        (err: unknown) => {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      )
    )
  );
  const cpu = process.cpuUsage(cpu0);
  send({ type: 'done', t0, doneAt, failed, firstError, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

main().then(
  () => process.disconnect?.(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  }
);
