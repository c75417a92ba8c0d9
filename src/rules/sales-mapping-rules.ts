/**
 * The declarative sales mapping (one YAML file per deployment, src/domain/sales-mapping-schema.ts validates it)
 * and the pure function that turns a deal read from a sales system into an order request. Zod-free: the
 * workflow, the activities and the plan mode share it. It never throws on a deal: what the deal lacks is
 * returned as `needs`, each naming the order's field and where the mapping looks for it.
 */
import type { IntegrationName, OrderRequestV1 } from '../contract/customer-onboarding-messages';
import type { SalesFieldNeedV1 } from '../contract/sales-deal-messages';
import type { SalesDealV1, SalesSystem } from '../contract/sales-messages';

/** `slug`: lower-case letters, digits and dashes (a customer ID from a company name); `lowercase`. */
export type SalesTransformV1 = 'slug' | 'lowercase';

/** Where one order field comes from. */
export type SalesFieldSourceV1 =
  | { deal: string; transform?: SalesTransformV1 }
  | { company: string; transform?: SalesTransformV1 }
  | { contact: { role: string; field: string }; transform?: SalesTransformV1 }
  | { constant: unknown };

export interface SalesProductV1 {
  /** The SKU of a line item (HubSpot `hs_sku`, Salesforce ProductCode, ConnectWise product identifier). */
  sku: string;
  /** The integrations a deal selling it needs. */
  integrations: IntegrationName[];
  /** The Autotask vendor profile (config/vendor-profiles*.yaml) the autotask integration uses. */
  vendorProfile?: string;
}

export interface SalesMappingV1 {
  /** Per system, the stage values (internal names) that mean "won". */
  won: Partial<Record<SalesSystem, string[]>>;
  products: SalesProductV1[];
  /** Order fields outside the integrations, by path: `customer.id`, `customer.name`. */
  order: Partial<Record<'customer.id' | 'customer.name', SalesFieldSourceV1>>;
  /** Per integration, its fields by path relative to `integrations.<name>`; used only when a product selects it. */
  integrations: Partial<Record<IntegrationName, Record<string, SalesFieldSourceV1>>>;
}

/** The longest order ID the order schema takes (src/domain/customer-onboarding-schema.ts ORDER_ID_MAX). */
const ORDER_ID_MAX = 64;

/** FNV-1a, 32 bits, hex: a stable short digest without node:crypto (workflows use this file). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** One deal → one order ID: `hubspot-<portal>-<deal>`; characters an order ID refuses become `_`; long ones end in a digest. */
export function salesOrderId(system: SalesSystem, account: string, dealId: string): string {
  const raw = `${system}-${account}-${dealId}`;
  const safe = raw.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe.length <= ORDER_ID_MAX) return safe;
  return `${safe.slice(0, ORDER_ID_MAX - 9)}-${fnv1a(raw)}`;
}

/** The deal workflow's ID: one per deal, whatever event or redelivery arrives first. */
export function salesDealWorkflowId(system: SalesSystem, account: string, dealId: string): string {
  return `sales-deal:${salesOrderId(system, account, dealId)}`;
}

export function isWonStage(
  mapping: Pick<SalesMappingV1, 'won'>,
  system: SalesSystem,
  stage: string | undefined
): boolean {
  return stage !== undefined && (mapping.won[system] ?? []).includes(stage);
}

/** Where a source reads, in the operator's words. */
export function describeSource(source: SalesFieldSourceV1): string {
  if ('deal' in source) return `deal property ${source.deal}`;
  if ('company' in source) return `company field ${source.company}`;
  if ('contact' in source) return `contact with role "${source.contact.role}", field ${source.contact.field}`;
  return 'a constant of the mapping';
}

function transformed(value: string, transform: SalesTransformV1 | undefined): string {
  if (transform === 'lowercase') return value.toLowerCase();
  if (transform === 'slug')
    return (
      value
        .toLowerCase()
        .normalize('NFKD')
        // NFKD splits "é" into "e" and a combining accent: drop the accent, keep the letter (Café → cafe).
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
    );
  return value;
}

function contactField(c: SalesDealV1['contacts'][number], field: string): string | undefined {
  return field === 'email' ? (c.email ?? c.properties.email) : c.properties[field];
}

