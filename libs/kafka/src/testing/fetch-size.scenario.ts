import assert from 'node:assert/strict';
import type { Consumer, Kafka } from 'kafkajs';
import { ensureTopics } from '../admin/ensure-topics.js';
import type { ConsumerRunnerOptions } from '../consumer/consumer-runner.js';
import type { EventProducer } from '../producer/event-producer.js';
import type { KafkaRecord } from '../record/kafka-record.js';
import { pollUntil, uniqueName } from './kafka-test-env.js';

/** What both consumer runners offer that the scenario drives. */
interface StartableRunner {
  readonly consumer: Consumer;
  start(): Promise<void>;
}

/**
 * Shared by both runners' specs: maxBytes / maxBytesPerPartition reach kafkajs, so a
 * partition comes in several small batches, and every record is still processed once.
 */
export async function assertFetchSizesReachKafkajs(
  client: Kafka,
  producer: EventProducer,
  makeRunner: (options: Pick<ConsumerRunnerOptions<KafkaRecord>, 'client' | 'groupId' | 'topics' | 'maxBytes' | 'maxBytesPerPartition' | 'handler'>) => StartableRunner,
): Promise<void> {
  const topic = uniqueName('fetch-size');
  await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
  // One send each, so each record is its own record batch (the broker never splits one).
  for (let n = 0; n < 30; n += 1) await producer.send({ topic, key: `k${n}`, value: JSON.stringify({ n, pad: 'x'.repeat(400) }) });
  const seen: number[] = [];
  const batchSizes: number[] = [];
  const runner = makeRunner({
    client,
    groupId: uniqueName('fetch-size-group'),
    topics: [topic],
    maxBytes: 2_048,
    maxBytesPerPartition: 1_024,
    handler: (record) => {
      seen.push((JSON.parse(record.value!.toString('utf8')) as { n: number }).n);
      return Promise.resolve();
    },
  });
  runner.consumer.on(runner.consumer.events.END_BATCH_PROCESS, (event) => batchSizes.push(event.payload.batchSize));
  await runner.start();
  await pollUntil(() => seen.length >= 30, { timeoutMs: 30_000, what: 'all 30 records' });
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 30 }, (_, n) => n));
  // With kafkajs' default 1 MB per partition all 30 (~15 KB) would come in one or two batches.
  assert.ok(batchSizes.length >= 10, `expected many small batches, got ${batchSizes.join(',')}`);
  assert.ok(Math.max(...batchSizes) <= 3, `a batch larger than the limit allows: ${batchSizes.join(',')}`);
}
