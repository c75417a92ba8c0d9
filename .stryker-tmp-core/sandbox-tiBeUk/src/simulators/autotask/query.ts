// @ts-nocheck
import type { EntityDef } from './catalog';

/**
 * Autotask's REST query language as the simulator evaluates it (Autotask developer help "Making basic
 * query calls to the REST API" and "Advanced query features of the REST API"; Swagger `QueryModel`,
 * `Filter`). Operators: eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in,
 * notIn; groups: and / or with `items`; `udf: true` filters a user-defined field; `IncludeFields`;
 * `MaxRecords` (1-500).
 *
 * Errors as the live service answers them (docs are silent; [community] observations):
 * - an unknown field: HTTP 500 `{"errors":["Unable to find <field> in the <Entity> Entity"]}`
 *   (WYRE-AI/autotask-mcp PR #282, verified against a live tenant);
 * - an unknown operator (e.g. `ne`): the clause is silently dropped and the query answers as if it were
 *   not there (WYRE-AI/autotask-mcp PR #211 / issue #193, verified live: `ne` returned every status).
 * - more than 500 OR conditions: "Invalid query syntax. Queries are limited to 500 or fewer 'OR'
 *   conditions." (SOAP thresholds page; the status code, 500, is a guess).
 * String comparisons ignore case (SQL Server's default collation: a guess).
 */
export interface Filter {
  op?: string;
  field?: string;
  value?: unknown;
  udf?: boolean;
  items?: Filter[];
}

export class QueryError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

const OPERATORS = new Set([
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginswith',
  'endswith',
  'contains',
  'exist',
  'notexist',
  'in',
  'notin',
]);

/** Read a body key whatever its case (ASP.NET model binding ignores case: `filter` or `Filter`). */
export function key<T>(obj: Record<string, unknown> | undefined, name: string): T | undefined {
  if (!obj) return undefined;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : (obj[k] as T);
}

/** "Tickets" -> "Ticket", "Companies" -> "Company": how Autotask names the entity in its messages. */
export function singular(entity: string): string {
  if (/ies$/i.test(entity)) return `${entity.slice(0, -3)}y`;
  return entity.replace(/s$/i, '');
}

function valueOf(item: Record<string, unknown>, field: string, udf: boolean): unknown {
  if (udf) {
    const udfs = (item.userDefinedFields as { name: string; value: unknown }[] | undefined) ?? [];
    return udfs.find((u) => u.name.toLowerCase() === field.toLowerCase())?.value ?? null;
  }
  const k = Object.keys(item).find((x) => x.toLowerCase() === field.toLowerCase());
  return k === undefined ? null : item[k];
}

