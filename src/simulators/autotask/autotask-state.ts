import { randomUUID } from 'node:crypto';

/**
 * One Autotask database as the simulator sees it: API users on security levels, CRM/ticket records, and
 * webhooks with their fields and excluded resources. Everything here is what an admin configures in the
 * Autotask UI (API users cannot be created through the API, vendor-apis.md B1).
 */
export type Action = 'query' | 'create' | 'update' | 'delete';

export interface SecurityLevel {
  name: string;
  /** Actions granted with access All per REST entity (Companies, Contacts, Tickets, ...). */
  permissions: Record<string, Action[]>;
  /**
   * Actions granted with access Restricted (e.g. "Mine", or limited to a line of business). Restricted wins
   * over `permissions` for the same action.
   */
  restricted?: Record<string, Action[]>;
  webhooks: { enabled: boolean; max: number };
}

/** `userAccessFor*` of entityInformation: 0 None, 1 All, 2 Restricted. */
export type AccessCode = 0 | 1 | 2;

export interface ApiUser {
  username: string;
  secret: string;
  integrationCode: string;
  resourceId: number;
  securityLevel: string;
  active: boolean;
  locked: boolean;
  /** Resources `licenseType` (7 API User: every New API User; another value only for a test's resource). */
  licenseType?: number;
  /** Webhooks this user has created over its lifetime (the security level's limit counts these). */
  webhooksCreated: number;
}

export interface WebhookField {
  id: number;
  fieldID: number;
  isSubscribedField: boolean;
  isDisplayAlwaysField: boolean;
}

export interface Webhook {
  id: number;
  entity: string;
  name: string;
  webhookUrl: string;
  deactivationUrl: string;
  secretKey: string;
  notificationEmailAddress?: string;
  isActive: boolean;
  sendThresholdExceededNotification: boolean;
  isSubscribedToCreateEvents: boolean;
  isSubscribedToUpdateEvents: boolean;
  isSubscribedToDeleteEvents: boolean;
  ownerResourceID: number;
  webhookGUID: string;
  fields: WebhookField[];
  excludedResources: { id: number; resourceID: number }[];
  /** Epoch ms when the webhook becomes ready once it has a subscribed field. */
  readyAt?: number;
}

export { WEBHOOK_ENTITY_TO_REST } from './catalog';

const ALL: Action[] = ['query', 'create', 'update', 'delete'];

/** "API User (system) (API-only)": every permission, webhooks disabled until an admin enables them. */
export const SYSTEM_API_LEVEL: SecurityLevel = {
  name: 'API User (system) (API-only)',
  permissions: {
    Companies: ALL,
    Contacts: ALL,
    Tickets: ALL,
    TicketNotes: ALL,
    ConfigurationItems: ALL,
    Resources: ['query'],
  },
  webhooks: { enabled: false, max: 0 },
};

export class AutotaskDatabase {
  readonly levels = new Map<string, SecurityLevel>([[SYSTEM_API_LEVEL.name, SYSTEM_API_LEVEL]]);
  readonly users = new Map<string, ApiUser>();
  readonly records = new Map<string, Map<number, Record<string, unknown>>>();
  readonly webhooks = new Map<number, Webhook>();
  private nextId = 1000;
  private nextResourceId = 29_682_000;

  constructor(
    /** How long a webhook takes to become ready after its first subscribed field. */
    public readyDelayMs = 0
  ) {}

  id(): number {
    return this.nextId++;
  }

  setLevel(level: SecurityLevel): void {
    this.levels.set(level.name, level);
  }

  addUser(u: Partial<ApiUser> & Pick<ApiUser, 'username' | 'secret' | 'integrationCode'>): ApiUser {
    const user: ApiUser = {
      resourceId: this.nextResourceId++,
      securityLevel: SYSTEM_API_LEVEL.name,
      active: true,
      locked: false,
      webhooksCreated: 0,
      ...u,
      username: u.username.toLowerCase(),
    };
    this.users.set(user.username, user);
    return user;
  }

  user(username: string | undefined): ApiUser | undefined {
    return username ? this.users.get(username.toLowerCase()) : undefined;
  }

  level(user: ApiUser): SecurityLevel {
    return this.levels.get(user.securityLevel) ?? SYSTEM_API_LEVEL;
  }

