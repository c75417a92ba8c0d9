import { z } from 'zod';
import type { AdminApi } from '../../admin-api';
import type { Action } from '../autotask-state';
import type { AutotaskAdminDeps } from './autotask-admin-common';
import { levelView } from './autotask-admin-level-routes';
import { trackingView } from './autotask-admin-user-routes';

/**
 * Admin API: the whole database as one comparable snapshot (`onramp sandbox snapshot` / `compare`).
 */
export function registerAutotaskAdminSnapshot(api: AdminApi, deps: AutotaskAdminDeps): void {
  const { db } = deps;
  api.operation(
    {
      method: 'GET',
      path: '/snapshot',
      operationId: 'getSnapshot',
      summary: 'The whole database as its administrator sees it, without secrets or audit records',
      description:
        "Onramp's sandbox (not Autotask): security levels, API users (no secrets), webhooks with their owner, fields and excluded resources (no secret keys), and the CRM/ticket records, keyed by what a human reads. Leaves out audit records (the lifetime count of webhooks each user created, generated-ID counters) so that two snapshots compare equal when the database is configured the same: `onramp sandbox snapshot` and `onramp sandbox compare`.",
      response: z.object({
        securityLevels: z.record(z.string(), levelView.omit({ name: true })),
        apiUsers: z.record(
          z.string(),
          z.object({
            securityLevel: z.string(),
            integrationVendor: z.string(),
            integrationCode: z.string().optional(),
            active: z.boolean(),
            locked: z.boolean(),
          })
        ),
        webhooks: z.record(
          z.string(),
          z.object({
            id: z.number().int(),
            entity: z.string(),
            name: z.string(),
            owner: z.string(),
            isActive: z.boolean(),
            isReady: z.boolean(),
            webhookUrl: z.string(),
            deactivationUrl: z.string(),
            events: z.array(z.string()),
            subscribedFields: z.array(z.number().int()),
            displayAlwaysFields: z.array(z.number().int()),
            excludedResources: z.array(z.number().int()),
          })
        ),
        records: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
      }),
    },
    async () => {
      const sorted = <T>(entries: [string, T][]) => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
      const actions = (m: Record<string, Action[]> | undefined) =>
        m ? sorted(Object.entries(m).map(([e, a]) => [e, [...a].sort()])) : undefined;
      const ids = (xs: number[]) => [...xs].sort((a, b) => a - b);
      return {
        securityLevels: sorted(
          [...db.levels.values()].map((l) => [
            l.name,
            {
              permissions: actions(l.permissions)!,
              ...(l.restricted ? { restricted: actions(l.restricted) } : {}),
              webhooks: l.webhooks,
            },
          ])
        ),
        apiUsers: sorted(
          [...db.users.values()].map((u) => [
            u.username,
            {
              securityLevel: u.securityLevel,
              ...trackingView(u.integrationCode),
              active: u.active,
              locked: u.locked,
            },
          ])
        ),
        webhooks: sorted(
          [...db.webhooks.values()].map((h) => [
            `${h.entity} "${h.name}" (${h.id})`,
            {
              id: h.id,
              entity: h.entity,
              name: h.name,
              owner: db.ownerOf(h)?.username ?? `resource ${h.ownerResourceID}`,
              isActive: h.isActive,
              isReady: db.isReady(h),
              webhookUrl: h.webhookUrl,
              deactivationUrl: h.deactivationUrl,
              events: (['Create', 'Update', 'Delete'] as const).filter((e) => h[`isSubscribedTo${e}Events`]),
              subscribedFields: ids(h.fields.filter((f) => f.isSubscribedField).map((f) => f.fieldID)),
              displayAlwaysFields: ids(h.fields.filter((f) => f.isDisplayAlwaysField).map((f) => f.fieldID)),
              excludedResources: ids(h.excludedResources.map((e) => e.resourceID)),
            },
          ])
        ),
        records: sorted(
          [...db.records].map(([entity, rows]) => [entity, sorted([...rows].map(([id, r]) => [String(id), r]))])
        ),
      };
    }
  );
}
