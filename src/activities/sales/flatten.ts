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
