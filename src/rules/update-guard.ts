/**
 * How a workflow's own guard for an Update sent around the door (whose schema checks it first) begins:
 * `value` must be an object with none but the `accepted` fields. Gives the object and a problem per unknown
 * field, or no object and the one problem `(input): expected <expected>`.
 */
export function fieldsOf(
  value: unknown,
  accepted: readonly string[],
  expected: string
): { fields?: Record<string, unknown>; problems: string[] } {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { problems: [`(input): expected ${expected}`] };
  const fields = value as Record<string, unknown>;
  const problems = Object.keys(fields)
    .filter((key) => !accepted.includes(key))
    .map((key) => `${key}: unknown field: remove it (accepted here: ${accepted.join(', ')})`);
  return { fields, problems };
}
