import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createActivities, type OnrampActivities } from '../../src/activities';
import type {
  ConnectwiseConnection,
  ConnectwiseOnboardingRequest,
  SyncCustomer,
} from '../../src/domain/connectwise-schema';
import {
  createConnectwiseSimulator,
  type ConnectwiseSimulator,
  type ConnectwiseSimulatorOptions,
} from '../../src/simulators/connectwise/connectwise-simulator';
import { ALL_AREAS, type AreaLevels } from '../../src/simulators/connectwise/connectwise-state';
import { createNotifyReceiver, type NotifyReceiver } from '../../src/simulators/notify-receiver';
import { plantCanary } from './canaries';
import type { LimiterStore } from '../../src/activities/limits/limiter-store';

export const CLIENT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const ALL: AreaLevels = { add: 'All', edit: 'All', inquire: 'All', delete: 'None' };

/** The seed's role, plus the right to read roles (so Onramp can read the role instead of probing). */
export function fullRole(): Record<string, Partial<AreaLevels>> {
  return Object.fromEntries(ALL_AREAS.map((a) => [a, ALL]));
}

export interface CwMember {
  identifier: string;
  roleId: number;
  publicKey: string;
  keyRef: string;
}

export interface ConnectwiseFixture {
  sim: ConnectwiseSimulator;
  url: string;
  host: string;
  receiver: NotifyReceiver;
  activities: OnrampActivities;
  /** An API member with its own role and a fresh key pair; the private key goes to a file, tests use the reference. */
  newMember(role?: Record<string, Partial<AreaLevels>>): Promise<CwMember>;
  /** A file reference holding `content` (e.g. a wrong key). */
  secretFile(content: string): string;
  request(member: CwMember, overrides?: Partial<ConnectwiseOnboardingRequest>): ConnectwiseOnboardingRequest;
  /** The member's complete connection to this simulator (its private key by reference). */
  connection(member: CwMember): ConnectwiseConnection & { privateKeyRef: string };
  /** Replace the settings of a member's security role, as an admin does in System > Security Roles. */
  setRole(roleId: number, settings: Record<string, Partial<AreaLevels>>): Promise<void>;
  close(): Promise<void>;
}

export function customers(n: number, prefix = 'C'): SyncCustomer[] {
  return Array.from({ length: n }, (_, i) => ({
    identifier: `${prefix}${String(i + 1).padStart(4, '0')}`,
    name: `Customer ${prefix} ${i + 1}`,
  }));
}

let roleIds = 10;

export async function connectwiseFixture(
  opts: ConnectwiseSimulatorOptions & {
    requestsPerMinute?: number;
    pageSize?: number;
    /** The activities' vendor limiter store (default: a fresh in-memory one). */
    limiterStore?: LimiterStore;
  } = {}
): Promise<ConnectwiseFixture> {
  // The simulator throttles at ConnectWise's ~1,000/min by default; tests that are not about throttling
  // pace Onramp far above that (60,000/min), so they turn it off unless they ask for a limit.
  const sim = createConnectwiseSimulator({
    ...(opts.requestsPerWindow === undefined ? { rateLimit: false as const } : {}),
    ...opts,
  });
  const url = await sim.listen();
  const host = new URL(url).host;
  const receiver = createNotifyReceiver();
  const notifyUrl = `${await receiver.listen()}/notify`;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-cw-'));
  const activities = createActivities(
    {
      google: { tokenUrl: 'http://127.0.0.1:9/token' },
      notify: { webhookUrl: notifyUrl },
      // The loopback simulator is allowed explicitly; nothing but ConnectWise hosts is by default.
      connectwise: {
        extraAllowedHosts: [host],
        insecureHttpHosts: [host],
        requestsPerMinute: opts.requestsPerMinute ?? 60_000,
        pageSize: opts.pageSize ?? 1000,
        currentCredentialsDir: join(dir, 'current-credentials'),
      },
    },
    opts.limiterStore
  );
  const control = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const res = await request(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.body.json();
    if (res.statusCode >= 300)
      throw new Error(`admin ${method} ${path}: HTTP ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  const secretFile = (content: string) => {
    plantCanary('ConnectWise private key (or other secret file)', content);
    const p = join(dir, `${randomUUID()}.key`);
    writeFileSync(p, content);
    return `file:${p}`;
  };
  const connection = (member: CwMember) => ({
    site: host,
    companyId: sim.state.companyId,
    publicKey: member.publicKey,
    privateKeyRef: member.keyRef,
    clientId: CLIENT_ID,
    apiMember: member.identifier,
  });
  return {
    sim,
    url,
    host,
    receiver,
    activities,
    secretFile,
    async newMember(role = fullRole()) {
      const roleId = ++roleIds;
      const identifier = `sophos${roleId}`;
      await control('PUT', `/_admin/security-roles/${roleId}`, {
        name: `Sophos Integration ${roleId}`,
        settings: role,
      });
      await control('POST', '/_admin/api-members', { identifier, roleId });
      const keys = (await control('POST', `/_admin/api-members/${identifier}/api-keys`, {
        description: 'Sophos Central integration',
      })) as { publicKey: string; privateKey: string };
      return { identifier, roleId, publicKey: keys.publicKey, keyRef: secretFile(keys.privateKey) };
    },
    request: (member, overrides = {}) => ({
      customer: { name: `MSP ${member.identifier}` },
      connection: connection(member),
      ...overrides,
    }),
    connection,
    async setRole(roleId, settings) {
      await control('PUT', `/_admin/security-roles/${roleId}`, { name: `Sophos Integration ${roleId}`, settings });
    },
    close: async () => {
      await Promise.all([sim.close(), receiver.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
