/**
 * Day two in the sandbox: what the issue-14 demo needs beyond the onboarding guides.
 *
 * - Snapshots of every simulator (`GET /_admin/snapshot`: what the vendors' and the customer's consoles show,
 *   without secrets or audit records) and their comparison, to show that an offboarding puts every simulator
 *   back as it was before the order.
 * - Hand changes ("tamper"): what a customer's or vendor's admin changes in a console after the onboarding,
 *   which the order's scheduled drift check must find; each remembered so that it can be put back.
 * - The humans of an offboarding: the operator steps the vendors allow only in their UI (delegation client
 *   ID, Autotask API user, ConnectWise billing objects and API key), played through the admin APIs.
 * - The order's drift check run by its Temporal Schedule (triggered, not called directly).
 */
import type { Client } from '@temporalio/client';
import { ADMIN_ROLE_SCOPES } from '../../domain/google-admin-roles-schema';
import { driftScheduleId } from '../../domain/drift-schema';
import { offboardingWorkflowId, type OffboardingInput } from '../../domain/offboarding-schema';
import { offboardingOperatorDone } from '../../services/offboarding';
import { offboardingStatusQuery, type OffboardingReport } from '../../contract/offboarding-messages';
import type { DriftCheckReport } from '../../contract/drift-messages';
import { admin, GuideError, sleep, type GuideContext } from './guide-steps';

type Urls = Pick<GuideContext, 'googleUrl' | 'autotaskUrl' | 'connectwiseUrl'>;
export const VENDORS = ['google', 'autotask', 'connectwise'] as const;
export type Vendor = (typeof VENDORS)[number];

export type SimulatorSnapshot = Record<Vendor, Record<string, unknown>>;

/** Every simulator's `GET /_admin/snapshot`, as one object. */
export async function takeSnapshot(ctx: Urls): Promise<SimulatorSnapshot> {
  const [google, autotask, connectwise] = await Promise.all(
    [ctx.googleUrl, ctx.autotaskUrl, ctx.connectwiseUrl].map((url) =>
      admin<Record<string, unknown>>(url, 'GET', '/snapshot')
    )
  );
  return { google: google!, autotask: autotask!, connectwise: connectwise! };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/**
 * What changed from `before` to `after`, one line per difference, by path (`autotask.apiUsers.<name>.active`):
 * `- path: value` (gone), `+ path: value` (new), `~ path: old → new`. Lists of plain values (scopes, field
 * IDs) compare as sets, one line per element. Empty when equal. Hand-written (~30 lines): the snapshots are
 * plain JSON keyed by readable names, and this prints them as an operator reads them; node's
 * util.isDeepStrictEqual decides equality.
 */
export function compareSnapshots(before: unknown, after: unknown, path = ''): string[] {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (isRecord(before) && isRecord(after)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!(k in after)) out.push(`- ${at(k)}: ${show(before[k])}`);
      else if (!(k in before)) out.push(`+ ${at(k)}: ${show(after[k])}`);
      else out.push(...compareSnapshots(before[k], after[k], at(k)));
    }
    return out;
  }
  const plainList = (v: unknown): v is (string | number | boolean)[] =>
    Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null);
  if (plainList(before) && plainList(after)) {
    const b = new Set(before.map(show));
    const a = new Set(after.map(show));
    return [
      ...[...b].filter((x) => !a.has(x)).map((x) => `- ${path}[]: ${x}`),
      ...[...a].filter((x) => !b.has(x)).map((x) => `+ ${path}[]: ${x}`),
    ];
  }
  return show(before) === show(after) ? [] : [`~ ${path}: ${show(before)} → ${show(after)}`];
}

// ---------------------------------------------------------------- hand changes

export const HAND_CHANGES = {
  google: ['assignment', 'scope'],
  autotask: ['webhook', 'right'],
  connectwise: ['permission', 'addition'],
} as const satisfies Record<Vendor, readonly string[]>;
export type HandChange = (typeof HAND_CHANGES)[Vendor][number];

