/**
 * `npm start`: Onramp's main job on its embedded default, for a new user with no vendor credentials.
 * One process runs a Temporal dev server (Web UI on :8233, SQLite under .onramp/), the vendor
 * simulators (SANDBOX: no real vendor is ever called), and the Onramp worker. Ctrl-C stops it all;
 * starting it again resumes the onboardings that were in flight.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createActivities } from '../activities';
import { connectClient } from '../client';
import { createIntakeServer } from '../intake/intake-server';
import { loadConfig, processEnv } from '../config';
import { codecServerFromConfig } from '../codec-server';
import { checklistPageFromConfig } from '../checklist-page';
import { createLogger } from '../logger';
import { createGoogleSimulator } from '../simulators/google/google-simulator';
import { createSandboxServiceAccount, type ServiceAccountKeyFile } from '../simulators/google/service-account';
import { createNotifyReceiver } from '../simulators/notify-receiver';
import { ensureTemporalCli } from '../temporal/cli-binary';
import { connectTemporalNative } from '../temporal/connection';
import { installRuntime } from '../temporal/runtime';
import { activityDepsFromConfig, createWorker } from '../worker';
import { createAutotaskSimulator } from '../simulators/autotask/autotask-simulator';
import { playVendorDeployments } from '../simulators/autotask/vendor-deployment';
import { loadVendorProfiles } from '../secrets/vendor-profile-file';
import { createConnectwiseSimulator } from '../simulators/connectwise/connectwise-simulator';
import { listen } from '../simulators/http';
import { createSandboxAutotaskReceiver } from './sandbox-autotask-receiver';
import { rotationStateFromConfig } from '../secrets/rotation-state';
import { descriptorPath, sandboxDir, type SandboxDescriptor } from './descriptor';
import { startLocalTemporal } from './temporal-server';
import { StartedResources } from './resources';
import { ensureMailpit, startMailpit } from './mailpit';
import { startSandboxSales } from './sales-systems';
import { loadSalesMapping } from '../secrets/sales-mapping-file';
import { salesMappingV1 } from '../domain/sales-mapping-schema';
import { receiversFromMapping } from '../intake/sales/receivers';
import { resolveSecretRef } from '../secrets/secret-ref';

async function main(): Promise<void> {
  const started = new StartedResources();
  try {
    await run(started);
  } finally {
    // Every way out, a failed start included, stops what was started: nothing keeps a port.
    const failed = await started.stopAll();
    if (failed.length) process.stderr.write(`onramp sandbox: could not stop ${failed.join('; ')}\n`);
  }
  process.stdout.write('Onramp sandbox stopped.\n');
}

async function run(started: StartedResources): Promise<void> {
  const config = loadConfig({ ...processEnv(), ONRAMP_MODE: 'sandbox' });
  const logger = createLogger({
    level: config.log.level,
    format: config.log.formatSet ? config.log.format : 'pretty',
    name: 'onramp',
  });
  installRuntime(logger, 'WARN');
  const dataDir = resolve(config.dataDir);
  const dir = sandboxDir(dataDir);
  mkdirSync(dir, { recursive: true });
  logger.warn(
    'SANDBOX MODE: Google is simulated on loopback; no real vendor API is called and no real credential is used.'
  );

  const exe = await ensureTemporalCli({ onProgress: (l) => logger.info(l) });
  if (exe.type !== 'existing-path') {
    throw new Error(
      'npm start needs a Temporal CLI binary: install Go (>= 1.25) so Onramp can build one, or set TEMPORAL_CLI_PATH'
    );
  }
  const temporalPort = config.sandbox.temporalPort;
  // Payloads are encrypted (key generated once under .onramp/sandbox/); the Web UI decodes them through this
  // codec server, which the browser calls directly: loopback only, no token in the sandbox.
  const codecServer = started.add('codec server', await codecServerFromConfig(config, { logger }), (c) => c.close());
  const codecUrl = await codecServer.listen(config.codec.server.port, '127.0.0.1');
  const temporal = started.add(
    'Temporal dev server',
    await startLocalTemporal({
      codecEndpoint: codecUrl,
      cliPath: exe.path,
      dbFile: join(dataDir, 'temporal.db'),
      port: temporalPort,
      uiPort: config.sandbox.uiPort,
      namespace: config.temporal.namespace,
      onLog: (l) => logger.debug({ component: 'temporal' }, l),
    }),
    (t) => t.stop()
  );

  // The mail catcher: every e-mail the worker sends lands there (web UI and API), kept across restarts.
  const mailpit = started.add(
    'Mailpit',
    await startMailpit({
      binary: await ensureMailpit({ onProgress: (l) => logger.info(l) }),
      smtpPort: config.sandboxPorts.smtp,
      uiPort: config.sandboxPorts.mailUi,
      database: join(dir, 'mailpit.db'),
      onLog: (l) => logger.debug({ component: 'mailpit' }, l),
    }),
    (m) => m.stop()
  );
  const mailConfig = { ...config.mail, smtpUrl: config.mail.smtpUrl ?? mailpit.smtpUrl };
  mailConfig.operatorEmail ??= 'operator@msp.sandbox.localhost';

  // Simulators on fixed ports, so the CLI and a browser find them; state persists beside the Temporal DB.
  const propagationDelayMs = config.sandbox.propagationSeconds * 1000;
  const ports = config.sandboxPorts;
  const google = started.add(
    'Google simulator',
    createGoogleSimulator({
      propagationDelayMs,
      stateFile: join(dir, 'google-state.json'),
      directoryStateFile: join(dir, 'google-directory.json'),
    }),
    (g) => g.close()
  );
  const googleUrl = await google.listen(ports.google);
  const receiver = started.add('notification receiver', createNotifyReceiver(), (r) => r.close());
  const notifyBase = await receiver.listen(ports.notify);
  const autotask = started.add(
    'Autotask simulator',
    createAutotaskSimulator({ stateFile: join(dir, 'autotask-state.json') }),
    (a) => a.close()
  );
  const autotaskUrl = await autotask.listen(ports.autotask);
  // The sandbox plays each vendor's deployment: it holds the vendor's tracking identifier, the admin never sees it.
  if (config.autotask.vendorProfilesFile) playVendorDeployments(loadVendorProfiles(config.autotask.vendorProfilesFile));
  // ConnectWise throttles above ~1,000 requests/min (vendor-apis.md C); the sandbox shows it (429 + Retry-After).
  const connectwise = started.add(
    'ConnectWise simulator',
    createConnectwiseSimulator({
      stateFile: join(dir, 'connectwise-state.json'),
      requestsPerWindow: 1000,
      windowMs: 60_000,
    }),
    (c) => c.close()
  );
  const connectwiseUrl = await connectwise.listen(ports.connectwise);

  // The vendor's service account: minted once, kept on disk (its public half registered with the simulator).
  const keyPath = join(dir, 'vendor-service-account.json');
  const pubPath = join(dir, 'vendor-service-account.pub.pem');
  if (!existsSync(keyPath) || !existsSync(pubPath)) {
    const sa = createSandboxServiceAccount({ name: 'atera-autopilot' });
    writeFileSync(keyPath, JSON.stringify(sa.keyFile, null, 2), { mode: 0o600 });
    writeFileSync(pubPath, sa.publicKeyPem);
  }
  const keyFile = JSON.parse(readFileSync(keyPath, 'utf8')) as ServiceAccountKeyFile;
  google.state.addServiceAccount({
    clientId: keyFile.client_id,
    email: keyFile.client_email,
    publicKeyPem: readFileSync(pubPath, 'utf8'),
  });

  // Onramp's receiver of Autotask webhook callouts; their secrets derive from a master key kept here.
  const signingKeyPath = join(dir, 'autotask-webhook-signing.key');
  if (!existsSync(signingKeyPath))
    writeFileSync(signingKeyPath, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const autotaskReceiver = started.add(
    'Autotask callout receiver',
    createSandboxAutotaskReceiver({
      db: autotask.db,
      masterKey: readFileSync(signingKeyPath, 'utf8').trim(),
      // After a signing-secret rotation: the keys the worker's rotation wrote (same files or secret store).
      keyring: rotationStateFromConfig(config).keyring,
    }),
    (r) => r.app.close()
  );
  const autotaskReceiverUrl = await listen(autotaskReceiver.app, config.sandbox.receiverPort);
  const secretsDir = join(dir, 'secrets');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });

  // The intake API for sales systems, with a sandbox bearer token kept beside the other sandbox state. It
  // listens before the worker is created, so a port in use fails the start before anything needs draining.
  const tokenPath = join(dir, 'intake-token');
  if (!existsSync(tokenPath)) writeFileSync(tokenPath, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const intakePort = config.intake.port;
  // The three sales systems (issue 26) and the complete sales mapping for them, which the intake's receivers
  // and the worker's deal readers load at their start (unless ONRAMP_SALES_MAPPING names the user's own).
  const sales = started.add(
    'sales simulators',
    await startSandboxSales({
      dir,
      intakeUrl: `http://127.0.0.1:${intakePort}`,
      ports: ports.sales,
      serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` },
    }),
    (s) => s.close()
  );
  const salesMappingFile = processEnv().ONRAMP_SALES_MAPPING ? config.sales.mappingFile : sales.mappingFile;
  const salesConfig = { ...config, sales: { mappingFile: salesMappingFile } };
  const salesMapping = salesMappingFile ? loadSalesMapping(salesMappingFile) : undefined;
  const salesReceivers = salesMapping
    ? await receiversFromMapping(salesMapping, (r) => resolveSecretRef(r))
    : undefined;
  const intakeClient = started.add(
    'intake Temporal client',
    await connectClient({ ...config, temporal: { ...config.temporal, address: temporal.address } }),
    (c) => c.connection.close()
  );
  const intake = started.add(
    'intake API',
    createIntakeServer({
      client: intakeClient,
      config,
      auth: { hmacSecrets: [], bearerTokens: [readFileSync(tokenPath, 'utf8').trim()] },
      logger,
      ...(salesMapping && salesReceivers
        ? { sales: { mapping: salesMappingV1(salesMapping), receivers: salesReceivers } }
        : {}),
    }),
    (i) => i.close()
  );
  await intake.listen({ host: '127.0.0.1', port: intakePort });

  const connection = started.add(
    'worker connection',
    await connectTemporalNative({ ...config.temporal, address: temporal.address }),
    (c) => c.close()
  );
  const worker = await createWorker({
    config: { ...salesConfig, temporal: { ...config.temporal, address: temporal.address } },
    connection,
    // The sandbox config already points every vendor at the simulators above (src/config.ts).
    activities: createActivities(activityDepsFromConfig({ ...salesConfig, mail: mailConfig })),
    logger,
  });

  // The customer admin's checklist page, on loopback (links from `onramp checklist link` and the e-mails).
  const checklistPage = started.add(
    'checklist page',
    await checklistPageFromConfig(config, intakeClient, { logger }),
    (c) => c.closeAll()
  );
  const checklistUrl = await checklistPage.listen(config.checklist.port, '127.0.0.1');

  const descriptor: SandboxDescriptor = {
    pid: process.pid,
    temporalAddress: temporal.address,
    webUiUrl: temporal.webUiUrl,
    googleUrl,
    notifyUrl: `${notifyBase}/notify`,
    mailUrl: mailpit.uiUrl,
    serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` },
    propagationDelayMs,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    autotaskUrl,
    connectwiseUrl,
    intakeUrl: `http://127.0.0.1:${intakePort}`,
    intakeTokenRef: `file:${tokenPath}`,
    autotaskReceiverUrl,
    autotaskSigningKeyRef: `file:${signingKeyPath}`,
    secretsDir,
    checklistUrl,
    sales: sales.systems,
    ...(salesMappingFile ? { salesMappingFile } : {}),
  };
  writeFileSync(descriptorPath(dataDir), JSON.stringify(descriptor, null, 2));

  process.stdout.write(
    [
      '',
      'Onramp sandbox is running (SANDBOX MODE: simulated vendors).',
      `  Temporal Web UI     ${temporal.webUiUrl}/namespaces/${config.temporal.namespace}/workflows`,
      `  Temporal gRPC       ${temporal.address}   (TEMPORAL_ADDRESS)`,
      `  Google simulator    ${googleUrl}   (grants propagate after ${propagationDelayMs / 1000} s)`,
      `  Vendor support inbox ${notifyBase}/_admin/notifications`,
      `  Mail catcher        ${mailpit.uiUrl}   (Mailpit: every e-mail to admins, the operator and vendors; API /api/v1/messages)`,
      `  Autotask simulator  ${autotaskUrl}`,
      `  ConnectWise sim.    ${connectwiseUrl}   (1,000 requests/min, then 429)`,
      `  Simulator admin API <simulator>/_admin/openapi.json   (plays the vendor and customer admins)`,
      `  Autotask callouts   ${autotaskReceiverUrl}/webhooks/autotask/<tenant>   (received: /events)`,
      `  Intake API          http://127.0.0.1:${intakePort}/v1/onboardings   (bearer token in ${tokenPath}; OpenAPI at /v1/openapi.json)`,
      `  Sales systems       HubSpot ${sales.systems.hubspot.url}, Salesforce ${sales.systems.salesforce.url}, ConnectWise ${sales.systems.connectwise.url}`,
      `  Sales mapping       ${salesMappingFile ?? '(none)'}   (ONRAMP_SALES_MAPPING of this worker and intake)`,
      `  Task queue          ${config.temporal.taskQueue}`,
      `  Codec server        ${codecUrl}   (payloads are encrypted; the Web UI decodes through it)`,
      `  Checklist page      ${checklistUrl}/c/<token>   (the customer admin's page; a link: ./bin/onramp checklist link <orderId> --integration <name>)`,
      '',
      'Play a guide in another terminal (each command plays the humans too):',
      '  ./bin/onramp sandbox delegation     # seed 000: Google domain-wide delegation',
      '  ./bin/onramp sandbox admin-roles    # seed 003: Google custom admin role for a security group',
      '  ./bin/onramp sandbox autotask       # seeds 001 + 004: Autotask API user, webhook, rotation',
      '  ./bin/onramp sandbox connectwise    # seed 002: ConnectWise API member, key pair, security role',
      '  ./bin/onramp sandbox order          # one sales order with all four, through the intake API',
      '  ./bin/onramp sandbox sales hubspot  # a deal won in HubSpot becomes an order (also: salesforce, connectwise)',
      '',
      'Ctrl-C stops everything; onboardings in flight resume at the next npm start.',
      '',
    ].join('\n')
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the sandbox');
    worker.shutdown();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  started.add('sandbox descriptor', descriptorPath(dataDir), async (p) => rmSync(p, { force: true }));
  // Then the intake, the connections, the simulators and the Temporal dev server stop (main's finally).
  await worker.run();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`onramp sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
);
