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
import { brokersFromEnv, committedOffset, NO_BROKER_SKIP, pollUntil, readRecords, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { ConsumerRunner, type ConsumerRunnerOptions } from './consumer-runner.js';
import { deadLetterTopicOf } from './dead-letter.publisher.js';
import type { RecordContext } from './record-processor.js';

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
    const r = new ConsumerRunner<T>({ commitIntervalMs: 100, ...options });
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
    const topic = uniqueName('fetch-size');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    // One send each, so each record is its own record batch (the broker never splits one).
    for (let n = 0; n < 30; n += 1) await producer.send({ topic, key: `k${n}`, value: JSON.stringify({ n, pad: 'x'.repeat(400) }) });
    const seen: number[] = [];
    const batchSizes: number[] = [];
    const r = runner<KafkaRecord>({
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
    r.consumer.on(r.consumer.events.END_BATCH_PROCESS, (event) => batchSizes.push(event.payload.batchSize));
    await r.start();
    await pollUntil(() => seen.length >= 30, { timeoutMs: 30_000, what: 'all 30 records' });
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, n) => n),
    );
    // With kafkajs' default 1 MB per partition all 30 (~15 KB) would come in one or two batches.
    assert.ok(batchSizes.length >= 10, `expected many small batches, got ${batchSizes.join(',')}`);
    assert.ok(Math.max(...batchSizes) <= 3, `a batch larger than the limit allows: ${batchSizes.join(',')}`);
  });

  void it('decodes a record only once it has a handler slot, not when it is fetched', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('lazy-decode');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    const decoded: string[] = [];
    const firstRunning = new Deferred();
    const release = new Deferred();
    const handled: string[] = [];
    const r = runner<string>({
      client,
      groupId: uniqueName('g-lazy-decode'),
      topics: [topic],
      keyConcurrency: 1,
      decode: (record) => {
        const value = record.value!.toString();
        decoded.push(value);
        return value;
      },
      handler: async (value) => {
        if (value === 'r0') {
          firstRunning.resolve();
          await release.promise;
        }
        handled.push(value);
      },
    });
    await producer.send(Array.from({ length: 5 }, (_, n) => ({ topic, key: `k${n}`, value: `r${n}` })));
    await r.start();
    await firstRunning.promise;
    // All five are fetched and scheduled; the one slot is taken, so only its record is decoded.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(decoded, ['r0']);
    release.resolve();
    await pollUntil(() => handled.length === 5, { what: 'all five handled' });
    assert.deepEqual([...decoded].sort(), ['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  void it('does not hold a record behind a long handler of another key; commits only the contiguous done offsets', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('hol');
    await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
    const groupId = uniqueName('g-hol');
    const slowStarted = new Deferred();
    const release = new Deferred();
    const handled: string[] = [];
    const r = runner({
      client,
      groupId,
      topics: [topic],
      keyConcurrency: 4,
      handler: async (record: KafkaRecord) => {
        const value = record.value!.toString();
        if (value === 'slow') {
          slowStarted.resolve();
          await release.promise;
        }
        handled.push(value);
      },
    });
    await r.start();
    await producer.send([{ topic, key: 'a', value: 'slow' }]);
    await slowStarted.promise;
    await producer.send([
      { topic, key: 'b', value: 'fast-1' },
      { topic, key: 'a', value: 'after-slow' },
    ]);
    await pollUntil(() => handled.includes('fast-1'), { what: 'a record of another key handled while the long handler runs' });
    assert.ok(!handled.includes('after-slow'), 'the same key waits behind its long handler');
    assert.equal(await committedOffset(client, groupId, topic), '-1', 'nothing is committed past the unfinished first record');
    release.resolve();
    await pollUntil(() => handled.includes('after-slow'), { what: 'the key goes on once its handler is done' });
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '3', { what: 'offset 3 committed' });
    assert.deepEqual(handled, ['fast-1', 'slow', 'after-slow']);
  });

  void it('keeps each key in order while different keys run concurrently, within the bound', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('order');
    await ensureTopics(client, [{ topic, numPartitions: 3, withDeadLetterTopic: false }]);
    const keys = 20;
    const perKey = 25;
    const records = [];
    for (let seq = 0; seq < perKey; seq += 1) {
      for (let k = 0; k < keys; k += 1) records.push({ topic, key: `key-${k}`, value: String(seq) });
    }
    const seen = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    const keyConcurrency = 6;
    const r = runner({
      client,
      groupId: uniqueName('g-order'),
      topics: [topic],
      keyConcurrency,
      maxBufferedPerPartition: 50,
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
    // Sent in several requests so fetches (and pauses at 50 buffered) interleave with the work.
    for (let at = 0; at < records.length; at += 100) await producer.send(records.slice(at, at + 100));
    await pollUntil(() => [...seen.values()].reduce((n, s) => n + s.length, 0) === keys * perKey, { timeoutMs: 30_000, what: 'every record handled' });
    for (const [key, sequence] of seen)
      assert.deepEqual(
        sequence,
        Array.from({ length: perKey }, (_, i) => i),
        `order of ${key}`,
      );
    assert.ok(maxRunning > 1, `keys should overlap (max concurrent ${maxRunning})`);
    assert.ok(maxRunning <= keyConcurrency, `at most ${keyConcurrency} at once (saw ${maxRunning})`);
  });

  void it('retries a transient failure holding its key and the commit; dead-letters a poison record', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('retry');
    await ensureTopics(client, [{ topic, numPartitions: 1 }]);
    await producer.send([
      { topic, key: 'a', value: 'ok-0' },
      { topic, key: 'b', value: 'flaky-1' },
      { topic, key: 'b', value: 'after-flaky-2' },
      { topic, key: 'c', value: 'poison-3' },
      { topic, key: 'd', value: 'ok-4' },
    ]);
    const groupId = uniqueName('g-retry');
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
        if (value.startsWith('poison')) return Promise.reject(new PermanentError('poison record'));
        if (value.startsWith('flaky') && !healed) {
          attempts += 1;
          // An unknown error is retried like a TransientError.
          return Promise.reject(attempts % 2 === 0 ? new TransientError('dependency down') : new Error('unknown failure'));
        }
        handled.push(value);
        return Promise.resolve();
      },
    });
    await r.start();
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '1', { what: 'offset 1 committed' });
    await pollUntil(() => attempts >= 4 && handled.includes('ok-4'), { what: 'failing attempts while other keys go on' });
    assert.equal(await committedOffset(client, groupId, topic), '1');
    assert.ok(!handled.includes('after-flaky-2'), 'the same key waits behind the failing record');
    healed = true;
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '5', { what: 'offset 5 committed' });
    assert.deepEqual(
      handled.filter((v) => v.startsWith('flaky') || v.startsWith('after')),
      ['flaky-1', 'after-flaky-2'],
    );
    const [dead] = await readRecords(client, deadLetterTopicOf(topic), 1);
    assert.equal(dead!.message.value?.toString(), 'poison-3');
    assert.equal(headerValue(normalizeHeaders(dead!.message.headers), DLQ_HEADERS.reason), 'poison record');
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

  void it('stop() lets the stuck handler go at the deadline and does not commit it', async () => {
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
      shutdownTimeoutMs: 500,
      handler: (record: KafkaRecord, context) => {
        if (record.value!.toString() !== 'stuck') return Promise.resolve();
        started.resolve();
        return new Promise<void>((resolve) =>
          context.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        );
      },
    });
    await r.start();
    await started.promise;
    await pollUntil(async () => (await committedOffset(client, groupId, topic)) === '1', { what: 'quick record committed' });
    const t0 = Date.now();
    await r.stop();
    assert.ok(Date.now() - t0 < 5_000);
    assert.ok(aborted, 'the stuck handler saw its abort signal');
    assert.equal(await committedOffset(client, groupId, topic), '1');
  });

  void it('a rebalance mid-work: every record handled at least once, a key never handled twice at the same time', async () => {
    const { client, producer } = setup();
    const topic = uniqueName('rebalance');
    await ensureTopics(client, [{ topic, numPartitions: 4, withDeadLetterTopic: false }]);
    const groupId = uniqueName('g-rebalance');
    const keys = 12;
    const perKey = 20;
    const records = [];
    for (let seq = 0; seq < perKey; seq += 1) {
      for (let k = 0; k < keys; k += 1) records.push({ topic, key: `key-${k}`, value: `${k}:${seq}` });
    }
    const handled = new Set<string>();
    const byMember = { first: 0, second: 0 };
    const runningKeys = new Set<string>();
    let overlaps = 0;
    // A handler that stops when its signal aborts (the contract: its record is re-delivered).
    const handlerOf =
      (member: keyof typeof byMember) =>
      async (record: KafkaRecord, context: RecordContext): Promise<void> => {
        const key = record.key!.toString();
        if (runningKeys.has(key)) overlaps += 1;
        runningKeys.add(key);
        const finished = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), 60);
          context.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve(false);
            },
            { once: true },
          );
        });
        runningKeys.delete(key);
        if (!finished) return;
        handled.add(record.value!.toString());
        byMember[member] += 1;
      };
    const first = runner({
      client,
      groupId,
      topics: [topic],
      keyConcurrency: 4,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      handler: handlerOf('first'),
    });
    await first.start();
    await producer.send(records);
    await pollUntil(() => handled.size >= 20, { what: 'some records handled before the second member joins' });
    const second = runner({
      client,
      groupId,
      topics: [topic],
      keyConcurrency: 4,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      handler: handlerOf('second'),
    });
    await second.start();
    await pollUntil(() => handled.size === keys * perKey, { timeoutMs: 60_000, what: `every record handled (have ${handled.size})` });
    assert.ok(byMember.second > 0, `the rebalance came mid-work: the second member handled ${byMember.second} records`);
    assert.equal(overlaps, 0, 'no key ran on both members at once');
    for (let partition = 0; partition < 4; partition += 1) {
      await pollUntil(async () => Number(await committedOffset(client, groupId, topic, partition)) > 0, {
        timeoutMs: 20_000,
        what: `partition ${partition} committed`,
      });
    }
  });
});
