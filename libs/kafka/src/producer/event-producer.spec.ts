import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ensureTopics } from '../admin/ensure-topics.js';
import { createKafkaClient } from '../client/create-kafka-client.js';
import { silentKafkaLogger } from '../client/kafka-logger.interface.js';
import { KafkaUnavailableError } from '../errors/kafka-unavailable.error.js';
import { brokersFromEnv, NO_BROKER_SKIP, readRecords, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { EventProducer } from './event-producer.js';
import type { SendOutcome } from './producer-observer.interface.js';

void describe('EventProducer without a reachable broker', () => {
  void it('rejects send and connect with KafkaUnavailableError within sendTimeoutMs', async () => {
    // Port 1 is closed: connections are refused.
    const client = createKafkaClient({ brokers: '127.0.0.1:1', clientId: uniqueName('down'), logger: silentKafkaLogger, logLevel: 'nothing' });
    const sendTimeoutMs = 1_500;
    const outcomes: SendOutcome[] = [];
    const producer = new EventProducer({ client, sendTimeoutMs, observer: { sendSettled: (e) => outcomes.push(e.outcome) } });
    const t0 = Date.now();
    await assert.rejects(producer.send({ topic: 'anything', value: 'x' }), KafkaUnavailableError);
    const took = Date.now() - t0;
    assert.ok(took <= sendTimeoutMs + 500, `send failed after ${took} ms`);
    await assert.rejects(producer.connect(), KafkaUnavailableError);
    assert.ok(Date.now() - t0 <= 2 * sendTimeoutMs + 1_000);
    assert.deepEqual(outcomes, ['unavailable']);
    await producer.disconnect();
  });
});

void describe('EventProducer on a real broker', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  const producers: EventProducer[] = [];
  after(async () => {
    for (const p of producers) await p.disconnect();
  });

  void it('coalesces concurrent sends into few produce requests and every record is written', async () => {
    const client = testClient();
    const topic = uniqueName('coalesce');
    await ensureTopics(client, [{ topic, numPartitions: 3, withDeadLetterTopic: false }]);
    const batches: number[] = [];
    const producer = new EventProducer({ client, lingerMs: 5, observer: { batchSettled: (e) => batches.push(e.sends) } });
    producers.push(producer);
    await producer.connect();
    const sends = 300;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: sends }, (_, i) => producer.send({ topic, key: `sid-${i % 17}`, value: `event-${i}`, headers: { ce_type: 'session.open' } })),
    );
    const ms = performance.now() - t0;
    assert.equal(producer.stats.sends, sends);
    assert.ok(producer.stats.batches < sends / 10, `${producer.stats.batches} sendBatch calls for ${sends} sends`);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      sends,
      'every send was in exactly one acknowledged batch',
    );
    const read = await readRecords(client, topic, sends);
    assert.deepEqual(read.map((r) => r.message.value!.toString()).sort(), Array.from({ length: sends }, (_, i) => `event-${i}`).sort());
    console.log(`# ${sends} concurrent sends: ${producer.stats.batches} batches, ${ms.toFixed(0)} ms`);
  });

  void it('linger counts from the oldest waiting send, also behind a batch in flight', async () => {
    const client = testClient();
    const topic = uniqueName('linger');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    const batches: number[] = [];
    const later: Promise<void>[] = [];
    let laterSent: () => void = () => undefined;
    const bothSent = new Promise<void>((resolve) => (laterSent = resolve));
    const producer: EventProducer = new EventProducer({
      client,
      lingerMs: 60,
      observer: {
        batchSettled: (e) => {
          batches.push(e.sends);
          if (batches.length !== 1) return;
          // While the first batch is still in flight: one send now, one 10 ms later. Both
          // are well inside one linger, so they must share a produce request rather than
          // the first leaving alone the moment the first batch is acknowledged.
          later.push(producer.send({ topic, value: 'second' }));
          setTimeout(() => {
            later.push(producer.send({ topic, value: 'third' }));
            laterSent();
          }, 10);
        },
      },
    });
    producers.push(producer);
    await producer.send({ topic, value: 'first' });
    await bothSent;
    await Promise.all(later);
    assert.deepEqual(batches, [1, 2], 'the two later sends went in one produce request');
    const read = await readRecords(client, topic, 3);
    assert.deepEqual(read.map((r) => r.message.value!.toString()).sort(), ['first', 'second', 'third']);
  });

  void it('fails only the caller whose record Kafka rejects, not the others sharing its batch', async () => {
    const client = testClient();
    const topic = uniqueName('isolate');
    // max.message.bytes small enough that one big record is refused for good.
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false, configs: { 'max.message.bytes': '10000' } }]);
    const producer = new EventProducer({ client, lingerMs: 20 });
    producers.push(producer);
    await producer.connect();
    const results = await Promise.allSettled([
      producer.send({ topic, value: 'small-1' }),
      producer.send({ topic, value: 'x'.repeat(50_000) }),
      producer.send({ topic, value: 'small-2' }),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    const big = results[1];
    assert.ok(big.status === 'rejected', 'the oversized record is rejected');
    assert.ok(!(big.reason instanceof KafkaUnavailableError), 'a rejected record is not "unavailable"');
    assert.equal(results[2].status, 'fulfilled');
    const read = await readRecords(client, topic, 2);
    assert.deepEqual(read.map((r) => r.message.value!.toString()).sort(), ['small-1', 'small-2']);
  });
});