/** One hand change, with what puts it back. */
export interface HandChangeRecord {
  vendor: Vendor;
  change: HandChange;
  /** What the admin did, as they would say it. */
  description: string;
  /** The drift finding key (`<integration>:<problem>`) this change should open. */
  expectedFinding: string;
  undo:
    | { kind: 'google-assignment'; body: Record<string, unknown> }
    | { kind: 'google-grant'; clientId: string; domain: string; scopes: string[] }
    | { kind: 'autotask-webhook'; id: number }
    | { kind: 'autotask-level'; name: string; level: Record<string, unknown> }
    | { kind: 'connectwise-role'; id: number; name: string; settings: Record<string, unknown> }
    | { kind: 'connectwise-addition'; agreementId: number; product: string; quantity: number; billCustomer: string };
}

const need = <T>(v: T | undefined | null, what: string): T => {
  if (v === undefined || v === null) throw new GuideError(what);
  return v;
};

/** The connection's API member and its security role, as the ConnectWise admin finds them. */
async function cwRoleOf(ctx: Urls, apiMember: string) {
  const members = await admin<{ identifier: string; roleId: number }[]>(ctx.connectwiseUrl, 'GET', '/api-members');
  const m = need(
    members.find((x) => x.identifier.toLowerCase() === apiMember.toLowerCase()),
    `no API member ${apiMember}`
  );
  const roles = await admin<{ id: number; name: string; settings: Record<string, Record<string, string>> }[]>(
    ctx.connectwiseUrl,
    'GET',
    '/security-roles'
  );
  return need(
    roles.find((r) => r.id === m.roleId),
    `no security role ${m.roleId}`
  );
}

interface CwSnapshot {
  agreements: Record<
    string,
    {
      id: number;
      company: string;
      name: string;
      additions: Record<string, { id: number; product: string; quantity: number; billCustomer: string }>;
    }
  >;
  catalogItems: Record<string, { id: number; identifier: string }>;
  companies: Record<string, { id: number; identifier: string }>;
}

/** The agreements the order's sync created for billing (its customers', with its agreement name). */
async function syncedAgreements(ctx: Urls, c: NonNullable<OffboardingInput['connectwise']>) {
  const snap = await admin<CwSnapshot>(ctx.connectwiseUrl, 'GET', '/snapshot');
  const customers = new Set(c.customers.map((x) => x.toLowerCase()));
  return {
    snap,
    agreements: Object.values(snap.agreements).filter(
      (a) => customers.has(a.company.toLowerCase()) && a.name === c.agreementName
    ),
  };
}

/**
 * Make one hand change to what the order's onboarding set up (found from the offboarding input, i.e. what
 * the onboarding learnt), and say how to put it back.
 */
