import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The Workspace tenant behind the simulated Cloud Identity and Directory APIs: groups, memberships,
 * privileges, custom roles, org units and role assignments, with Google's eventual consistency
 * (objects become visible to reads only after a delay) and its object limits.
 */
export interface DirectorySimOptions {
  /** Customer ID with its C prefix. */
  customerId?: string;
  /** A group just created stays invisible to lookups and Directory calls this long (404s). */
  groupVisibilityDelayMs?: number;
  /** A user member shows in members.list/get only after this long. */
  memberVisibilityDelayMs?: number;
  /** A nested group member (up to 10 minutes in Google). */
  nestedMemberVisibilityDelayMs?: number;
  /** Directory API queries per window per impersonated user before 403 userRateLimitExceeded. */
  directoryQuota?: { limit: number; windowMs: number };
  /** Role assignments per customer before CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT. */
  roleAssignmentLimit?: number;
  /** Custom roles per customer (Google: 750). */
  customRoleLimit?: number;
  /** Role assignments per org unit, the root counting as one (Google: 1,000). */
  roleAssignmentsPerOrgUnit?: number;
  /** Role assignments to groups, over the whole organization and within each org unit (Google: 250). */
  groupRoleAssignmentLimit?: number;
  /** Answer a create of an existing group with 403 instead of 409 (a documented quirk). */
  existingGroupCreateStatus?: 403 | 409;
  /** Persist groups, memberships, roles, role assignments and org units to this JSON file (restarts keep them). */
  stateFile?: string;
}

interface PersistedDirectory {
  groups: SimGroup[];
  members: [string, SimMember[]][];
  roles: SimRole[];
  assignments: SimRoleAssignment[];
  orgUnits: [string, string][];
}

export interface SimGroup {
  id: string;
  email: string;
  displayName: string;
  description: string;
  labels: Record<string, string>;
  createTime: string;
  visibleAt: number;
  /** The customer that created it (the simulator keeps one directory for every customer). */
  customerId?: string;
}

export interface SimMember {
  id: string;
  email: string;
  role: string;
  type: 'USER' | 'GROUP';
  visibleAt: number;
}

export interface SimPrivilege {
  privilegeName: string;
  serviceId: string;
  serviceName: string;
  isOuScopable: boolean;
  childPrivileges?: SimPrivilege[];
}

export interface SimRole {
  roleId: string;
  roleName: string;
  roleDescription: string;
  rolePrivileges: { privilegeName: string; serviceId: string }[];
  isSystemRole: boolean;
  isSuperAdminRole: boolean;
}

export interface SimRoleAssignment {
  roleAssignmentId: string;
  roleId: string;
  assignedTo: string;
  assigneeType: 'USER' | 'GROUP';
  scopeType: 'CUSTOMER' | 'ORG_UNIT';
  orgUnitId?: string;
}

/** The customer ID of the simulator's first Workspace domain, unless `customerId` says otherwise. */
export const DEFAULT_CUSTOMER_ID = 'C03az79cb';
/**
 * Google's role limits (Directory API guide "Manage roles", section "Role and role assignment limits"):
 * 750 custom roles; 1,000 role assignments per org unit (the root counts as one; an older copy of the page
 * says 500); 250 role assignments to groups.
 */
export const ROLE_LIMITS = { customRoles: 750, assignmentsPerOrgUnit: 1000, groupAssignments: 250 } as const;
export const CLASSROOM_SERVICE_ID = '019c6y1840fzfkt';
export const SECURITY_LABEL = 'cloudidentity.googleapis.com/groups.security';
export const DISCUSSION_LABEL = 'cloudidentity.googleapis.com/groups.discussion_forum';

/**
 * privileges.list as a tree per service (Privilege: privilegeName, serviceId, serviceName, isOuScopable,
 * childPrivileges — Admin SDK reference "privileges.list"). The Classroom privileges are those of seed 003
 * (Classroom's Education Admin guide); the other names follow the Admin console's privilege groups as GAM
 * prints them (`gam print privileges`). The obfuscated serviceIds, the serviceName labels and most
 * isOuScopable values are GUESSES: Google publishes no fixed list (each tenant asks privileges.list).
 */
const ADMIN_SERVICE_ID = '00haapch16h1ysv';
const GMAIL_SERVICE_ID = '00tyjcwt49hlgdv';
const DRIVE_SERVICE_ID = '00meukdy0whjl9a';
const CALENDAR_SERVICE_ID = '03j2qqm31lnmc6x';
const leafs = (serviceId: string, serviceName: string, isOuScopable: boolean, names: string[]): SimPrivilege[] =>
  names.map((privilegeName) => ({ privilegeName, serviceId, serviceName, isOuScopable }));
const tree = (
  serviceId: string,
  serviceName: string,
  isOuScopable: boolean,
  privilegeName: string,
  children: string[]
): SimPrivilege => ({
  privilegeName,
  serviceId,
  serviceName,
  isOuScopable,
  childPrivileges: leafs(serviceId, serviceName, isOuScopable, children),
});