function compare(a: unknown, b: unknown): number {
  const na = typeof a === 'number' ? a : Number(a);
  const nb = typeof b === 'number' ? b : Number(b);
  if (a !== null && a !== '' && b !== null && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const da = Date.parse(String(a));
  const db = Date.parse(String(b));
  if (typeof a === 'string' && typeof b === 'string' && !Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return text(a).toLowerCase().localeCompare(text(b).toLowerCase());
}

/** Scalars as text; objects as JSON (field values are scalars; a filter value may be anything). */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '';
}
const eq = (a: unknown, b: unknown) => a !== null && a !== undefined && text(a).toLowerCase() === text(b).toLowerCase();
const str = (v: unknown) => text(v).toLowerCase();

export interface Query {
  filter: Filter[];
  includeFields?: string[];
  maxRecords: number;
}

/** Parse and check a query body against the entity's fields; throws QueryError like the service does. */
export function parseQuery(body: unknown, entity: EntityDef, udfNames: string[]): Query {
  const b = (body ?? {}) as Record<string, unknown>;
  const filter = key<Filter[]>(b, 'filter') ?? [];
  if (!Array.isArray(filter)) throw new QueryError(500, 'Filter must be an array.');
  let ors = 0;
  const fieldNames = new Set(entity.fields.map((f) => f.name.toLowerCase()));
  const udfs = new Set(udfNames.map((n) => n.toLowerCase()));
  const check = (f: Filter) => {
    const op = String(key(f as Record<string, unknown>, 'op') ?? '').toLowerCase();
    const items = key<Filter[]>(f as Record<string, unknown>, 'items');
    if (op === 'and' || op === 'or') {
      if (op === 'or') ors += (items ?? []).length;
      for (const i of items ?? []) check(i);
      return;
    }
    if (!OPERATORS.has(op)) return; // dropped silently, as the live service does
    const field = String(key(f as Record<string, unknown>, 'field') ?? '');
    const udf = key<boolean>(f as Record<string, unknown>, 'udf') === true;
    if (udf ? !udfs.has(field.toLowerCase()) : !fieldNames.has(field.toLowerCase()))
      throw new QueryError(500, `Unable to find ${field} in the ${singular(entity.name)} Entity`);
  };
  for (const f of filter) check(f);
  if (ors > 500)
    throw new QueryError(500, "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.");
  const includeFields = key<string[]>(b, 'includeFields');
  for (const name of includeFields ?? []) {
    if (!fieldNames.has(String(name).toLowerCase()))
      throw new QueryError(500, `Unable to find ${name} in the ${singular(entity.name)} Entity`);
  }
  const max = Number(key(b, 'maxRecords') ?? 500);
  return {
    filter,
    includeFields: includeFields?.length ? includeFields : undefined,
    // MaxRecords is 1-500 (Advanced query features); out of range is clamped: a guess.
    maxRecords: Math.min(500, Math.max(1, Number.isFinite(max) ? max : 500)),
  };
}

export function matches(item: Record<string, unknown>, f: Filter): boolean {
  const r = f as Record<string, unknown>;
  const op = String(key(r, 'op') ?? '').toLowerCase();
  const items = key<Filter[]>(r, 'items') ?? [];
  if (op === 'and') return items.every((i) => matches(item, i));
  if (op === 'or') return items.length === 0 || items.some((i) => matches(item, i));
  const v = valueOf(item, String(key(r, 'field') ?? ''), key<boolean>(r, 'udf') === true);
  const want = key<unknown>(r, 'value');
  switch (op) {
    case 'eq':
      return eq(v, want);
    case 'noteq':
      return !eq(v, want);
    case 'gt':
      return v !== null && compare(v, want) > 0;
    case 'gte':
      return v !== null && compare(v, want) >= 0;
    case 'lt':
      return v !== null && compare(v, want) < 0;
    case 'lte':
      return v !== null && compare(v, want) <= 0;
    case 'beginswith':
      return v !== null && str(v).startsWith(str(want));
    case 'endswith':
      return v !== null && str(v).endsWith(str(want));
    case 'contains':
      return v !== null && str(v).includes(str(want));
    case 'exist':
      return v !== null && v !== undefined;
    case 'notexist':
      return v === null || v === undefined;
    case 'in':
      return Array.isArray(want) && want.some((w) => eq(v, w));
    case 'notin':
      return Array.isArray(want) && !want.some((w) => eq(v, w));
    default:
      return true; // unknown operator: dropped
  }
}

/** Run a parsed query: filter (top-level items are ANDed), cap, and project `IncludeFields`. */
export function runQuery(items: Record<string, unknown>[], q: Query): Record<string, unknown>[] {
  const matched = items
    .filter((it) => q.filter.every((f) => matches(it, f)))
    .sort((a, b) => Number(a.id) - Number(b.id))
    .slice(0, q.maxRecords);
  if (!q.includeFields) return matched;
  const wanted = q.includeFields.map((f) => f.toLowerCase());
  return matched.map((it) => Object.fromEntries(Object.entries(it).filter(([k]) => wanted.includes(k.toLowerCase()))));
}

export function countQuery(items: Record<string, unknown>[], q: Query): number {
  return items.filter((it) => q.filter.every((f) => matches(it, f))).length;
}
