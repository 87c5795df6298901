import { hookExecutionRecordCodec, type EncodedResultRecord, type HookExecutionRecord } from '@hookline/contracts';
import { RESULT_RECORD_MAX_BYTES } from '../kafka/kafka.constant.js';

/**
 * Encodes a run's record so it fits any hookline.hook-executions.v1, even one created
 * elsewhere with Kafka's default 1 MiB max.message.bytes: JSON escaping can make captured
 * output up to six times its bytes, so output text is halved (keeping its byte count and
 * marking it truncated) until the record is small enough. A record Kafka refuses would
 * block the partition for good.
 */
export function encodeFitted(record: HookExecutionRecord, maxBytes = RESULT_RECORD_MAX_BYTES): EncodedResultRecord {
  let current = record;
  for (;;) {
    const encoded = hookExecutionRecordCodec.encode(current);
    if (encoded.value.length <= maxBytes || (current.stdout.text === '' && current.stderr.text === '')) return encoded;
    const longer = current.stdout.text.length >= current.stderr.text.length ? 'stdout' : 'stderr';
    const stream = current[longer];
    current = { ...current, [longer]: { ...stream, text: stream.text.slice(0, Math.floor(stream.text.length / 2)), truncated: true } };
  }
}
