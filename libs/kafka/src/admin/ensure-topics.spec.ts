import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKafkaClient } from '../client/create-kafka-client.js';
import { silentKafkaLogger } from '../client/kafka-logger.interface.js';
import { brokersFromEnv, NO_BROKER_SKIP, pollUntil, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { checkKafka } from './check-kafka.js';
import { ensureTopics } from './ensure-topics.js';

void describe('ensureTopics and checkKafka on a real broker', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  void it('creates topics with their .dlq, is idempotent, and grows partitions', async () => {
    const client = testClient();
    const topic = uniqueName('provision');
    const first = await ensureTopics(client, [{ topic, numPartitions: 2, configs: { 'retention.ms': '3600000' } }]);
    assert.deepEqual(first.created.sort(), [topic, `${topic}.dlq`].sort());
    const again = await ensureTopics(client, [{ topic, numPartitions: 2 }]);
    assert.deepEqual(again, { created: [], grown: [] });
    const grown = await ensureTopics(client, [{ topic, numPartitions: 4 }]);
    assert.deepEqual(grown.grown.sort(), [topic, `${topic}.dlq`].sort());
    const admin = client.admin();
    await admin.connect();
    try {
      // The broker's metadata follows the controller a moment later (KRaft): a bounded wait
      // for it, not a fixed sleep; a partition count that never reaches 4 still fails.
      const counts = await pollUntil(
        async () => {
          const metadata = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlq`] });
          const found = metadata.topics.map((t) => t.partitions.length);
          return found.every((count) => count === 4) ? found : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: `4 partitions in ${topic} and its .dlq` },
      );
      assert.deepEqual(counts, [4, 4]);
    } finally {
      await admin.disconnect();
    }
  });

  void it('checkKafka reports up for the broker and down, quickly, for a closed port', async () => {
    const up = await checkKafka(testClient());
    assert.equal(up.up, true);
    assert.ok((up.detail.brokers ?? 0) >= 1);
    const down = await checkKafka(createKafkaClient({ brokers: '127.0.0.1:1', clientId: uniqueName('down'), logger: silentKafkaLogger }), 1_000);
    assert.equal(down.up, false);
    assert.ok(down.detail.ms < 1_500, `answered in ${down.detail.ms} ms`);
    assert.ok(down.detail.error);
  });
});
