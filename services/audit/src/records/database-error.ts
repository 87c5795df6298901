const MAX_DEPTH = 4;

/** SQLSTATE of a driver error or of what caused it (drizzle wraps driver errors). */
export function sqlState(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return sqlState(cause, depth + 1);
}

/**
 * Errors a row's content causes (class 22 data exception, 23 integrity violation): the
 * same row would fail again, unlike a lost connection or a database that is down.
 */
export function isRowError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}
