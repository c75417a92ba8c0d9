/**
 * The subset of ConnectWise's `conditions` syntax Onramp uses (vendor-apis.md C5): `field = value`,
 * `!=`, `in (...)`, `like "a*"`, joined by AND; strings in double quotes, numbers bare, True/False,
 * references with `/` (`company/id`). String comparison is case-insensitive, as in ConnectWise.
 */
export class ConditionsError extends Error {}

type Value = string | number | boolean;
type Clause = { field: string; op: '=' | '!=' | 'in' | 'like'; values: Value[] };

function splitAnd(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (s[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && /^\s+and\s+/i.test(s.slice(i)) && /\s/.test(ch)) {
      parts.push(cur);
      cur = '';
      i += (/^\s+and\s+/i.exec(s.slice(i))?.[0].length ?? 1) - 1;
      continue;
    }
    cur += ch;
  }
  if (quoted) throw new ConditionsError('unterminated string');
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseValue(raw: string): Value {
  const t = raw.trim();
  if (/^".*"$/s.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  throw new ConditionsError(`cannot read value ${t}: strings must be in double quotes`);
}

function parseList(raw: string): Value[] {
  const inner = raw.trim().replace(/^\(/, '').replace(/\)$/, '');
  const out: Value[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (inner[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(parseValue(cur));
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(parseValue(cur));
  return out;
}

export function parseConditions(s: string): Clause[] {
  return splitAnd(s).map((c) => {
    const m = /^([A-Za-z_][A-Za-z0-9_/]*)\s*(!=|=|\s+in\s+|\s+like\s+)\s*(.+)$/is.exec(c);
    if (!m) throw new ConditionsError(`cannot parse condition "${c}"`);
    const op = m[2]!.trim().toLowerCase() as Clause['op'];
    const values = op === 'in' ? parseList(m[3]!) : [parseValue(m[3]!)];
    return { field: m[1]!, op, values };
  });
}

function get(rec: unknown, path: string): unknown {
  let v: unknown = rec;
  for (const seg of path.split('/')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

export function matches(rec: unknown, clauses: Clause[]): boolean {
  return clauses.every((c) => {
    const v = norm(get(rec, c.field));
    const vals = c.values.map(norm);
    switch (c.op) {
      case '=':
        return v === vals[0];
      case '!=':
        return v !== vals[0];
      case 'in':
        return vals.includes(v);
      case 'like': {
        const re = new RegExp(
          `^${String(vals[0])
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')}$`,
          'i'
        );
        return typeof v === 'string' && re.test(v);
      }
    }
  });
}
