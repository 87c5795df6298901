import type { ProduceRecord } from '../record/kafka-record.js';

/** What handlers and dead letters need of a producer: EventProducer, or the in-memory broker's. */
export interface RecordSender {
  /** Resolves once every record is acknowledged. */
  send(records: ProduceRecord | readonly ProduceRecord[]): Promise<void>;
}