export const DEFAULT_PRIVILEGES: SimPrivilege[] = [
  {
    privilegeName: 'EDU_ANALYTICS_DATA_ACCESS',
    serviceId: CLASSROOM_SERVICE_ID,
    serviceName: 'classroom',
    isOuScopable: true,
  },
  tree(CLASSROOM_SERVICE_ID, 'classroom', true, 'ADMIN_OVERSIGHT', [
    'ADMIN_OVERSIGHT_MANAGE_CLASSES',
    'ADMIN_OVERSIGHT_VIEW_CLASSES',
  ]),
  tree(ADMIN_SERVICE_ID, 'admin', true, 'USERS_ALL', [
    'USERS_RETRIEVE',
    'USERS_CREATE',
    'USERS_UPDATE',
    'USERS_DELETE',
    'USERS_ALIAS',
    'USERS_MOVE',
    'USERS_RESET_PASSWORD',
    'USERS_FORCE_PASSWORD_CHANGE',
    'USERS_SUSPEND',
    'USERS_UPDATE_CUSTOM_ATTRIBUTES',
  ]),
  tree(ADMIN_SERVICE_ID, 'admin', false, 'GROUPS_ALL', [
    'GROUPS_RETRIEVE',
    'GROUPS_CREATE',
    'GROUPS_UPDATE',
    'GROUPS_DELETE',
  ]),
  tree(ADMIN_SERVICE_ID, 'admin', true, 'ORGANIZATION_UNITS_ALL', [
    'ORGANIZATION_UNITS_RETRIEVE',
    'ORGANIZATION_UNITS_CREATE',
    'ORGANIZATION_UNITS_UPDATE',
    'ORGANIZATION_UNITS_DELETE',
  ]),
  ...leafs(ADMIN_SERVICE_ID, 'admin', false, [
    'REPORTS_RETRIEVE',
    'DOMAIN_MANAGEMENT',
    'SUPPORT',
    'DATA_TRANSFER',
    'SCHEMA_MANAGEMENT',
    'SECURITY_SETTINGS',
  ]),
  ...leafs(GMAIL_SERVICE_ID, 'gmail', true, ['MANAGE_GMAIL_SETTINGS', 'GMAIL_LOG_SEARCH']),
  ...leafs(DRIVE_SERVICE_ID, 'drive', true, ['MANAGE_DRIVE_SETTINGS']),
  ...leafs(CALENDAR_SERVICE_ID, 'calendar', true, ['CALENDAR_SETTINGS', 'MANAGE_CALENDAR_RESOURCES']),
];

export const DEFAULT_ORG_UNITS = ['/Students', '/Teachers', '/Staff', '/Students/Grade 9'];

function stableId(prefix: string, key: string, len = 15): string {
  return prefix + createHash('sha256').update(key).digest('hex').slice(0, len);
}