export async function makeHandChange(
  ctx: Urls,
  facts: OffboardingInput,
  change: HandChange
): Promise<HandChangeRecord> {
  switch (change) {
    case 'assignment': {
      const r = need(facts.googleAdminRoles, `order ${facts.orderId} has no Google admin roles`).request;
      const list = await admin<{ roleAssignmentId: string; roleName: string; orgUnitPath?: string }[]>(
        ctx.googleUrl,
        'GET',
        '/role-assignments'
      );
      const a = need(
        list.find((x) => x.roleName === r.role.name),
        `role "${r.role.name}" has no assignment left to remove`
      );
      const removed = await admin<{ assignedTo: string; scopeType: string; orgUnitPath?: string }>(
        ctx.googleUrl,
        'DELETE',
        `/role-assignments/${a.roleAssignmentId}`
      );
      return {
        vendor: 'google',
        change,
        description: `Admin console > Account > Admin roles > "${r.role.name}" > Admins: unassigned ${removed.assignedTo} in ${removed.orgUnitPath ?? 'the whole account'}`,
        expectedFinding: `googleAdminRoles:assignment:${removed.orgUnitPath ?? 'CUSTOMER'}`,
        undo: {
          kind: 'google-assignment',
          body: {
            roleName: r.role.name,
            assignedTo: removed.assignedTo,
            scopeType: removed.scopeType,
            ...(removed.orgUnitPath ? { orgUnitPath: removed.orgUnitPath } : {}),
          },
        },
      };
    }
    case 'scope': {
      const g = need(facts.googleDelegation, `order ${facts.orderId} has no Google delegation`);
      const clientId = g.serviceAccount.clientId;
      const grant = await admin<{ scopes: string[] }>(
        ctx.googleUrl,
        'GET',
        `/domain-wide-delegation/${clientId}?domain=${encodeURIComponent(g.domain)}`
      );
      // A scope the admin-role provisioning does not need, so its own check still runs.
      const roleScopes = new Set<string>(Object.values(ADMIN_ROLE_SCOPES));
      const scope = need(
        g.scopes.find((s) => grant.scopes.includes(s) && !roleScopes.has(s)),
        `client ${clientId} holds no scope of the order that could be revoked`
      );
      await admin(ctx.googleUrl, 'PUT', `/domain-wide-delegation/${clientId}`, {
        domain: g.domain,
        scopes: grant.scopes.filter((s) => s !== scope),
        propagationDelayMs: 0,
      });
      return {
        vendor: 'google',
        change,
        description: `Admin console > Security > API controls > Domain-wide delegation: removed ${scope} from client ${clientId} (simulator: visible at once)`,
        expectedFinding: `googleDelegation:scope:${scope}`,
        undo: { kind: 'google-grant', clientId, domain: g.domain, scopes: grant.scopes },
      };
    }
    case 'webhook': {
      const a = need(facts.autotask, `order ${facts.orderId} has no Autotask integration`);
      const w = need(a.webhooks[0], `order ${facts.orderId} names no Autotask webhook`);
      const hooks = await admin<{ id: number; entity: string; name: string; isActive: boolean }[]>(
        ctx.autotaskUrl,
        'GET',
        '/webhooks'
      );
      const hook = need(
        hooks.find((h) => h.name === w.name && h.isActive),
        `no active webhook "${w.name}"`
      );
      await admin(ctx.autotaskUrl, 'PATCH', `/webhooks/${hook.id}`, { isActive: false });
      return {
        vendor: 'autotask',
        change,
        description: `${w.entity} webhook "${w.name}" (${hook.id}) set inactive (its deactivation URL was called)`,
        expectedFinding: `autotask:webhook:${w.entity}:${w.name}`,
        undo: { kind: 'autotask-webhook', id: hook.id },
      };
    }
    case 'right': {
      const username = need(facts.autotask?.credentials?.username, `order ${facts.orderId} has no Autotask API user`);
      const users = await admin<{ username: string; securityLevel: string }[]>(ctx.autotaskUrl, 'GET', '/api-users');
      const levelName = need(
        users.find((u) => u.username === username.toLowerCase()),
        `no API user ${username}`
      ).securityLevel;
      const levels = await admin<
        { name: string; permissions: Record<string, string[]>; restricted?: Record<string, string[]> }[]
      >(ctx.autotaskUrl, 'GET', '/security-levels');
      const level = need(
        levels.find((l) => l.name === levelName),
        `no security level ${levelName}`
      );
      const { name: _n, ...original } = level;
      if (!level.permissions.Tickets?.includes('update'))
        throw new GuideError(`security level "${levelName}" does not grant Tickets update (All)`);
      await admin(ctx.autotaskUrl, 'PUT', `/security-levels/${encodeURIComponent(levelName)}`, {
        ...original,
        restricted: { ...level.restricted, Tickets: [...new Set([...(level.restricted?.Tickets ?? []), 'update'])] },
      });
      return {
        vendor: 'autotask',
        change,
        description: `Admin > Security Levels > "${levelName}" > Service Desk > Tickets: Edit lowered from All to Restricted (Mine)`,
        expectedFinding: 'autotask:permission:Tickets:update',
        undo: { kind: 'autotask-level', name: levelName, level: original },
      };
    }
    case 'permission': {
      const member = need(
        facts.connectwise?.connection?.apiMember,
        `order ${facts.orderId} has no ConnectWise API member`
      );
      const role = await cwRoleOf(ctx, member);
      const area = 'Service Desk/Service Tickets';
      const current = need(role.settings[area], `role "${role.name}" has no ${area} levels`);
      await admin(ctx.connectwiseUrl, 'PUT', `/security-roles/${role.id}`, {
        name: role.name,
        settings: { ...role.settings, [area]: { ...current, inquire: 'My' } },
      });
      return {
        vendor: 'connectwise',
        change,
        description: `System > Security Roles > "${role.name}" > Service Desk > Service Tickets: Inquire Level lowered from ${current.inquire} to My`,
        expectedFinding: 'connectwise:permission:Service Desk/Service Tickets:inquire',
        undo: { kind: 'connectwise-role', id: role.id, name: role.name, settings: role.settings },
      };
    }
    case 'addition': {
      const c = need(facts.connectwise, `order ${facts.orderId} has no ConnectWise integration`);
      const { agreements } = await syncedAgreements(ctx, c);
      const found = agreements
        .map((a) => ({ a, x: Object.values(a.additions).find((x) => x.product === c.catalogItem) }))
        .find((p) => p.x);
      const { a, x } = need(found, `no synced agreement carries ${c.catalogItem}`);
      await admin(ctx.connectwiseUrl, 'DELETE', `/agreements/${a.id}/additions/${x!.id}`);
      return {
        vendor: 'connectwise',
        change,
        description: `Finance > Agreements > "${a.name}" of ${a.company} > Additions: deleted ${c.catalogItem} (${x!.id})`,
        expectedFinding: `connectwise:addition:${a.company}`,
        undo: {
          kind: 'connectwise-addition',
          agreementId: a.id,
          product: x!.product,
          quantity: x!.quantity,
          billCustomer: x!.billCustomer,
        },
      };
    }
  }
}

