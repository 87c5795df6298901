/**
 * Processing failed for a reason that may go away (a dependency is down or
 * throttling): the consumer retries the record with backoff, holding its key and its
 * partition's commit position. Unknown errors are treated the same way.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  readonly kind = 'transient' as const;
}
