import { z } from 'zod';
import type { AdminApi } from '../../admin-api';
import type { ConnectwiseState } from '../connectwise-state';
import { roleView } from './connectwise-admin-role-routes';

/**
 * Admin API: the whole site as one comparable snapshot (`onramp sandbox snapshot` / `compare`).
 */
export function registerConnectwiseAdminSnapshot(api: AdminApi, state: ConnectwiseState): void {
  api.operation(
    {
      method: 'GET',
      path: '/snapshot',
      operationId: 'getSnapshot',
      summary: 'The whole site as its administrator sees it, without secrets or audit records',
      description:
        "Onramp's sandbox (not ConnectWise): security roles with their levels per area, API members with their public keys (private keys are never kept), companies, agreements with their additions, catalog items, keyed by what a human reads. Leaves out audit records (`_info` last-updated stamps, generated-ID counters) so that two snapshots compare equal when the site is configured the same: `onramp sandbox snapshot` and `onramp sandbox compare`.",
      response: z.object({
        securityRoles: z.record(z.string(), roleView.shape.settings),
        apiMembers: z.record(
          z.string(),
          z.object({ role: z.string(), keys: z.record(z.string(), z.string()).describe('public key → description') })
        ),
        companies: z.record(
          z.string(),
          z.object({ id: z.number().int(), identifier: z.string(), name: z.string(), status: z.string() })
        ),
        agreements: z.record(
          z.string(),
          z.object({
            id: z.number().int(),
            company: z.string(),
            name: z.string(),
            type: z.string(),
            cancelled: z.boolean(),
            additions: z.record(
              z.string(),
              z.object({ id: z.number().int(), product: z.string(), quantity: z.number(), billCustomer: z.string() })
            ),
          })
        ),
        catalogItems: z.record(
          z.string(),
          z.object({
            id: z.number().int(),
            identifier: z.string(),
            description: z.string(),
            price: z.number(),
            inactive: z.boolean(),
          })
        ),
      }),
    },
    async () => {
      const sorted = <T>(entries: [string, T][]) => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
      return {
        securityRoles: sorted(
          [...state.roles.values()].map((r) => [
            `${r.name} (${r.id})`,
            sorted([...r.settings].map(([area, l]) => [area, { ...l }])),
          ])
        ),
        apiMembers: sorted(
          [...state.members.values()].map((m) => [
            m.identifier,
            {
              role: `${state.roles.get(m.roleId)?.name ?? '?'} (${m.roleId})`,
              keys: sorted(m.keys.map((k) => [k.publicKey, k.description])),
            },
          ])
        ),
        companies: sorted(
          state.companies.map((c) => [
            `${c.identifier} (${c.id})`,
            { id: c.id, identifier: c.identifier, name: c.name, status: c.status.name },
          ])
        ),
        agreements: sorted(
          state.agreements.map((a) => [
            `${a.company.identifier} "${a.name}" (${a.id})`,
            {
              id: a.id,
              company: a.company.identifier,
              name: a.name,
              type: a.type.name,
              cancelled: a.cancelledFlag,
              additions: sorted(
                state.additions
                  .filter((x) => x.agreementId === a.id)
                  .map((x) => [
                    `${x.product.identifier} (${x.id})`,
                    { id: x.id, product: x.product.identifier, quantity: x.quantity, billCustomer: x.billCustomer },
                  ])
              ),
            },
          ])
        ),
        catalogItems: sorted(
          state.catalog.map((c) => [
            `${c.identifier} (${c.id})`,
            {
              id: c.id,
              identifier: c.identifier,
              description: c.description,
              price: c.price,
              inactive: c.inactiveFlag,
            },
          ])
        ),
      };
    }
  );
}