/** Put a hand change back (the admin changes their mind). */
export async function undoHandChange(ctx: Urls, r: HandChangeRecord): Promise<string> {
  const u = r.undo;
  switch (u.kind) {
    case 'google-assignment':
      await admin(ctx.googleUrl, 'POST', '/role-assignments', u.body);
      return `assigned role "${String(u.body.roleName)}" to ${String(u.body.assignedTo)} again`;
    case 'google-grant':
      await admin(ctx.googleUrl, 'PUT', `/domain-wide-delegation/${u.clientId}`, {
        domain: u.domain,
        scopes: u.scopes,
        propagationDelayMs: 0,
      });
      return `authorized client ${u.clientId} for its ${u.scopes.length} scopes again`;
    case 'autotask-webhook':
      await admin(ctx.autotaskUrl, 'PATCH', `/webhooks/${u.id}`, { isActive: true });
      return `webhook ${u.id} active again`;
    case 'autotask-level':
      await admin(ctx.autotaskUrl, 'PUT', `/security-levels/${encodeURIComponent(u.name)}`, u.level);
      return `security level "${u.name}" as it was`;
    case 'connectwise-role':
      await admin(ctx.connectwiseUrl, 'PUT', `/security-roles/${u.id}`, { name: u.name, settings: u.settings });
      return `security role "${u.name}" as it was`;
    case 'connectwise-addition':
      await admin(ctx.connectwiseUrl, 'POST', `/agreements/${u.agreementId}/additions`, {
        product: u.product,
        quantity: u.quantity,
        billCustomer: u.billCustomer,
      });
      return `${u.product} added to agreement ${u.agreementId} again`;
  }
}

// ---------------------------------------------------------------- the scheduled drift check

/**
 * Trigger the order's drift-check Schedule now (what `temporal schedule trigger` does) and wait for the
 * run it starts; its report.
 */
