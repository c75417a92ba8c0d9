/**
 * The sandbox of `npm start` on ephemeral ports, for tests that run the `onramp sandbox ...` drivers: the three
 * vendor simulators (with state files, as the sandbox keeps them), the vendor-notification and Autotask
 * receivers, a worker with every activity on the shared test Temporal server, the intake API, and the
 * GuideContext the drivers take.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities';
import { VENDOR_PROFILES } from './autotask';
import { admin, type GuideContext } from '../../src/sandbox/guides/guide-steps';
import { createIntakeServer } from '../../src/intake/intake-server';
import { createSandboxAutotaskReceiver } from '../../src/sandbox/sandbox-autotask-receiver';
import { createAutotaskSimulator, type AutotaskSimulator } from '../../src/simulators/autotask/autotask-simulator';
import {
  createConnectwiseSimulator,
  type ConnectwiseSimulator,
} from '../../src/simulators/connectwise/connectwise-simulator';
import { createGoogleSimulator, type GoogleSimulator } from '../../src/simulators/google/google-simulator';
import { createSandboxServiceAccount } from '../../src/simulators/google/service-account';
import type { Simulator } from '../../src/simulators/http';
import { listen } from '../../src/simulators/http';
import { createNotifyReceiver } from '../../src/simulators/notify-receiver';
import { integration, uniqueTaskQueue } from './integration';
import { mailCatcher, type MailCatcher } from './mailpit';
import { FileSentMailStore } from '../../src/activities/notify/sent-mail';
import type { MailSettings } from '../../src/activities/notify/email';
import type { ChecklistKeys } from '../../src/checklist';
import { FileChecklistRecords } from '../../src/checklist/checklist-records';
import { createChecklistPageServer } from '../../src/checklist-page';
import { keyRing } from '../../src/codec/key-ring';

export interface SandboxStack {
  env: TestWorkflowEnvironment;
  /** Where the simulators keep their state files (autotask-state.json, connectwise-state.json, …). */
  dir: string;
  ctx: GuideContext;
  google: GoogleSimulator;
  autotask: AutotaskSimulator;
  connectwise: ConnectwiseSimulator;
  /** Every line the drivers printed. */
  lines: string[];
  /** With `pages`: the mail catcher and the page's audit and revocation records. */
  pages?: PageSide;
  teardown(): Promise<void>;
}

export interface SandboxStackOptions {
  /**
   * The customer admins' side as `npm start` has it: a real Mailpit, the e-mail channel on the worker, and the
   * checklist page service; the guides' admins then follow their e-mailed links and use their pages.
   */
  pages?: boolean;
}