/** The value a source gives for this deal; undefined when the deal does not have it (empty text counts as absent). */
export function readSource(deal: SalesDealV1, source: SalesFieldSourceV1): unknown {
  let value: unknown;
  if ('constant' in source) return source.constant;
  if ('deal' in source)
    value = source.deal === 'dealname' ? (deal.properties.dealname ?? deal.name) : deal.properties[source.deal];
  else if ('company' in source)
    value =
      source.company === 'name'
        ? (deal.company?.properties.name ?? deal.company?.name)
        : deal.company?.properties[source.company];
  else {
    const { role, field } = source.contact;
    const contact = deal.contacts.find((c) => c.role?.toLowerCase() === role.toLowerCase());
    value = contact ? contactField(contact, field) : undefined;
  }
  if (typeof value !== 'string' || !value.trim()) return undefined;
  return transformed(value.trim(), 'transform' in source ? source.transform : undefined);
}

/** Set `a.b.c` in an object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' && !Array.isArray(next) ? next : (node[key] = {})) as Record<
      string,
      unknown
    >;
  }
  node[keys[keys.length - 1]!] = value;
}

/** The integrations the deal's line items select, in the mapping's product order, each once. */
export function selectedIntegrations(deal: SalesDealV1, mapping: SalesMappingV1): IntegrationName[] {
  const skus = new Set(deal.lineItems.map((l) => l.sku?.trim()).filter((s): s is string => !!s));
  const out: IntegrationName[] = [];
  for (const p of mapping.products)
    if (skus.has(p.sku)) for (const i of p.integrations) if (!out.includes(i)) out.push(i);
  return out;
}

export interface SalesMapResult {
  won: boolean;
  orderId: string;
  integrations: IntegrationName[];
  request: OrderRequestV1;
  needs: SalesFieldNeedV1[];
}

/**
 * Deal + mapping (+ what the operator supplied, by order path) → the order request and what it still needs.
 * A supplied value wins over the deal's; a field neither gives is a need naming the field and its source.
 */
export function mapSalesDeal(
  deal: SalesDealV1,
  mapping: SalesMappingV1,
  supplied: Readonly<Record<string, string>> = {}
): SalesMapResult {
  const orderId = salesOrderId(deal.system, deal.account, deal.dealId);
  const integrations = selectedIntegrations(deal, mapping);
  const sold = new Set(deal.lineItems.map((l) => l.sku?.trim()));
  const request: Record<string, unknown> = { orderId, integrations: {} };
  const needs: SalesFieldNeedV1[] = [];
  const fill = (path: string, source: SalesFieldSourceV1) => {
    const value = supplied[path] ?? readSource(deal, source);
    if (value === undefined)
      needs.push({ field: path, from: describeSource(source), problem: 'the deal has no value' });
    else setPath(request, path, value);
  };
  for (const [path, source] of Object.entries(mapping.order)) if (source) fill(path, source);
  if (!integrations.length) {
    const sold = deal.lineItems.map((l) => l.sku ?? `(${l.name ?? l.id}, no SKU)`).join(', ') || 'none';
    needs.push({
      field: 'integrations',
      from: 'line items',
      problem: `no line item has a SKU of the mapping's products (${mapping.products.map((p) => p.sku).join(', ')}); the deal sells: ${sold}`,
    });
  }
  for (const name of integrations) {
    setPath(request, `integrations.${name}`, {});
    for (const [path, source] of Object.entries(mapping.integrations[name] ?? {}))
      fill(`integrations.${name}.${path}`, source);
    // The profile of a product this deal sells: another product of the mapping selling the same integration
    // with a different profile must not lend it its own.
    const profile = mapping.products.find(
      (p) => p.vendorProfile && p.integrations.includes(name) && name === 'autotask' && sold.has(p.sku)
    );
    if (profile?.vendorProfile) setPath(request, `integrations.${name}.vendorProfile`, profile.vendorProfile);
  }
  return {
    won: isWonStage(mapping, deal.system, deal.stage),
    orderId,
    integrations,
    request: request as unknown as OrderRequestV1,
    needs,
  };
}

/**
 * What an operator may supply now: the fields of `needs` (an absent value, or one the order refused). Returns
 * the problems of `fields`, each naming the field (empty: acceptable).
 */
export function suppliedFieldProblems(
  needs: readonly SalesFieldNeedV1[],
  fields: Readonly<Record<string, unknown>>
): string[] {
  const open = needs.map((n) => n.field).filter((f) => f !== 'integrations');
  const problems: string[] = [];
  if (!Object.keys(fields).length)
    problems.push(`fields: give at least one of ${open.join(', ') || '(nothing is missing)'}`);
  for (const [field, value] of Object.entries(fields)) {
    if (!open.includes(field))
      problems.push(`${field}: is not a field this deal waits for; it waits for ${open.join(', ') || 'nothing'}`);
    else if (typeof value !== 'string' || !value.trim() || value.length > 500)
      problems.push(`${field}: give the value as non-empty text (at most 500 characters)`);
  }
  return problems;
}
