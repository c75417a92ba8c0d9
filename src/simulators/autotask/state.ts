import { randomUUID } from 'node:crypto';

/**
 * One Autotask database as the simulator sees it: API users on security levels, CRM/ticket records, and
 * webhooks with their fields and excluded resources. Everything here is what an admin configures in the
 * Autotask UI (API users cannot be created through the API, vendor-apis.md B1).
 */
export type Action = 'query' | 'create' | 'update' | 'delete';

export interface SecurityLevel {
  name: string;
  /** Allowed actions per REST entity (Companies, Contacts, Tickets, ...). */
  permissions: Record<string, Action[]>;
  webhooks: { enabled: boolean; max: number };
}

export interface ApiUser {
  username: string;
  secret: string;
  integrationCode: string;
  resourceId: number;
  securityLevel: string;
  active: boolean;
  locked: boolean;
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

/** Field definitions per entity: `id` is what a webhook field's `fieldID` refers to. */
export const ENTITY_FIELDS: Record<string, { id: number; name: string; isSupportedWebhookField: boolean }[]> = {
  Tickets: [
    { id: 1, name: 'id', isSupportedWebhookField: false },
    { id: 2, name: 'title', isSupportedWebhookField: true },
    { id: 3, name: 'status', isSupportedWebhookField: true },
    { id: 4, name: 'priority', isSupportedWebhookField: true },
    { id: 5, name: 'companyID', isSupportedWebhookField: true },
    { id: 6, name: 'description', isSupportedWebhookField: false },
  ],
  TicketNotes: [{ id: 30, name: 'description', isSupportedWebhookField: true }],
  Companies: [
    { id: 10, name: 'companyName', isSupportedWebhookField: true },
    { id: 11, name: 'phone', isSupportedWebhookField: true },
  ],
  Contacts: [
    { id: 20, name: 'emailAddress', isSupportedWebhookField: true },
    { id: 21, name: 'lastName', isSupportedWebhookField: true },
  ],
  ConfigurationItems: [{ id: 40, name: 'serialNumber', isSupportedWebhookField: true }],
};

export const WEBHOOK_ENTITY_TO_REST: Record<string, string> = {
  Company: 'Companies',
  Contact: 'Contacts',
  ConfigurationItem: 'ConfigurationItems',
  Ticket: 'Tickets',
  TicketNote: 'TicketNotes',
};

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

  can(user: ApiUser, entity: string, action: Action): boolean {
    if (/Webhooks$/.test(entity)) return action === 'query' ? true : this.level(user).webhooks.enabled;
    return (this.level(user).permissions[entity] ?? []).includes(action);
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
    return { ...rest, isReady: this.isReady(h) };
  }

  ownerOf(h: Webhook): ApiUser | undefined {
    return [...this.users.values()].find((u) => u.resourceId === h.ownerResourceID);
  }
}