  /**
   * The user's access to an action on a REST entity, as the security level sets it. Webhook entities (and
   * their children) follow the level's "Webhooks" setting under Other: query always, writes only when
   * enabled (the docs do not say how userAccessFor* reports webhooks: a guess).
   */
  access(user: ApiUser, entity: string, action: Action): AccessCode {
    if (/Webhook/i.test(entity)) return action === 'query' || this.level(user).webhooks.enabled ? 1 : 0;
    const level = this.level(user);
    const key = (m: Record<string, Action[]> | undefined) =>
      Object.entries(m ?? {}).find(([e]) => e.toLowerCase() === entity.toLowerCase())?.[1] ?? [];
    if (key(level.restricted).includes(action)) return 2;
    return key(level.permissions).includes(action) ? 1 : 0;
  }

  can(user: ApiUser, entity: string, action: Action): boolean {
    return this.access(user, entity, action) !== 0;
  }

  table(entity: string): Map<number, Record<string, unknown>> {
    let t = this.records.get(entity);
    if (!t) this.records.set(entity, (t = new Map<number, Record<string, unknown>>()));
    return t;
  }

  createWebhook(owner: ApiUser, entity: string, body: Record<string, unknown>): Webhook {
    const hook: Webhook = {
      id: this.id(),
      entity,
      name: typeof body.name === 'string' ? body.name : '',
      webhookUrl: String(body.webhookUrl),
      deactivationUrl: String(body.deactivationUrl),
      secretKey: typeof body.secretKey === 'string' ? body.secretKey : '',
      notificationEmailAddress:
        typeof body.notificationEmailAddress === 'string' ? body.notificationEmailAddress : undefined,
      isActive: body.isActive !== false,
      sendThresholdExceededNotification: body.sendThresholdExceededNotification === true,
      isSubscribedToCreateEvents: body.isSubscribedToCreateEvents === true,
      isSubscribedToUpdateEvents: body.isSubscribedToUpdateEvents === true,
      isSubscribedToDeleteEvents: body.isSubscribedToDeleteEvents === true,
      ownerResourceID: owner.resourceId,
      webhookGUID: randomUUID(),
      fields: [],
      excludedResources: [],
    };
    owner.webhooksCreated++;
    this.webhooks.set(hook.id, hook);
    return hook;
  }

  isReady(h: Webhook, now = Date.now()): boolean {
    return h.readyAt !== undefined && h.readyAt <= now;
  }

  /** The public (API) view of a webhook: the secret key is write-only. */
  view(h: Webhook): Record<string, unknown> {
    const { fields: _f, excludedResources: _e, readyAt: _r, secretKey: _s, entity: _n, ...rest } = h;
    // Every documented field is present (REST_WebhooksEntity); a never-set e-mail address is null.
    return { ...rest, notificationEmailAddress: h.notificationEmailAddress ?? null, isReady: this.isReady(h) };
  }

  ownerOf(h: Webhook): ApiUser | undefined {
    return [...this.users.values()].find((u) => u.resourceId === h.ownerResourceID);
  }

  /** Everything admins configured and the API wrote, for the sandbox's state file (survives restarts). */
  snapshot(): AutotaskSnapshot {
    return {
      levels: [...this.levels.values()],
      users: [...this.users.values()],
      records: [...this.records].map(([entity, rows]) => [entity, [...rows.values()]]),
      webhooks: [...this.webhooks.values()],
      nextId: this.nextId,
      nextResourceId: this.nextResourceId,
    };
  }

  restore(s: AutotaskSnapshot): void {
    for (const l of s.levels) this.levels.set(l.name, l);
    for (const u of s.users) this.users.set(u.username, u);
    for (const [entity, rows] of s.records) this.records.set(entity, new Map(rows.map((r) => [Number(r.id), r])));
    for (const h of s.webhooks) this.webhooks.set(h.id, h);
    this.nextId = Math.max(this.nextId, s.nextId);
    this.nextResourceId = Math.max(this.nextResourceId, s.nextResourceId);
  }
}

export interface AutotaskSnapshot {
  levels: SecurityLevel[];
  users: ApiUser[];
  records: [string, Record<string, unknown>[]][];
  webhooks: Webhook[];
  nextId: number;
  nextResourceId: number;
}
