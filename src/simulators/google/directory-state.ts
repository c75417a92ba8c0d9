import { createHash, randomBytes } from 'node:crypto';

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
  /** Answer a create of an existing group with 403 instead of 409 (a documented quirk). */
  existingGroupCreateStatus?: 403 | 409;
}

export interface SimGroup {
  id: string;
  email: string;
  displayName: string;
  description: string;
  labels: Record<string, string>;
  createTime: string;
  visibleAt: number;
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

export const CLASSROOM_SERVICE_ID = '019c6y1840fzfkt';
export const SECURITY_LABEL = 'cloudidentity.googleapis.com/groups.security';
export const DISCUSSION_LABEL = 'cloudidentity.googleapis.com/groups.discussion_forum';

/** A realistic slice of privileges.list: the two privileges of seed 003 and nested children. */
export const DEFAULT_PRIVILEGES: SimPrivilege[] = [
  {
    privilegeName: 'EDU_ANALYTICS_DATA_ACCESS',
    serviceId: CLASSROOM_SERVICE_ID,
    serviceName: 'classroom',
    isOuScopable: true,
  },
  {
    privilegeName: 'ADMIN_OVERSIGHT',
    serviceId: CLASSROOM_SERVICE_ID,
    serviceName: 'classroom',
    isOuScopable: true,
    childPrivileges: [
      {
        privilegeName: 'ADMIN_OVERSIGHT_MANAGE_CLASSES',
        serviceId: CLASSROOM_SERVICE_ID,
        serviceName: 'classroom',
        isOuScopable: true,
      },
      {
        privilegeName: 'ADMIN_OVERSIGHT_VIEW_CLASSES',
        serviceId: CLASSROOM_SERVICE_ID,
        serviceName: 'classroom',
        isOuScopable: true,
      },
    ],
  },
  {
    privilegeName: 'USERS_ALL',
    serviceId: '00haapch16h1ysv',
    serviceName: 'admin',
    isOuScopable: true,
    childPrivileges: [
      { privilegeName: 'USERS_RETRIEVE', serviceId: '00haapch16h1ysv', serviceName: 'admin', isOuScopable: true },
      { privilegeName: 'USERS_UPDATE', serviceId: '00haapch16h1ysv', serviceName: 'admin', isOuScopable: true },
    ],
  },
  { privilegeName: 'GROUPS_ALL', serviceId: '00haapch16h1ysv', serviceName: 'admin', isOuScopable: false },
  {
    privilegeName: 'ORGANIZATION_UNITS_RETRIEVE',
    serviceId: '00haapch16h1ysv',
    serviceName: 'admin',
    isOuScopable: true,
  },
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
  privileges: SimPrivilege[] = DEFAULT_PRIVILEGES;
  /** Writes by kind (group.create, member.insert, role.insert, assignment.insert, …) that changed state. */
  readonly writes = new Map<string, number>();
  quotaErrors = 0;
  private quotaWindows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly opts: DirectorySimOptions = {},
    private readonly now: () => number = Date.now
  ) {
    this.customerId = opts.customerId ?? 'C03az79cb';
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
  }

  wrote(kind: string): void {
    this.writes.set(kind, (this.writes.get(kind) ?? 0) + 1);
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

  createGroup(email: string, displayName: string, description: string, labels: Record<string, string>): SimGroup {
    const g: SimGroup = {
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
    this.wrote('group.create');
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

  addMember(groupId: string, email: string, role: string, type: 'USER' | 'GROUP', id: string): SimMember {
    const delay =
      type === 'GROUP' ? (this.opts.nestedMemberVisibilityDelayMs ?? 0) : (this.opts.memberVisibilityDelayMs ?? 0);
    const m: SimMember = { id, email: email.toLowerCase(), role, type, visibleAt: this.now() + delay };
    this.members.get(groupId)!.set(m.email, m);
    this.wrote('member.insert');
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