export class DirectoryState {
  readonly customerId: string;
  readonly groups = new Map<string, SimGroup>();
  /** group id → member email → member. */
  readonly members = new Map<string, Map<string, SimMember>>();
  readonly roles = new Map<string, SimRole>();
  readonly assignments = new Map<string, SimRoleAssignment>();
  readonly orgUnits = new Map<string, string>(); // path → id (without the "id:" prefix)
  /** The root org unit ("/"), which orgunits.list never lists but children name as their parent. */
  readonly rootOrgUnitId: string;
  privileges: SimPrivilege[] = DEFAULT_PRIVILEGES;
  /** Writes by kind (group.create, member.insert, role.insert, assignment.insert, …) that changed state. */
  readonly writes = new Map<string, number>();
  quotaErrors = 0;
  /** When each Directory query was counted, per impersonated user (a measurement aid: who used how much of their quota). */
  readonly quotaLog = new Map<string, number[]>();
  private quotaWindows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly opts: DirectorySimOptions = {},
    private readonly now: () => number = Date.now
  ) {
    this.customerId = opts.customerId ?? DEFAULT_CUSTOMER_ID;
    this.rootOrgUnitId = stableId('03ph8a2z', `${this.customerId}/`, 8);
    for (const p of DEFAULT_ORG_UNITS) this.addOrgUnit(p);
    for (const [name, id] of [
      ['_SEED_ADMIN_ROLE', '9170843028'],
      ['_GROUPS_ADMIN_ROLE', '9170843029'],
    ] as const) {
      this.roles.set(id, {
        roleId: id,
        roleName: name,
        roleDescription: 'System role',
        rolePrivileges: [],
        isSystemRole: true,
        isSuperAdminRole: name === '_SEED_ADMIN_ROLE',
      });
    }
    if (opts.stateFile && existsSync(opts.stateFile)) this.load(opts.stateFile);
  }

  wrote(kind: string): void {
    this.writes.set(kind, (this.writes.get(kind) ?? 0) + 1);
    this.save();
  }

  private load(file: string): void {
    const p = JSON.parse(readFileSync(file, 'utf8')) as PersistedDirectory;
    for (const g of p.groups) this.groups.set(g.id, g);
    for (const [id, ms] of p.members) this.members.set(id, new Map(ms.map((m) => [m.email, m])));
    for (const r of p.roles) this.roles.set(r.roleId, r);
    for (const a of p.assignments) this.assignments.set(a.roleAssignmentId, a);
    for (const [path, id] of p.orgUnits) this.orgUnits.set(path, id);
  }

  /** Write the tenant to `opts.stateFile` after every change (no-op without one). */
  save(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    const p: PersistedDirectory = {
      groups: [...this.groups.values()],
      members: [...this.members].map(([id, ms]) => [id, [...ms.values()]]),
      roles: [...this.roles.values()],
      assignments: [...this.assignments.values()],
      orgUnits: [...this.orgUnits],
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(p));
    renameSync(`${file}.tmp`, file);
  }

  addOrgUnit(path: string): string {
    const id = stableId('03ph8a2z', `${this.customerId}${path}`, 8);
    this.orgUnits.set(path, id);
    return id;
  }

  /** Accepts "C…", the ID without C, or my_customer, as the Directory API does. */
  isCustomer(key: string): boolean {
    return key === 'my_customer' || key === this.customerId || `C${key}` === this.customerId;
  }

  userId(email: string): string {
    return stableId('1', email.toLowerCase(), 20).replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10));
  }

  visible<T extends { visibleAt: number }>(x: T | undefined): T | undefined {
    return x && x.visibleAt <= this.now() ? x : undefined;
  }

  groupByKey(key: string, includeInvisible = false): SimGroup | undefined {
    const k = key.toLowerCase();
    const g = this.groups.get(key) ?? [...this.groups.values()].find((x) => x.email === k);
    return includeInvisible ? g : this.visible(g);
  }

  /** `countWrite` false: a change by the admin API (the console), not an API write. */
  createGroup(
    email: string,
    displayName: string,
    description: string,
    labels: Record<string, string>,
    countWrite = true,
    customerId?: string
  ): SimGroup {
    const g: SimGroup = {
      ...(customerId ? { customerId } : {}),
      id: `0${randomBytes(7).toString('hex')}`,
      email: email.toLowerCase(),
      displayName,
      description,
      labels,
      createTime: new Date(this.now()).toISOString(),
      visibleAt: this.now() + (this.opts.groupVisibilityDelayMs ?? 0),
    };
    this.groups.set(g.id, g);
    this.members.set(g.id, new Map());
    if (countWrite) this.wrote('group.create');
    else this.save();
    return g;
  }

  isSecurityGroup(g: SimGroup): boolean {
    return SECURITY_LABEL in g.labels;
  }

  /** Would adding `child` to `parent` close a loop (parent already reachable from child)? */
  wouldCycle(parentId: string, childId: string): boolean {
    const seen = new Set<string>();
    const stack = [childId];
    while (stack.length) {
      const id = stack.pop()!;
      if (id === parentId) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const m of this.members.get(id)?.values() ?? []) if (m.type === 'GROUP') stack.push(m.id);
    }
    return false;
  }

  addMember(
    groupId: string,
    email: string,
    role: string,
    type: 'USER' | 'GROUP',
    id: string,
    countWrite = true
  ): SimMember {
    const delay =
      type === 'GROUP' ? (this.opts.nestedMemberVisibilityDelayMs ?? 0) : (this.opts.memberVisibilityDelayMs ?? 0);
    const m: SimMember = { id, email: email.toLowerCase(), role, type, visibleAt: this.now() + delay };
    this.members.get(groupId)!.set(m.email, m);
    if (countWrite) this.wrote('member.insert');
    else this.save();
    return m;
  }

  /** All privileges, children flattened (to validate role privileges). */
  flatPrivileges(): SimPrivilege[] {
    const out: SimPrivilege[] = [];
    const walk = (ps: SimPrivilege[]) => {
      for (const p of ps) {
        out.push(p);
        if (p.childPrivileges) walk(p.childPrivileges);
      }
    };
    walk(this.privileges);
    return out;
  }

  /** Count one Directory query for `subject`; false when its per-window quota is spent. */
  takeQuota(subject: string): boolean {
    const q = this.opts.directoryQuota;
    if (!q) return true;
    const now = this.now();
    let w = this.quotaWindows.get(subject);
    if (!w || now - w.start >= q.windowMs) {
      w = { start: now, count: 0 };
      this.quotaWindows.set(subject, w);
    }
    w.count++;
    let log = this.quotaLog.get(subject);
    if (!log) this.quotaLog.set(subject, (log = []));
    log.push(now);
    if (w.count > q.limit) {
      this.quotaErrors++;
      return false;
    }
    return true;
  }

  newId(prefix: string): string {
    return `${prefix}${randomBytes(6).readUIntBE(0, 6)}`;
  }
}
