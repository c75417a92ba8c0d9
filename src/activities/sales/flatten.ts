import type { SalesFieldValue } from '../../contract/sales-messages';

/**
 * A vendor record as `SalesDealV1` properties: scalars as text, nested references by dotted path
 * (`company.name`, `Account.Website`), arrays and metadata (`_info`, `attributes`) left out.
 */
export function flatten(record: Record<string, unknown>, prefix = '', depth = 0): Record<string, SalesFieldValue> {
  const out: Record<string, SalesFieldValue> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === '_info' || key === 'attributes' || value === null || value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[path] = String(value);
    else if (!Array.isArray(value) && typeof value === 'object' && depth < 3)
      Object.assign(out, flatten(value as Record<string, unknown>, path, depth + 1));
  }
  return out;
}

/**
 * A company's properties with `domain` filled from its website when the system has no domain field (Salesforce
 * Account `Website`, ConnectWise company `website`), so one mapping line (`company: domain`) reads every system.
 * The system's own `domain` always wins; a website that is not a URL or host gives nothing.
 */
export function withDomain(
  properties: Record<string, SalesFieldValue>,
  websiteField: string
): Record<string, SalesFieldValue> {
  if (properties.domain) return properties;
  const website = properties[websiteField]?.trim();
  if (!website) return properties;
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `https://${website}`).hostname;
    const domain = host.toLowerCase().replace(/^www\./, '');
    return domain.includes('.') ? { ...properties, domain } : properties;
  } catch {
    return properties;
  }
}
