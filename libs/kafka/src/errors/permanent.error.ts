/**
 * Processing this record can never succeed (bad payload, rejected for good): the
 * consumer dead-letters it and moves on.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly kind = 'permanent' as const;
}
