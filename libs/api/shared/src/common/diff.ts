/**
 * The fields that differ between two snapshots of an entity, as `{field: {before, after}}`, for the
 * audit trail. Dates compare by value; timestamps that change on every write are ignored.
 */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  ignore: readonly string[] = ['updatedAt', 'createdAt'],
): Record<string, { before: unknown; after: unknown }> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const diff: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of keys) {
    if (ignore.includes(key)) continue;
    const a = normalize(before?.[key]);
    const b = normalize(after?.[key]);
    if (JSON.stringify(a) !== JSON.stringify(b)) diff[key] = { before: a ?? null, after: b ?? null };
  }
  return diff;
}

function normalize(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
