import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '../admin/ensure-topics.js';
import { PermanentError } from '../errors/permanent.error.js';
import { TransientError } from '../errors/transient.error.js';
import { DLQ_HEADERS } from '../kafka.constant.js';
import { EventProducer } from '../producer/event-producer.js';
import { headerValue, normalizeHeaders, type KafkaRecord } from '../record/kafka-record.js';
import { Deferred } from '../testing/deferred.js';
import { assertFetchSizesReachKafkajs } from '../testing/fetch-size.scenario.js';
import { brokersFromEnv, committedOffset, NO_BROKER_SKIP, pollUntil, readRecords, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { ConsumerRunner, type ConsumerRunnerOptions } from './consumer-runner.js';
import { deadLetterTopicOf } from './dead-letter.publisher.js';

void describe('ConsumerRunner on a real broker', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  function setup(): { client: Kafka; producer: EventProducer } {
    const client = testClient();
    const producer = new EventProducer({ client });
    cleanups.push(() => producer.disconnect());
    return { client, producer };
  }

  function runner<T>(options: ConsumerRunnerOptions<T>): ConsumerRunner<T> {
    const r = new ConsumerRunner<T>({ pacemakerIntervalMs: 200, commitIntervalMs: 100, ...options });
    cleanups.push(() => r.stop());
    return r;
  }

  void it('dead-letters a poison record and an undecodable one, with reason and source, and goes on', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('poison');
    await ensureTopics(client, [{ topic, numPartitions: 1 }]);
    await producer.send([
      { topic, key: 'a', value: JSON.stringify({ n: 1 }) },
      { topic, key: 'a', value: JSON.stringify({ n: 2, poison: true }), headers: { ce_type: 'session.open' } },
      { topic, key: 'a', value: 'this is not json' },
      { topic, key: 'a', value: JSON.stringify({ n: 4 }) },
    ]);
    const processed: number[] = [];
    const groupId = uniqueName('g-poison');
    const r = runner<{ n: number; poison?: boolean }>({
      client,
      groupId,
      topics: [topic],
      decode: (record) => JSON.parse(record.value!.toString()) as { n: number; poison?: boolean },
      handler: (event) => {
        if (event.poison) return Promise.reject(new PermanentError(`poison record ${event.n}`));
        processed.push(event.n);
        return Promise.resolve();
      },
    });
    await r.start();
    await pollUntil(() => processed.length === 2, { what: 'both good records processed' });
    assert.deepEqual(processed, [1, 4]);

    const dead = await readRecords(client, deadLetterTopicOf(topic), 2);
    const byOffset = new Map(dead.map(({ message }) => [headerValue(normalizeHeaders(message.headers), DLQ_HEADERS.sourceOffset), message]));
    const poison = byOffset.get('1');
    const undecodable = byOffset.get('2');
    assert.ok(poison && undecodable, 'dead letters carry their source offsets 1 and 2');
    const poisonHeaders = normalizeHeaders(poison.headers);
    assert.equal(headerValue(poisonHeaders, DLQ_HEADERS.reason), 'poison record 2');
    assert.equal(headerValue(poisonHeaders, DLQ_HEADERS.sourceTopic), topic);
    assert.equal(headerValue(poisonHeaders, DLQ_HEADERS.sourcePartition), '0');
    assert.ok(!Number.isNaN(Date.parse(headerValue(poisonHeaders, DLQ_HEADERS.failedAt) ?? '')));
    assert.equal(headerValue(poisonHeaders, 'ce_type'), 'session.open', 'original headers are kept');
    assert.equal(poison.key?.toString(), 'a');
    assert.equal(poison.value?.toString(), JSON.stringify({ n: 2, poison: true }));
    assert.match(headerValue(normalizeHeaders(undecodable.headers), DLQ_HEADERS.reason) ?? '', /^undecodable record: .*JSON/);
    assert.equal(undecodable.value?.toString(), 'this is not json');
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '4', { what: 'offset 4 committed' });
  });

  void it('passes maxBytesPerPartition to kafkajs: a partition is fetched in several small batches, every record processed once', async () => {
    const { client, producer } = setup();
    await assertFetchSizesReachKafkajs(client, producer, (options) => runner<KafkaRecord>(options));
  });

  void it('keeps each key in order while different keys run concurrently', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('order');
    await ensureTopics(client, [{ topic, numPartitions: 3, withDeadLetterTopic: false }]);
    const keys = 20;
    const perKey = 25;
    const records = [];
    for (let seq = 0; seq < perKey; seq += 1) {
      for (let k = 0; k < keys; k += 1) records.push({ topic, key: `key-${k}`, value: String(seq) });
    }
    await producer.send(records);

    const seen = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    const keyConcurrency = 6;
    const r = runner({
      client,
      groupId: uniqueName('g-order'),
      topics: [topic],
      keyConcurrency,
      handler: async (record: KafkaRecord) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
        const key = record.key!.toString();
        seen.set(key, [...(seen.get(key) ?? []), Number(record.value!.toString())]);
        running -= 1;
      },
    });
    await r.start();
    await pollUntil(() => [...seen.values()].reduce((n, s) => n + s.length, 0) === keys * perKey, { timeoutMs: 30_000, what: 'every record handled' });
    assert.equal(seen.size, keys);
    for (const [key, sequence] of seen) assert.deepEqual(sequence, Array.from({ length: perKey }, (_, i) => i), `order of ${key}`);
    assert.ok(maxRunning > 1, `keys should overlap (max concurrent ${maxRunning})`);
    assert.ok(maxRunning <= keyConcurrency, `at most ${keyConcurrency} at once (saw ${maxRunning})`);
  });

  void it('retries a transiently failing record without committing past it, then commits', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('transient');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    await producer.send([
      { topic, key: 'a', value: 'ok-0' },
      { topic, key: 'b', value: 'flaky-1' },
      { topic, key: 'b', value: 'after-flaky-2' },
      { topic, key: 'c', value: 'ok-3' },
    ]);
    const groupId = uniqueName('g-transient');
    let attempts = 0;
    let healed = false;
    const handled: string[] = [];
    const r = runner({
      client,
      groupId,
      topics: [topic],
      retry: { initialDelayMs: 50, maxDelayMs: 200, factor: 2, jitter: 0.1 },
      handler: (record: KafkaRecord) => {
        const value = record.value!.toString();
        if (value.startsWith('flaky') && !healed) {
          attempts += 1;
          return Promise.reject(attempts % 2 === 0 ? new TransientError('dependency down') : new Error('unknown failure'));
        }
        handled.push(value);
        return Promise.resolve();
      },
    });
    await r.start();
    // Records before the failing one are committed; the failing one holds the partition.
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '1', { what: 'offset 1 committed' });
    await pollUntil(() => attempts >= 5, { what: '5 failed attempts' });
    assert.equal(await committedOffset(client, groupId, topic), '1', 'nothing past the failing record is committed while it fails');
    assert.ok(!handled.includes('after-flaky-2'), 'the same key waits behind the failing record');
    assert.ok(handled.includes('ok-3'), 'other keys go on');
    healed = true;
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '4', { what: 'offset 4 committed after success' });
    assert.deepEqual(handled.filter((v) => v.startsWith('flaky') || v.startsWith('after')), ['flaky-1', 'after-flaky-2']);
  });

  void it('heartbeats through a handler longer than the session timeout: no rebalance, processed once', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('long');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    await producer.send([{ topic, key: 'a', value: 'slow' }]);
    const groupId = uniqueName('g-long');
    let calls = 0;
    // The broker's minimum session timeout (group.min.session.timeout.ms) is 6 s.
    const sessionTimeoutMs = 6_000;
    const r = runner({
      client,
      groupId,
      topics: [topic],
      sessionTimeoutMs,
      heartbeatIntervalMs: 1_000,
      handler: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, sessionTimeoutMs * 1.5));
      },
    });
    let joins = 0;
    r.consumer.on(r.consumer.events.GROUP_JOIN, () => {
      joins += 1;
    });
    await r.start();
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '1', { timeoutMs: 30_000, what: 'slow record committed' });
    assert.equal(calls, 1, 'the slow record ran once');
    assert.equal(joins, 1, 'the group never rebalanced');
  });

  void it('stop() abandons a stuck handler within the deadline and does not commit it', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('stop');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    await producer.send([
      { topic, key: 'a', value: 'quick' },
      { topic, key: 'b', value: 'stuck' },
    ]);
    const groupId = uniqueName('g-stop');
    const started = new Deferred();
    let aborted = false;
    const r = new ConsumerRunner({
      client,
      groupId,
      topics: [topic],
      commitIntervalMs: 50,
      pacemakerIntervalMs: 100,
      shutdownTimeoutMs: 500,
      handler: (record: KafkaRecord, context) => {
        if (record.value!.toString() !== 'stuck') return Promise.resolve();
        started.resolve();
        return new Promise<void>((resolve) => context.signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        }));
      },
    });
    await r.start();
    await started.promise;
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '1', { what: 'quick record committed' });
    const t0 = Date.now();
    await r.stop();
    const took = Date.now() - t0;
    assert.ok(took < 5_000, `stop took ${took} ms`);
    assert.ok(aborted, 'the stuck handler saw its abort signal');
    assert.equal(await committedOffset(client, groupId, topic), '1', 'the abandoned record is not committed');
  });
});
