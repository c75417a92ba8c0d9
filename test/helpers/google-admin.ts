import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createActivities, type OnrampActivities } from '../../src/activities';
import type { GoogleAdminSettings } from '../../src/activities/google/admin-client';
import {
  ADMIN_ROLE_SCOPES,
  adminRoleWorkflowId,
  parseAdminRoleInput,
  type AdminRoleRequest,
} from '../../src/domain/google-admin-roles-schema';
import type { DirectorySimOptions } from '../../src/simulators/google/directory-state';
import { createGoogleSimulator, type GoogleSimulator } from '../../src/simulators/google/google-simulator';
import { createSandboxServiceAccount } from '../../src/simulators/google/service-account';
import type { googleAdminRoleProvisioning } from '../../src/workflows';
import { failureOf as sharedFailureOf } from './integration';
import { plantCanary } from './canaries';

export interface GoogleAdminFixture {
  sim: GoogleSimulator;
  url: string;
  admin: string;
  domain: string;
  customerId: string;
  clientId: string;
  keyRef: string;
  saEmail: string;
  activities(overrides?: Partial<GoogleAdminSettings>): OnrampActivities;
  /** Users of the tenant, created in the simulator. */
  users(prefix: string, n: number): string[];
  /** Grant domain-wide delegation for exactly these scopes (default: all the onboarding needs). */
  grant(scopes?: string[]): void;
  request(name: string, overrides?: Partial<AdminRoleRequest>): AdminRoleRequest;
  /** Writes the simulator performed, by kind (group.create, member.insert, role.insert, assignment.insert, …). */
  writes(): Record<string, number>;
  close(): Promise<void>;
}

export async function googleAdminFixture(directory: DirectorySimOptions = {}): Promise<GoogleAdminFixture> {
  const sim = createGoogleSimulator({ directory });
  const url = await sim.listen();
  const { keyFile, publicKeyPem } = createSandboxServiceAccount();
  sim.state.addServiceAccount({ clientId: keyFile.client_id, email: keyFile.client_email, publicKeyPem });
  const dir = mkdtempSync(join(tmpdir(), 'onramp-admin-'));
  const keyPath = join(dir, 'sa.json');
  plantCanary('Google service-account private key (admin roles)', keyFile.private_key);
  writeFileSync(keyPath, JSON.stringify(keyFile));
  const domain = `school-${process.pid}.example`;
  const admin = `admin@${domain}`;
  sim.state.addUser(admin);
  const grant = (scopes: string[] = Object.values(ADMIN_ROLE_SCOPES)) =>
    sim.state.setGrant(keyFile.client_id, scopes, 0);
  grant();
  const customerId = sim.directory.customerId;
  return {
    sim,
    url,
    admin,
    domain,
    customerId,
    clientId: keyFile.client_id,
    keyRef: `file:${keyPath}`,
    saEmail: keyFile.client_email,
    activities: (overrides = {}) =>
      createActivities({
        google: { tokenUrl: `${url}/token` },
        notify: {},
        googleAdmin: { apiRootUrl: url, ...overrides },
      }),
    users: (prefix, n) =>
      Array.from({ length: n }, (_, i) => {
        const email = `${prefix}${i}@${domain}`;
        sim.state.addUser(email);
        return email;
      }),
    grant,
    request: (name, overrides = {}) => ({
      customer: { domain, customerId },
      adminEmail: admin,
      serviceAccount: { email: keyFile.client_email, keyRef: `file:${keyPath}` },
      group: { email: `${name}@${domain}`, displayName: `Group ${name}`, description: 'Classroom analytics access' },
      role: {
        name: `Education Admin ${name}`,
        description: 'Access to view analytics data',
        privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
      },
      scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
      membership: { propagationTimeoutMinutes: 2, pollSeconds: 1, batchSize: 250 },
      ...overrides,
    }),
    writes: () => Object.fromEntries(sim.directory.writes),
    close: async () => {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let runs = 0;

/** Start a provisioning run; `tag` keeps re-runs of the same business key apart in the test. */
export async function startProvisioning(
  client: Client,
  taskQueue: string,
  request: AdminRoleRequest
): Promise<WorkflowHandle<typeof googleAdminRoleProvisioning>> {
  const input = parseAdminRoleInput(request);
  return client.workflow.start<typeof googleAdminRoleProvisioning>('googleAdminRoleProvisioning', {
    workflowId: `${adminRoleWorkflowId(input)}:run${++runs}`,
    taskQueue,
    args: [request],
  });
}

/** The failure message of a run that must fail (the workflow's own failure, outermost cause). */
export async function failureOf(handle: WorkflowHandle): Promise<string> {
  const f = await sharedFailureOf(handle);
  return f.chain[0] ?? f.message;
}
