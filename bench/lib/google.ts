import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../src/activities';
import type { GoogleAdminSettings } from '../../src/activities/google/admin-client';
import { ADMIN_ROLE_SCOPES } from '../../src/domain/google-admin-roles-schema';
import { DEFAULT_DELEGATION_SCOPES, type DelegationRequest } from '../../src/domain/google-delegation-schema';
import type { DirectorySimOptions } from '../../src/simulators/google/directory-state';
import { createGoogleSimulator, type GoogleSimulator } from '../../src/simulators/google/google-simulator';
import { createSandboxServiceAccount } from '../../src/simulators/google/service-account';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { recordRequests, type LoggedRequest } from './request-log';

/** Per-call latency of every simulated vendor endpoint in the benchmark (issue #7: 50–150 ms). */
export const VENDOR_LATENCY_MS: [number, number] = [50, 150];

export interface BenchGoogle {
  sim: GoogleSimulator;
  receiver: NotifyReceiver;
  requests: LoggedRequest[];
  /** Every answered request of the notification receiver (the vendor-support endpoint). */
  notifyRequests: LoggedRequest[];
  clientId: string;
  saEmail: string;
  keyRef: string;
  /** The service account's key file (JSON), for a caller that supplies it elsewhere (a secrets volume). */
  keyFile: object;
  customerId: string;
  /** Activity dependencies for the worker process (plain data: crosses the process boundary as JSON). */
  deps(admin?: Omit<GoogleAdminSettings, 'tokenUrl'>): ActivityDeps;
  /** A tenant admin (a user of the simulated Workspace) for `domain`. */
  admin(domain: string): string;
  delegationRequest(domain: string, overrides?: Partial<DelegationRequest>): DelegationRequest;
  grantAll(scopes?: readonly string[]): void;
  close(): Promise<void>;
}

/** The Google simulator (token endpoint + Directory/Cloud Identity) and the vendor-support receiver, both with vendor latency. */
export async function startBenchGoogle(directory: DirectorySimOptions = {}): Promise<BenchGoogle> {
  const sim = createGoogleSimulator({ latencyMs: VENDOR_LATENCY_MS, propagationDelayMs: 0, directory });
  const requests = recordRequests(sim);
  const url = await sim.listen();
  const receiver = createNotifyReceiver();
  const notifyRequests = recordRequests(receiver);
  // The notification receiver is a vendor endpoint too: same latency (createNotifyReceiver takes no options).
  receiver.options.latencyMs = VENDOR_LATENCY_MS;
  const notifyUrl = `${await receiver.listen()}/notify`;
  const { keyFile, publicKeyPem } = createSandboxServiceAccount({ name: 'bench' });
  sim.state.addServiceAccount({ clientId: keyFile.client_id, email: keyFile.client_email, publicKeyPem });
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-'));
  const keyPath = join(dir, 'sa.json');
  writeFileSync(keyPath, JSON.stringify(keyFile), { mode: 0o600 });
  const keyRef = `file:${keyPath}`;
  const admin = (domain: string) => {
    const email = `admin@${domain}`;
    sim.state.addUser(email);
    return email;
  };
  return {
    sim,
    receiver,
    requests,
    notifyRequests,
    clientId: keyFile.client_id,
    saEmail: keyFile.client_email,
    keyRef,
    keyFile,
    customerId: sim.directory.customerId,
    deps: (adminSettings) => ({
      google: { tokenUrl: `${url}/token` },
      notify: { webhookUrl: notifyUrl },
      googleAdmin: { apiRootUrl: url, ...adminSettings },
    }),
    admin,
    delegationRequest: (domain, overrides = {}) => ({
      customer: { domain },
      adminEmail: admin(domain),
      vendor: { name: 'BenchVendor', supportEmail: 'support@bench-vendor.example' },
      serviceAccount: { clientId: keyFile.client_id, email: keyFile.client_email, keyRef },
      polling: { initialIntervalSeconds: 1, maxIntervalSeconds: 2, deadlineHours: 1 },
      ...overrides,
    }),
    grantAll: (scopes = [...DEFAULT_DELEGATION_SCOPES, ...Object.values(ADMIN_ROLE_SCOPES)]) =>
      sim.state.setGrant(keyFile.client_id, [...scopes], 0),
    close: async () => {
      await Promise.all([sim.close(), receiver.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
