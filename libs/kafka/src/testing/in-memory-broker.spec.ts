import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../errors/permanent.error.js';
import { TransientError } from '../errors/transient.error.js';
import { DLQ_HEADERS } from '../kafka.constant.js';
import { headerValue, type KafkaRecord } from '../record/kafka-record.js';
import { InMemoryBroker } from './in-memory-broker.js';

// The record-processing core without a broker: the same steps the kafkajs runner takes.
void describe('InMemoryBroker', () => {
  void it('keeps each key in order, retries a transient failure holding its key and the commit, dead-letters a permanent one', async () => {
    const broker = new InMemoryBroker();
    const handled: string[] = [];
    let flaky = 2;
    const settled: string[] = [];
    const consumer = broker.consumer<KafkaRecord>({
      groupId: 'g',
      topics: ['t'],
      keyConcurrency: 3,
      retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0 },
      observer: { recordSettled: ({ outcome, attempts }) => settled.push(`${outcome}:${attempts}`) },
      handler: async (record) => {
        const value = record.value!.toString();
        if (value === 'b1' && flaky-- > 0) throw new TransientError('down');
        if (value === 'poison') throw new PermanentError('never');
        await new Promise((resolve) => setTimeout(resolve, value.startsWith('a') ? 3 : 0));
        handled.push(value);
      },
    });
    await consumer.start();
    await broker.producer().send([
      { topic: 't', key: 'a', value: 'a1' },
      { topic: 't', key: 'b', value: 'b1' },
      { topic: 't', key: 'a', value: 'a2' },
      { topic: 't', key: 'b', value: 'b2' },
      { topic: 't', key: 'c', value: 'poison' },
    ]);
    await broker.idle();
    assert.deepEqual(
      handled.filter((v) => v.startsWith('a')),
      ['a1', 'a2'],
    );
    assert.deepEqual(
      handled.filter((v) => v.startsWith('b')),
      ['b1', 'b2'],
    );
    assert.equal(broker.committedOffset('g', 't'), '5');
    const [dead] = broker.records('t.dlq');
    assert.equal(headerValue(dead!.headers, DLQ_HEADERS.reason), 'never');
    assert.ok(settled.includes('processed:3') && settled.includes('dead-lettered:1'), settled.join(','));
    await consumer.stop();
  });

  void it('a new consumer of the group starts at its committed offset; an undecodable record is dead-lettered', async () => {
    const broker = new InMemoryBroker();
    const seen: number[] = [];
    const options = {
      groupId: 'g',
      topics: ['t'],
      decode: (record: KafkaRecord) => JSON.parse(record.value!.toString()) as number,
      handler: (n: number) => {
        seen.push(n);
        return Promise.resolve();
      },
    };
    const first = broker.consumer(options);
    await first.start();
    await broker.producer().send([
      { topic: 't', value: '1' },
      { topic: 't', value: '{' },
    ]);
    await broker.idle();
    await first.stop();
    await broker.producer().send({ topic: 't', value: '3' });
    const second = broker.consumer(options);
    await second.start();
    await broker.idle();
    assert.deepEqual(seen, [1, 3]);
    assert.match(headerValue(broker.records('t.dlq')[0]!.headers, DLQ_HEADERS.reason) ?? '', /^undecodable record: /);
    await second.stop();
  });
});
