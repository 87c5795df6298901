import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEvent,
  decodeEvent,
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
import type { PinoLogger } from 'nestjs-pino';
import { ApiException } from 'svix';
import type { PluginConnections } from '../plugins/plugin-connections.service.js';
import { CONSUMED_TOPICS, PUBLICATIONS_TOPIC } from '../relay.constant.js';
import { RelayMetrics } from './relay.metrics.js';
import { RelayService } from './relay.service.js';
import type { SessionConnections } from './session-connections.service.js';
import type { SvixPublisher } from './svix-publisher.service.js';

const silent = {
  setContext: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as PinoLogger;

function event<T extends EventType>(type: T, sid: string, data: Record<string, unknown> = {}): GatewayEvent<T> {
  const contract = getEventContract(type);
  return buildEvent<T>({ type, data: { ...structuredClone(contract.example), org_id: 'org-1', [contract.keyField]: sid, ...data } });
}

type Publish = SvixPublisher['publish'];

/**
 * The relay's handler on the in-memory broker (no Kafka, no Svix, no database): the same
 * record-processing core as the service's consumer, so retries, dead letters and per-key
 * order are those of production; the broker tests cover Kafka itself.
 */
function relayOn(broker: InMemoryBroker, publish: Publish, options: { pluginEnabled?: boolean } = {}) {
  const sessions = new Map<string, { orgId: string; connectionName: string }>();
  const fakeSessions = {
    remember: (sid: string, orgId: string, connectionName: string) => {
      sessions.set(sid, { orgId, connectionName });
      return Promise.resolve();
    },
    connectionOf: (sid: string) => Promise.resolve(sessions.get(sid)),
  } as unknown as SessionConnections;
  const plugins = { isEnabled: () => options.pluginEnabled ?? true } as unknown as PluginConnections;
  const relay = new RelayService(
    plugins,
    fakeSessions,
    { publish } as unknown as SvixPublisher,
    broker.producer(),
    new RelayMetrics(new MetricsRegistry('relay-unit')),
    silent,
  );
  const consumer = broker.consumer<GatewayEvent>({
    groupId: 'relay',
    topics: CONSUMED_TOPICS,
    decode: (record) => decodeEvent(record),
    handler: async (e, context) => {
      await relay.relay(e, context.record.key?.toString('utf8') ?? e.subject, context.signal, context.settleAfter);
    },
    retry: { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 },
  });
  return consumer;
}

function published(broker: InMemoryBroker): Array<{ event_id: string; svix_message_id: string }> {
  return broker.records(PUBLICATIONS_TOPIC).map((record) => svixPublicationRecordCodec.decode(record.value));
}

void describe('RelayService on the in-memory broker', () => {
  void it('publishes each event once and records the publication under its key; commits past it', async () => {
    const broker = new InMemoryBroker();
    const calls: string[] = [];
    const consumer = relayOn(broker, (message) => {
      calls.push(message.eventId);
      return Promise.resolve({ appId: 'app_1', messageId: `msg_${message.eventId}`, alreadyPublished: false, seconds: 0.001 });
    });
    await consumer.start();
    const open = event('session.open', 'sid-1');
    const close = event('session.close', 'sid-1');
    await broker.producer().send([encodeEvent(open), encodeEvent(close)]);
    await broker.idle();
    assert.deepEqual(calls, [open.id, close.id], 'a session is published in order');
    assert.deepEqual(
      published(broker).map((p) => [p.event_id, p.svix_message_id]),
      [
        [open.id, `msg_${open.id}`],
        [close.id, `msg_${close.id}`],
      ],
    );
    assert.equal(broker.records(PUBLICATIONS_TOPIC)[0]!.key?.toString(), 'sid-1');
    assert.equal(broker.committedOffset('relay', TOPICS.gatewaySessions), '2');
    await consumer.stop();
  });

  void it('retries a Svix 503, then publishes; a Svix 400 is dead-lettered with its reason', async () => {
    const broker = new InMemoryBroker();
    const good = event('dbroles.job.finished', 'job-1');
    const refused = event('dbroles.job.finished', 'job-2');
    let goodCalls = 0;
    const consumer = relayOn(broker, (message) => {
      if (message.eventId === refused.id) return Promise.reject(new ApiException(400, { code: 'invalid', detail: 'payload refused' }, new Headers()));
      goodCalls += 1;
      if (goodCalls === 1) return Promise.reject(new ApiException(503, { code: 'unavailable', detail: 'try later' }, new Headers()));
      return Promise.resolve({ appId: 'app_1', messageId: 'msg_1', alreadyPublished: goodCalls > 2, seconds: 0.001 });
    });
    await broker.producer().send([encodeEvent(good), encodeEvent(refused)]);
    await consumer.start();
    await broker.idle();
    assert.equal(published(broker).length, 1, 'the good event is recorded once');
    assert.equal(goodCalls, 2, 'a 503 is retried');
    const [dead] = broker.records(dlqTopic(TOPICS.gatewayDbroles));
    assert.equal(dead?.value?.toString(), encodeEvent(refused).value.toString());
    assert.match(headerValue(dead.headers, DLQ_HEADERS.reason) ?? '', /Svix answered 400.*not published/);
    assert.equal(broker.committedOffset('relay', TOPICS.gatewayDbroles), '2');
    await consumer.stop();
  });

  void it('a publication whose record cannot be written is retried whole, and recorded once it can', async () => {
    const broker = new InMemoryBroker();
    const e = event('dbroles.job.finished', 'job-3');
    let calls = 0;
    const consumer = relayOn(broker, () => {
      calls += 1;
      return Promise.resolve({ appId: 'app_1', messageId: 'msg_3', alreadyPublished: calls > 1, seconds: 0.001 });
    });
    await broker.producer().send(encodeEvent(e));
    broker.failNextSends.push(new Error('Kafka unreachable'));
    await consumer.start();
    await broker.idle();
    assert.equal(calls, 2, 'published again after the record failed (the same idempotency key makes the same message)');
    assert.deepEqual(
      published(broker).map((p) => p.event_id),
      [e.id],
    );
    await consumer.stop();
  });

  void it('a session.close naming another org than its session.open is dead-lettered, not published; a disabled plugin filters', async () => {
    const broker = new InMemoryBroker();
    const calls: string[] = [];
    const consumer = relayOn(broker, (message) => {
      calls.push(message.eventId);
      return Promise.resolve({ appId: 'app_1', messageId: 'msg', alreadyPublished: false, seconds: 0.001 });
    });
    const open = event('session.open', 'sid-9');
    const forged = event('session.close', 'sid-9', { org_id: 'org-2' });
    await consumer.start();
    await broker.producer().send([encodeEvent(open), encodeEvent(forged)]);
    await broker.idle();
    assert.deepEqual(calls, [open.id], 'the forged close is not published');
    const [dead] = broker.records(dlqTopic(TOPICS.gatewaySessions));
    assert.match(headerValue(dead!.headers, DLQ_HEADERS.reason) ?? '', /names org org-2, but its session.open was seen under another org/);
    await consumer.stop();

    const filtering = new InMemoryBroker();
    const none: string[] = [];
    const off = relayOn(
      filtering,
      (message) => {
        none.push(message.eventId);
        return Promise.resolve({ appId: 'app_1', messageId: 'msg', alreadyPublished: false, seconds: 0.001 });
      },
      { pluginEnabled: false },
    );
    await off.start();
    await filtering.producer().send(encodeEvent(event('session.open', 'sid-10')));
    await filtering.idle();
    assert.deepEqual(none, []);
    assert.equal(filtering.committedOffset('relay', TOPICS.gatewaySessions), '1', 'a filtered event is done');
    await off.stop();
  });
});
