import type { EventDataMap } from './event-contracts.registry.js';
import type { EventType } from './event-types.constant.js';

/**
 * A validated event (CloudEvents attributes + data). Distributive over T, so checking
 * `event.type` narrows `event.data`.
 */
export type GatewayEvent<T extends EventType = EventType> = {
  [K in T]: {
    /** ce_id: the gateway's own id when it sent one, otherwise a UUIDv7. */
    readonly id: string;
    readonly type: K;
    /** ce_source. */
    readonly source: string;
    /** ce_time, ISO 8601 with timezone. */
    readonly time: string;
    /** ce_subject and Kafka key: the sid, or the job id for dbroles. */
    readonly subject: string;
    readonly data: EventDataMap[K];
  };
}[T];

/** The HTTP ingest shape: what the gateway POSTs for one event. */
export interface IngestEventInput<T extends EventType = EventType> {
  type: T;
  id?: string;
  time?: string;
  source?: string;
  data: EventDataMap[T];
}
