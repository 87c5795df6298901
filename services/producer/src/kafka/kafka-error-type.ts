const MAX_DEPTH = 5;

/** The Kafka protocol error type (e.g. MESSAGE_TOO_LARGE) of an error or of what caused it. */
export function kafkaErrorType(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string') return e.type;
  for (const inner of [e.cause, e.originalError, ...(Array.isArray(e.errors) ? (e.errors as unknown[]).slice(0, 1) : [])]) {
    const type = kafkaErrorType(inner, depth + 1);
    if (type !== undefined) return type;
  }
  return undefined;
}
