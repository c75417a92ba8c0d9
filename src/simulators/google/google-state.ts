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
}

interface GrantChange {
  scopes: string[];
  /** Epoch ms when the change becomes visible to the token endpoint (propagation). */
  visibleAt: number;
}

interface Persisted {
  serviceAccounts: ServiceAccountRecord[];
  users: string[];
  grants: Record<string, GrantChange[]>;
}

export interface GoogleStateOptions {
  /** How long an Admin-console change takes to reach the token endpoint. */
  propagationDelayMs?: number;
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
    }
  }

  private save(): void {
    if (!this.opts.stateFile) return;
    mkdirSync(dirname(this.opts.stateFile), { recursive: true });
    const p: Persisted = {
      serviceAccounts: [...this.serviceAccounts.values()],
      users: [...this.users],
      grants: Object.fromEntries(this.grants),
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

  addUser(email: string): void {
    this.users.add(email.toLowerCase());
    this.save();
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
