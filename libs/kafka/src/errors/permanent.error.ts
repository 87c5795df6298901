import { RpcException } from '@nestjs/microservices';

/**
 * Processing this record can never succeed (bad payload, rejected for good): the
 * consumer dead-letters it and moves on.
 *
 * It is an RpcException whose `getError()` is itself, so Nest's RPC exception filter
 * hands the very instance back to the KafkaTransport instead of a generic
 * "Internal server error" object, and the classification survives @EventPattern handlers.
 */
export class PermanentError extends RpcException {
  override readonly name = 'PermanentError';
  readonly kind = 'permanent' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  override getError(): this {
    return this;
  }
}
