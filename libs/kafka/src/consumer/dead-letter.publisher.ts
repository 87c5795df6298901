import type { RecordSender } from '../producer/record-sender.interface.js';
import { DLQ_HEADERS, DLQ_REASON_MAX_LENGTH, DLQ_TOPIC_SUFFIX } from '../kafka.constant.js';
import type { KafkaRecord } from '../record/kafka-record.js';

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DLQ_TOPIC_SUFFIX}`;
}

/** Copies a record as it was (key, value, headers) to `<topic>.dlq`, with why and where from. */
export class DeadLetterPublisher {
  constructor(private readonly producer: RecordSender) {}

  async publish(record: KafkaRecord, reason: string, failedAt: Date = new Date()): Promise<void> {
    const headers: Record<string, Buffer | Buffer[]> = { ...record.headers };
    headers[DLQ_HEADERS.reason] = Buffer.from(reason.slice(0, DLQ_REASON_MAX_LENGTH), 'utf8');
    headers[DLQ_HEADERS.sourceTopic] = Buffer.from(record.topic, 'utf8');
    headers[DLQ_HEADERS.sourcePartition] = Buffer.from(String(record.partition), 'utf8');
    headers[DLQ_HEADERS.sourceOffset] = Buffer.from(record.offset, 'utf8');
    headers[DLQ_HEADERS.failedAt] = Buffer.from(failedAt.toISOString(), 'utf8');
    await this.producer.send({ topic: deadLetterTopicOf(record.topic), key: record.key, value: record.value, headers });
  }
}
