/** Every path to an object field (not into arrays), down to `depth`: what a test removes one at a time. */
export function fieldPaths(value: unknown, depth = Infinity, at: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth === 0) return [];
  return Object.keys(value).flatMap((k) => [
    [...at, k],
    ...fieldPaths((value as Record<string, unknown>)[k], depth - 1, [...at, k]),
  ]);
}

/** A JSON copy of `value` with the field at `path` removed. */
export function without(value: unknown, path: string[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  delete o[path[path.length - 1]!];
  return copy;
}
