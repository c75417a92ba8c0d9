import { WorkflowNotFoundError } from '@temporalio/client';
import type { SalesDealStatusV1 } from '../../contract/sales-deal-messages';
import type { SalesSystem } from '../../contract/sales-messages';
import { DEFAULT_DELEGATION_SCOPES } from '../../domain/google-delegation-schema';
import { salesDealStatus, supplySalesFields } from '../../services/sales-deals';
import { getOrderStatus, type OrderStatus } from '../../services/orders';
import { admin, GuideError, GuideLog, runTag, waitUntil, type GuideContext } from './guide-steps';

export const SALES_SYSTEMS = ['hubspot', 'salesforce', 'connectwise'] as const;

export interface SalesGuideResult {
  system: SalesSystem;
  dealId: string;
  orderId: string;
  deal: SalesDealStatusV1;
  order: OrderStatus;
}

const NAMES: Record<SalesSystem, { vendor: string; won: string }> = {
  hubspot: { vendor: 'HubSpot', won: 'Closed won' },
  salesforce: { vendor: 'Salesforce', won: 'Closed Won' },
  connectwise: { vendor: 'ConnectWise Manage', won: 'Won' },
};

/** The salesperson's deal in each simulated CRM: the sandbox mapping's Google delegation SKU, a technical admin. */
async function createDeal(
  system: SalesSystem,
  url: string,
  d: { name: string; company: string; domain: string; adminEmail?: string }
): Promise<string> {
  if (system === 'hubspot')
    return (
      await admin<{ dealId: string }>(url, 'POST', '/deals', {
        dealname: d.name,
        dealstage: 'contractsent',
        company: { name: d.company, domain: d.domain },
        contacts: d.adminEmail
          ? [{ email: d.adminEmail, firstname: 'Ada', lastname: 'Admin', role: 'Technical admin' }]
          : [],
        lineItems: [{ sku: 'ONR-GWS-DWD', name: 'Google Workspace delegation for Atera', quantity: 1 }],
      })
    ).dealId;
  if (system === 'salesforce')
    return (
      await admin<{ opportunityId: string }>(url, 'POST', '/deals', {
        name: d.name,
        account: { Name: d.company, Website: d.domain },
        contacts: d.adminEmail
          ? [{ FirstName: 'Ada', LastName: 'Admin', Email: d.adminEmail, Role: 'Technical admin' }]
          : [],
        products: [{ ProductCode: 'ONR-GWS-DWD', Name: 'Google Workspace delegation for Atera' }],
      })
    ).opportunityId;
  const id = await admin<{ opportunityId: number }>(url, 'POST', '/deals', {
    name: d.name,
    company: { identifier: d.company.replace(/\W/g, ''), name: d.company, website: `https://${d.domain}` },
    contacts: d.adminEmail
      ? [{ firstName: 'Ada', lastName: 'Admin', email: d.adminEmail, role: 'Technical admin' }]
      : [],
    products: [{ identifier: 'ONR-GWS-DWD', description: 'Google Workspace delegation for Atera' }],
  });
  return String(id.opportunityId);
}

async function win(system: SalesSystem, url: string, dealId: string): Promise<string> {
  if (system === 'hubspot') {
    const r = await admin<{ webhookStatus?: number }>(url, 'PATCH', `/deals/${dealId}`, { dealstage: 'closedwon' });
    return `HubSpot posted the signed deal.propertyChange event: HTTP ${r.webhookStatus ?? '?'}`;
  }
  if (system === 'salesforce') {
    const r = await admin<{ delivered: { status: number | string; acked: boolean }[] }>(
      url,
      'POST',
      `/opportunities/${dealId}/close-won`
    );
    return `Salesforce sent the outbound message: ${r.delivered.map((d) => `HTTP ${d.status}, ${d.acked ? 'acknowledged' : 'NOT acknowledged'}`).join('; ') || 'nothing sent'}`;
  }
  const r = await admin<{ deliveries: { status: number | string }[] }>(url, 'POST', `/opportunities/${dealId}/win`);
  return `ConnectWise posted the signed callback: ${r.deliveries.map((d) => `HTTP ${d.status}`).join(', ') || 'no callback registered'}`;
}

/**
 * `onramp sandbox sales <system>`: a salesperson moves a deal to won in the simulated CRM; its signed event reaches
 * the intake, the deal workflow reads the deal and starts the order (Google delegation only); the customer's admin
 * authorizes the scopes; the order completes.
 */
