import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEvent,
  dlqTopic,
  encodeEvent,
  getEventContract,
  svixPublicationRecordCodec,
  TOPICS,
  type EventType,
  type GatewayEvent,
} from '@hookline/contracts';
import { DLQ_HEADERS, headerValue } from '@hookline/kafka';
import { InMemoryBroker } from '@hookline/kafka/testing';
import { MetricsRegistry } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import type { RecordStore } from './record-store.service.js';
import { RecordsConsumer } from './records.consumer.js';

const GROUP = 'audit-unit';

function event<T extends EventType>(type: T, subject: string): GatewayEvent<T> {
  const contract = getEventContract(type);
  return buildEvent<T>({ type, data: { ...structuredClone(contract.example), org_id: 'org-1', [contract.keyField]: subject } });
}

/** A store that keeps rows in memory; `failures` fail the next stores, once each. */
class FakeStore {
  readonly rows: Array<{ kind: string; row: unknown }> = [];
  readonly failures: unknown[] = [];

  private store(kind: string, row: unknown): Promise<'stored'> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure instanceof Error ? failure : new Error('send failed', { cause: failure }));
    this.rows.push({ kind, row });
    return Promise.resolve('stored');
  }

  storeEvent(row: unknown): Promise<'stored'> {
    return this.store('event', row);
  }

  storeHookExecution(row: unknown): Promise<'stored'> {
    return this.store('hook-execution', row);
  }

  storePublication(row: unknown): Promise<'stored'> {
    return this.store('publication', row);
  }
}

/** The audit's records handler on the in-memory broker: the same record-processing core as on Kafka. */
function auditOn(broker: InMemoryBroker) {
  const store = new FakeStore();
  const metrics = new AuditMetrics(new MetricsRegistry('audit-unit'));
  const logger = new PinoLogger({});
  Object.defineProperty(logger, 'logger', { value: pino({ level: 'silent' }) });
  const records = new RecordsConsumer(
    undefined as unknown as Kafka,
    { KAFKA_GROUP_ID: GROUP, KAFKA_TOPIC_PARTITIONS: 1, AUDIT_CONSUMER_CONCURRENCY: 4 },
    store as unknown as RecordStore,
    metrics,
    logger,
  );
  const consumer = broker.consumer({ ...records.consumerOptions(), retry: { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 } });
  return { store, metrics, consumer };
}

void describe('RecordsConsumer on the in-memory broker', () => {
  void it('stores a gateway event and a publication record, each once, and commits them', async () => {
    const broker = new InMemoryBroker();
    const { store, consumer } = auditOn(broker);
    await consumer.start();
    const open = event('session.open', 'sid-1');
    const publication = svixPublicationRecordCodec.encode({
      event_id: open.id,
      event_type: open.type,
      event_time: open.time,
      key: 'sid-1',
      sid: 'sid-1',
      org_id: 'org-1',
      connection_name: 'pg-prod',
      svix_app_id: 'app_1',
      svix_message_id: 'msg_1',
      already_published: false,
      published_at: new Date().toISOString(),
    });
    await broker.producer().send([encodeEvent(open), publication]);
    await broker.idle();
    assert.deepEqual(store.rows.map((r) => r.kind).sort(), ['event', 'publication']);
    for (const { row } of store.rows) assert.ok(JSON.stringify(row).includes(open.id), 'each row carries the event id');
    assert.equal(broker.committedOffset(GROUP, TOPICS.gatewaySessions), '1');
    assert.equal(broker.committedOffset(GROUP, TOPICS.svixPublications), '1');
    await consumer.stop();
  });

  void it('retries while the database is down and stores once it is back; a row the database refuses is dead-lettered', async () => {
    const broker = new InMemoryBroker();
    const { store, consumer } = auditOn(broker);
    const first = event('dbroles.job.finished', 'job-1');
    const refused = event('dbroles.job.finished', 'job-2');
    store.failures.push(
      Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }),
    );
    await broker.producer().send(encodeEvent(first));
    await consumer.start();
    await broker.idle();
    assert.equal(store.rows.length, 1, 'stored after two failed tries');
    store.failures.push(Object.assign(new Error('value too long for type character varying(64)'), { code: '22001' }));
    await broker.producer().send(encodeEvent(refused));
    await broker.idle();
    assert.equal(store.rows.length, 1);
    const [dead] = broker.records(dlqTopic(TOPICS.gatewayDbroles));
    assert.match(headerValue(dead!.headers, DLQ_HEADERS.reason) ?? '', /^the database refused the row: value too long/);
    assert.equal(broker.committedOffset(GROUP, TOPICS.gatewayDbroles), '2');
    await consumer.stop();
  });

  void it('hostile input: an undecodable gateway record is skipped and counted; a forged result record is dead-lettered', async () => {
    const broker = new InMemoryBroker();
    const { store, metrics, consumer } = auditOn(broker);
    await consumer.start();
    await broker.producer().send([
      { topic: TOPICS.gatewaySessions, key: 'sid-x', value: '{"not":"a cloud event"' },
      { topic: TOPICS.hookExecutions, key: 'sid-x', value: JSON.stringify({ event_id: "'; DROP TABLE hook_executions; --", outcome: 'owned' }) },
      { topic: TOPICS.svixPublications, key: 'sid-x', value: 'x'.repeat(2 * 1024 * 1024) },
    ]);
    await broker.idle();
    assert.equal(store.rows.length, 0, 'nothing stored');
    const skipped = await metrics.recordsSkipped.get();
    assert.equal(skipped.values.find((v) => v.labels.topic === TOPICS.gatewaySessions)?.value, 1);
    assert.equal(broker.records(dlqTopic(TOPICS.hookExecutions)).length, 1);
    assert.equal(broker.records(dlqTopic(TOPICS.svixPublications)).length, 1);
    assert.equal(broker.committedOffset(GROUP, TOPICS.hookExecutions), '1');
    await consumer.stop();
  });
});
