import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConditionsError, fieldsOf, hasPath, matches, orderByComparator, parseConditions } from './conditions';

/**
 * What every ConnectWise API route of the simulator shares: the error body, the `_info` stamp, the generic
 * list (conditions, orderBy, paging, Link header, fields) with its `/count` twin, and JSON Patch.
 */
/** ConnectWise's ErrorResponseMessage: `{code, message, errors: ValidationError[] | null}`. */
export interface CwValidationError {
  code?: string;
  message?: string;
  resource?: string;
  field?: string;
}
export const cwError = (
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  errors: CwValidationError[] | null = null
) => reply.code(status).send({ code, message, errors });

/** A JSON type as the OpenAPI schema declares a field (`object` = a `…Reference` such as `site`, `type`, `company`). */
export type CwJsonType = 'string' | 'number' | 'boolean' | 'object';
const jsonTypeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

/**
 * ConnectWise deserialises a body into the schema's typed model: a field of the wrong JSON type (a `name` sent
 * as an array, a `site` sent as a string) is refused with 400 and the error body, never coerced. `null` is
 * accepted (every field is nullable on the wire; required ones fail as `NullValue`). `undefined` when the
 * body is fine; otherwise the reply was sent.
 */
export function refuseWrongTypes(
  reply: FastifyReply,
  body: unknown,
  resource: string,
  fields: Record<string, CwJsonType>
): FastifyReply | undefined {
  if (jsonTypeOf(body) !== 'object')
    return cwError(reply, 400, 'InvalidObject', `${resource} object is invalid`, [
      { code: 'InvalidObject', message: `The request body must be a ${resource} object.`, resource },
    ]);
  const b = body as Record<string, unknown>;
  const wrong = Object.entries(fields).filter(
    ([f, t]) => b[f] !== undefined && b[f] !== null && jsonTypeOf(b[f]) !== t
  );
  if (!wrong.length) return undefined;
  return cwError(
    reply,
    400,
    'InvalidObject',
    `${resource} object is invalid`,
    wrong.map(([f, t]) => ({
      code: 'InvalidField',
      message: `${f} must be a${t === 'object' ? 'n' : ''} ${t}, not ${jsonTypeOf(b[f])}.`,
      resource,
      field: f,
    }))
  );
}

export const info = (at: string) => ({ lastUpdated: at, updatedBy: 'Onramp-Sim' });

/** `conditions` applied to `records`; undefined when an error was sent. */
export const filter = <T>(
  req: FastifyRequest,
  reply: FastifyReply,
  records: readonly T[],
  known: readonly string[]
) => {
  const q = req.query as Record<string, string | undefined>;
  if (!q.conditions) return [...records];
  try {
    const cond = parseConditions(q.conditions);
    const unknown = fieldsOf(cond).find((f) => !hasPath(records[0], f, known));
    if (unknown && records.length) {
      void cwError(reply, 400, 'InvalidObject', `conditions: unknown field ${unknown}`, [
        { code: 'InvalidField', message: `${unknown} is not a valid field`, field: unknown },
      ]);
      return undefined;
    }
    return records.filter((r) => matches(r, cond));
  } catch (err) {
    if (err instanceof ConditionsError) {
      void cwError(reply, 400, 'InvalidObject', `conditions: ${err.message}`);
      return undefined;
    }
    throw err;
  }
};

/**
 * Generic list: conditions, orderBy (default id), navigable paging (page/pageSize, default 25, max 1,000,
 * RFC 5988 Link first/prev/next/last) or forward-only paging (`pagination-type: forward-only` + pageId:
 * records with id > pageId, Link rel="next" only), and `fields`.
 */
export const list = <T extends { id: number }>(
  req: FastifyRequest,
  reply: FastifyReply,
  records: readonly T[],
  known: readonly string[] = []
) => {
  const q = req.query as Record<string, string | undefined>;
  let rows = filter(req, reply, records, known);
  if (!rows) return reply;
  const forwardOnly =
    String(req.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only' || q.pageId !== undefined;
  if (forwardOnly && q.orderBy)
    return cwError(reply, 400, 'InvalidObject', 'orderBy cannot be used with forward-only pagination');
  try {
    rows.sort(q.orderBy ? orderByComparator(q.orderBy) : (a, b) => a.id - b.id);
  } catch (err) {
    if (err instanceof ConditionsError) return cwError(reply, 400, 'InvalidObject', `orderBy: ${err.message}`);
    throw err;
  }
  const pageSize = Math.min(Math.max(Number(q.pageSize ?? 25) || 25, 1), 1000);
  const link = (params: Record<string, string>) => {
    const u = new URL(req.url, `http://${req.headers.host}`);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  };
  let slice: T[];
  if (forwardOnly) {
    const after = Number(q.pageId ?? 0) || 0;
    rows = rows.filter((r) => r.id > after);
    slice = rows.slice(0, pageSize);
    if (rows.length > pageSize)
      void reply.header(
        'link',
        `<${link({ pageId: String(slice.at(-1)!.id), pageSize: String(pageSize) })}>; rel="next"`
      );
  } else {
    const page = Math.max(Number(q.page ?? 1) || 1, 1);
    const last = Math.max(1, Math.ceil(rows.length / pageSize));
    const at = (p: number) => link({ page: String(p), pageSize: String(pageSize) });
    const rels = [`<${at(1)}>; rel="first"`];
    if (page > 1) rels.push(`<${at(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`);
    rels.push(`<${at(last)}>; rel="last"`);
    void reply.header('link', rels.join(', '));
    slice = rows.slice((page - 1) * pageSize, page * pageSize);
  }
  const fields = q.fields?.split(',').map((f) => f.trim().split('/')[0]!.toLowerCase());
  return fields
    ? slice.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k.toLowerCase()))))
    : slice;
};
export const count = <T>(
  req: FastifyRequest,
  reply: FastifyReply,
  records: readonly T[],
  known: readonly string[] = []
) => {
  const rows = filter(req, reply, records, known);
  return rows ? { count: rows.length } : reply;
};
/** A list route and its `/count` twin; `known` = schema fields a record may lack (still valid in conditions). */
export const listed = <T extends { id: number }>(
  scope: FastifyInstance,
  path: string,
  records: () => readonly T[],
  known: string[] = []
) => {
  scope.get(path, async (req, reply) => list(req, reply, records(), known));
  scope.get(`${path}/count`, async (req, reply) => count(req, reply, records(), known));
};

type Patch = { op: string; path: string; value: unknown }[];
export const applyPatch = (reply: FastifyReply, rec: Record<string, unknown>, patch: unknown, allowed: string[]) => {
  if (!Array.isArray(patch)) return cwError(reply, 400, 'InvalidObject', 'PATCH body must be a JSON Patch array');
  for (const p of patch as Patch) {
    const path = p.path.replace(/^\//, '');
    if (!['replace', 'add'].includes(p.op) || !allowed.includes(path))
      return cwError(reply, 400, 'InvalidObject', `cannot ${p.op} ${p.path}`);
    rec[path] = p.value;
  }
  rec._info = info(new Date().toISOString());
  return rec;
};