export async function runSalesGuide(
  ctx: GuideContext,
  system: SalesSystem,
  opts: { withoutAdmin?: boolean } = {}
): Promise<SalesGuideResult> {
  const crm = ctx.sales?.[system];
  if (!crm)
    throw new GuideError('the running sandbox has no sales systems: stop `npm start` (Ctrl-C) and start it again');
  const log = new GuideLog(ctx);
  const tag = runTag();
  const company = `Acme ${tag}`;
  const domain = `acme-${tag}.example`;
  const adminEmail = `admin@${domain}`;
  const dealName = `${company} — Workspace delegation`;
  const { vendor, won } = NAMES[system];
  log.title(`A deal won in ${vendor} becomes an order (deal "${dealName}")`);

  log.step(
    '1',
    'salesperson',
    `In ${vendor}: the deal "${dealName}" for ${company} (${domain}), ${opts.withoutAdmin ? 'NO technical admin contact (forgotten)' : `technical admin ${adminEmail}`}, one line item ONR-GWS-DWD`
  );
  const dealId = await createDeal(system, crm.url, {
    name: dealName,
    company,
    domain,
    ...(opts.withoutAdmin ? {} : { adminEmail }),
  });
  await admin(ctx.googleUrl, 'POST', '/users', { email: adminEmail });
  log.note(`(simulator) deal ${dealId} created; the customer's super admin ${adminEmail} exists in Google`);

  log.step('2', 'salesperson', `The deal "${dealName}" moves to ${won}`);
  log.note(await win(system, crm.url, dealId));

  log.step('-', 'Onramp', 'The intake verified the event and started the deal workflow; it reads the deal and maps it');
  const status = () =>
    salesDealStatus(ctx.client, system, crm.account, dealId).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  let deal = await waitUntil(
    async () => {
      const s = await status();
      return s && s.state !== 'reading' ? s : undefined;
    },
    `the deal workflow of ${system} deal ${dealId} (none started: does won.${system} of the sales mapping list "${won}"'s stage value? the intake's log says why it ignored the event)`,
    30_000
  );
  log.webUi(`sales-deal:${deal.orderId}`);
  if (deal.state === 'waiting-for-operator') {
    log.note(`waiting for the operator: ${deal.needs.map((n) => `${n.field} (${n.from}: ${n.problem})`).join('; ')}`);
    // What the operator knows (from the customer): the two fields a sandbox deal may lack.
    const known: Record<string, string> = {
      'integrations.googleDelegation.customer.domain': domain,
      'integrations.googleDelegation.adminEmail': adminEmail,
    };
    const fields: Record<string, string> = {};
    for (const n of deal.needs) {
      const value = known[n.field];
      if (value === undefined) throw new GuideError(`the deal waits for ${n.field}, which the guide cannot supply`);
      fields[n.field] = value;
    }
    log.step(
      '-',
      'operator',
      `onramp sales supply ${system} ${crm.account} ${dealId} ${Object.entries(fields)
        .map(([f, v]) => `--field ${f}=${v}`)
        .join(' ')}`
    );
    if (fields['integrations.googleDelegation.customer.domain'])
      log.note(
        `(${vendor}'s company record has no "domain" field, the one the sandbox mapping reads: the operator gives it)`
      );
    if (fields['integrations.googleDelegation.adminEmail'])
      log.note('(the deal has no contact with the role "Technical admin": the operator asked the customer)');
    deal = await supplySalesFields(ctx.client, system, crm.account, dealId, fields);
  }
  if (!deal.orderWorkflowId && deal.state !== 'order-started' && deal.state !== 'order-completed')
    throw new GuideError(`the deal did not start its order: ${deal.state}${deal.note ? ` (${deal.note})` : ''}`);
  log.note(`order ${deal.orderId} started`);
  log.webUi(deal.orderWorkflowId ?? `order:${deal.orderId}`);

  log.step('3', 'customer admin', 'Security > API controls > Domain-wide delegation > Add new; Authorize');
  await admin(ctx.googleUrl, 'PUT', `/domain-wide-delegation/${ctx.serviceAccount.clientId}`, {
    domain,
    scopes: [...DEFAULT_DELEGATION_SCOPES],
    signedInAs: adminEmail,
  });

  log.step('-', 'Onramp', 'Verify the grant, notify the vendor; the order completes, then the deal workflow');
  deal = await waitUntil(
    async () => {
      const s = await status();
      return s && ['order-completed', 'order-failed', 'cancelled'].includes(s.state) ? s : undefined;
    },
    `order ${deal.orderId} to complete`,
    10 * 60_000
  );
  const order = await getOrderStatus(ctx.client, deal.orderId);
  log.result(
    [
      `order ${deal.orderId}: ${order.state} (${order.integrations.map((i) => `${i.name} ${i.state}`).join(', ')})`,
      `deal workflow sales-deal:${deal.orderId}: ${deal.state}${deal.note ? ` — ${deal.note}` : ''}`,
      ctx.webUiUrl
        ? `Web UI: ${ctx.webUiUrl}/namespaces/${ctx.namespace}/workflows?query=${encodeURIComponent(`WorkflowId STARTS_WITH "sales-deal:${deal.orderId}" OR WorkflowId STARTS_WITH "${deal.orderWorkflowId ?? deal.orderId}"`)}`
        : '',
      `onramp sales status ${system} ${dealId} --account ${crm.account}`,
    ]
      .filter(Boolean)
      .join('\n')
  );
  if (deal.state !== 'order-completed') throw new GuideError(`the order ended ${deal.state}`);
  return { system, dealId, orderId: deal.orderId, deal, order };
}
