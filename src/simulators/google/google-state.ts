import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The tenant-side state the Google simulator answers from. Only public material is kept (service
 * accounts' public keys), so the optional state file is safe to leave on disk.
 */
export interface ServiceAccountRecord {
  clientId: string;
  email: string;
  publicKeyPem: string;
  /** The Google Cloud project number the account lives in (errors name `projects/<number>`); derived if absent. */
  projectNumber?: string;
}

/**
 * What a user is in the Admin console: a super admin (Admin roles > Super Admin), a delegated admin (any
 * other admin role), or a plain user. Directory's users.get reports `isAdmin` (super admin) and
 * `isDelegatedAdmin`.
 */
export type UserRole = 'superAdmin' | 'delegatedAdmin' | 'user';

/** The Google APIs the simulator serves, by service name (an API disabled in a project answers SERVICE_DISABLED). */
export const GOOGLE_SERVICES = {
  'cloudidentity.googleapis.com': 'Cloud Identity API',
  'admin.googleapis.com': 'Admin SDK API',
} as const;
export type GoogleServiceName = keyof typeof GOOGLE_SERVICES;

interface GrantChange {
  scopes: string[];
  /** Epoch ms when the change becomes visible to the token endpoint (propagation). */
  visibleAt: number;
}

interface Persisted {
  serviceAccounts: ServiceAccountRecord[];
  users: string[];
  grants: Record<string, GrantChange[]>;
  roles?: Record<string, UserRole>;
  /** User → org unit path (absent: the root, "/"). */
  userOrgUnits?: Record<string, string>;
  customers?: Record<string, string>;
  disabledServices?: Record<string, string[]>;
}

export interface GoogleStateOptions {
  /** How long an Admin-console change takes to reach the token endpoint. */
  propagationDelayMs?: number;
  /**
   * The customer ID of the first Workspace domain the simulator meets; every other domain gets its own
   * (one customer per domain, so customers never see each other's users).
   */
  primaryCustomerId?: string;
  /** Persist to this JSON file (the sandbox does, so a restart keeps the tenant). */
  stateFile?: string;
  now?: () => number;
}

function grantKey(clientId: string, domain?: string): string {
  return domain ? `${domain.toLowerCase()}|${clientId}` : clientId;
}

export class GoogleTenantState {
  private serviceAccounts = new Map<string, ServiceAccountRecord>();
  private users = new Set<string>();
  private grants = new Map<string, GrantChange[]>();
  private roles = new Map<string, UserRole>();
  private userOrgUnits = new Map<string, string>();
  /** Workspace domain → its customer ID. */
  private customers = new Map<string, string>();
  /** Project number → services disabled in it. */
  private disabledServices = new Map<string, Set<string>>();
  propagationDelayMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: GoogleStateOptions = {}) {
    this.propagationDelayMs = opts.propagationDelayMs ?? 0;
    this.now = opts.now ?? Date.now;
    if (opts.stateFile && existsSync(opts.stateFile)) {
      const p = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as Persisted;
      for (const sa of p.serviceAccounts) this.serviceAccounts.set(sa.email, sa);
      for (const u of p.users) this.users.add(u);
      for (const [k, v] of Object.entries(p.grants)) this.grants.set(k, v);
      for (const [k, v] of Object.entries(p.roles ?? {})) this.roles.set(k, v);
      for (const [k, v] of Object.entries(p.userOrgUnits ?? {})) this.userOrgUnits.set(k, v);
      for (const [k, v] of Object.entries(p.customers ?? {})) this.customers.set(k, v);
      for (const [k, v] of Object.entries(p.disabledServices ?? {})) this.disabledServices.set(k, new Set(v));
    }
  }

  private save(): void {
    if (!this.opts.stateFile) return;
    mkdirSync(dirname(this.opts.stateFile), { recursive: true });
    const p: Persisted = {
      serviceAccounts: [...this.serviceAccounts.values()],
      users: [...this.users],
      grants: Object.fromEntries(this.grants),
      roles: Object.fromEntries(this.roles),
      userOrgUnits: Object.fromEntries(this.userOrgUnits),
      customers: Object.fromEntries(this.customers),
      disabledServices: Object.fromEntries([...this.disabledServices].map(([k, v]) => [k, [...v]])),
    };
    writeFileSync(this.opts.stateFile, JSON.stringify(p, null, 2));
  }

  addServiceAccount(sa: ServiceAccountRecord): void {
    this.serviceAccounts.set(sa.email.toLowerCase(), { ...sa, email: sa.email.toLowerCase() });
    this.save();
  }

  serviceAccount(email: string): ServiceAccountRecord | undefined {
    return this.serviceAccounts.get(email.toLowerCase());
  }

  /**
   * Add a user (idempotent). Without a role, an existing user keeps theirs and a new one is a super admin
   * when its local part is `admin` (the sandbox's and tests' convention), else a plain user.
   */
  addUser(email: string, role?: UserRole, orgUnitPath?: string): void {
    const e = email.toLowerCase();
    this.users.add(e);
    if (orgUnitPath) this.userOrgUnits.set(e, orgUnitPath);
    this.roles.set(e, role ?? this.roles.get(e) ?? (e.split('@')[0] === 'admin' ? 'superAdmin' : 'user'));
    this.customerOfDomain(e.split('@')[1] ?? '');
    this.save();
  }

  /** The org unit a user is in (Directory's user.orgUnitPath); "/" unless placed elsewhere. */
  orgUnitOfUser(email: string): string {
    return this.userOrgUnits.get(email.toLowerCase()) ?? '/';
  }

  userRole(email: string): UserRole {
    const e = email.toLowerCase();
    return this.roles.get(e) ?? (e.split('@')[0] === 'admin' ? 'superAdmin' : 'user');
  }

  /**
   * The customer ID of a Workspace domain: the first domain met gets `primaryCustomerId`, every other one
   * its own stable ID (C0 + 7 characters, the form the Admin console shows).
   */
  customerOfDomain(domain: string): string {
    const d = domain.toLowerCase();
    let id = this.customers.get(d);
    if (!id) {
      id =
        this.customers.size === 0 && this.opts.primaryCustomerId
          ? this.opts.primaryCustomerId
          : `C0${createHash('sha256').update(d).digest('hex').slice(0, 7)}`;
      this.customers.set(d, id);
      this.save();
    }
    return id;
  }

  /** The customer ID of a user (its email domain's). */
  customerOfUser(email: string): string {
    return this.customerOfDomain(email.split('@')[1] ?? '');
  }

  /** Every known customer: domain → customer ID. */
  customerList(): { domain: string; customerId: string }[] {
    return [...this.customers].map(([domain, customerId]) => ({ domain, customerId }));
  }

  /** The project number a service account's errors name (`projects/<number>`). */
  projectNumberOf(sa: ServiceAccountRecord): string {
    if (sa.projectNumber) return sa.projectNumber;
    const project = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(sa.email)?.[1] ?? sa.email;
    const digits = createHash('sha256').update(project).digest().readUIntBE(0, 5).toString();
    return `1${digits.padStart(11, '0')}`;
  }

  /** Google Cloud console > APIs & Services > Enable / Disable API, for a project (by number). */
  setServiceEnabled(projectNumber: string, service: string, enabled: boolean): void {
    const set = this.disabledServices.get(projectNumber) ?? new Set<string>();
    if (enabled) set.delete(service);
    else set.add(service);
    this.disabledServices.set(projectNumber, set);
    this.save();
  }

  isServiceEnabled(projectNumber: string, service: string): boolean {
    return !this.disabledServices.get(projectNumber)?.has(service);
  }

  hasUser(email: string): boolean {
    return this.users.has(email.toLowerCase());
  }

  /** Every user of the tenant, sorted by email (users.list's default order). */
  listUsers(): string[] {
    return [...this.users].sort();
  }

  /**
   * What an admin does in Admin console > API controls > Domain-wide delegation: replace the scope list
   * of a client ID. Visible to token requests only after the propagation delay.
   */
  setGrant(clientId: string, scopes: string[], delayMs = this.propagationDelayMs, domain?: string): void {
    const key = grantKey(clientId, domain);
    const changes = this.grants.get(key) ?? [];
    changes.push({ scopes: [...new Set(scopes)], visibleAt: this.now() + delayMs });
    this.grants.set(key, changes);
    this.save();
  }

  /**
   * The scopes the token endpoint honours right now for a subject's Workspace tenant (its email domain):
   * the latest change that has propagated. Each tenant has its own delegation list; a grant set without a
   * domain applies to every tenant (test convenience).
   */
  effectiveScopes(clientId: string, domain?: string): Set<string> {
    const now = this.now();
    for (const key of domain ? [grantKey(clientId, domain), grantKey(clientId)] : [grantKey(clientId)]) {
      const changes = this.grants.get(key);
      if (changes) return new Set(changes.filter((c) => c.visibleAt <= now).at(-1)?.scopes ?? []);
    }
    return new Set();
  }

  /**
   * Every client ID's grant as the Admin console lists it (latest change, propagated or not); a client ID
   * whose scopes were all removed is no longer listed, as when the admin deletes its row.
   */
  configuredGrants(): { clientId: string; domain?: string; scopes: string[] }[] {
    return [...this.grants]
      .map(([key, changes]) => {
        const bar = key.indexOf('|');
        const domain = bar < 0 ? undefined : key.slice(0, bar);
        return {
          clientId: key.slice(bar + 1),
          ...(domain ? { domain } : {}),
          scopes: [...(changes.at(-1)?.scopes ?? [])].sort(),
        };
      })
      .filter((g) => g.scopes.length)
      .sort((a, b) => `${a.domain}|${a.clientId}`.localeCompare(`${b.domain}|${b.clientId}`));
  }

  /** Service accounts registered with the tenant (public material only). */
  serviceAccountList(): ServiceAccountRecord[] {
    return [...this.serviceAccounts.values()];
  }

  /** The grant as the Admin console shows it (latest change, propagated or not). */
  configuredGrant(clientId: string, domain?: string): { scopes: string[]; visibleAt?: string } {
    const last = (this.grants.get(grantKey(clientId, domain)) ?? []).at(-1);
    return { scopes: last?.scopes ?? [], visibleAt: last ? new Date(last.visibleAt).toISOString() : undefined };
  }
}
