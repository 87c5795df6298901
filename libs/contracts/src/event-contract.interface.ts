import type { z } from 'zod';
import type { GatewayTopic } from './topics.constant.js';

/** Everything hookline knows about one event type, defined once in its *.contract.ts. */
export interface EventContract<T extends string, D> {
  readonly type: T;
  readonly topic: GatewayTopic;
  readonly description: string;
  /** The data schema; strict objects, no coercion. */
  readonly schema: z.ZodType<D>;
  /** A realistic event data that validates (used by docs, Svix event types and tests). */
  readonly example: D;
  /** Name of the data field that is the Kafka key and ce_subject. */
  readonly keyField: string;
  /** Kafka key and ce_subject of an event: events with the same key are processed in order. */
  readonly key: (data: D) => string;
}