export async function triggerScheduledDrift(
  client: Client,
  customerId: string,
  timeoutMs = 5 * 60_000
): Promise<{ workflowId: string; report: DriftCheckReport }> {
  const handle = client.schedule.getHandle(driftScheduleId(customerId));
  const before = (await handle.describe()).info.numActionsTaken;
  await handle.trigger();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await handle.describe();
    const last = d.info.recentActions.at(-1);
    if (d.info.numActionsTaken > before && last) {
      const workflowId = last.action.workflow.workflowId;
      const report = (await client.workflow
        .getHandle(workflowId, last.action.workflow.firstExecutionRunId)
        .result()) as DriftCheckReport;
      return { workflowId, report };
    }
    if (Date.now() > deadline) throw new GuideError(`schedule ${driftScheduleId(customerId)} started no run`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------- the humans of an offboarding

/**
 * Play the humans for every operator step the running offboarding of `orderId` asks for, as its instructions
 * say, then tell it (signal `operatorDone`) so it verifies at once; returns its report when it ends.
 */
export async function playOffboardingHumans(
  ctx: Urls & Pick<GuideContext, 'propagationDelayMs' | 'out'>,
  client: Client,
  facts: OffboardingInput,
  opts: { timeoutMs?: number } = {}
): Promise<OffboardingReport> {
  const handle = client.workflow.getHandle(offboardingWorkflowId(facts.orderId));
  const done = new Set<string>();
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const desc = await handle.describe();
    if (desc.status.name !== 'RUNNING') {
      try {
        return (await handle.result()) as OffboardingReport;
      } catch (err) {
        const chain: string[] = [];
        for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) chain.push(e.message);
        throw new GuideError(`the offboarding of ${facts.orderId} failed: ${chain.join(' <- ')}`);
      }
    }
    const s = await handle.query(offboardingStatusQuery);
    for (const { integration, text } of s.instructions) {
      const key = `${integration}:${text}`;
      if (done.has(key)) continue;
      done.add(key);
      ctx.out(`\n[${integration}] the offboarding asks: ${text}`);
      if (integration === 'googleDelegation') {
        const g = need(facts.googleDelegation, 'no delegation in the order');
        await admin(ctx.googleUrl, 'PUT', `/domain-wide-delegation/${g.serviceAccount.clientId}`, {
          domain: g.domain,
          scopes: [],
        });
        ctx.out(
          `     (customer admin) deleted client ID ${g.serviceAccount.clientId} of ${g.domain}; waiting ${ctx.propagationDelayMs / 1000} s for Google's propagation`
        );
        await sleep(ctx.propagationDelayMs + 200);
      } else if (integration === 'autotask') {
        const username = need(facts.autotask?.credentials?.username, 'no Autotask API user in the order');
        await admin(ctx.autotaskUrl, 'PATCH', `/api-users/${encodeURIComponent(username)}`, { active: false });
        ctx.out(`     (Autotask admin) API user ${username}: Active unchecked, saved`);
      } else if (!text.includes(facts.connectwise?.connection?.publicKey ?? '\u0000')) {
        // The billing objects the API member may not delete (the guide's role has no Delete level).
        const c = need(facts.connectwise, 'no ConnectWise in the order');
        const { snap, agreements } = await syncedAgreements(ctx, c);
        for (const a of agreements) await admin(ctx.connectwiseUrl, 'DELETE', `/agreements/${a.id}`);
        const item = Object.values(snap.catalogItems).find((x) => x.identifier === c.catalogItem);
        if (c.created.catalogItem && item) await admin(ctx.connectwiseUrl, 'DELETE', `/catalog-items/${item.id}`);
        const created = new Set(c.created.companies.map((x) => x.toLowerCase()));
        const companies = Object.values(snap.companies).filter((x) => created.has(x.identifier.toLowerCase()));
        for (const x of companies) await admin(ctx.connectwiseUrl, 'DELETE', `/companies/${x.id}`);
        ctx.out(
          `     (ConnectWise admin) deleted ${agreements.length} agreement(s) with their additions${c.created.catalogItem && item ? `, catalog item ${c.catalogItem}` : ''}${companies.length ? `, ${companies.length} compan(ies)` : ''}`
        );
      } else {
        const conn = need(facts.connectwise?.connection, 'no ConnectWise connection in the order');
        const member = need(conn.apiMember, 'the ConnectWise connection names no API member');
        await admin(ctx.connectwiseUrl, 'DELETE', `/api-members/${member}/api-keys/${conn.publicKey}`);
        ctx.out(`     (ConnectWise admin) API member ${member} > API Keys: deleted ${conn.publicKey}`);
      }
      await offboardingOperatorDone(client, facts.orderId, integration);
    }
    if (Date.now() > deadline) throw new GuideError(`the offboarding of ${facts.orderId} did not end in time`);
    await sleep(300);
  }
}
