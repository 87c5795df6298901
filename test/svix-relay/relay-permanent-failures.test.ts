// Records the relay can never publish correctly are dead-lettered with the reason, at once, and
// the records behind them go on: an empty Kafka key, a key that cannot be put in the publication
// record, and a session.close claiming another org than its session.open was seen under (published
// under the close's org, it would reach that org's endpoints).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dlqTopic, encodeEvent, TOPICS } from '@hookline/contracts';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import { DLQ_HEADERS, type EventProducer } from '@hookline/kafka';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '../support/poll-until.js';
import {
  api, brokersFromEnv, connectGatewayKafka, makeEvent, newProducer, NO_BROKER_SKIP, produceEvents, readDeadLetter, relayEnv, startGroupAtEnd, startRelay, uniqueId,
  type RunningRelay,
} from './relay-harness.js';

describe('svix-relay: permanent failures are dead-lettered, not retried', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let standIn: SvixStandIn;
  let database: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  let raw: Producer;
  let relay: RunningRelay;
  const orgId = uniqueId('org');
  const otherOrg = uniqueId('org-other');
  const connection = uniqueId('conn');

  before(async () => {
    standIn = await SvixStandIn.start({ deliver: false });
    database = await createTestDatabase('relay_permanent');
    ({ kafka, admin } = await connectGatewayKafka());
    const groupId = uniqueId('relay-permanent');
    await startGroupAtEnd(kafka, admin, groupId);
    producer = newProducer(kafka);
    raw = kafka.producer();
    await raw.connect();
    relay = await startRelay(relayEnv(standIn, database.url, groupId));
    for (const org of [orgId, otherOrg]) assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${org}/${connection}`)).status, 200);
  });

  after(async () => {
    await relay?.close();
    await raw?.disconnect();
    await producer?.disconnect();
    await admin?.disconnect();
    await database?.drop();
    await standIn?.close();
  });

  async function dlqOffsets(): Promise<Map<number, string>> {
    const offsets = await admin.fetchTopicOffsets(dlqTopic(TOPICS.gatewaySessions)).catch(() => []);
    return new Map(offsets.map((offset) => [offset.partition, offset.offset]));
  }

  /** The event as the gateway topic carries it, under a key of our choosing (a forged or broken producer). */
  async function produceWithKey(event: ReturnType<typeof makeEvent>, key: string): Promise<void> {
    const encoded = encodeEvent(event);
    await raw.send({ topic: encoded.topic, messages: [{ key, value: encoded.value, headers: encoded.headers }] });
  }

  it('dead-letters a record with an empty key at once, with the reason; nothing reaches Svix and the next record goes on', async () => {
    const broken = makeEvent('session.open', { orgId, subject: uniqueId('sid'), connection });
    const next = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    const from = await dlqOffsets();
    await produceWithKey(broken, '');
    const dead = await readDeadLetter(kafka, broken.id, from);
    assert.match(dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '', /came with an empty Kafka key; not published/);
    await produceEvents(producer, [next]);
    await pollUntil(() => standIn.messages(orgId).some((message) => message.eventId === next.id), { timeoutMs: 15_000, what: 'the next record published' });
    assert.ok(!standIn.messages(orgId).some((message) => message.eventId === broken.id), 'checked before Svix was asked: no message for it');
  });

  it('dead-letters a publication whose record cannot be encoded (Svix answered an id longer than the record holds), not retried', async () => {
    const event = makeEvent('session.open', { orgId, subject: uniqueId('sid'), connection });
    const next = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    const longId = `msg_${'x'.repeat(300)}`;
    standIn.injectFault({
      status: 200,
      method: 'POST',
      path: /\/api\/v1\/app\/[^/]+\/msg$/,
      body: { id: longId, eventType: event.type, eventId: event.id, payload: {}, timestamp: new Date().toISOString(), channels: null },
    });
    const from = await dlqOffsets();
    await produceEvents(producer, [event]);
    const dead = await readDeadLetter(kafka, event.id, from);
    assert.match(dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '', /publication record of event .* cannot be encoded \(.*svix_message_id.*\); published to Svix as msg_x+, not recorded/);
    await produceEvents(producer, [next]);
    await pollUntil(() => standIn.messages(orgId).some((message) => message.eventId === next.id), { timeoutMs: 15_000, what: 'the next record published' });
    // A retry would have published it for real (the fault answered once).
    assert.ok(!standIn.messages(orgId).some((message) => message.eventId === event.id), 'not retried');
  });

  it("dead-letters a session.close whose org differs from its session.open's, and publishes it under neither", async () => {
    const sid = uniqueId('sid');
    const open = makeEvent('session.open', { orgId, subject: sid, connection });
    await produceEvents(producer, [open]);
    await pollUntil(() => standIn.messages(orgId).some((message) => message.eventId === open.id), { timeoutMs: 15_000, what: 'the open published' });
    const from = await dlqOffsets();
    const forged = makeEvent('session.close', { orgId: otherOrg, subject: sid });
    const genuine = makeEvent('session.close', { orgId, subject: sid });
    await produceEvents(producer, [forged, genuine]);
    const dead = await readDeadLetter(kafka, forged.id, from);
    assert.match(dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '', new RegExp(`session.close .* names org ${otherOrg}, but its session.open was seen under another org; not published`));
    await pollUntil(() => standIn.messages(orgId).some((message) => message.eventId === genuine.id), { timeoutMs: 15_000, what: 'the genuine close published' });
    assert.ok(!standIn.messages(otherOrg).some((message) => message.eventId === forged.id), "not published under the close's org");
    assert.ok(!standIn.messages(orgId).some((message) => message.eventId === forged.id), "nor under the open's");
  });
});