export async function sandboxStack(name: string, opts: SandboxStackOptions = {}): Promise<SandboxStack> {
  const stack = await integration();
  const env = stack.env;
  const taskQueue = uniqueTaskQueue(name);
  const token = `${name}-intake-token-${randomBytes(8).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `onramp-${name}-`));
  const google = createGoogleSimulator({
    propagationDelayMs: 0,
    directoryStateFile: join(dir, 'google-directory.json'),
  });
  const googleUrl = await google.listen();
  const { keyFile, publicKeyPem } = createSandboxServiceAccount({ name: 'atera-autopilot' });
  const keyPath = join(dir, 'sa.json');
  writeFileSync(keyPath, JSON.stringify(keyFile));
  await admin(googleUrl, 'POST', '/service-accounts', {
    clientId: keyFile.client_id,
    email: keyFile.client_email,
    publicKeyPem,
  });
  const notify = createNotifyReceiver();
  const notifyUrl = `${await notify.listen()}/notify`;
  const autotask = createAutotaskSimulator({
    stateFile: join(dir, 'autotask-state.json'),
    delivery: { retryDelayMs: 200, attempts: 3, timeoutMs: 2000 },
  });
  const autotaskUrl = await autotask.listen();
  const connectwise = createConnectwiseSimulator({ stateFile: join(dir, 'connectwise-state.json') });
  const connectwiseUrl = await connectwise.listen();
  const cwHost = new URL(connectwiseUrl).host;
  const signingKeyPath = join(dir, 'signing.key');
  const masterKey = randomBytes(32).toString('base64url');
  writeFileSync(signingKeyPath, masterKey);
  const receiver: FastifyInstance = createSandboxAutotaskReceiver({ db: autotask.db, masterKey }).app;
  const autotaskReceiverUrl = await listen(receiver);

  const pages = opts.pages ? await pageSide(env, dir, taskQueue, cwHost) : undefined;
  await stack.worker(
    createActivities({
      ...(pages ? { mail: pages.mail } : {}),
      google: { tokenUrl: `${googleUrl}/token` },
      notify: { webhookUrl: notifyUrl },
      googleAdmin: { apiRootUrl: googleUrl },
      autotask: {
        discoveryUrl: autotaskUrl,
        allowedZoneHosts: [new URL(autotaskUrl).host],
        timeoutMs: 10_000,
        // The sandbox's profiles; the test process plays the vendors' deployments (it holds their codes).
        vendorProfiles: VENDOR_PROFILES,
      },
      connectwise: { extraAllowedHosts: [cwHost], insecureHttpHosts: [cwHost], requestsPerMinute: 60_000 },
      // Drift checks of an order read its onboarding's progress and open findings through the worker's client.
      onramp: { client: async () => env.client },
    }),
    { taskQueue }
  );
  const intake = createIntakeServer({
    client: env.client,
    config: {
      temporal: { address: env.address, namespace: 'default', taskQueue },
      connectwise: { allowedHosts: [cwHost] },
    },
    auth: { hmacSecrets: [], bearerTokens: [token] },
  });
  const intakeUrl = await listen(intake);
  const lines: string[] = [];
  const ctx: GuideContext = {
    client: env.client,
    namespace: 'default',
    taskQueue,
    googleUrl,
    autotaskUrl,
    connectwiseUrl,
    serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` },
    propagationDelayMs: 0,
    autotaskReceiverUrl,
    autotaskSigningKeyRef: `file:${signingKeyPath}`,
    intakeUrl,
    intakeToken: token,
    secretsDir: join(dir, 'secrets'),
    ...(pages
      ? { mailUrl: pages.mailUrl, checklistUrl: pages.checklistUrl, checklistKeys: async () => pages.keys }
      : {}),
    fast: true,
    out: (l) => void lines.push(l),
  };
  return {
    env,
    dir,
    ctx,
    google,
    autotask,
    connectwise,
    lines,
    ...(pages ? { pages } : {}),
    teardown: async () => {
      await pages?.close();
      await intake.close();
      await stack.teardown();
      await Promise.all([google.close(), autotask.close(), connectwise.close(), notify.close(), receiver.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every request that could change a vendor's state, counted per `METHOD path`: any method but GET/HEAD on
 * the vendor APIs (the admin API `/_admin` is the humans' hands; Google's OAuth
 * token exchange and Autotask's POST {Entity}/query are reads).
 */
export function vendorWrites(...sims: Simulator[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sim of sims)
    for (const [key, n] of sim.requests) {
      const [method, path = ''] = key.split(' ');
      if (method === 'GET' || method === 'HEAD' || path.startsWith('/_admin/')) continue;
      if (sim.options.name === 'google' && path === '/token') continue;
      if (sim.options.name === 'autotask' && path.endsWith('/query')) continue;
      out[`${sim.options.name} ${key}`] = n;
    }
  return out;
}

export interface PageSide {
  mail: MailSettings;
  mailUrl: string;
  checklistUrl: string;
  keys: ChecklistKeys;
  records: FileChecklistRecords;
  catcher: MailCatcher;
  close(): Promise<void>;
}

async function pageSide(
  env: TestWorkflowEnvironment,
  dir: string,
  taskQueue: string,
  cwHost: string
): Promise<PageSide> {
  const catcher = await mailCatcher();
  const keys = keyRing([{ id: 'sandbox-test', key: randomBytes(32) }]);
  const records = new FileChecklistRecords(join(dir, 'checklist'));
  const page = createChecklistPageServer({
    client: env.client,
    keys,
    records,
    config: {
      temporal: { address: env.address, namespace: 'default', taskQueue },
      connectwise: { allowedHosts: [cwHost] },
    },
    secrets: { dir: join(dir, 'secrets') },
  });
  const checklistUrl = await page.listen(0);
  return {
    mail: {
      smtpUrl: catcher.smtpUrl,
      from: 'Onramp <onramp@msp.sandbox.localhost>',
      operatorEmail: 'operator@msp.sandbox.localhost',
      store: new FileSentMailStore(join(dir, 'sent-mail')),
      checklist: { baseUrl: checklistUrl, ttlSeconds: 3600, keys: async () => keys },
    },
    mailUrl: catcher.uiUrl,
    checklistUrl,
    keys,
    records,
    catcher,
    close: async () => {
      await page.close();
      await catcher.stop();
    },
  };
}
