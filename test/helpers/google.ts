import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities, type OnrampActivities } from '../../src/activities';
import { DEFAULT_DELEGATION_SCOPES, type DelegationRequest } from '../../src/domain/google-delegation-schema';
import { createGoogleSimulator, type GoogleSimulator } from '../../src/simulators/google/google-simulator';
import { createSandboxServiceAccount, type ServiceAccountKeyFile } from '../../src/simulators/google/service-account';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { plantCanary } from './canaries';

export interface GoogleFixture {
  sim: GoogleSimulator;
  googleUrl: string;
  receiver: NotifyReceiver;
  notifyUrl: string;
  key: ServiceAccountKeyFile;
  keyPath: string;
  keyRef: string;
  admin: string;
  domain: string;
  activities: OnrampActivities;
  request(overrides?: Partial<DelegationRequest>): DelegationRequest;
  grant(scopes?: readonly string[], propagationDelayMs?: number): void;
  close(): Promise<void>;
}

let counter = 0;

/** The Google simulator and the vendor-support receiver over real HTTP, with a real service-account key on disk. */
export async function googleFixture(
  opts: {
    propagationDelayMs?: number;
    /** The receiver then refuses a missing or wrong X-Onramp-Signature. */ notifySecret?: string;
  } = {}
): Promise<GoogleFixture> {
  const sim = createGoogleSimulator({ propagationDelayMs: opts.propagationDelayMs ?? 0 });
  const googleUrl = await sim.listen();
  const receiver = createNotifyReceiver({ secret: opts.notifySecret });
  const notifyUrl = `${await receiver.listen()}/notify`;
  const { keyFile, publicKeyPem } = createSandboxServiceAccount();
  sim.state.addServiceAccount({ clientId: keyFile.client_id, email: keyFile.client_email, publicKeyPem });
  const dir = mkdtempSync(join(tmpdir(), 'onramp-test-'));
  const keyPath = join(dir, 'sa.json');
  plantCanary('Google service-account private key', keyFile.private_key);
  writeFileSync(keyPath, JSON.stringify(keyFile));
  const domain = `customer${++counter}-${process.pid}.example`;
  const admin = `admin@${domain}`;
  sim.state.addUser(admin);
  const activities = createActivities({
    google: { tokenUrl: `${googleUrl}/token` },
    notify: { webhookUrl: notifyUrl },
  });
  return {
    sim,
    googleUrl,
    receiver,
    notifyUrl,
    key: keyFile,
    keyPath,
    keyRef: `file:${keyPath}`,
    admin,
    domain,
    activities,
    request: (overrides = {}) => ({
      customer: { domain },
      adminEmail: admin,
      vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
      serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef: `file:${keyPath}` },
      polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
      ...overrides,
    }),
    grant: (scopes = DEFAULT_DELEGATION_SCOPES, delay) => sim.state.setGrant(keyFile.client_id, [...scopes], delay),
    close: async () => {
      await Promise.all([sim.close(), receiver.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
