/**
 * Default filling without zod, for the workflows. The door (intake, CLI, schedules, start helpers) parses
 * every input with the zod schemas, which fill defaults and normalise; a workflow takes that value as it is.
 * Workflows started around the door (tests, recorded histories, `temporal workflow start`) may still leave
 * defaulted fields out, so each workflow fills the same defaults with these pure fillers. They must match
 * the schemas' defaults: test/workflow-input-defaults.test.ts compares them on every recorded history's
 * input and on minimal inputs.
 */
export type Filler = (value: unknown) => unknown;

function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A field with a default: the default when absent, else the value. */
export const value =
  (fallback: unknown): Filler =>
  (v) =>
    v === undefined ? copy(fallback) : v;

/** A field normalised by a pure function when present (e.g. the Google customer ID's "C" prefix). */
export const mapped =
  (f: (s: string) => string): Filler =>
  (v) =>
    typeof v === 'string' ? f(v) : v;

/**
 * An object whose fields have defaults. Absent: stays absent, unless `whenAbsent` is 'fill' (a schema
 * `.default()` equal to its fields' own defaults, e.g. `polling`).
 */
export const object =
  (fields: Record<string, Filler>, whenAbsent: 'leave' | 'fill' = 'leave'): Filler =>
  (v) => {
    if (v === undefined && whenAbsent === 'fill') v = {};
    if (!isRecord(v)) return v;
    const out: Record<string, unknown> = { ...v };
    for (const [key, fill] of Object.entries(fields)) {
      const filled = fill(v[key]);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  };

/** An array whose elements have defaults; `fallback` when absent. */
export const array =
  (each: Filler, fallback?: unknown[]): Filler =>
  (v) =>
    v === undefined ? copy(fallback) : Array.isArray(v) ? v.map(each) : v;

/** The (frozen, V1) shape check every workflow input passes: an object with these fields present. */
export function missingFields(request: unknown, required: readonly string[]): string[] | 'not-an-object' {
  if (!isRecord(request)) return 'not-an-object';
  return required.filter((k) => request[k] === undefined);
}
