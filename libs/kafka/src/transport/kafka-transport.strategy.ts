import { KafkaContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumerRunner, type ConsumerRunnerOptions, type RecordContext } from '../consumer/consumer-runner.js';
import { PermanentError } from '../errors/permanent.error.js';
import { CLOUDEVENTS_TYPE_HEADER } from '../kafka.constant.js';
import { headerValue, type KafkaRecord } from '../record/kafka-record.js';

/** Identifies this transport in `@EventPattern(pattern, KAFKA_TRANSPORT_ID)` when an app has several. */
export const KAFKA_TRANSPORT_ID: unique symbol = Symbol('hookline-kafka');

export type KafkaTransportStatus = 'connecting' | 'connected' | 'disconnected' | 'crashed';

export interface KafkaTransportOptions<T = KafkaRecord> extends Omit<ConsumerRunnerOptions<T>, 'handler'> {
  /** The @EventPattern a record is dispatched to. Default: its `ce_type` header (CloudEvents binary mode). */
  patternOf?: (record: KafkaRecord) => string | undefined;
}

type KafkaContextArgs = ConstructorParameters<typeof KafkaContext>[0];

function defaultPatternOf(record: KafkaRecord): string | undefined {
  return headerValue(record.headers, CLOUDEVENTS_TYPE_HEADER);
}

/**
 * A Nest custom transport over ConsumerRunner, so services keep declarative
 * `@EventPattern` handlers and get batches, per-key order, commit-after-work, retries
 * and dead letters. The handler receives the decoded payload (`@Payload()`) and a
 * Nest KafkaContext (`@Ctx()`: message, partition, topic, consumer, heartbeat;
 * `getProducer()` is not provided).
 *
 * Failures: a handler throwing PermanentError dead-letters the record; anything else
 * is retried (Nest turns unknown errors into a generic RPC error, which classifies as
 * transient). A record with no pattern, or a pattern no handler is registered for,
 * is dead-lettered with reason "no handler for pattern X": it would never succeed
 * on this service, and blocking its partition forever is what this transport avoids.
 * Make sure each service's topics carry only event types it handles or deliberately
 * dead-letters.
 */
export class KafkaTransport<T = KafkaRecord>
  extends Server<Record<string, (...args: unknown[]) => unknown>, KafkaTransportStatus>
  implements CustomTransportStrategy
{
  // Handler errors come back to us (awaited) so ConsumerRunner can classify them.
  override readonly propagatesEventHandlerErrors = true;
  override transportId = KAFKA_TRANSPORT_ID;
  private readonly runner: ConsumerRunner<T>;
  private readonly patternOf: (record: KafkaRecord) => string | undefined;

  constructor(options: KafkaTransportOptions<T>) {
    super();
    this.patternOf = options.patternOf ?? defaultPatternOf;
    const { patternOf: _patternOf, ...runnerOptions } = options;
    this.runner = new ConsumerRunner<T>({ ...runnerOptions, handler: (payload, context) => this.dispatch(payload, context) });
  }

  listen(callback: (error?: unknown, ...optionalParams: unknown[]) => void): void {
    this._status$.next('connecting');
    this.runner.consumer.on(this.runner.consumer.events.CRASH, () => this._status$.next('crashed'));
    this.runner.start().then(
      () => {
        this._status$.next('connected');
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this._status$.next('disconnected');
  }

  /** kafkajs consumer instrumentation events, e.g. `consumer.crash`, `consumer.group_join`. */
  on(event: string, callback: (...args: unknown[]) => unknown): () => void {
    return this.runner.consumer.on(event as never, callback);
  }

  unwrap<U>(): U {
    return this.runner.consumer as U;
  }

  private async dispatch(payload: T, context: RecordContext): Promise<void> {
    const { record } = context;
    const pattern = this.patternOf(record);
    const handler = pattern === undefined ? null : this.getHandlerByPattern(pattern);
    if (handler === null) throw new PermanentError(`no handler for pattern ${pattern ?? `(none: header ${CLOUDEVENTS_TYPE_HEADER} missing)`}`);
    const result: unknown = await handler(payload, this.kafkaContext(context));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private kafkaContext({ record, heartbeat, consumer }: RecordContext): KafkaContext {
    const message = {
      key: record.key,
      value: record.value,
      headers: record.headers,
      offset: record.offset,
      timestamp: record.timestamp,
      attributes: 0,
      size: 0,
    };
    const args = [message, record.partition, record.topic, consumer, heartbeat, undefined] as unknown as KafkaContextArgs;
    return new KafkaContext(args);
  }
}
