/**
 * ConnectWise's `conditions` grammar (Developer Guide "Query / conditions", vendor-apis.md C5;
 * docs/vendor-contracts.md): comparisons `= != < <= > >=`, `contains`, `like` (with `*`
 * wildcards), `in (…)` and their `not` forms, grouped with `and` / `or` and parentheses. Values: strings in
 * double quotes (backslash escapes), bare numbers, `true`/`false`, `null`, datetimes in `[brackets]`.
 * Field references use `/` (`company/id`, `_info/lastUpdated`). Keywords and string comparison are
 * case-insensitive, as in ConnectWise. A field the record type does not have is an error, like the real API's
 * 400 (the exact wording of that message is a guess).
 */
export class ConditionsError extends Error {}

type Value = string | number | boolean | null | Date;
type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'in' | 'not in' | 'not like' | 'not contains';
export type Condition =
  | { kind: 'cmp'; field: string; op: Op; values: Value[] }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition };

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'date'; v: Date }
  | { t: 'word'; v: string }
  | { t: 'op'; v: string }
  | { t: '(' | ')' | ',' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new ConditionsError('unterminated string');
        const c = s[i]!;
        if (c === '\\') {
          v += s[i + 1] ?? '';
          i += 2;
        } else if (c === ch) {
          i++;
          break;
        } else {
          v += c;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else if (ch === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new ConditionsError('unterminated date: dates go in [brackets]');
      const raw = s.slice(i + 1, end).trim();
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) throw new ConditionsError(`cannot read date [${raw}]`);
      out.push({ t: 'date', v: d });
      i = end + 1;
    } else if ('(),'.includes(ch)) {
      out.push({ t: ch as '(' | ')' | ',' });
      i++;
    } else if ('=!<>'.includes(ch)) {
      const two = s.slice(i, i + 2);
      if (['!=', '<=', '>=', '<>'].includes(two)) {
        out.push({ t: 'op', v: two === '<>' ? '!=' : two });
        i += 2;
      } else if (ch === '!') {
        throw new ConditionsError(`unexpected "!" at ${i}`);
      } else {
        out.push({ t: 'op', v: ch });
        i++;
      }
    } else if (/[-\d]/.test(ch) && /^-?\d+(\.\d+)?(?![\w/])/.test(s.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(s.slice(i))![0];
      out.push({ t: 'num', v: Number(m) });
      i += m.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(s.slice(i))![0];
      out.push({ t: 'word', v: m });
      i += m.length;
    } else {
      throw new ConditionsError(`unexpected character "${ch}" at ${i}`);
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private isWord(w: string, at = this.i): boolean {
    const t = this.toks[at];
    return t?.t === 'word' && t.v.toLowerCase() === w;
  }
  private expect(t: Token['t']): Token {
    const tok = this.toks[this.i++];
    if (tok?.t !== t) throw new ConditionsError(`expected ${t}`);
    return tok;
  }

  parse(): Condition {
    const c = this.or();
    if (this.i < this.toks.length) throw new ConditionsError('unexpected text after the end of the condition');
    return c;
  }

  private or(): Condition {
    return this.joined('or', () => this.and());
  }

  private and(): Condition {
    return this.joined('and', () => this.unary());
  }

  /** `operand (word operand)*`: one operand as it is, more joined under `word`. */
  private joined(word: 'and' | 'or', operand: () => Condition): Condition {
    const items = [operand()];
    while (this.isWord(word)) {
      this.i++;
      items.push(operand());
    }
    return items.length === 1 ? items[0]! : { kind: word, items };
  }

  private unary(): Condition {
    if (this.isWord('not') && this.toks[this.i + 1]?.t === '(') {
      this.i++;
      return { kind: 'not', item: this.primary() };
    }
    return this.primary();
  }

  private primary(): Condition {
    if (this.peek()?.t === '(') {
      this.i++;
      const c = this.or();
      this.expect(')');
      return c;
    }
    const f = this.expect('word') as { t: 'word'; v: string };
    let op: Op;
    const tok = this.peek();
    if (tok?.t === 'op') {
      op = tok.v as Op;
      this.i++;
    } else if (
      this.isWord('not') &&
      (this.isWord('in', this.i + 1) || this.isWord('like', this.i + 1) || this.isWord('contains', this.i + 1))
    ) {
      op = `not ${(this.toks[this.i + 1] as { v: string }).v.toLowerCase()}` as Op;
      this.i += 2;
    } else if (this.isWord('in') || this.isWord('like') || this.isWord('contains')) {
      op = (tok as { v: string }).v.toLowerCase() as Op;
      this.i++;
    } else {
      throw new ConditionsError(`expected an operator after ${f.v}`);
    }
    if (op === 'in' || op === 'not in') {
      this.expect('(');
      const values: Value[] = [this.value()];
      while (this.peek()?.t === ',') {
        this.i++;
        values.push(this.value());
      }
      this.expect(')');
      return { kind: 'cmp', field: f.v, op, values };
    }
    return { kind: 'cmp', field: f.v, op, values: [this.value()] };
  }

  private value(): Value {
    const tok = this.toks[this.i++];
    if (!tok) throw new ConditionsError('expected a value');
    if (tok.t === 'str' || tok.t === 'num' || tok.t === 'date') return tok.v;
    if (tok.t === 'word') {
      const w = tok.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      throw new ConditionsError(`cannot read value ${tok.v}: strings must be in double quotes`);
    }
    throw new ConditionsError('expected a value');
  }
}

export function parseConditions(s: string): Condition {
  return new Parser(tokenize(s)).parse();
}

/** Every field a condition names (to reject unknown fields like the real API). */
export function fieldsOf(c: Condition): string[] {
  if (c.kind === 'cmp') return [c.field];
  if (c.kind === 'not') return fieldsOf(c.item);
  return c.items.flatMap(fieldsOf);
}

/** Case-insensitive property path lookup (ConnectWise field names are case-insensitive). */
export function getPath(rec: unknown, path: string): unknown {
  let v: unknown = rec;
  for (const seg of path.split('/')) {
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    const key = seg in o ? seg : Object.keys(o).find((k) => k.toLowerCase() === seg.toLowerCase());
    v = key === undefined ? undefined : o[key];
  }
  return v;
}

/** Does `rec` have the field (or, for a nested reference, its parent object)? */
export function hasPath(sample: unknown, path: string, known: readonly string[] = []): boolean {
  if (known.some((k) => k.toLowerCase() === path.toLowerCase())) return true;
  const head = path.split('/')[0]!;
  return (
    !!sample && typeof sample === 'object' && Object.keys(sample).some((k) => k.toLowerCase() === head.toLowerCase())
  );
}

const norm = (v: unknown): unknown => {
  if (typeof v === 'string') {
    // ISO datetimes held as strings compare as dates.
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).getTime();
    return v.toLowerCase();
  }
  if (v instanceof Date) return v.getTime();
  return v ?? null;
};

function compare(a: unknown, b: unknown): number | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

const likeRe = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/%/g, '.*')}$`,
    'is'
  );

export function matches(rec: unknown, c: Condition): boolean {
  if (c.kind === 'and') return c.items.every((x) => matches(rec, x));
  if (c.kind === 'or') return c.items.some((x) => matches(rec, x));
  if (c.kind === 'not') return !matches(rec, c.item);
  return matchCmp(rec, c);
}

function matchCmp(rec: unknown, c: Extract<Condition, { kind: 'cmp' }>): boolean {
  const v = norm(getPath(rec, c.field));
  const vals = c.values.map(norm);
  const first = vals[0];
  switch (c.op) {
    case '=':
      return v === first;
    case '!=':
      return v !== first;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const d = compare(v, first);
      if (d === undefined) return false;
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
    }
    case 'contains':
    case 'not contains': {
      const hit = typeof v === 'string' && typeof first === 'string' && v.includes(first);
      return c.op === 'contains' ? hit : !hit;
    }
    case 'like':
    case 'not like': {
      const raw = getPath(rec, c.field);
      const hit = typeof raw === 'string' && likeRe(String(c.values[0])).test(raw);
      return c.op === 'like' ? hit : !hit;
    }
    case 'in':
      return vals.includes(v);
    case 'not in':
      return !vals.includes(v);
  }
}

/** `orderBy=field [asc|desc], field2 …` → a comparator; unknown fields are an error. */
export function orderByComparator(orderBy: string): (a: unknown, b: unknown) => number {
  const keys = orderBy
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^([A-Za-z_][A-Za-z0-9_/]*)(?:\s+(asc|desc))?$/i.exec(p);
      if (!m) throw new ConditionsError(`cannot parse orderBy "${p}"`);
      return { field: m[1]!, dir: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
    });
  return (a, b) => {
    for (const k of keys) {
      const x = norm(getPath(a, k.field));
      const y = norm(getPath(b, k.field));
      if (x === y) continue;
      if (x === null) return -k.dir;
      if (y === null) return k.dir;
      const d = compare(x, y) ?? (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1);
      if (d !== 0) return d * k.dir;
    }
    return 0;
  };
}
