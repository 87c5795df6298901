/** PostgreSQL text and jsonb cannot hold NUL: a hook or a webhook carrying one must still be recorded, so it becomes U+FFFD. */
export function pgText<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
}

/** pgText on every string (keys too) of a parsed JSON value. */
export function pgJson(value: unknown): unknown {
  if (typeof value === 'string') return pgText(value);
  if (Array.isArray(value)) return value.map(pgJson);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [pgText(key), pgJson(item)]));
  return value;
}
