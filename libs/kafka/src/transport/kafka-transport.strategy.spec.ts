import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { from, type Observable } from 'rxjs';
import { ensureTopics } from '../admin/ensure-topics.js';
import { deadLetterTopicOf } from '../consumer/dead-letter.publisher.js';
import { PermanentError } from '../errors/permanent.error.js';
import { DLQ_HEADERS } from '../kafka.constant.js';
import { EventProducer } from '../producer/event-producer.js';
import { headerValue, normalizeHeaders } from '../record/kafka-record.js';
import { brokersFromEnv, NO_BROKER_SKIP, pollUntil, readRecords, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { KafkaTransport } from './kafka-transport.strategy.js';

interface SessionEvent {
  sid: string;
  reject?: boolean;
}

const received: Array<{ pattern: string; sid: string; topic: string; partition: number }> = [];

@Controller()
class SessionConsumer {
  // Nest 12 types a string pattern's later parameters as unknown; <string> picks the plain overload so @Ctx() can be typed.
  @EventPattern<string>('session.open')
  async onOpen(@Payload() event: SessionEvent, @Ctx() context: KafkaContext): Promise<void> {
    if (event.reject) throw new PermanentError(`session ${event.sid} rejected`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    received.push({ pattern: 'session.open', sid: event.sid, topic: context.getTopic(), partition: context.getPartition() });
  }

  // Observable-returning handlers are awaited too.
  @EventPattern('session.close')
  onClose(@Payload() event: SessionEvent): Observable<void> {
    return from(
      new Promise<void>((resolve) => {
        received.push({ pattern: 'session.close', sid: event.sid, topic: '', partition: -1 });
        resolve();
      }),
    );
  }
}

@Module({ controllers: [SessionConsumer] })
class TestModule {}

void describe('KafkaTransport in a Nest microservice', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let app: INestMicroservice | undefined;
  let producer: EventProducer | undefined;
  after(async () => {
    await app?.close();
    await producer?.disconnect();
  });

  void it('dispatches records to @EventPattern handlers by ce_type and dead-letters what it cannot handle', async () => {
    const client = testClient();
    const topic = uniqueName('transport');
    await ensureTopics(client, [{ topic, numPartitions: 2 }]);
    producer = new EventProducer({ client });
    const event = (sid: string, type: string, extra: Partial<SessionEvent> = {}) => ({
      topic,
      key: sid,
      value: JSON.stringify({ sid, ...extra }),
      headers: { ce_type: type, ce_specversion: '1.0' },
    });
    await producer.send([
      event('s1', 'session.open'),
      event('s2', 'session.open', { reject: true }),
      event('s3', 'no.such.type'),
      event('s1', 'session.close'),
    ]);

    app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
      logger: false,
      strategy: new KafkaTransport<SessionEvent>({
        client,
        groupId: uniqueName('g-transport'),
        topics: [topic],
        decode: (record) => JSON.parse(record.value!.toString()) as SessionEvent,
      }),
    });
    await app.listen();

    await pollUntil(() => received.length === 2, { what: 'two handled events' });
    assert.deepEqual(
      received.map((r) => `${r.pattern}:${r.sid}`),
      ['session.open:s1', 'session.close:s1'],
      'same key, in order',
    );
    assert.equal(received[0]!.topic, topic, 'the handler got a KafkaContext');
    const dead = await readRecords(client, deadLetterTopicOf(topic), 2);
    const reasons = dead.map((d) => headerValue(normalizeHeaders(d.message.headers), DLQ_HEADERS.reason)).sort();
    assert.deepEqual(reasons, ['no handler for pattern no.such.type', 'session s2 rejected']);
  });
});
