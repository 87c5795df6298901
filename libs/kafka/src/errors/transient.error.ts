import { RpcException } from '@nestjs/microservices';

/**
 * Processing failed for a reason that may go away (a dependency is down or
 * throttling): the consumer retries the record with backoff, holding its key and its
 * partition's commit position. Unknown errors are treated the same way.
 *
 * An RpcException returning itself from `getError()` for the same reason as PermanentError.
 */
export class TransientError extends RpcException {
  override readonly name = 'TransientError';
  readonly kind = 'transient' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  override getError(): this {
    return this;
  }
}
